//! MBD-SEC-006: the secrets a task uses are rotated.

use super::common::containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-006",
        name: "secrets-rotated",
        title: "Secrets injected into the task must have rotation configured",
        severity: Severity::Medium,
        section: "§2 Access Control › Database Credentials (Recommendation: store and rotate)",
        rationale: "The document recommends rotating the database password. A password that never changes stays \
                    valid for anyone who ever saw it. MB_ENCRYPTION_SECRET_KEY is the exception: rotating it outside \
                    Metabase's own procedure makes stored connection details unreadable, so it is not checked here.",
        remediation:
            "Use the RDS-managed master secret (rotated by RDS), or add an `aws_secretsmanager_secret_rotation` \
                      with a rotation Lambda and a schedule.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_secretsmanager_secret" "db" { name = "metabase-prod/db" }
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name    = "metabase"
    secrets = [{ name = "MB_DB_PASS", valueFrom = aws_secretsmanager_secret.db.arn }]
  }])
}
"#,
        good_example: r#"
resource "aws_secretsmanager_secret" "db" { name = "metabase-prod/db" }
resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules { automatically_after_days = 30 }
}
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name    = "metabase"
    secrets = [{ name = "MB_DB_PASS", valueFrom = aws_secretsmanager_secret.db.arn }]
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    let mut seen: Vec<&str> = Vec::new();
    for (_, c) in containers(d) {
        for s in c.secrets.iter().filter(|s| s.name != "MB_ENCRYPTION_SECRET_KEY") {
            for secret in s.refs.iter().filter_map(|r| d.secret(r)) {
                if seen.contains(&secret.meta.address.as_str()) {
                    continue;
                }
                seen.push(&secret.meta.address);
                match secret.rotation.get() {
                    Some(true) => {}
                    _ if secret.rotation.is_unknown() => {
                        ctx.undetermined(&secret.meta.address, &secret.rotation.loc, "rotation is not known")
                    }
                    _ => ctx.fail(
                        &secret.meta.address,
                        &secret.meta.loc,
                        format!("secret injected as {} has no rotation", s.name),
                    ),
                }
            }
        }
    }
}
