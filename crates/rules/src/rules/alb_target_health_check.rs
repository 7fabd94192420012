//! MBD-ALB-005: the target group checks Metabase's health endpoint.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ALB-005",
        name: "target-group-health-check",
        title: "The target group's health check must call /api/health",
        severity: Severity::Medium,
        section: "§4 Application Security › Health Checks",
        rationale: "`/` answers 200 while Metabase is still migrating or has lost its database; `/api/health` answers \
                    200 only when Metabase is ready. The document requires that only healthy containers receive traffic.",
        remediation: "Set `health_check { path = \"/api/health\"  matcher = \"200\" }` on the target group.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_lb_target_group" "metabase" {
  port     = 3000
  protocol = "HTTP"
  health_check {
    path = "/"
  }
}
"#,
        good_example: r#"
resource "aws_lb_target_group" "metabase" {
  port     = 3000
  protocol = "HTTP"
  health_check {
    path    = "/api/health"
    matcher = "200"
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for tg in &ctx.d.target_groups {
        match tg.health_check_path.get() {
            Some(p) if p == "/api/health" => {}
            Some(p) => ctx.fail(
                &tg.meta.address,
                &tg.health_check_path.loc,
                format!("health check path is `{p}`, not /api/health"),
            ),
            None if tg.health_check_path.is_unknown() => ctx.undetermined(
                &tg.meta.address,
                &tg.health_check_path.loc,
                "the health check path is not known before apply",
            ),
            None => ctx.fail(
                &tg.meta.address,
                &tg.health_check_path.loc,
                "no health check path (the default `/` does not tell whether Metabase is ready)",
            ),
        }
    }
}
