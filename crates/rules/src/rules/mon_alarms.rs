//! MBD-MON-001: alarms on ECS, the ALB and RDS, each with an action.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-MON-001",
        name: "alarms",
        title: "CloudWatch alarms must watch the ECS service, the ALB and RDS, and notify someone",
        severity: Severity::Medium,
        section: "Best Practices › Set up CloudWatch Alarms for ECS, ALB, and RDS monitoring",
        rationale: "Without alarms, a failing deployment, a stream of 5xx or a full database disk is found by users. \
                    An alarm without an action notifies no one.",
        remediation:
            "Add `aws_cloudwatch_metric_alarm`s (AWS/ECS CPU and memory, AWS/ApplicationELB 5xx and unhealthy \
                      hosts, AWS/RDS CPU, storage and connections) with `alarm_actions = [<SNS topic ARN>]`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_service" "metabase" {}
resource "aws_cloudwatch_metric_alarm" "cpu" {
  namespace   = "AWS/ECS"
  metric_name = "CPUUtilization"
}
"#,
        good_example: r#"
resource "aws_sns_topic" "alarms" {}
resource "aws_ecs_service" "metabase" {}
resource "aws_cloudwatch_metric_alarm" "cpu" {
  namespace     = "AWS/ECS"
  metric_name   = "CPUUtilization"
  alarm_actions = [aws_sns_topic.alarms.arn]
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    let watched = |namespaces: &[&str]| {
        d.alarms.iter().any(|a| {
            a.namespace.get().map(|n| namespaces.contains(&n.as_str())).unwrap_or(false)
                || a.query_namespaces.iter().any(|n| namespaces.contains(&n.as_str()))
        })
    };
    let areas: [(&str, &[&str], Option<(&str, &mbdeploy_model::Location)>); 3] = [
        (
            "the ECS service",
            &["AWS/ECS", "ECS/ContainerInsights"],
            d.ecs_services.first().map(|s| (s.meta.address.as_str(), &s.meta.loc)),
        ),
        (
            "the load balancer",
            &["AWS/ApplicationELB"],
            d.load_balancers.first().map(|s| (s.meta.address.as_str(), &s.meta.loc)),
        ),
        ("the database", &["AWS/RDS"], d.db_instances.first().map(|s| (s.meta.address.as_str(), &s.meta.loc))),
    ];
    for (what, namespaces, resource) in areas {
        if let Some((address, loc)) = resource {
            if !watched(namespaces) {
                ctx.fail(address, loc, format!("no CloudWatch alarm watches {what} ({})", namespaces.join(" or ")));
            }
        }
    }
    for a in &d.alarms {
        if a.alarm_actions.is_empty() || a.actions_enabled.get() == Some(&false) {
            ctx.fail(&a.meta.address, &a.meta.loc, "the alarm has no enabled `alarm_actions`: it notifies no one");
        }
    }
}
