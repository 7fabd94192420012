//! MBD-ECS-002: Metabase encrypts stored connection details with a key from a secret.

use super::common::metabase_containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECS-002",
        name: "encryption-secret-key",
        title: "MB_ENCRYPTION_SECRET_KEY must be set from a secret",
        severity: Severity::High,
        section: "§3 Data Protection; §4 Application Security",
        rationale:
            "Without MB_ENCRYPTION_SECRET_KEY, Metabase stores the credentials of every connected data source in \
                    its application database in plain text: a database snapshot or a read-only leak exposes them all.",
        remediation: "Generate a random key of at least 16 characters into a Secrets Manager secret (never rotated \
                      automatically) and add it to the container's `secrets` as MB_ENCRYPTION_SECRET_KEY.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{ name = "metabase", image = "metabase/metabase:v0.50.0" }])
}
"#,
        good_example: r#"
resource "aws_secretsmanager_secret" "encryption_key" { name = "metabase-prod/encryption-key" }
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name    = "metabase"
    image   = "metabase/metabase:v0.50.0"
    secrets = [{ name = "MB_ENCRYPTION_SECRET_KEY", valueFrom = aws_secretsmanager_secret.encryption_key.arn }]
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for (task, c) in metabase_containers(ctx.d) {
        if c.secret("MB_ENCRYPTION_SECRET_KEY").is_some() {
            continue;
        }
        if let Some(e) = c.env("MB_ENCRYPTION_SECRET_KEY") {
            ctx.fail(
                task,
                &e.loc,
                format!(
                    "container `{}` sets MB_ENCRYPTION_SECRET_KEY in plain `environment`, not from a secret",
                    c.name
                ),
            );
        } else {
            ctx.fail(
                task,
                &c.loc,
                format!(
                    "container `{}` has no MB_ENCRYPTION_SECRET_KEY: data-source credentials are stored unencrypted",
                    c.name
                ),
            );
        }
    }
}
