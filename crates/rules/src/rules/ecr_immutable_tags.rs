//! MBD-ECR-003: image tags cannot be overwritten.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECR-003",
        name: "ecr-immutable-tags",
        title: "ECR image tags must be immutable",
        severity: Severity::Medium,
        section: "Best Practices › Use specific image tags instead of latest",
        rationale: "Pinning `metabase_repo:v0.50.0` only helps if nobody can push a different image under the same \
                    tag. With mutable tags, a pinned tag can silently change what runs.",
        remediation: "Set `image_tag_mutability = \"IMMUTABLE\"`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecr_repository" "metabase" {
  name                 = "metabase_repo"
  image_tag_mutability = "MUTABLE"
}
"#,
        good_example: r#"
resource "aws_ecr_repository" "metabase" {
  name                 = "metabase_repo"
  image_tag_mutability = "IMMUTABLE"
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for r in &ctx.d.ecr_repositories {
        match r.tag_mutability.get().map(|s| s.to_ascii_uppercase()) {
            Some(t) if t.starts_with("IMMUTABLE") => {}
            None if r.tag_mutability.is_unknown() => ctx.undetermined(
                &r.meta.address,
                &r.tag_mutability.loc,
                "`image_tag_mutability` is not known before apply",
            ),
            None => ctx.fail(
                &r.meta.address,
                &r.tag_mutability.loc,
                "`image_tag_mutability` is not set (the default is MUTABLE)",
            ),
            Some(t) => ctx.fail(&r.meta.address, &r.tag_mutability.loc, format!("`image_tag_mutability` is {t}")),
        }
    }
}
