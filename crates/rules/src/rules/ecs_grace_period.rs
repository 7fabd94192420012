//! MBD-ECS-005: the health-check grace period covers Metabase's start-up migrations.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECS-005",
        name: "health-check-grace-period",
        title: "Services behind a load balancer need a health-check grace period of at least 300 seconds",
        severity: Severity::Medium,
        section: "§4 Application Security › Health Checks; Known Issues › Container Provisioning Failures",
        rationale:
            "Metabase runs its database migrations before answering /api/health, which takes minutes on a first \
                    start or an upgrade. With a short grace period the ALB marks the task unhealthy and ECS kills it \
                    mid-migration, over and over.",
        remediation: "Set `health_check_grace_period_seconds = 300` (or more for large instances).",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_service" "metabase" {
  health_check_grace_period_seconds = 30
  load_balancer {
    target_group_arn = aws_lb_target_group.metabase.arn
    container_name   = "metabase"
    container_port   = 3000
  }
}
"#,
        good_example: r#"
resource "aws_ecs_service" "metabase" {
  health_check_grace_period_seconds = 600
  load_balancer {
    target_group_arn = aws_lb_target_group.metabase.arn
    container_name   = "metabase"
    container_port   = 3000
  }
}
"#,
    },
    check,
};

pub const MINIMUM_SECONDS: i64 = 300;

fn check(ctx: &mut Ctx) {
    for s in ctx.d.ecs_services.iter().filter(|s| !s.load_balancers.is_empty()) {
        match s.health_check_grace_period.get() {
            Some(g) if *g >= MINIMUM_SECONDS => {}
            Some(g) => ctx.fail(
                &s.meta.address,
                &s.health_check_grace_period.loc,
                format!("grace period is {g} s; Metabase's migrations need at least {MINIMUM_SECONDS} s"),
            ),
            None if s.health_check_grace_period.is_unknown() => ctx.undetermined(
                &s.meta.address,
                &s.health_check_grace_period.loc,
                "the grace period is not known before apply",
            ),
            None => ctx.fail(
                &s.meta.address,
                &s.health_check_grace_period.loc,
                "no `health_check_grace_period_seconds` (0): tasks are judged unhealthy while migrating",
            ),
        }
    }
}
