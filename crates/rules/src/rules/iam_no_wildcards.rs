//! MBD-IAM-003: no wildcard actions in the deployment's IAM policies.

use super::iam_common::role_documents;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-IAM-003",
        name: "no-wildcard-actions",
        title: "IAM policies must not allow `*`, `service:*` or any iam: action",
        severity: Severity::High,
        section: "§2 Access Control › Principle of Least Privilege",
        rationale: "A wildcard action grants every present and future action of a service; `iam:` actions let a \
                    role raise its own privileges. Neither is needed to run Metabase.",
        remediation: "List the exact actions needed, on the exact resources.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_iam_role" "task" { name = "metabase-prod-ecs-task-role" }
resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
"#,
        good_example: r#"
resource "aws_iam_role" "task" { name = "metabase-prod-ecs-task-role" }
resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::exports/*" }] })
}
"#,
    },
    check,
};

fn is_wildcard(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a == "*" || a.ends_with(":*") || a.starts_with("iam:")
}

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for role in &d.iam_roles {
        for doc in role_documents(d, role) {
            for st in doc.statements.iter().filter(|s| s.allow) {
                let bad: Vec<&str> = st.actions.iter().map(String::as_str).filter(|a| is_wildcard(a)).collect();
                if !bad.is_empty() {
                    ctx.fail(&role.meta.address, &st.loc, format!("allows {}", bad.join(", ")));
                }
                if !st.not_actions.is_empty() {
                    ctx.fail(&role.meta.address, &st.loc, "an Allow with NotAction grants everything not listed");
                }
            }
        }
    }
    // Customer policies not attached to a role in this configuration are still judged.
    for p in &d.iam_policies {
        let attached = d.iam_roles.iter().any(|r| r.attached.iter().any(|a| p.meta.answers_to(&a.policy)));
        if attached {
            continue;
        }
        for st in p.document.get().into_iter().flat_map(|doc| doc.statements.iter()).filter(|s| s.allow) {
            let bad: Vec<&str> = st.actions.iter().map(String::as_str).filter(|a| is_wildcard(a)).collect();
            if !bad.is_empty() {
                ctx.fail(&p.meta.address, &st.loc, format!("allows {}", bad.join(", ")));
            }
        }
    }
}
