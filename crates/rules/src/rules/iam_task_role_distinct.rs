//! MBD-IAM-002: the task role is not the execution role.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-IAM-002",
        name: "task-role-distinct",
        title: "The ECS task role must be distinct from the execution role",
        severity: Severity::Medium,
        section: "§2 Access Control › IAM Roles (ECS Task Role)",
        rationale:
            "The document separates the execution role (used by ECS to start the task) from the task role (used \
                    by Metabase's own code). Sharing one role hands the application the power to read every secret \
                    and pull every image the agent can.",
        remediation:
            "Create a separate `<name>-ecs-task-role` with only what Metabase itself needs (nothing by default) \
                      and set it as `task_role_arn`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_iam_role" "ecs" { name = "metabase-prod-ecs" }
resource "aws_ecs_task_definition" "metabase" {
  execution_role_arn = aws_iam_role.ecs.arn
  task_role_arn      = aws_iam_role.ecs.arn
}
"#,
        good_example: r#"
resource "aws_iam_role" "exec" { name = "metabase-prod-ecs-task-execution-role" }
resource "aws_iam_role" "task" { name = "metabase-prod-ecs-task-role" }
resource "aws_ecs_task_definition" "metabase" {
  execution_role_arn = aws_iam_role.exec.arn
  task_role_arn      = aws_iam_role.task.arn
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for t in &ctx.d.task_definitions {
        if let (Some(exec), Some(task)) = (&t.execution_role, &t.task_role) {
            if exec == task {
                ctx.fail(
                    &t.meta.address,
                    &t.meta.loc,
                    format!("`{exec}` is both the execution role and the task role"),
                );
            }
        }
    }
}
