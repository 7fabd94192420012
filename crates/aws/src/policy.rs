//! IAM policy documents as IAM returns them: URL-encoded JSON (GetRole, GetRolePolicy,
//! GetPolicyVersion), read into the model's [`PolicyDocument`] with the grammar the Terraform
//! adapter uses (`Action` a string or a list, `Principal` `"*"` or a map, ...).

use mbdeploy_model::deployment::{PolicyDocument, Statement};
use mbdeploy_model::Location;
use serde_json::Value;

/// Decodes `%XX` escapes (and `+`, which IAM never sends in a document but form encoding may).
pub fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON of a document, URL-encoded or not.
fn parse(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(v) = serde_json::from_str(trimmed) {
            return Some(v);
        }
    }
    serde_json::from_str(&url_decode(text)).ok()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Reads a policy document; an unreadable one is `unknown` (judged undetermined, never passed).
pub fn document(text: &str, origin: &str, at: &Location) -> PolicyDocument {
    let Some(json) = parse(text) else {
        return PolicyDocument { loc: at.clone(), origin: origin.to_string(), statements: Vec::new(), unknown: true };
    };
    let statements: Vec<&Value> = match json.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    let statements = statements
        .into_iter()
        .map(|st| {
            let mut service_principals = Vec::new();
            let mut other_principals = Vec::new();
            match st.get("Principal") {
                Some(Value::String(p)) => other_principals.push(p.clone()),
                Some(Value::Object(map)) => {
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
                loc: at.clone(),
                allow: st.get("Effect").and_then(Value::as_str) != Some("Deny"),
                actions: strings(st.get("Action")),
                not_actions: strings(st.get("NotAction")),
                resources: strings(st.get("Resource")),
                not_resources: st.get("NotResource").is_some(),
                service_principals,
                other_principals,
                has_conditions: st.get("Condition").map(|c| !c.is_null()).unwrap_or(false),
                unknown: false,
            }
        })
        .collect();
    PolicyDocument { loc: at.clone(), origin: origin.to_string(), statements, unknown: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_documents_are_read() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let doc = document(encoded, "p", &Location::arn("arn:x"));
        assert!(!doc.unknown);
        assert_eq!(doc.statements[0].actions, vec!["*"]);
        assert_eq!(doc.statements[0].resources, vec!["*"]);
    }

    #[test]
    fn trust_policies_name_their_principals() {
        let doc = document(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com","AWS":["arn:aws:iam::1:root"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"1"}}}}"#,
            "trust",
            &Location::arn("arn:x"),
        );
        let st = &doc.statements[0];
        assert_eq!(st.service_principals, vec!["ecs-tasks.amazonaws.com"]);
        assert_eq!(st.other_principals, vec!["AWS:arn:aws:iam::1:root"]);
        assert!(st.has_conditions && st.allow);
    }

    #[test]
    fn garbage_is_unknown_not_empty() {
        assert!(document("%ZZnot json", "p", &Location::arn("arn:x")).unknown);
    }
}
