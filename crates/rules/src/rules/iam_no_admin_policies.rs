//! MBD-IAM-004: no administrator-level managed policies.

use super::iam_common::managed_arns;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-IAM-004",
        name: "no-admin-managed-policies",
        title: "No role may have AdministratorAccess, PowerUserAccess or IAMFullAccess attached",
        severity: Severity::Critical,
        section: "§2 Access Control › Principle of Least Privilege",
        rationale: "These managed policies grant (nearly) the whole account. A task holding them turns any Metabase \
                    vulnerability into an account takeover.",
        remediation: "Detach the policy and grant the few actions the role needs in a scoped policy.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_iam_role" "task" { name = "metabase-prod-ecs-task-role" }
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#,
        good_example: r#"
resource "aws_iam_role" "task" { name = "metabase-prod-ecs-task-role" }
"#,
    },
    check,
};

const ADMIN: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AdministratorAccess-Amplify"];

fn check(ctx: &mut Ctx) {
    for role in &ctx.d.iam_roles {
        for a in managed_arns(role) {
            let name = a.policy.rsplit('/').next().unwrap_or("");
            if ADMIN.contains(&name) {
                ctx.fail(&role.meta.address, &a.loc, format!("{name} is attached (by {})", a.origin));
            }
        }
    }
}
