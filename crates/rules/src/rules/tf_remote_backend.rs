//! MBD-TF-001: state lives in an encrypted, locked remote backend.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::{Location, SourceKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-TF-001",
        name: "remote-backend-encrypted",
        title: "Terraform state must be in a remote backend that encrypts it and locks it",
        severity: Severity::High,
        section: "§6 Terraform Security › State File",
        rationale:
            "State holds every attribute of every resource, secrets included. On a laptop it is lost, copied and \
                    unlocked; the document asks for encrypted S3 with access controls. Locking stops two applies from \
                    corrupting it.",
        remediation: "Add `terraform { backend \"s3\" { bucket = ..., key = ..., region = ..., encrypt = true, \
                      use_lockfile = true } }` pointing at a versioned, KMS-encrypted, private bucket (see \
                      terraform/bootstrap).",
        applies: Applies::TerraformOnly,
        bad_example: r#"
terraform {
  backend "s3" {
    bucket = "metabase-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }
}
"#,
        good_example: r#"
terraform {
  backend "s3" {
    bucket       = "metabase-tfstate"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    // A plan does not record the backend; a live account has none.
    if d.source != SourceKind::Terraform {
        return;
    }
    let Some(b) = &d.backend else {
        // Point at the `terraform {}` block, or at least at a file of the configuration.
        let loc = d.settings_loc.clone().unwrap_or_else(|| {
            let any =
                d.variables.iter().map(|v| &v.loc).chain(d.outputs.iter().map(|o| &o.loc)).find(|l| l.file.is_some());
            any.and_then(|l| l.file.clone()).map(Location::file_only).unwrap_or_default()
        });
        if !d.is_empty() {
            ctx.fail("terraform", &loc, "no backend: state is kept in a local terraform.tfstate file");
        }
        return;
    };
    if b.kind == "local" {
        ctx.fail("terraform.backend", &b.loc, "the `local` backend keeps state unencrypted on disk");
        return;
    }
    if b.encrypt.get() != Some(&true) {
        ctx.fail("terraform.backend", &b.encrypt.loc, format!("the {} backend does not set `encrypt = true`", b.kind));
    }
    if b.locking.get() != Some(&true) {
        ctx.fail(
            "terraform.backend",
            &b.locking.loc,
            format!("the {} backend does not lock state (`use_lockfile = true`)", b.kind),
        );
    }
}
