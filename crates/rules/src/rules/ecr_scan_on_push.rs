//! MBD-ECR-001: images are scanned on push.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECR-001",
        name: "ecr-scan-on-push",
        title: "ECR must scan images on push",
        severity: Severity::Medium,
        section: "§3 Data Protection › ECR Image Security",
        rationale: "The document sets `scan_on_push = true` on `metabase_repo` so that known vulnerabilities in a \
                    Metabase image are reported before it runs.",
        remediation:
            "Add `image_scanning_configuration { scan_on_push = true }`, or enable registry-wide scanning with \
                      `aws_ecr_registry_scanning_configuration`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecr_repository" "metabase" {
  name = "metabase_repo"
}
"#,
        good_example: r#"
resource "aws_ecr_repository" "metabase" {
  name = "metabase_repo"
  image_scanning_configuration {
    scan_on_push = true
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    if ctx.d.ecr_registry_scan_on_push {
        return;
    }
    for r in &ctx.d.ecr_repositories {
        match r.scan_on_push.get() {
            Some(true) => {}
            _ if r.scan_on_push.is_unknown() => {
                ctx.undetermined(&r.meta.address, &r.scan_on_push.loc, "`scan_on_push` is not known before apply")
            }
            Some(false) => ctx.fail(&r.meta.address, &r.scan_on_push.loc, "`scan_on_push` is false"),
            None => ctx.fail(
                &r.meta.address,
                &r.scan_on_push.loc,
                "no `image_scanning_configuration`: images are not scanned",
            ),
        }
    }
}
