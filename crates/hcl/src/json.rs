//! Terraform's JSON syntax (`.tf.json`), rewritten as native HCL so that one evaluator serves both.
//!
//! Nested blocks inside a resource are written as attributes holding objects or lists of objects;
//! the model reads both shapes alike. Line numbers refer to the rewritten text: a finding in a
//! `.tf.json` file names the file and the resource, and its line is approximate.

use serde_json::Value as Json;
use std::fmt::Write;

pub fn to_hcl(text: &str) -> Result<String, String> {
    let root: Json = serde_json::from_str(text)
        .map_err(|e| format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column()))?;
    let Json::Object(top) = root else {
        return Err("a .tf.json file must hold a JSON object".into());
    };
    let mut out = String::new();
    for (kind, content) in &top {
        match kind.as_str() {
            "resource" | "data" => {
                for (ty, by_name) in objects(content) {
                    for (name, body) in objects(by_name) {
                        for body in bodies(body) {
                            block(&mut out, kind, &[ty, name], body);
                        }
                    }
                }
            }
            "variable" | "output" | "module" | "provider" => {
                for (name, body) in objects(content) {
                    for body in bodies(body) {
                        block(&mut out, kind, &[name], body);
                    }
                }
            }
            "locals" => {
                for body in bodies(content) {
                    block(&mut out, "locals", &[], body);
                }
            }
            "terraform" => {
                for body in bodies(content) {
                    let _ = writeln!(out, "terraform {{");
                    if let Some(Json::Object(backends)) = body.get("backend") {
                        for (name, b) in backends {
                            block(&mut out, "backend", &[name], b);
                        }
                    }
                    let _ = writeln!(out, "}}");
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn objects(v: &Json) -> Vec<(&String, &Json)> {
    match v {
        Json::Object(m) => m.iter().collect(),
        Json::Array(items) => items.iter().flat_map(objects).collect(),
        _ => Vec::new(),
    }
}

fn bodies(v: &Json) -> Vec<&Json> {
    match v {
        Json::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn block(out: &mut String, kind: &str, labels: &[&String], body: &Json) {
    let _ = write!(out, "{kind}");
    for l in labels {
        let _ = write!(out, " {}", quote(l));
    }
    let _ = writeln!(out, " {{");
    if let Json::Object(m) = body {
        for (k, v) in m {
            if k == "//" {
                continue;
            }
            if kind == "variable" && k == "type" {
                if let Json::String(t) = v {
                    let _ = writeln!(out, "  type = {t}");
                    continue;
                }
            }
            let _ = writeln!(out, "  {} = {}", key(k), expr(v));
        }
    }
    let _ = writeln!(out, "}}");
}

fn key(k: &str) -> String {
    let ident = !k.is_empty()
        && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !k.starts_with(|c: char| c.is_ascii_digit());
    if ident {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A JSON string is a template in Terraform's JSON syntax: `${...}` stays live.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn expr(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => quote(s),
        Json::Array(items) => format!("[{}]", items.iter().map(expr).collect::<Vec<_>>().join(", ")),
        Json::Object(m) => format!(
            "{{ {} }}",
            m.iter().map(|(k, v)| format!("{} = {}", quote(k), expr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn resources_and_templates_survive() {
        let hcl = super::to_hcl(r#"{"resource": {"aws_ecs_service": {"s": {"name": "${var.n}", "network_configuration": {"assign_public_ip": true}}}}}"#).unwrap();
        assert!(hcl.contains("resource \"aws_ecs_service\" \"s\""));
        assert!(hcl.contains("name = \"${var.n}\""));
        hcl_edit::parser::parse_body(&hcl).unwrap();
    }
}
