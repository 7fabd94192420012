//! MBD-RDS-003: Metabase connects to its database over TLS.

use super::common::metabase_containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::deployment::Field;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-003",
        name: "metabase-db-ssl",
        title: "Metabase's database connection must require SSL",
        severity: Severity::Medium,
        section: "§3 Data Protection › RDS Encryption (enable sslmode in Metabase config)",
        rationale:
            "The document asks to enable `sslmode` in Metabase's configuration. With only MB_DB_HOST and friends, \
                    Metabase's PostgreSQL driver does not insist on TLS; a connection URI with `sslmode=require` (or \
                    verify-full) does.",
        remediation:
            "Set MB_DB_CONNECTION_URI to `postgres://<host>:5432/<db>?sslmode=require` (no credentials in it; \
                      MB_DB_USER and MB_DB_PASS still apply).",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    environment = [{ name = "MB_DB_TYPE", value = "postgres" }, { name = "MB_DB_HOST", value = "db.internal" }]
  }])
}
"#,
        good_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name = "metabase"
    environment = [
      { name = "MB_DB_TYPE", value = "postgres" },
      { name = "MB_DB_CONNECTION_URI", value = "postgres://${aws_db_instance.metabase.address}:5432/metabase?sslmode=require" },
    ]
  }])
}
"#,
    },
    check,
};

fn requires_ssl(uri: &str) -> bool {
    let u = uri.to_ascii_lowercase();
    ["sslmode=require", "sslmode=verify-ca", "sslmode=verify-full", "ssl=true"].iter().any(|m| u.contains(m))
}

fn check(ctx: &mut Ctx) {
    for (task, c) in metabase_containers(ctx.d) {
        let postgres = c
            .env("MB_DB_TYPE")
            .map(|e| matches!(&e.value, Field::Set(v) if v == "postgres") || matches!(e.value, Field::Unknown))
            .unwrap_or(false);
        let uri = c.env("MB_DB_CONNECTION_URI");
        if !postgres && uri.is_none() {
            continue;
        }
        match uri.map(|u| &u.value) {
            Some(Field::Set(v)) if requires_ssl(v) => {}
            Some(Field::Unknown) => {
                ctx.undetermined(task, &uri.unwrap().loc, "MB_DB_CONNECTION_URI is not known before apply")
            }
            Some(_) => ctx.fail(
                task,
                &uri.unwrap().loc,
                format!("container `{}`: MB_DB_CONNECTION_URI does not require SSL", c.name),
            ),
            None if c.secret("MB_DB_CONNECTION_URI").is_some() => {
                ctx.undetermined(task, &c.loc, "MB_DB_CONNECTION_URI comes from a secret: cannot see its sslmode")
            }
            None => ctx.fail(
                task,
                &c.loc,
                format!("container `{}` connects to PostgreSQL without `sslmode=require`", c.name),
            ),
        }
    }
}
