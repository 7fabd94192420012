//! MBD-SEC-001: no password or secret in a container's plain environment.

use super::common::{containers, has_inline_credentials, looks_secret};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::deployment::Field;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SEC-001",
        name: "no-secret-in-environment",
        title: "The database password and other secrets must not be in a container's `environment`",
        severity: Severity::Critical,
        section: "§2 Access Control › Database Credentials",
        rationale: "Values in `environment` are stored in the task definition in plain text, readable by anyone with \
                    ecs:DescribeTaskDefinition, and in Terraform state. The document delivers MB_DB_PASS through \
                    `secrets`/`valueFrom` from Secrets Manager.",
        remediation:
            "Move the value to Secrets Manager (or use the RDS-managed master secret) and reference it in the \
                      container's `secrets` list: { name = \"MB_DB_PASS\", valueFrom = \"<secret-arn>:password::\" }.",
        applies: Applies::Everywhere,
        bad_example: r#"
variable "metabase_db_password" {
  type      = string
  sensitive = true
}
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    image       = "metabase/metabase:v0.50.0"
    environment = [{ name = "MB_DB_PASS", value = var.metabase_db_password }]
  }])
}
"#,
        good_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{
    name        = "metabase"
    image       = "metabase/metabase:v0.50.0"
    environment = [{ name = "MB_DB_USER", value = "metabase" }]
    secrets     = [{ name = "MB_DB_PASS", valueFrom = "${aws_db_instance.metabase.master_user_secret[0].secret_arn}:password::" }]
  }])
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    // Definitions that cannot be read (a plan: unknown until apply, or sensitive as a whole) still
    // show what flows into them: a sensitive value there is stored in the task definition.
    let d = ctx.d;
    for t in d.task_definitions.iter().filter(|t| t.containers.get().is_none()) {
        let sensitive_vars: Vec<&str> = t
            .definitions_refs
            .iter()
            .filter_map(|r| r.strip_prefix("var.").or_else(|| r.split_once(".var.").map(|(_, v)| v)))
            .filter(|v| d.variables.iter().any(|var| var.sensitive && var.name.rsplit('.').next() == Some(*v)))
            .collect();
        if let Some(v) = sensitive_vars.first() {
            ctx.fail(
                &t.meta.address,
                &t.containers.loc,
                format!(
                    "the sensitive variable `{v}` flows into `container_definitions`, which is stored in plain text"
                ),
            );
        } else if t.definitions_sensitive {
            ctx.fail(
                &t.meta.address,
                &t.containers.loc,
                "`container_definitions` holds a sensitive value, which the task definition stores in plain text",
            );
        }
    }
    for (task, c) in containers(ctx.d) {
        for e in &c.environment {
            let has_value = !matches!(&e.value, Field::Set(v) if v.is_empty()) && !matches!(e.value, Field::Unset);
            if looks_secret(&e.name) && has_value {
                ctx.fail(task, &e.loc, format!("container `{}` sets {} in plain `environment`", c.name, e.name));
            } else if e.sensitive {
                ctx.fail(
                    task,
                    &e.loc,
                    format!("container `{}` puts a sensitive value in plain `environment` ({})", c.name, e.name),
                );
            } else if matches!(&e.value, Field::Set(v) if has_inline_credentials(v)) {
                ctx.fail(
                    task,
                    &e.loc,
                    format!("container `{}`: {} holds a connection string with a password", c.name, e.name),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn a_json_heredoc_is_read_and_the_value_never_printed() {
        let hcl = "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = <<EOF\n[{\"name\": \"metabase\", \"environment\": [{\"name\": \"MB_DB_PASS\", \"value\": \"hunter2-planted\"}]}]\nEOF\n}\n";
        let f = fails_once(&RULE, hcl);
        assert!(!format!("{f:?}").contains("hunter2-planted"));
        assert_eq!(f.resource, "aws_ecs_task_definition.t");
    }

    #[test]
    fn a_sensitive_value_under_an_innocent_name_is_caught() {
        let hcl = "variable \"x\" {\n  sensitive = true\n  default = \"v\"\n}\nresource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = jsonencode([{ name = \"a\", environment = [{ name = \"DB_CONN\", value = var.x }] }])\n}\n";
        let f = fails_once(&RULE, hcl);
        assert!(f.message.contains("sensitive"));
        assert_eq!(f.line, 6);
    }
}
