//! MBD-ECR-002: the repository's encryption is set explicitly.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECR-002",
        name: "ecr-encryption",
        title: "ECR repository encryption must be set explicitly (AES256 or KMS)",
        severity: Severity::Low,
        section: "§3 Data Protection › ECR Image Security (images encrypted using AES-256)",
        rationale: "The document states images are encrypted with AES-256. ECR does this by default, but writing it \
                    down makes the choice visible and reviewable, and KMS lets you control and audit key use.",
        remediation: "Add `encryption_configuration { encryption_type = \"AES256\" }` (or \"KMS\" with `kms_key`).",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecr_repository" "metabase" {
  name = "metabase_repo"
}
"#,
        good_example: r#"
resource "aws_ecr_repository" "metabase" {
  name = "metabase_repo"
  encryption_configuration {
    encryption_type = "AES256"
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for r in &ctx.d.ecr_repositories {
        match r.encryption_type.get().map(|s| s.to_ascii_uppercase()) {
            Some(t) if t == "AES256" || t == "KMS" || t == "KMS_DSSE" => {}
            Some(t) => ctx.fail(&r.meta.address, &r.encryption_type.loc, format!("unexpected encryption type {t}")),
            None if r.encryption_type.is_unknown() => {}
            None => ctx.fail(
                &r.meta.address,
                &r.encryption_type.loc,
                "no `encryption_configuration` (ECR's default AES256 applies, but is not stated)",
            ),
        }
    }
}
