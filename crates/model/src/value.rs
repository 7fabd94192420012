//! Evaluated values with provenance.
//!
//! A [`Value`] is what a Terraform expression evaluates to, plus two facts the rules need and
//! plain HCL values lack: *where* it was written (so a finding points at the exact expression)
//! and whether it is *sensitive* (so no report ever prints it). Values that cannot be known before
//! apply are [`Kind::Unknown`]; they remember which resources they came from, because
//! `security_groups = [aws_security_group.alb.id]` must still resolve to the ALB's group.

use crate::Location;
use indexmap::IndexMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub loc: Location,
    /// Derived from a sensitive variable, a sensitive plan value or a secret.
    pub sensitive: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Object(IndexMap<String, Value>),
    /// Not known until apply. `refs` names the resources (by address, e.g.
    /// `aws_security_group.alb` or `module.m.aws_subnet.private[0]`) the value derives from.
    Unknown(Vec<String>),
    /// A string only partly known: `text` holds the known parts, each unknown part written as
    /// `${…}`. Kept so that `"${aws_ecr_repository.r.repository_url}:v0.50.0"` still shows its tag.
    Partial {
        text: String,
        refs: Vec<String>,
    },
    /// The result of `jsonencode(x)`: a string whose structure (and the provenance of each part)
    /// is kept, so that `container_definitions = jsonencode([...])` can still be read field by field.
    Encoded(Box<Value>),
}

impl Value {
    pub fn new(kind: Kind, loc: Location) -> Self {
        Value { kind, loc, sensitive: false }
    }
    pub fn null(loc: Location) -> Self {
        Value::new(Kind::Null, loc)
    }
    pub fn unknown(loc: Location) -> Self {
        Value::new(Kind::Unknown(Vec::new()), loc)
    }
    pub fn unknown_ref(reference: impl Into<String>, loc: Location) -> Self {
        Value::new(Kind::Unknown(vec![reference.into()]), loc)
    }
    pub fn string(s: impl Into<String>, loc: Location) -> Self {
        Value::new(Kind::String(s.into()), loc)
    }
    pub fn with_sensitive(mut self, sensitive: bool) -> Self {
        self.sensitive |= sensitive;
        self
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
    /// True when the value, or anything inside it, is not known yet.
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_) | Kind::Partial { .. })
    }
    pub fn contains_unknown(&self) -> bool {
        match &self.kind {
            Kind::Unknown(_) | Kind::Partial { .. } => true,
            Kind::List(items) => items.iter().any(Value::contains_unknown),
            Kind::Object(map) => map.values().any(Value::contains_unknown),
            Kind::Encoded(inner) => inner.contains_unknown(),
            _ => false,
        }
    }
    /// True when this value or any part of it is sensitive.
    pub fn contains_sensitive(&self) -> bool {
        self.sensitive
            || match &self.kind {
                Kind::List(items) => items.iter().any(Value::contains_sensitive),
                Kind::Object(map) => map.values().any(Value::contains_sensitive),
                Kind::Encoded(inner) => inner.contains_sensitive(),
                _ => false,
            }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::String(s) if s == "true" => Some(true),
            Kind::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            Kind::Number(n) => Some(*n),
            Kind::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15).map(|n| n as i64)
    }
    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(items) => Some(items),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&IndexMap<String, Value>> {
        match &self.kind {
            Kind::Object(map) => Some(map),
            _ => None,
        }
    }
    /// The structure behind a string: an `Encoded` value's inner value, or a JSON string parsed.
    pub fn decoded(&self) -> Option<Value> {
        match &self.kind {
            Kind::Encoded(inner) => Some((**inner).clone()),
            Kind::String(s) => serde_json::from_str::<serde_json::Value>(s)
                .ok()
                .map(|json| Value::from_json(&json, &self.loc).with_sensitive_deep(self.sensitive)),
            _ => None,
        }
    }
    fn with_sensitive_deep(mut self, sensitive: bool) -> Self {
        if !sensitive {
            return self;
        }
        self.sensitive = true;
        match &mut self.kind {
            Kind::List(items) => items.iter_mut().for_each(|v| *v = v.clone().with_sensitive_deep(true)),
            Kind::Object(map) => map.values_mut().for_each(|v| *v = v.clone().with_sensitive_deep(true)),
            _ => {}
        }
        self
    }

    /// A field of an object (`None` if absent, or if this is not an object).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }
    /// A nested block as Terraform represents it: a list of objects. A single object is accepted
    /// too, since some sources write a lone block as an object.
    pub fn blocks(&self, key: &str) -> Vec<&Value> {
        match self.get(key).map(|v| &v.kind) {
            Some(Kind::List(items)) => items.iter().filter(|v| v.as_object().is_some()).collect(),
            Some(Kind::Object(_)) => vec![self.get(key).unwrap()],
            _ => Vec::new(),
        }
    }
    /// All resource addresses this value derives from (for an unknown value or any part of one).
    pub fn refs(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }
    fn collect_refs(&self, out: &mut Vec<String>) {
        match &self.kind {
            Kind::Unknown(refs) | Kind::Partial { refs, .. } => out.extend(refs.iter().cloned()),
            Kind::List(items) => items.iter().for_each(|v| v.collect_refs(out)),
            Kind::Object(map) => map.values().for_each(|v| v.collect_refs(out)),
            Kind::Encoded(inner) => inner.collect_refs(out),
            _ => {}
        }
    }

    /// Builds a value from JSON, every part located at `loc`.
    pub fn from_json(json: &serde_json::Value, loc: &Location) -> Value {
        let kind = match json {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(b) => Kind::Bool(*b),
            serde_json::Value::Number(n) => Kind::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Kind::String(s.clone()),
            serde_json::Value::Array(items) => Kind::List(items.iter().map(|v| Value::from_json(v, loc)).collect()),
            serde_json::Value::Object(map) => {
                Kind::Object(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v, loc))).collect())
            }
        };
        Value::new(kind, loc.clone())
    }

    /// Converts to JSON. Unknown parts become `null`; `Encoded` parts become their JSON text.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            Kind::Null | Kind::Unknown(_) => serde_json::Value::Null,
            Kind::Partial { text, .. } => serde_json::Value::String(text.clone()),
            Kind::Bool(b) => serde_json::Value::Bool(*b),
            Kind::Number(n) => number_json(*n),
            Kind::String(s) => serde_json::Value::String(s.clone()),
            Kind::List(items) => serde_json::Value::Array(items.iter().map(Value::to_json).collect()),
            Kind::Object(map) => serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Kind::Encoded(inner) => serde_json::Value::String(inner.to_json().to_string()),
        }
    }

    /// The value as Terraform would write it in a string template, if it is known and primitive.
    pub fn to_template_string(&self) -> Option<String> {
        match &self.kind {
            Kind::String(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Number(n) => Some(format_number(*n)),
            Kind::Encoded(inner) => Some(inner.to_json().to_string()),
            _ => None,
        }
    }

    /// The known text of a string, with `${…}` for the parts unknown before apply.
    pub fn partial_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Partial { text, .. } => Some(text.clone()),
            _ => self.to_template_string(),
        }
    }

    /// A one-word name of the type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "number",
            Kind::String(_) | Kind::Encoded(_) => "string",
            Kind::List(_) => "list",
            Kind::Object(_) => "object",
            Kind::Unknown(_) | Kind::Partial { .. } => "unknown",
        }
    }
}

fn number_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

/// Formats a number the way Terraform prints it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_keeps_sensitivity_of_a_json_string() {
        let v = Value::string(r#"[{"name":"a"}]"#, Location::default()).with_sensitive(true);
        let d = v.decoded().unwrap();
        assert!(d.as_list().unwrap()[0].get("name").unwrap().sensitive);
    }

    #[test]
    fn refs_are_collected_through_structures() {
        let loc = Location::default();
        let list = Value::new(
            Kind::List(vec![
                Value::unknown_ref("aws_security_group.alb", loc.clone()),
                Value::string("sg-1", loc.clone()),
            ]),
            loc,
        );
        assert_eq!(list.refs(), vec!["aws_security_group.alb".to_string()]);
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3000.0), "3000");
        assert_eq!(format_number(0.5), "0.5");
    }
}
