//! IAM roles and their policies, in every form: inline blocks, `aws_iam_role_policy`,
//! attachments, `aws_iam_policy_document` data sources and `jsonencode()`d documents.

use super::*;

pub(super) fn build(rs: &[&TfResource], data: &[&TfResource], d: &mut Deployment) {
    let documents: Vec<&TfResource> =
        data.iter().copied().filter(|r| r.resource_type == "aws_iam_policy_document").collect();
    for r in of_type(rs, &["aws_iam_policy"]) {
        let document = match field(&r.values, "policy") {
            None => Attr::unset(r.loc.clone()),
            Some(p) => Attr::set(policy(p, &documents, &r.address), p.loc.clone()),
        };
        d.iam_policies.push(IamPolicy { meta: r.meta(), document });
    }
    for r in of_type(rs, &["aws_iam_role"]) {
        let v = &r.values;
        let trust_policy = match field(v, "assume_role_policy") {
            None => Attr::unset(r.loc.clone()),
            Some(p) => Attr::set(policy(p, &documents, &format!("{} (trust policy)", r.address)), p.loc.clone()),
        };
        let inline_policies = v
            .blocks("inline_policy")
            .into_iter()
            .filter_map(|b| field(b, "policy").map(|p| policy(p, &documents, &format!("{} inline_policy", r.address))))
            .collect();
        let attached = strings(field(v, "managed_policy_arns"))
            .into_iter()
            .map(|arn| AttachedPolicy {
                loc: field(v, "managed_policy_arns").unwrap().loc.clone(),
                policy: arn,
                origin: r.address.clone(),
            })
            .collect();
        d.iam_roles.push(IamRole {
            meta: r.meta(),
            name: attr_string(v, "name", &r.loc),
            trust_policy,
            inline_policies,
            attached,
        });
    }
    for r in of_type(rs, &["aws_iam_role_policy"]) {
        let roles = keys_of(field(&r.values, "role"));
        if let (Some(role), Some(p)) = (find_role(d, &roles), field(&r.values, "policy")) {
            let mut doc = policy(p, &documents, &r.address);
            doc.loc = p.loc.clone();
            role.inline_policies.push(doc);
        }
    }
    for r in of_type(rs, &["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
        let mut roles = keys_of(field(&r.values, "role"));
        roles.extend(keys_of(field(&r.values, "roles")));
        let Some(policy) = key_of(field(&r.values, "policy_arn")) else {
            continue;
        };
        let loc = field(&r.values, "policy_arn").map(|p| p.loc.clone()).unwrap_or_else(|| r.loc.clone());
        for key in roles {
            if let Some(role) = find_role(d, std::slice::from_ref(&key)) {
                role.attached.push(AttachedPolicy {
                    loc: loc.clone(),
                    policy: policy.clone(),
                    origin: r.address.clone(),
                });
            }
        }
    }
}

fn find_role<'a>(d: &'a mut Deployment, keys: &[String]) -> Option<&'a mut IamRole> {
    d.iam_roles.iter_mut().find(|role| keys.iter().any(|k| role.meta.answers_to(k)))
}

/// Reads a policy attribute: a JSON string, a `jsonencode()`d value, or a reference to an
/// `aws_iam_policy_document` data source.
fn policy(value: &Value, documents: &[&TfResource], origin: &str) -> PolicyDocument {
    if let Some(decoded) = value.decoded() {
        let mut doc = from_json_document(&decoded);
        doc.origin = origin.to_string();
        doc.loc = value.loc.clone();
        return doc;
    }
    let refs = value.refs();
    if let Some(data) = documents.iter().find(|doc| refs.iter().any(|r| r == &doc.address)) {
        let mut doc = from_document_data(data);
        doc.origin = format!("{origin} ← {}", data.address);
        return doc;
    }
    PolicyDocument { loc: value.loc.clone(), origin: origin.to_string(), statements: Vec::new(), unknown: true }
}

/// The strings of a policy element (a string or a list). A part unknown before apply that
/// derives from a resource (an ARN) is kept as `${address}`: it names one resource, not `*`.
/// Only an opaque unknown makes the element unknown.
fn list_or_one(v: Option<&Value>) -> (Vec<String>, bool) {
    let Some(v) = v else {
        return (Vec::new(), false);
    };
    let items: Vec<&Value> = match &v.kind {
        Kind::List(items) => items.iter().collect(),
        _ => vec![v],
    };
    let mut out = Vec::new();
    let mut unknown = false;
    for item in items {
        match &item.kind {
            Kind::Unknown(refs) if !refs.is_empty() => out.push(format!("${{{}}}", refs.join(","))),
            Kind::Partial { refs, .. } if !refs.is_empty() => out.push(item.partial_text().unwrap_or_default()),
            Kind::Unknown(_) | Kind::Partial { .. } => unknown = true,
            _ => match item.to_template_string() {
                Some(s) => out.push(s),
                None => unknown |= item.contains_unknown(),
            },
        }
    }
    out.dedup();
    (out, unknown)
}

/// A policy in IAM's JSON grammar.
pub(crate) fn from_json_document(doc: &Value) -> PolicyDocument {
    let statements = match doc.get("Statement") {
        Some(s) if s.as_list().is_some() => s.as_list().unwrap().iter().collect::<Vec<_>>(),
        Some(s) if s.as_object().is_some() => vec![s],
        _ => Vec::new(),
    };
    let statements = statements
        .into_iter()
        .map(|s| {
            let (actions, a_unknown) = list_or_one(s.get("Action"));
            let (not_actions, na_unknown) = list_or_one(s.get("NotAction"));
            let (resources, r_unknown) = list_or_one(s.get("Resource"));
            let mut service_principals = Vec::new();
            let mut other_principals = Vec::new();
            match s.get("Principal").map(|p| &p.kind) {
                Some(Kind::String(p)) => other_principals.push(p.clone()),
                Some(Kind::Object(map)) => {
                    for (kind, ids) in map {
                        let ids = strings(Some(ids));
                        if kind == "Service" {
                            service_principals.extend(ids);
                        } else {
                            other_principals.extend(ids.into_iter().map(|i| format!("{kind}:{i}")));
                        }
                    }
                }
                _ => {}
            }
            Statement {
                loc: s.loc.clone(),
                allow: s.get("Effect").and_then(Value::as_str) != Some("Deny"),
                actions,
                not_actions,
                resources,
                not_resources: s.get("NotResource").is_some(),
                service_principals,
                other_principals,
                has_conditions: s.get("Condition").map(|c| !c.is_null()).unwrap_or(false),
                unknown: a_unknown || na_unknown || r_unknown,
            }
        })
        .collect();
    PolicyDocument { loc: doc.loc.clone(), origin: String::new(), statements, unknown: false }
}

/// A policy written as an `aws_iam_policy_document` data source.
fn from_document_data(data: &TfResource) -> PolicyDocument {
    let statements = data
        .values
        .blocks("statement")
        .into_iter()
        .map(|s| {
            let (actions, a_unknown) = list_or_one(field(s, "actions"));
            let (not_actions, na_unknown) = list_or_one(field(s, "not_actions"));
            let (resources, r_unknown) = list_or_one(field(s, "resources"));
            let mut service_principals = Vec::new();
            let mut other_principals = Vec::new();
            for p in s.blocks("principals") {
                let kind = field(p, "type").and_then(Value::to_template_string).unwrap_or_default();
                let ids = strings(field(p, "identifiers"));
                if kind == "Service" {
                    service_principals.extend(ids);
                } else {
                    other_principals.extend(ids.into_iter().map(|i| format!("{kind}:{i}")));
                }
            }
            Statement {
                loc: s.loc.clone(),
                allow: field(s, "effect").and_then(Value::as_str) != Some("Deny"),
                actions,
                not_actions,
                resources,
                not_resources: field(s, "not_resources").is_some(),
                service_principals,
                other_principals,
                has_conditions: !s.blocks("condition").is_empty(),
                unknown: a_unknown || na_unknown || r_unknown,
            }
        })
        .collect();
    PolicyDocument { loc: data.loc.clone(), origin: String::new(), statements, unknown: false }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::json_resource;
    use super::*;
    use serde_json::json;

    #[test]
    fn policies_attach_to_roles_in_every_form() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        let rs = vec![
            json_resource("aws_iam_role.exec", json!({"name": "exec", "assume_role_policy": trust.to_string()})),
            json_resource(
                "aws_iam_role_policy.p",
                json!({"role": "exec", "policy": json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}).to_string()}),
            ),
            json_resource(
                "aws_iam_role_policy_attachment.a",
                json!({"role": "aws_iam_role.exec", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            ),
        ];
        let refs: Vec<&TfResource> = rs.iter().collect();
        let mut d = Deployment::default();
        build(&refs, &[], &mut d);
        let role = &d.iam_roles[0];
        assert_eq!(role.trust_policy.get().unwrap().statements[0].service_principals, vec!["ecs-tasks.amazonaws.com"]);
        assert_eq!(role.inline_policies[0].statements[0].actions, vec!["*"]);
        assert!(role.attached[0].policy.ends_with("AdministratorAccess"));
    }
}
