//! IAM facts shared by the access rules.

use mbdeploy_model::{Deployment, IamRole, PolicyDocument};

/// Every policy document that grants a role permissions: inline ones and attached customer
/// policies defined in the configuration.
pub fn role_documents<'a>(d: &'a Deployment, role: &'a IamRole) -> Vec<&'a PolicyDocument> {
    let mut docs: Vec<&PolicyDocument> = role.inline_policies.iter().collect();
    for a in &role.attached {
        if let Some(p) = d.iam_policy(&a.policy) {
            if let Some(doc) = p.document.get() {
                docs.push(doc);
            }
        }
    }
    docs
}

/// Attached policies that are AWS managed (by ARN), with where they were attached.
pub fn managed_arns(role: &IamRole) -> impl Iterator<Item = &mbdeploy_model::AttachedPolicy> {
    role.attached
        .iter()
        .filter(|a| a.policy.starts_with("arn:aws:iam::aws:policy/") || a.policy.contains(":iam::aws:policy/"))
}

/// Roles used by task definitions as execution roles.
pub fn execution_roles(d: &Deployment) -> Vec<&IamRole> {
    dedup(d.task_definitions.iter().filter_map(|t| t.execution_role.as_deref()).filter_map(|k| d.iam_role(k)).collect())
}

/// Roles used by task definitions (execution and task roles).
pub fn task_roles(d: &Deployment) -> Vec<&IamRole> {
    let mut roles = execution_roles(d);
    roles.extend(d.task_definitions.iter().filter_map(|t| t.task_role.as_deref()).filter_map(|k| d.iam_role(k)));
    dedup(roles)
}

fn dedup(mut roles: Vec<&IamRole>) -> Vec<&IamRole> {
    let mut out: Vec<&IamRole> = Vec::new();
    for r in roles.drain(..) {
        if !out.iter().any(|o| std::ptr::eq(*o, r)) {
            out.push(r);
        }
    }
    out
}
