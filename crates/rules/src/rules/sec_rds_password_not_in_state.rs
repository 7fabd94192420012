//! MBD-SEC-003: the RDS master password is not stored in Terraform state.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::PasswordSource;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-003",
        name: "rds-password-not-in-state",
        title: "The RDS master password must not be set through `password` (it lands in Terraform state)",
        severity: Severity::Medium,
        section: "§2 Access Control › Database Credentials; §6 Terraform Security",
        rationale: "The document defines `metabase_db_password` in terraform.tfvars and passes it to RDS. Marked \
                    sensitive or not, a `password` argument is stored in plain text in the state file. RDS can manage \
                    the password in Secrets Manager itself, and rotate it.",
        remediation: "Set `manage_master_user_password = true` (and drop `password`), or use the write-only \
                      `password_wo` with `password_wo_version` so the value never reaches state.",
        applies: Applies::Everywhere,
        bad_example: r#"
variable "metabase_db_password" {
  type      = string
  sensitive = true
}
resource "aws_db_instance" "metabase" {
  engine   = "postgres"
  password = var.metabase_db_password
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  engine                      = "postgres"
  manage_master_user_password = true
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for db in &ctx.d.db_instances {
        if let PasswordSource::InState { loc, sensitive } = &db.password {
            let how = if *sensitive {
                "sensitive, but still stored in plain text in the state"
            } else {
                "a plain value, shown in plans and stored in state"
            };
            ctx.fail(&db.meta.address, loc, format!("the master password is set with `password`: {how}"));
        }
    }
}
