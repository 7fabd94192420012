//! MBD-IAM-005: the task roles trust only ECS tasks.

use super::iam_common::task_roles;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-IAM-005",
        name: "trust-ecs-tasks-only",
        title: "Task and execution roles must trust only ecs-tasks.amazonaws.com",
        severity: Severity::High,
        section: "§2 Access Control › IAM Roles",
        rationale: "Whoever the trust policy admits can assume the role. Another service, an account or `*` in it \
                    lets someone other than ECS use Metabase's permissions.",
        remediation: "Make the assume-role policy admit only the service principal ecs-tasks.amazonaws.com, ideally \
                      with an aws:SourceAccount condition against confused-deputy use.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_iam_role" "exec" {
  name = "metabase-prod-ecs-task-execution-role"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }]
  })
}
resource "aws_ecs_task_definition" "metabase" { execution_role_arn = aws_iam_role.exec.arn }
"#,
        good_example: r#"
resource "aws_iam_role" "exec" {
  name = "metabase-prod-ecs-task-execution-role"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}
resource "aws_ecs_task_definition" "metabase" { execution_role_arn = aws_iam_role.exec.arn }
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for role in task_roles(ctx.d) {
        let Some(trust) = role.trust_policy.get() else {
            if role.trust_policy.is_unknown() {
                ctx.undetermined(
                    &role.meta.address,
                    &role.trust_policy.loc,
                    "the trust policy is not known before apply",
                );
            }
            continue;
        };
        if trust.unknown {
            ctx.undetermined(
                &role.meta.address,
                &trust.loc,
                format!("the trust policy ({}) is not known before apply", trust.origin),
            );
            continue;
        }
        for st in trust.statements.iter().filter(|s| s.allow) {
            let others: Vec<String> = st
                .service_principals
                .iter()
                .filter(|p| p.as_str() != "ecs-tasks.amazonaws.com")
                .cloned()
                .chain(st.other_principals.iter().cloned())
                .collect();
            if !others.is_empty() {
                ctx.fail(&role.meta.address, &st.loc, format!("trusts {}", others.join(", ")));
            }
        }
    }
}
