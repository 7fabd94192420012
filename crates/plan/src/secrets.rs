//! Every secret a plan holds in clear text, so that none of it can leave the loader.
//!
//! `terraform show -json` writes sensitive values in clear text and marks them in separate
//! `*_sensitive` structures. The loader replaces every marked value; as a second line of defence it
//! also collects the clear text of everything marked (sensitive variables, attributes, outputs)
//! and hides any other string that equals or contains one of them, which catches a secret copied
//! out with `nonsensitive()` or by a provider that does not mark an attribute.

use serde_json::Value as J;
use std::collections::HashSet;

/// Shorter values are not looked for at all: a sensitive `"no"` or `"443"` would hide every such
/// string in the plan and protect nothing. (Where they are marked, they are still replaced.)
const MIN_CHARS: usize = 4;

/// Secrets shorter than this are only hidden where a string equals them: hiding every string
/// that merely *contains* `"admin"` would blind the audit without protecting anything.
const MIN_CONTAINED_CHARS: usize = 6;

/// Real plans hold a handful of secrets. A hostile one could hold millions and make looking for
/// each inside every string quadratic; past this many, the rest are only matched whole.
const MAX_CONTAINED: usize = 1000;

#[derive(Default)]
pub(crate) struct Secrets {
    /// Clear text, and its JSON-escaped form when that differs (to catch it inside a JSON string).
    whole: HashSet<String>,
    /// Those long enough to be looked for inside other strings.
    contained: Vec<String>,
}

impl Secrets {
    /// Adds the string leaves of `value` that `mask` marks sensitive (`true` marks a whole
    /// subtree).
    pub fn add_marked(&mut self, value: Option<&J>, mask: Option<&J>) {
        let (Some(value), Some(mask)) = (value, mask) else {
            return;
        };
        match mask {
            J::Bool(true) => self.add_all(value),
            J::Object(m) => {
                for (k, sub) in m {
                    self.add_marked(value.get(k), Some(sub));
                }
            }
            J::Array(items) => {
                for (i, sub) in items.iter().enumerate() {
                    self.add_marked(value.get(i), Some(sub));
                }
            }
            _ => {}
        }
    }

    /// Adds every string leaf (and number, written as text) of `value`.
    pub fn add_all(&mut self, value: &J) {
        match value {
            J::String(s) => self.add(s),
            J::Number(n) => self.add(&n.to_string()),
            J::Array(items) => items.iter().for_each(|v| self.add_all(v)),
            J::Object(m) => m.values().for_each(|v| self.add_all(v)),
            _ => {}
        }
    }

    fn add(&mut self, s: &str) {
        if s.chars().count() < MIN_CHARS || self.whole.contains(s) {
            return;
        }
        self.insert(s.to_string());
        let quoted = serde_json::to_string(s).unwrap_or_default();
        if let Some(escaped) = quoted.get(1..quoted.len().saturating_sub(1)) {
            if escaped != s {
                self.insert(escaped.to_string());
            }
        }
    }

    fn insert(&mut self, s: String) {
        if s.chars().count() >= MIN_CONTAINED_CHARS && self.contained.len() < MAX_CONTAINED {
            self.contained.push(s.clone());
        }
        self.whole.insert(s);
    }

    /// Whether `text` equals a secret, or contains one long enough to be telling.
    pub fn exposes(&self, text: &str) -> bool {
        !text.is_empty() && (self.whole.contains(text) || self.contained.iter().any(|s| text.contains(s.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_leaves_are_collected_and_found_inside_strings() {
        let mut s = Secrets::default();
        s.add_marked(
            Some(&json!({"password": "hunter2-long", "name": "db", "tags": {"a": "x\"y-quoted"}})),
            Some(&json!({"password": true, "tags": {"a": true}})),
        );
        assert!(s.exposes("hunter2-long"));
        assert!(s.exposes("postgres://u:hunter2-long@h/db"));
        assert!(s.exposes(r#"[{"value":"x\"y-quoted"}]"#));
        assert!(!s.exposes("db"));
    }

    #[test]
    fn short_secrets_only_match_whole_strings() {
        let mut s = Secrets::default();
        s.add_all(&json!(["admin", "443"]));
        assert!(s.exposes("admin"));
        assert!(!s.exposes("administrator"));
        assert!(!s.exposes("443"), "too short to look for");
    }
}
