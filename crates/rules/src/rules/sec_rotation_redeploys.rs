//! MBD-SEC-008: a rotating database secret redeploys the service after each rotation.

use super::common::metabase_containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::{Deployment, EcsService, Secret};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-008",
        name: "rotation-redeploys-service",
        title: "A rotating database secret must trigger a new deployment of the service",
        severity: Severity::High,
        section: "§2 Access Control › Database Credentials (store and rotate with Secrets Manager)",
        rationale:
            "ECS reads `secrets` only when a task starts, and Metabase keeps its database connections for up to \
                    an hour. After a rotation, running tasks hold the old password and start failing to connect; an \
                    RDS-managed secret rotates every 7 days by default, so the deployment breaks itself weekly unless \
                    every successful rotation starts a new deployment (or IAM database authentication is used).",
        remediation:
            "Add an EventBridge rule matching the secret's RotationSucceeded event with a target (e.g. a Step \
                      Functions state machine calling ecs:UpdateService with forceNewDeployment) — the module's \
                      `redeploy_on_rotation = true` — or switch to IAM database authentication.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  manage_master_user_password = true
}
resource "aws_ecs_cluster" "metabase" { name = "metabase-prod" }
resource "aws_ecs_service" "metabase" {
  name    = "metabase-prod"
  cluster = aws_ecs_cluster.metabase.arn
}
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name    = "metabase"
    secrets = [{ name = "MB_DB_PASS", valueFrom = "${aws_db_instance.metabase.master_user_secret[0].secret_arn}:password::" }]
  }])
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  manage_master_user_password = true
}
resource "aws_ecs_cluster" "metabase" { name = "metabase-prod" }
resource "aws_ecs_service" "metabase" {
  name    = "metabase-prod"
  cluster = aws_ecs_cluster.metabase.arn
}
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name    = "metabase"
    secrets = [{ name = "MB_DB_PASS", valueFrom = "${aws_db_instance.metabase.master_user_secret[0].secret_arn}:password::" }]
  }])
}
resource "aws_cloudwatch_event_rule" "rotated" {
  name = "metabase-prod-db-secret-rotated"
  event_pattern = jsonencode({
    source = ["aws.secretsmanager"]
    detail = { eventName = ["RotationSucceeded"], additionalEventData = { SecretId = [aws_db_instance.metabase.master_user_secret[0].secret_arn] } }
  })
}
resource "aws_cloudwatch_event_target" "redeploy" {
  rule = aws_cloudwatch_event_rule.rotated.name
  arn  = aws_sfn_state_machine.redeploy.arn
}
resource "aws_sfn_state_machine" "redeploy" {
  definition = jsonencode({
    StartAt = "Redeploy"
    States = { Redeploy = { Type = "Task", Resource = "arn:aws:states:::aws-sdk:ecs:updateService", End = true,
      Parameters = { Cluster = aws_ecs_cluster.metabase.arn, Service = "metabase-prod", ForceNewDeployment = true } } }
  })
}
"#,
    },
    check,
};

/// Whether a rule matches a rotation of this secret.
fn matches_rotation(secret: &Secret, rule: &mbdeploy_model::EventRule) -> bool {
    let rotation = ["RotationSucceeded", "RotateSecret", "RotationSucceed"].iter().any(|e| rule.pattern.contains(e));
    let names_secret = rule.pattern_refs.iter().any(|r| secret.meta.answers_to(r))
        || secret.name.get().map(|n| rule.pattern.contains(n.as_str())).unwrap_or(false);
    rotation && names_secret
}

/// Whether a state machine redeploys this service.
fn redeploys(d: &Deployment, target: &str, service: &EcsService) -> bool {
    let Some(sm) = d.state_machines.iter().find(|m| m.meta.answers_to(target)) else { return false };
    let def = sm.definition.to_ascii_lowercase();
    let updates = def.contains("ecs:updateservice") && def.contains("forcenewdeployment");
    let names_service = service.name.get().map(|n| sm.definition.contains(&format!("\"{n}\""))).unwrap_or(false)
        || sm
            .definition_refs
            .iter()
            .any(|r| service.meta.answers_to(r) || service.cluster.as_deref() == Some(r.as_str()));
    updates && names_service
}

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for (task, c) in metabase_containers(d) {
        let Some(pass) = c.secret("MB_DB_PASS") else { continue };
        let Some(secret) = pass.refs.iter().find_map(|r| d.secret(r)) else { continue };
        if secret.rotation.get() != Some(&true) {
            continue; // MBD-SEC-006 reports a secret that does not rotate.
        }
        let services: Vec<&EcsService> = d
            .ecs_services
            .iter()
            .filter(|s| {
                s.task_definition
                    .as_deref()
                    .map(|t| d.task_definition(t).map(|td| td.meta.address == task).unwrap_or(false))
                    .unwrap_or(true)
            })
            .collect();
        let wired = d.event_rules.iter().filter(|r| matches_rotation(secret, r)).any(|rule| {
            d.event_targets.iter().filter(|t| t.rule.as_deref().map(|k| rule.meta.answers_to(k)).unwrap_or(false)).any(
                |t| {
                    let Some(target) = t.target.as_deref() else { return false };
                    services.iter().any(|s| redeploys(d, target, s))
                },
            )
        });
        if !wired {
            ctx.fail(
                task,
                &pass.loc,
                format!("MB_DB_PASS comes from `{}`, which rotates, and nothing redeploys the service after a rotation: running tasks keep the old password", secret.meta.address),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn a_rule_for_another_secret_does_not_count() {
        let hcl = RULE.meta.good_example.replace(
            "SecretId = [aws_db_instance.metabase.master_user_secret[0].secret_arn]",
            "SecretId = [\"arn:aws:secretsmanager:eu-west-1:1:secret:other\"]",
        );
        let f = fails_once(&RULE, &hcl);
        assert!(f.message.contains("aws_db_instance.metabase"));
    }

    #[test]
    fn a_secret_that_does_not_rotate_is_left_to_the_rotation_rule() {
        passes(&RULE, "resource \"aws_secretsmanager_secret\" \"db\" { name = \"x\" }\nresource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = jsonencode([{ name = \"metabase\", secrets = [{ name = \"MB_DB_PASS\", valueFrom = aws_secretsmanager_secret.db.arn }] }])\n}\n");
    }
}
