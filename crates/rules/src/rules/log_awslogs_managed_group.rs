//! MBD-LOG-001: containers log with awslogs to a managed log group with retention.

use super::common::containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-LOG-001",
        name: "awslogs-managed-group",
        title: "Containers must log with awslogs to a log group managed here, with a retention period",
        severity: Severity::Medium,
        section: "§5 Monitoring and Logging › CloudWatch Logs",
        rationale:
            "The document sends task logs to /aws/ecs/metabase-prod with the awslogs driver: they are the first \
                    thing to read when tasks fail. A group created implicitly keeps logs forever, unencrypted with \
                    your key, and disappears from review.",
        remediation: "Create `aws_cloudwatch_log_group` \"/aws/ecs/<name>\" with `retention_in_days` (and optionally \
                      `kms_key_id`), and reference its name in the container's `logConfiguration` (logDriver awslogs).",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{ name = "metabase", image = "metabase/metabase:v0.50.0" }])
}
"#,
        good_example: r#"
resource "aws_cloudwatch_log_group" "metabase" {
  name              = "/aws/ecs/metabase-prod"
  retention_in_days = 90
}
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name  = "metabase"
    image = "metabase/metabase:v0.50.0"
    logConfiguration = {
      logDriver = "awslogs"
      options   = { "awslogs-group" = aws_cloudwatch_log_group.metabase.name, "awslogs-region" = "eu-west-1" }
    }
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for (task, c) in containers(d) {
        match c.log_driver.get() {
            Some(driver) if driver == "awslogs" => {}
            Some(driver) => {
                ctx.fail(task, &c.log_driver.loc, format!("container `{}` logs with `{driver}`, not awslogs", c.name));
                continue;
            }
            None if c.log_driver.is_unknown() => {
                ctx.undetermined(task, &c.log_driver.loc, "the log driver is not known before apply");
                continue;
            }
            None => {
                ctx.fail(task, &c.loc, format!("container `{}` has no logConfiguration: its output is lost", c.name));
                continue;
            }
        }
        let group = c
            .log_group_refs
            .iter()
            .find_map(|r| d.log_group(r))
            .or_else(|| c.log_group.get().and_then(|n| d.log_group(n)));
        match group {
            Some(g) => match g.retention_days.get() {
                Some(days) if *days > 0 => {}
                _ if g.retention_days.is_unknown() => {}
                _ => ctx.fail(
                    &g.meta.address,
                    &g.retention_days.loc,
                    "the log group has no `retention_in_days`: logs are kept forever",
                ),
            },
            None if c.log_group.is_unknown() && c.log_group_refs.is_empty() => {
                ctx.undetermined(task, &c.log_group.loc, "the awslogs group is not known before apply")
            }
            None => {
                let name = c.log_group.get().cloned().unwrap_or_default();
                ctx.fail(
                    task,
                    &c.log_group.loc,
                    format!("container `{}` logs to `{name}`, a group not managed in this configuration", c.name),
                );
            }
        }
    }
}
