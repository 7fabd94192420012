//! Parsing with hcl-edit, tolerating what Terraform tolerates.
//!
//! hcl-edit rejects an attribute set twice in one body. Such files exist in the wild and a user
//! deserves a finding, not a parse failure, so the later definition is renamed with a marker
//! suffix and parsed again; [`dedupe_key`] strips the marker when the body is read, and the
//! later value wins.

use crate::source::SourceFile;
use hcl_edit::structure::Body;
use mbdeploy_model::deployment::{LoadError, LoadIssue};

const DUP_MARKER: &str = "__mbdeploy_dup";
/// More redefinitions than this in one file is not a config anyone maintains by hand.
const MAX_DUPLICATE_FIXES: usize = 200;

pub struct Parsed {
    pub body: Body,
    /// The text actually parsed (with duplicate markers), used for spans.
    pub file: SourceFile,
    pub issues: Vec<LoadIssue>,
}

/// Parses a file's text; on failure, an error with its line and column.
pub fn parse(file: SourceFile) -> Result<Parsed, LoadError> {
    let mut text = file.text.clone();
    let mut issues = Vec::new();
    for _ in 0..=MAX_DUPLICATE_FIXES {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => {
                let file = SourceFile::new(file.name.clone(), text);
                return Ok(Parsed { body, file, issues });
            }
            Err(e) if e.message().contains("redefined attribute") => {
                let offset = e.location().offset();
                let key_end = text[offset..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .map(|i| offset + i)
                    .unwrap_or(text.len());
                let key = text[offset..key_end].to_string();
                let shown = SourceFile::new(file.name.clone(), text.clone());
                issues.push(LoadIssue {
                    code: "duplicate-attribute".into(),
                    loc: shown.loc(offset),
                    address: String::new(),
                    message: format!(
                        "attribute `{}` is set more than once in this block; Terraform keeps only the last value",
                        dedupe_key(&key)
                    ),
                });
                text.insert_str(key_end, &format!("{DUP_MARKER}{}", issues.len()));
            }
            Err(e) => {
                let loc = e.location();
                let mut l = file.loc(0);
                l.line = loc.line() as u32;
                l.column = loc.column() as u32;
                return Err(LoadError {
                    loc: l,
                    message: format!("HCL syntax error: {}", e.message()),
                    help: format!(
                        "fix the syntax near `{}`; `terraform validate` shows the same error",
                        e.line().trim()
                    ),
                });
            }
        }
    }
    Err(LoadError {
        loc: file.loc(0),
        message: "too many attributes are set twice to read this file".into(),
        help: "remove the repeated attributes".into(),
    })
}

/// The attribute's real name (without the marker added for a duplicate).
pub fn dedupe_key(key: &str) -> &str {
    match key.find(DUP_MARKER) {
        Some(i) => &key[..i],
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_redefined_attribute_is_an_issue_not_an_error() {
        let f = SourceFile::new(Arc::from("a.tf"), "resource \"x\" \"y\" {\n  a = 1\n  a = 2\n}\n".into());
        let p = parse(f).unwrap();
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.issues[0].loc.line, 3);
        let block = p.body.blocks().next().unwrap();
        let keys: Vec<&str> = block.body.attributes().map(|a| dedupe_key(a.key.as_str())).collect();
        assert_eq!(keys, vec!["a", "a"]);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let f = SourceFile::new(Arc::from("bad.tf"), "resource \"x\" \"y\" {\n  a = \n}\n".into());
        let e = parse(f).err().unwrap();
        assert_eq!(e.loc.line, 2);
        assert!(e.message.contains("syntax"));
    }
}
