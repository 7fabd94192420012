//! MBD-ECS-001: the Metabase container has a health check on /api/health.

use super::common::metabase_containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECS-001",
        name: "container-health-check",
        title: "The Metabase container must have a health check calling /api/health",
        severity: Severity::Medium,
        section: "§4 Application Security › Health Checks",
        rationale:
            "The document's task definition runs `curl -f http://localhost:3000/api/health` so that ECS replaces \
                    a container that stops answering, not only one that exits.",
        remediation:
            "Add `healthCheck = { command = [\"CMD-SHELL\", \"curl -f http://localhost:3000/api/health || exit 1\"], \
                      interval = 30, timeout = 5, retries = 3, startPeriod = 300 }` to the container definition.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{ name = "metabase", image = "metabase/metabase:v0.50.0" }])
}
"#,
        good_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    image       = "metabase/metabase:v0.50.0"
    healthCheck = { command = ["CMD-SHELL", "curl -f http://localhost:3000/api/health || exit 1"], startPeriod = 300 }
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for (task, c) in metabase_containers(ctx.d) {
        match c.health_check.get() {
            Some(cmd) if cmd.iter().any(|p| p.contains("/api/health")) => {}
            Some(_) => ctx.fail(
                task,
                &c.health_check.loc,
                format!("container `{}`'s health check does not call /api/health", c.name),
            ),
            None if c.health_check.is_unknown() => {
                ctx.undetermined(task, &c.health_check.loc, "the health check command is not known before apply")
            }
            None => ctx.fail(task, &c.loc, format!("container `{}` has no health check", c.name)),
        }
    }
}
