//! MBD-SEC-004: no secret as a variable default.

use super::common::{looks_secret, variable_address};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-004",
        name: "no-secret-variable-default",
        title: "A variable carrying a secret must not have a default value",
        severity: Severity::High,
        section: "§6 Terraform Security › Sensitive Variables",
        rationale: "A default is committed with the code: every clone of the repository holds the secret.",
        remediation: "Remove the default; supply the value from Secrets Manager, or an environment variable \
                      (TF_VAR_name) in the pipeline — better, let RDS manage the password.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
variable "metabase_db_password" {
  type      = string
  sensitive = true
  default   = "ChangeMe123!"
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
        if looks_secret(short) && v.has_string_default {
            let loc = v.default_loc.clone().unwrap_or_else(|| v.loc.clone());
            ctx.fail(&variable_address(&v.name), &loc, format!("variable `{short}` has a literal default"));
        }
    }
}
