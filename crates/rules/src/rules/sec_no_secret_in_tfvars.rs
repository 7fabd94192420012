//! MBD-SEC-007: no secret literal in a .tfvars file.

use super::common::looks_secret;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-007",
        name: "no-secret-in-tfvars",
        title: "No password or secret may be written in a .tfvars file",
        severity: Severity::High,
        section: "§6 Terraform Security › Sensitive Variables",
        rationale: "The document keeps `metabase_db_password` in terraform.tfvars. tfvars files are committed, copied \
                    and shared: the secret leaks with them, and `sensitive` does not help.",
        remediation:
            "Delete the line (and rotate the secret, which must be considered leaked). Let RDS manage the \
                      password (`manage_master_user_password = true`), or pass it as TF_VAR_<name> from a secret store.",
        applies: Applies::TerraformOnly,
        bad_example: "",
        good_example: "",
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for t in &d.tfvars {
        let declared_sensitive = d.variables.iter().any(|v| v.name == t.name && v.sensitive);
        if t.is_string_literal && (looks_secret(&t.name) || declared_sensitive) {
            ctx.fail(
                &format!("var.{}", t.name),
                &t.loc,
                format!("`{}` is assigned a literal value in this file", t.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::{Ctx, Status};

    fn run(dir: &std::path::Path) -> Vec<crate::Finding> {
        let cfg = mbdeploy_hcl::load_dir(dir, &Default::default()).unwrap();
        let d = mbdeploy_model::tf::build(cfg);
        let mut out = Vec::new();
        (RULE.check)(&mut Ctx::new(&d, &RULE.meta, &mut out));
        out
    }

    #[test]
    fn a_password_in_terraform_tfvars_is_found_and_not_printed() {
        let dir = std::env::temp_dir().join(format!("mbdeploy-sec007-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "variable \"metabase_db_password\" {\n  sensitive = true\n}\nvariable \"region\" {}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("terraform.tfvars"),
            "region = \"eu-west-1\"\nmetabase_db_password = \"hunter2-planted\"\n",
        )
        .unwrap();
        let f = run(&dir);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].status, f[0].line, f[0].file.as_deref()), (Status::Fail, 2, Some("terraform.tfvars")));
        assert!(!format!("{f:?}").contains("hunter2-planted"));
        std::fs::write(dir.join("terraform.tfvars"), "region = \"eu-west-1\"\n").unwrap();
        assert!(run(&dir).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
