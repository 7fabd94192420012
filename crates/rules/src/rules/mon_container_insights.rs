//! MBD-MON-002: Container Insights on the cluster.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-MON-002",
        name: "container-insights",
        title: "The ECS cluster must have Container Insights enabled",
        severity: Severity::Low,
        section: "§5 Monitoring and Logging",
        rationale:
            "Container Insights records per-task CPU, memory and restarts: the evidence for out-of-memory kills \
                    and the metrics that task-level alarms need.",
        remediation: "Add `setting { name = \"containerInsights\"  value = \"enabled\" }` to the `aws_ecs_cluster`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_cluster" "metabase" {
  name = "metabase-prod"
}
"#,
        good_example: r#"
resource "aws_ecs_cluster" "metabase" {
  name = "metabase-prod"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for c in &ctx.d.ecs_clusters {
        match c.container_insights.get().map(String::as_str) {
            Some("enabled") | Some("enhanced") => {}
            _ if c.container_insights.is_unknown() => ctx.undetermined(
                &c.meta.address,
                &c.container_insights.loc,
                "the containerInsights setting is not known before apply",
            ),
            _ => ctx.fail(&c.meta.address, &c.container_insights.loc, "Container Insights is not enabled"),
        }
    }
}
