//! MBD-SEC-002: Metabase gets its database password from Secrets Manager.

use super::common::metabase_containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::deployment::Field;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-002",
        name: "db-password-from-secrets-manager",
        title: "MB_DB_PASS must come from Secrets Manager through `secrets`/`valueFrom`",
        severity: Severity::High,
        section: "§2 Access Control › Database Credentials (Recommendation)",
        rationale: "The document's recommendation: store the password in Secrets Manager and inject it with \
                    `valueFrom`, so it is never in the task definition, can be rotated, and its reads are audited \
                    in CloudTrail.",
        remediation: "Add { name = \"MB_DB_PASS\", valueFrom = <Secrets Manager ARN> } to the container's `secrets` \
                      (with the RDS-managed master secret: \"${aws_db_instance.x.master_user_secret[0].secret_arn}:password::\").",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    image       = "metabase/metabase:v0.50.0"
    environment = [{ name = "MB_DB_TYPE", value = "postgres" }, { name = "MB_DB_HOST", value = "db" }]
    secrets     = [{ name = "MB_DB_PASS", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/mb" }]
  }])
}
"#,
        good_example: r#"
resource "aws_secretsmanager_secret" "db" { name = "metabase-prod/db" }
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    image       = "metabase/metabase:v0.50.0"
    environment = [{ name = "MB_DB_TYPE", value = "postgres" }, { name = "MB_DB_HOST", value = "db" }]
    secrets     = [{ name = "MB_DB_PASS", valueFrom = aws_secretsmanager_secret.db.arn }]
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for (task, c) in metabase_containers(d) {
        let external_db = c.env("MB_DB_TYPE").map(|e| !matches!(&e.value, Field::Set(v) if v == "h2")).unwrap_or(false)
            || c.env("MB_DB_HOST").is_some()
            || c.env("MB_DB_CONNECTION_URI").is_some();
        let iam_auth =
            c.env("MB_DB_AWS_IAM").map(|e| matches!(&e.value, Field::Set(v) if v == "true")).unwrap_or(false);
        if !external_db || iam_auth {
            continue;
        }
        match c.secret("MB_DB_PASS") {
            None => {
                // In plain environment: MBD-SEC-001 reports it; missing altogether: this rule does.
                if c.env("MB_DB_PASS").is_none() {
                    ctx.fail(
                        task,
                        &c.loc,
                        format!(
                            "container `{}` connects to an external database but MB_DB_PASS is not in its `secrets`",
                            c.name
                        ),
                    );
                }
            }
            Some(s) => {
                let from_secret = s.refs.iter().any(|r| d.secret(r).is_some())
                    || matches!(&s.value_from, Field::Set(v) if v.contains(":secretsmanager:"));
                if !from_secret {
                    match &s.value_from {
                        Field::Set(v) if v.contains(":ssm:") => ctx.fail(task, &s.loc, "MB_DB_PASS comes from SSM Parameter Store, not Secrets Manager: it cannot be rotated by Secrets Manager"),
                        _ => ctx.undetermined(task, &s.loc, "cannot tell whether MB_DB_PASS's `valueFrom` is a Secrets Manager secret"),
                    }
                }
            }
        }
    }
}
