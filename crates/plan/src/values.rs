//! One resource's planned values → a [`Value`] the adapter reads like the source loader's.
//!
//! Four parallel trees are walked together: the planned values (`after`, where unknown parts are
//! simply missing), `after_unknown` and `after_sensitive` (same shape, `true` where a part is
//! unknown or sensitive), and the configuration's `expressions` (the same shape again for nested
//! blocks, an expression with `references` for each argument written).

use crate::address::ModulePath;
use crate::config::{references, Resolver};
use crate::secrets::Secrets;
use indexmap::IndexMap;
use mbdeploy_model::{Kind, Location, Value};
use serde_json::{Map, Value as J};

/// What replaces every sensitive value.
pub const REDACTED: &str = "(sensitive)";

/// Where in the configuration a part of a value was written.
#[derive(Clone, Copy)]
enum Expr<'a> {
    /// An argument's expression: everything inside the value derives from its references.
    /// `true` when it is the expression of exactly this part (not of an enclosing argument).
    Attr(&'a J, bool),
    /// A block body: arguments and nested blocks by name.
    Body(&'a Map<String, J>),
    /// The blocks of one type, in configuration order.
    Blocks(&'a [J]),
    /// The enclosing block is in the configuration and this argument is not written in it:
    /// an unknown value here is one the provider computes.
    NotWritten,
    /// Nothing is known of how this part was written (no configuration, a `dynamic` block, a
    /// block the provider adds).
    Opaque,
}

fn classify(j: &J) -> Expr<'_> {
    match j {
        J::Object(m) if is_expression(m) => Expr::Attr(j, true),
        J::Object(m) => Expr::Body(m),
        J::Array(items) => Expr::Blocks(items),
        _ => Expr::Opaque,
    }
}

/// An expression is `{"references": [...]}` and/or `{"constant_value": ...}`; Terraform writes
/// `{}` for an expression that is neither (a function of constants).
fn is_expression(m: &Map<String, J>) -> bool {
    m.keys().all(|k| k == "references" || k == "constant_value") && m.get("references").map(J::is_array).unwrap_or(true)
}

impl<'a> Expr<'a> {
    fn key(self, key: &str) -> Expr<'a> {
        match self {
            Expr::Attr(a, _) => Expr::Attr(a, false),
            Expr::Body(m) => m.get(key).map(classify).unwrap_or(Expr::NotWritten),
            Expr::Blocks(_) | Expr::NotWritten | Expr::Opaque => Expr::Opaque,
        }
    }

    fn index(self, i: usize, value: Option<&J>) -> Expr<'a> {
        match self {
            Expr::Attr(a, _) => Expr::Attr(a, false),
            Expr::Blocks([]) => Expr::Opaque,
            Expr::Blocks(list) => list.get(best_block(list, i, value)).map(classify).unwrap_or(Expr::Opaque),
            Expr::Body(m) if i == 0 => Expr::Body(m),
            _ => Expr::Opaque,
        }
    }

    /// Every reference written in this part of the configuration.
    fn references(self) -> Vec<String> {
        fn walk(j: &J, out: &mut Vec<String>) {
            match j {
                J::Object(m) if is_expression(m) => out.extend(references(j)),
                J::Object(m) => m.values().for_each(|v| walk(v, out)),
                J::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        match self {
            Expr::Attr(a, _) => out.extend(references(a)),
            Expr::Body(m) => m.values().for_each(|v| walk(v, &mut out)),
            Expr::Blocks(list) => list.iter().for_each(|v| walk(v, &mut out)),
            Expr::NotWritten | Expr::Opaque => {}
        }
        out
    }
}

/// Which configured block a planned block came from. Blocks in a list keep their order, but a
/// set's are reordered by the provider: pick the one whose constant arguments agree best with the
/// planned values, preferring the same position on a tie.
fn best_block(list: &[J], i: usize, value: Option<&J>) -> usize {
    if list.len() == 1 {
        return 0;
    }
    let Some(J::Object(planned)) = value else {
        return i.min(list.len() - 1);
    };
    let score = |body: &J| -> i64 {
        let Some(body) = body.as_object() else {
            return i64::MIN;
        };
        let mut score = 0;
        for (k, expr) in body {
            let Some(e) = expr.as_object().filter(|e| is_expression(e)) else {
                continue;
            };
            let (Some(constant), Some(actual)) = (e.get("constant_value"), planned.get(k)) else {
                continue;
            };
            if !actual.is_null() {
                score += if loosely_equal(constant, actual) { 1 } else { -1 };
            }
        }
        score
    };
    let mut best = i.min(list.len() - 1);
    let mut best_score = score(&list[best]);
    for (j, body) in list.iter().enumerate() {
        let s = score(body);
        if s > best_score {
            best = j;
            best_score = s;
        }
    }
    best
}

fn loosely_equal(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::String(x), J::Number(n)) | (J::Number(n), J::String(x)) => x.trim() == n.to_string(),
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn child<'j>(mask: Option<&'j J>, key: &str) -> Option<&'j J> {
    mask.and_then(|m| m.as_object()).and_then(|m| m.get(key))
}

fn item(mask: Option<&J>, i: usize) -> Option<&J> {
    mask.and_then(|m| m.as_array()).and_then(|a| a.get(i))
}

fn is_true(mask: Option<&J>) -> bool {
    matches!(mask, Some(J::Bool(true)))
}

fn any_true(mask: Option<&J>) -> bool {
    match mask {
        Some(J::Bool(b)) => *b,
        Some(J::Array(items)) => items.iter().any(|m| any_true(Some(m))),
        Some(J::Object(m)) => m.values().any(|m| any_true(Some(m))),
        _ => false,
    }
}

/// Builds the values of one resource instance.
pub(crate) struct ValueBuilder<'a> {
    pub resolver: &'a Resolver<'a>,
    pub secrets: &'a Secrets,
    pub module: &'a ModulePath,
    /// The instance key (`[0]`, `["a"]`) of the resource being built.
    pub self_key: Option<&'a str>,
    pub loc: Location,
    /// How many values were hidden because they held a secret's text without being marked.
    pub hidden: usize,
    /// How many objects enclose the value being built: 1 for a resource's arguments, 2 and
    /// more inside its nested blocks.
    pub depth: usize,
}

impl<'a> ValueBuilder<'a> {
    /// `expressions` is `None` when the configuration does not have this resource.
    pub fn resource(
        &mut self,
        after: Option<&J>,
        unknown: Option<&J>,
        sensitive: Option<&J>,
        expressions: Option<&'a Map<String, J>>,
    ) -> Value {
        let expr = expressions.map(Expr::Body).unwrap_or(Expr::Opaque);
        let after = after.filter(|a| a.is_object());
        let unknown = unknown.filter(|u| u.is_object());
        let v = if is_true(sensitive) {
            // A whole resource marked sensitive: nothing of it can be shown.
            self.redacted(expr)
        } else {
            self.build(after, unknown, sensitive, expr)
        };
        match v.kind {
            Kind::Object(_) => v,
            _ => Value::new(Kind::Object(IndexMap::new()), self.loc.clone()),
        }
    }

    fn refs(&self, expr: Expr) -> Vec<String> {
        let raw = expr.references();
        if raw.is_empty() {
            return Vec::new();
        }
        self.resolver.resolve(&raw, self.module, self.self_key)
    }

    /// A sensitive value: its text replaced, its provenance kept. It is a `Partial` (a string
    /// whose known text is `(sensitive)`) so that the adapter treats it as undeterminable rather
    /// than as the literal text, and still sees what it derives from.
    fn redacted(&self, expr: Expr) -> Value {
        Value::new(Kind::Partial { text: REDACTED.to_string(), refs: self.refs(expr) }, self.loc.clone())
            .with_sensitive(true)
    }

    fn build(&mut self, json: Option<&J>, unknown: Option<&J>, sensitive: Option<&J>, expr: Expr<'a>) -> Value {
        if is_true(unknown) {
            let kind = match expr {
                // Not written, computed by the provider: absent, as in a source audit.
                Expr::NotWritten => Kind::Null,
                _ => Kind::Unknown(self.refs(expr)),
            };
            return Value::new(kind, self.loc.clone()).with_sensitive(any_true(sensitive));
        }
        if is_true(sensitive) {
            return match json {
                None | Some(J::Null) => Value::null(self.loc.clone()).with_sensitive(true),
                Some(_) => self.redacted(expr),
            };
        }
        match self.structure(json, unknown, sensitive, expr) {
            Some(kind) => Value::new(kind, self.loc.clone()),
            None => self.leaf(json, expr),
        }
    }

    /// The object or list at this point, `None` for a primitive.
    fn structure(
        &mut self,
        json: Option<&J>,
        unknown: Option<&J>,
        sensitive: Option<&J>,
        expr: Expr<'a>,
    ) -> Option<Kind> {
        Some(match json {
            Some(J::Object(map)) => {
                let mut out = IndexMap::new();
                let extra =
                    unknown.and_then(J::as_object).into_iter().flat_map(|u| u.keys()).filter(|k| !map.contains_key(*k));
                let keys: Vec<&String> = map.keys().chain(extra).collect();
                self.depth += 1;
                for k in keys {
                    let v = self.build(map.get(k), child(unknown, k), child(sensitive, k), expr.key(k));
                    self.insert(&mut out, k, v);
                }
                self.depth -= 1;
                Kind::Object(out)
            }
            Some(J::Array(items)) => {
                let len = items.len().max(unknown.and_then(J::as_array).map(Vec::len).unwrap_or(0));
                Kind::List(
                    (0..len)
                        .map(|i| {
                            self.build(items.get(i), item(unknown, i), item(sensitive, i), expr.index(i, items.get(i)))
                        })
                        .collect(),
                )
            }
            None => match unknown {
                // Terraform leaves unknown parts out of `after`; their shape is in `after_unknown`.
                Some(J::Object(u)) => {
                    let mut out = IndexMap::new();
                    self.depth += 1;
                    for k in u.keys() {
                        let v = self.build(None, child(unknown, k), child(sensitive, k), expr.key(k));
                        self.insert(&mut out, k, v);
                    }
                    self.depth -= 1;
                    Kind::Object(out)
                }
                Some(J::Array(u)) => Kind::List(
                    (0..u.len())
                        .map(|i| self.build(None, item(unknown, i), item(sensitive, i), expr.index(i, None)))
                        .collect(),
                ),
                _ => Kind::Null,
            },
            Some(_) => return None,
        })
    }

    fn leaf(&mut self, json: Option<&J>, expr: Expr<'a>) -> Value {
        match json {
            Some(J::String(s)) if self.secrets.exposes(s) => {
                self.hidden += 1;
                self.redacted(expr)
            }
            // The AWS provider writes "" for a nested string argument that is not set (a route's
            // unused targets, a rule's description); the source loader sees nothing there.
            Some(J::String(s)) if s.is_empty() && self.depth >= 2 && !written_as_empty(expr) => {
                Value::null(self.loc.clone())
            }
            Some(leaf) => Value::from_json(leaf, &self.loc),
            None => Value::null(self.loc.clone()),
        }
    }

    /// Inserts a field; a key that holds a secret's text is replaced too.
    fn insert(&mut self, map: &mut IndexMap<String, Value>, key: &str, value: Value) {
        if self.secrets.exposes(key) {
            self.hidden += 1;
            let mut n = map.len();
            let mut hidden_key = REDACTED.to_string();
            while map.contains_key(&hidden_key) {
                n += 1;
                hidden_key = format!("{REDACTED}#{n}");
            }
            let mut value = value;
            redact_deep(&mut value);
            map.insert(hidden_key, value);
        } else {
            map.insert(key.to_string(), value);
        }
    }
}

/// Whether this part is written in the configuration as the constant `""`.
fn written_as_empty(expr: Expr) -> bool {
    matches!(expr, Expr::Attr(a, true) if a.get("constant_value").and_then(J::as_str) == Some(""))
}

/// Replaces a whole value (under a hidden key) with the redaction marker.
fn redact_deep(v: &mut Value) {
    v.kind = Kind::Partial { text: REDACTED.to_string(), refs: v.refs() };
    v.sensitive = true;
}
