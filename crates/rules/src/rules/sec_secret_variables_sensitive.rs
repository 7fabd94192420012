//! MBD-SEC-005: variables that carry secrets are marked sensitive.

use super::common::{looks_secret, variable_address};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-005",
        name: "secret-variables-sensitive",
        title: "Variables that carry secrets must be `sensitive = true`",
        severity: Severity::Medium,
        section: "§2 Access Control › Database Credentials; §6 Terraform Security",
        rationale: "Without `sensitive`, Terraform prints the value in plans and in CI logs. The document marks \
                    `metabase_db_password` sensitive.",
        remediation: "Add `sensitive = true` to the variable.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
variable "metabase_db_password" {
  type = string
}
"#,
        good_example: r#"
variable "metabase_db_password" {
  type      = string
  sensitive = true
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for v in &ctx.d.variables {
        let short = v.name.rsplit('.').next().unwrap_or(&v.name);
        if looks_secret(short) && !v.sensitive {
            ctx.fail(&variable_address(&v.name), &v.loc, format!("variable `{short}` is not marked sensitive"));
        }
    }
}
