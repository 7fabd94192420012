//! MBD-IAM-001: the task execution role may pull this image, write these logs, read these secrets.

use super::iam_common::{execution_roles, managed_arns, role_documents};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-IAM-001",
        name: "execution-role-least-privilege",
        title: "The ECS task execution role must be limited to ECR pull, log writing and its own secrets",
        severity: Severity::High,
        section: "§2 Access Control › IAM Roles (ECS Task Execution Role, Least Privilege)",
        rationale: "The execution role is used by the ECS agent to pull the image, write logs and fetch secrets. The \
                    document scopes it to those actions on those resources. Anything more (or `*` resources) lets a \
                    compromised task definition or agent reach other repositories, logs or secrets.",
        remediation: "Grant only ecr:GetAuthorizationToken on \"*\"; ecr:BatchCheckLayerAvailability, \
                      ecr:GetDownloadUrlForLayer and ecr:BatchGetImage on the repository ARN; logs:CreateLogStream and \
                      logs:PutLogEvents on the log group ARN; secretsmanager:GetSecretValue on the secrets the task \
                      uses (and kms:Decrypt on their key). Replace AmazonECSTaskExecutionRolePolicy, which grants these \
                      on every resource.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_iam_role" "exec" { name = "metabase-prod-ecs-task-execution-role" }
resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
resource "aws_ecs_task_definition" "metabase" { execution_role_arn = aws_iam_role.exec.arn }
"#,
        good_example: r#"
resource "aws_iam_role" "exec" { name = "metabase-prod-ecs-task-execution-role" }
resource "aws_iam_role_policy" "exec" {
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      { Effect = "Allow", Action = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource = aws_ecr_repository.metabase.arn },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.metabase.arn}:*" },
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = [aws_secretsmanager_secret.key.arn] },
    ]
  })
}
resource "aws_ecs_task_definition" "metabase" { execution_role_arn = aws_iam_role.exec.arn }
"#,
    },
    check,
};

/// What the execution role needs, and nothing else.
const ALLOWED: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
    "ssm:GetParameters",
];

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for role in execution_roles(d) {
        for a in managed_arns(role) {
            let name = a.policy.rsplit('/').next().unwrap_or(&a.policy);
            ctx.fail(
                &role.meta.address,
                &a.loc,
                format!("AWS managed policy {name} is attached: it grants its actions on every resource (\"*\")"),
            );
        }
        for doc in role_documents(d, role) {
            if doc.unknown {
                ctx.undetermined(
                    &role.meta.address,
                    &doc.loc,
                    format!("policy {} is not known before apply", doc.origin),
                );
                continue;
            }
            for st in doc.statements.iter().filter(|s| s.allow) {
                let extra: Vec<&String> =
                    st.actions.iter().filter(|a| !ALLOWED.iter().any(|x| x.eq_ignore_ascii_case(a))).collect();
                if !extra.is_empty() || !st.not_actions.is_empty() {
                    let what = if extra.is_empty() {
                        "NotAction".to_string()
                    } else {
                        extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    };
                    ctx.fail(
                        &role.meta.address,
                        &st.loc,
                        format!("grants {what}, beyond ECR pull, log writing and secret reading"),
                    );
                }
                let star = st.resources.iter().any(|r| r == "*");
                let only_token = !st.actions.is_empty()
                    && st.actions.iter().all(|a| a.eq_ignore_ascii_case("ecr:GetAuthorizationToken"));
                if star && !only_token {
                    ctx.fail(
                        &role.meta.address,
                        &st.loc,
                        format!(
                            "grants {} on \"*\": only ecr:GetAuthorizationToken needs every resource",
                            st.actions.join(", ")
                        ),
                    );
                }
                if st.unknown && !star {
                    ctx.undetermined(
                        &role.meta.address,
                        &st.loc,
                        "a statement's actions or resources are not known before apply",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn a_policy_document_data_source_is_read() {
        let hcl = r#"
data "aws_iam_policy_document" "exec" {
  statement {
    actions   = ["ecr:BatchGetImage", "s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_role" "exec" { name = "exec" }
resource "aws_iam_role_policy" "exec" {
  role   = aws_iam_role.exec.id
  policy = data.aws_iam_policy_document.exec.json
}
resource "aws_ecs_task_definition" "t" { execution_role_arn = aws_iam_role.exec.arn }
"#;
        let f = findings_of(&RULE, hcl);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f[0].message.contains("s3:GetObject"));
        assert_eq!(f[0].line, 3);
    }
}
