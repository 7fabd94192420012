//! MBD-OUT-001: outputs exposing endpoints or secrets are sensitive.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-OUT-001",
        name: "sensitive-outputs",
        title: "Outputs that expose database endpoints, secrets or passwords must be `sensitive = true`",
        severity: Severity::Medium,
        section: "§3 Data Protection › Sensitive Outputs; §6 Terraform Security",
        rationale: "The document marks `rds_endpoint` sensitive so that it is not printed by `terraform apply` and \
                    `terraform output` into terminals and CI logs.",
        remediation: "Add `sensitive = true` to the output; read it deliberately with `terraform output -raw NAME`.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
resource "aws_db_instance" "metabase" {}
output "rds_endpoint" {
  value = aws_db_instance.metabase.endpoint
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {}
output "rds_endpoint" {
  value     = aws_db_instance.metabase.endpoint
  sensitive = true
}
"#,
    },
    check,
};

const NAME_MARKERS: &[&str] = &[
    "endpoint",
    "db_address",
    "database_address",
    "rds",
    "password",
    "secret",
    "credential",
    "token",
    "private_key",
    "connection",
];
const REFERENCE_MARKERS: &[&str] =
    &["aws_db_instance.", "aws_rds_cluster.", "aws_secretsmanager_", "master_user_secret", "password"];

fn check(ctx: &mut Ctx) {
    for o in &ctx.d.outputs {
        if o.sensitive {
            continue;
        }
        let short = o.name.rsplit('.').next().unwrap_or(&o.name).to_ascii_lowercase();
        let by_name =
            NAME_MARKERS.iter().any(|m| short.contains(m)) && !short.ends_with("_url") && !short.contains("alb");
        let by_reference = o
            .references
            .iter()
            .any(|r| REFERENCE_MARKERS.iter().any(|m| r.contains(m)) && !r.ends_with(".id") && !r.ends_with(".port"));
        if by_name || by_reference {
            ctx.fail(
                &format!("output.{}", o.name),
                &o.loc,
                format!("output `{short}` exposes database or secret details and is not sensitive"),
            );
        }
    }
}
