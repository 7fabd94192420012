//! MBD-ECS-004: failed deployments roll back.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECS-004",
        name: "deployment-circuit-breaker",
        title: "ECS services must use the deployment circuit breaker with rollback",
        severity: Severity::Medium,
        section: "Known Issues and Mitigations › Container Provisioning Failures",
        rationale:
            "Without the circuit breaker, a task that cannot start (image missing, secret unreadable) is retried \
                    forever and the service never settles; with rollback, ECS returns to the last working deployment.",
        remediation: "Add `deployment_circuit_breaker { enable = true  rollback = true }` to the service.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_service" "metabase" {
  name = "metabase-prod"
}
"#,
        good_example: r#"
resource "aws_ecs_service" "metabase" {
  name = "metabase-prod"
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for s in &ctx.d.ecs_services {
        match (s.circuit_breaker.get(), s.circuit_breaker_rollback.get()) {
            (Some(true), Some(true)) => {}
            (Some(true), _) => ctx.fail(
                &s.meta.address,
                &s.circuit_breaker_rollback.loc,
                "the circuit breaker is on but `rollback` is not",
            ),
            _ if s.circuit_breaker.is_unknown() => ctx.undetermined(
                &s.meta.address,
                &s.circuit_breaker.loc,
                "the circuit breaker setting is not known before apply",
            ),
            _ => ctx.fail(&s.meta.address, &s.circuit_breaker.loc, "no deployment circuit breaker"),
        }
    }
}
