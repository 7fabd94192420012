//! Inline suppressions: `# mbdeploy:ignore RULE-ID reason`, on a block's line or above it.

use crate::config::label;
use crate::source::SourceFile;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use mbdeploy_model::deployment::Suppression;

const MARKER: &str = "mbdeploy:ignore";

/// Finds the suppressions of one file and the block or attribute each covers.
pub fn scan(file: &SourceFile, body: &Body) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !file.text.contains(MARKER) {
        return out;
    }
    let lines: Vec<&str> = file.text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..pos];
        let comment_start = before.rfind('#').or_else(|| before.rfind("//"));
        let Some(start) = comment_start else { continue };
        let trailing = !line[..start].trim().is_empty();
        let rest = line[pos + MARKER.len()..].trim();
        let rest = rest.trim_end_matches("*/").trim();
        let (rule_id, reason) = match rest.split_once(char::is_whitespace) {
            Some((id, reason)) => (
                id.to_string(),
                Some(reason.trim().trim_start_matches([':', '-']).trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (rest.to_string(), None),
        };
        let line_no = i as u32 + 1;
        // The target: this line for a trailing comment, else the next line holding code.
        let target = if trailing {
            line_no
        } else {
            (i + 1..lines.len())
                .find(|&j| {
                    let t = lines[j].trim();
                    !(t.is_empty() || t.starts_with('#') || t.starts_with("//"))
                })
                .map(|j| j as u32 + 1)
                .unwrap_or(line_no)
        };
        let (first, last, address) = target_range(file, body, target, 0).unwrap_or((target, target, None));
        out.push(Suppression {
            rule_id,
            reason,
            loc: mbdeploy_model::Location::source(file.name.clone(), line_no, (start + 1) as u32),
            target_first_line: first,
            target_last_line: last,
            target_address: address,
        });
    }
    out
}

/// The line range of the innermost structure starting on `line`, and its resource address if it
/// is a top-level resource block.
fn target_range(file: &SourceFile, body: &Body, line: u32, depth: usize) -> Option<(u32, u32, Option<String>)> {
    for s in body.iter() {
        let Some(span) = s.span() else { continue };
        let first = file.line_of(span.start);
        let last = file.line_of(span.end.saturating_sub(1));
        if line < first || line > last {
            continue;
        }
        if first == line {
            let address = match s {
                Structure::Block(b) if depth == 0 && b.ident.as_str() == "resource" && b.labels.len() == 2 => {
                    Some(format!("{}.{}", label(&b.labels[0]), label(&b.labels[1])))
                }
                // Above a module call: covers the rule's findings on everything in that module.
                Structure::Block(b) if depth == 0 && b.ident.as_str() == "module" && b.labels.len() == 1 => {
                    Some(format!("module.{}", label(&b.labels[0])))
                }
                _ => None,
            };
            return Some((first, last, address));
        }
        if let Structure::Block(b) = s {
            return target_range(file, &b.body, line, depth + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_comment_above_a_block_covers_the_block() {
        let text = "# mbdeploy:ignore MBD-NET-010 tasks need a public IP in this sandbox\nresource \"aws_ecs_service\" \"s\" {\n  name = \"x\"\n}\n";
        let f = SourceFile::new(Arc::from("main.tf"), text.into());
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let s = scan(&f, &body);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].rule_id, "MBD-NET-010");
        assert_eq!(s[0].reason.as_deref(), Some("tasks need a public IP in this sandbox"));
        assert_eq!((s[0].target_first_line, s[0].target_last_line), (2, 4));
        assert_eq!(s[0].target_address.as_deref(), Some("aws_ecs_service.s"));
    }

    #[test]
    fn a_comment_above_a_module_call_names_the_module() {
        let text = "# mbdeploy:ignore MBD-SEC-008 the emulator cannot create state machines\nmodule \"metabase\" {\n  source = \"./m\"\n}\n";
        let f = SourceFile::new(Arc::from("main.tf"), text.into());
        let body = hcl_edit::parser::parse_body(text).unwrap();
        assert_eq!(scan(&f, &body)[0].target_address.as_deref(), Some("module.metabase"));
    }

    #[test]
    fn a_trailing_comment_without_reason_is_kept_without_reason() {
        let text = "resource \"a\" \"b\" {\n  x = 1 # mbdeploy:ignore MBD-X-001\n}\n";
        let f = SourceFile::new(Arc::from("main.tf"), text.into());
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let s = scan(&f, &body);
        assert_eq!(s[0].reason, None);
        assert_eq!((s[0].target_first_line, s[0].target_last_line), (2, 2));
    }
}
