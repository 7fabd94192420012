//! Keeping secret values out of reports.
//!
//! Findings carry no values, but the text format shows the offending source line, and a source
//! line can hold a password (`metabase_db_password = "hunter2"` in `terraform.tfvars`, or
//! `value = "hunter2"` next to `name = "MB_DB_PASS"` in a container definition). Input errors can
//! quote a line too. So before any source text is printed:
//!
//! * A line is **sensitive** when it, or the line just above or below it (the `name`/`value`
//!   pair of an environment entry spans two lines), [mentions a secret](mentions_secret), when
//!   it is inside a heredoc whose opening line mentions one, or when the finding itself is about
//!   a secret ([`finding_is_sensitive`]). Block header lines (`resource "aws_secretsmanager_secret"
//!   "db" {`) mention secrets in their labels only and do not make their neighbours sensitive.
//! * In a sensitive line the contents of every non-empty quoted string become `****` (the quotes
//!   stay), as do numbers and comments. Everything else — the attribute name, `=`, references
//!   such as `var.db_password` — still shows, so the user can find the line. Two kinds of string
//!   are names, not values, and stay: the value of a `name` attribute (`name = "MB_DB_PASS"`, which
//!   says whose value is masked next to it) and an ARN (`valueFrom = "arn:aws:secretsmanager:..."`).
//! * In a sensitive heredoc line, quoted strings are masked and so is everything after the first
//!   `=` or `:` (`MB_DB_PASS=hunter2`, `password: hunter2`); a line with neither (a PEM body) is
//!   masked whole.
//!
//! Over-redaction is accepted: a masked `"****"` costs a user a glance at the file, a leaked
//! password costs a rotation.

use mbdeploy_rules::Finding;
use std::ops::Range;

/// The mask that replaces a secret.
pub const MASK: &str = "****";

/// Words that mark text as being about a secret. Matched case-insensitively after removing `_`,
/// `-`, `.` and spaces, so `PRIVATE_KEY`, `private-key`, `BEGIN RSA PRIVATE KEY`, `apiKey` and
/// `MB_DB_PASS` all count.
pub const SECRET_WORDS: &[&str] =
    &["password", "passwd", "secret", "token", "privatekey", "apikey", "accesskey", "credential", "mbdbpass"];

/// Whether text mentions a secret (see [`SECRET_WORDS`]).
pub fn mentions_secret(text: &str) -> bool {
    let folded: String =
        text.chars().filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '\t')).flat_map(char::to_lowercase).collect();
    SECRET_WORDS.iter().any(|w| folded.contains(w))
}

/// Whether a finding is about a secret: its rule's name or title, or its message, mentions one.
/// The line such a finding points at is always redacted, whatever the line says.
pub fn finding_is_sensitive(f: &Finding) -> bool {
    mentions_secret(&f.title) || mentions_secret(&f.message) || mentions_secret(&f.rule_name)
}

/// How a line is read when looking for values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// HCL (or JSON): values are quoted strings and numbers; references are not values.
    Hcl,
    /// The body of a heredoc: free text, where a value may be unquoted.
    Heredoc,
}

/// The character ranges of `line` that hold values, for a sensitive line.
pub fn value_spans(line: &str, kind: LineKind) -> Vec<Range<usize>> {
    let chars: Vec<char> = line.chars().collect();
    match kind {
        LineKind::Hcl => hcl_value_spans(&chars),
        LineKind::Heredoc => heredoc_value_spans(&chars),
    }
}

/// Replaces the given character ranges by [`MASK`].
pub fn apply_mask(line: &str, spans: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut spans = spans.iter().peekable();
    let mut chars = line.chars().enumerate();
    while let Some((i, c)) = chars.next() {
        match spans.peek() {
            Some(s) if s.start == i => {
                out.push_str(MASK);
                let end = s.end;
                spans.next();
                if end > i + 1 {
                    chars.nth(end - i - 2);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Where character `col` (0-based) of the original line lands in the masked line.
pub fn masked_column(col: usize, spans: &[Range<usize>]) -> usize {
    let mut shift: isize = 0;
    for s in spans {
        if col >= s.end {
            shift += MASK.chars().count() as isize - s.len() as isize;
        } else if col >= s.start {
            return (s.start as isize + shift) as usize;
        }
    }
    (col as isize + shift).max(0) as usize
}

/// Masks a sensitive line.
pub fn mask_line(line: &str, kind: LineKind) -> String {
    apply_mask(line, &value_spans(line, kind))
}

/// Redacts free text that may quote source, such as an input error's message or help (a parse
/// error quotes the line it failed on). Quoted strings inside `code spans` are always masked, since
/// those quote source; when the text mentions a secret, every quoted string is.
pub fn redact_message(text: &str) -> String {
    if mentions_secret(text) {
        return mask_line(text, LineKind::Hcl);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        match after.find('`') {
            Some(close) => {
                out.push_str(&mask_line(&after[..close], LineKind::Hcl));
                out.push('`');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&mask_line(after, LineKind::Hcl));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Terraform block header (`resource "type" "name" {`): its quoted labels are names, never
/// values.
pub fn is_block_header(line: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "resource",
        "data",
        "module",
        "variable",
        "output",
        "provider",
        "ephemeral",
        "check",
        "import",
        "moved",
        "removed",
        "terraform",
        "locals",
    ];
    let t = line.trim();
    let Some(word) = BLOCKS.iter().find(|w| t.strip_prefix(**w).is_some_and(|r| r.starts_with([' ', '\t', '"', '{'])))
    else {
        return false;
    };
    // The rest must be only quoted labels and an opening brace.
    let mut rest = t[word.len()..].trim_start();
    while let Some(r) = rest.strip_prefix('"') {
        let Some(end) = r.find('"') else { return false };
        rest = r[end + 1..].trim_start();
    }
    let rest = rest.strip_prefix('{').unwrap_or(rest).trim();
    rest.is_empty() || rest.starts_with('#') || rest.starts_with("//")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// Skips a quoted HCL string starting at `chars[start] == '"'`: escapes, and `${ }` / `%{ }`
/// templates (which may hold strings of their own). Returns the index just past the closing
/// quote and `true`, or `chars.len()` and `false` when the string does not end on this line.
fn skip_hcl_string(chars: &[char], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return (i + 1, true),
            '$' | '%' if chars.get(i + 1) == Some(&'{') => {
                let mut depth = 1;
                i += 2;
                while i < chars.len() && depth > 0 {
                    match chars[i] {
                        '{' => {
                            depth += 1;
                            i += 1;
                        }
                        '}' => {
                            depth -= 1;
                            i += 1;
                        }
                        '"' => i = skip_hcl_string(chars, i).0,
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    (chars.len(), false)
}

fn hcl_value_spans(chars: &[char]) -> Vec<Range<usize>> {
    let line: String = chars.iter().collect();
    let labels_only = is_block_header(&line);
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let (end, closed) = skip_hcl_string(chars, i);
                let inner_end = if closed { end - 1 } else { end };
                let keep = labels_only || assigned_to_name(chars, i) || is_arn(&chars[i + 1..inner_end]);
                if !keep && inner_end > i + 1 {
                    spans.push(i + 1..inner_end);
                }
                i = end;
            }
            '#' => return with_comment(spans, chars, i + 1),
            '/' if matches!(chars.get(i + 1), Some('/') | Some('*')) => return with_comment(spans, chars, i + 2),
            '<' if chars.get(i + 1) == Some(&'<') => {
                // A heredoc opener: the marker is a name, not a value.
                i += 2;
                while i < chars.len() && (chars[i] == '-' || is_ident(chars[i])) {
                    i += 1;
                }
            }
            c if c.is_ascii_digit() && (i == 0 || !is_ident(chars[i - 1])) => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                spans.push(start..i);
            }
            c if is_ident(c) => {
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// Whether the string starting at `quote` is the value of a `name` attribute (`name = "MB_DB_PASS"`):
/// an environment variable's or a resource's name, never a secret, and what tells the reader which
/// variable the masked `value` next to it belongs to.
fn assigned_to_name(chars: &[char], quote: usize) -> bool {
    let before: String = chars[..quote].iter().collect();
    let before = before.trim_end();
    let Some(before) = before.strip_suffix('=') else { return false };
    if before.ends_with(['=', '!', '<', '>']) {
        return false;
    }
    let key = before.trim_end();
    key.strip_suffix("name").is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-'))
}

/// An ARN names a resource (a policy, a secret's location) and holds no secret itself.
fn is_arn(inner: &[char]) -> bool {
    let s: String = inner.iter().collect();
    s.starts_with("arn:aws") && !s.contains(char::is_whitespace)
}

/// A comment's text is masked from `from` to the end of the line (after leading spaces).
fn with_comment(mut spans: Vec<Range<usize>>, chars: &[char], from: usize) -> Vec<Range<usize>> {
    let start = (from..chars.len()).find(|&j| !chars[j].is_whitespace()).unwrap_or(chars.len());
    let end = (start..chars.len()).rev().find(|&j| !chars[j].is_whitespace()).map_or(start, |j| j + 1);
    if end > start {
        spans.push(start..end);
    }
    spans
}

/// Skips a quoted string in free text (`"` or `'`, backslash escapes). Returns the index past
/// the closing quote and `true`, or `chars.len()` and `false`.
fn skip_plain_string(chars: &[char], start: usize) -> (usize, bool) {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return (i + 1, true),
            _ => i += 1,
        }
    }
    (chars.len(), false)
}

fn heredoc_value_spans(chars: &[char]) -> Vec<Range<usize>> {
    let is_word = |c: char| !c.is_whitespace() && !matches!(c, ',' | ';' | '{' | '}' | '[' | ']' | '(' | ')');
    // Values start after the first `=` or `:` outside quotes; with neither, the whole line is one.
    let mut separator = None;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' | '\'' => i = skip_plain_string(chars, i).0,
            '=' | ':' => {
                separator = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    let values_from = separator.map_or(0, |s| s + 1);
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' | '\'' => {
                let (end, closed) = skip_plain_string(chars, i);
                let inner_end = if closed { end - 1 } else { end };
                if inner_end > i + 1 {
                    spans.push(i + 1..inner_end);
                }
                i = end;
            }
            c if i >= values_from && is_word(c) => {
                let start = i;
                while i < chars.len() && is_word(chars[i]) && !matches!(chars[i], '"' | '\'') {
                    i += 1;
                }
                spans.push(start..i);
            }
            _ => i += 1,
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(s: &str) -> String {
        mask_line(s, LineKind::Hcl)
    }
    fn heredoc(s: &str) -> String {
        mask_line(s, LineKind::Heredoc)
    }

    #[test]
    fn secret_words_are_found_whatever_the_spelling() {
        for s in [
            "metabase_db_password = 1",
            "PASSWD",
            "MB_DB_PASS",
            "mb-db-pass",
            "-----BEGIN RSA PRIVATE KEY-----",
            "apiKey",
            "aws_access_key_id",
            "aws_secretsmanager_secret",
            "Credentials",
            "github_token",
        ] {
            assert!(mentions_secret(s), "{s}");
        }
        for s in ["assign_public_ip = true", "cidr_blocks = [\"0.0.0.0/0\"]", "port = 5432"] {
            assert!(!mentions_secret(s), "{s}");
        }
    }

    #[test]
    fn hcl_lines_keep_names_and_references_and_lose_values() {
        assert_eq!(hcl(r#"metabase_db_password = "hunter2""#), r#"metabase_db_password = "****""#);
        // A `name` says which variable the masked value belongs to; it is not a value itself.
        assert_eq!(
            hcl(r#"  { name = "MB_DB_PASS", value = "hunter2" },"#),
            r#"  { name = "MB_DB_PASS", value = "****" },"#
        );
        assert_eq!(hcl(r#"db_name = "hunter2""#), r#"db_name = "****""#);
        assert_eq!(hcl(r#"x = name == "hunter2""#), r#"x = name == "****""#);
        // ARNs are identifiers: the document's own `valueFrom` pattern stays readable.
        assert_eq!(
            hcl(r#"valueFrom = "arn:aws:secretsmanager:eu-west-1:123:secret:db-AbC", password = "arn:aws x""#),
            r#"valueFrom = "arn:aws:secretsmanager:eu-west-1:123:secret:db-AbC", password = "****""#
        );
        assert_eq!(hcl("password = var.db_password"), "password = var.db_password");
        assert_eq!(hcl("db_password2 = 123456"), "db_password2 = ****");
        assert_eq!(hcl(r#"password = """#), r#"password = """#);
        assert_eq!(hcl(r#"password = "a\"b" # old one was hunter2"#), r#"password = "****" # ****"#);
        assert_eq!(hcl(r#"password = "${format("%s", "hunter2")}-x""#), r#"password = "****""#);
        // An unterminated string is masked to the end of the line.
        assert_eq!(hcl(r#"password = "hunter2"#), r#"password = "****"#);
        assert_eq!(hcl("value = <<-EOT"), "value = <<-EOT");
    }

    #[test]
    fn block_header_labels_are_not_values() {
        assert!(is_block_header(r#"resource "aws_secretsmanager_secret" "db" {"#));
        assert!(is_block_header(r#"variable "db_password" {"#));
        assert!(!is_block_header(r#"variable "p" { default = "hunter2" }"#));
        assert_eq!(
            hcl(r#"resource "aws_secretsmanager_secret" "db" {"#),
            r#"resource "aws_secretsmanager_secret" "db" {"#
        );
        assert_eq!(hcl(r#"variable "p" { default = "hunter2" }"#), r#"variable "****" { default = "****" }"#);
    }

    #[test]
    fn heredoc_lines_lose_unquoted_values_too() {
        assert_eq!(heredoc("export MB_DB_PASS=hunter2"), "export MB_DB_PASS=****");
        assert_eq!(heredoc("  password: hunter2 # x"), "  password: **** **** ****");
        assert_eq!(heredoc(r#"  "password": "hunter2","#), r#"  "****": "****","#);
        assert_eq!(heredoc("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "****");
        assert_eq!(heredoc("   "), "   ");
    }

    #[test]
    fn columns_follow_the_mask() {
        let line = r#"a = "hunter2", b = 1"#;
        let spans = value_spans(line, LineKind::Hcl);
        let masked = apply_mask(line, &spans);
        assert_eq!(masked, r#"a = "****", b = ****"#);
        // `b` is at 15 in the original and 12 in the masked line.
        assert_eq!(line.chars().nth(15), Some('b'));
        assert_eq!(masked_column(15, &spans), 12);
        assert_eq!(masked.chars().nth(12), Some('b'));
        // Inside a masked value: the start of the mask.
        assert_eq!(masked_column(6, &spans), 5);
        assert_eq!(masked_column(0, &spans), 0);
    }

    #[test]
    fn messages_that_quote_source_are_masked() {
        let help = "fix the syntax near `db_pw = \"hunter2`; `terraform validate` shows the same error";
        let r = redact_message(help);
        assert!(!r.contains("hunter2"), "{r}");
        assert!(r.contains("`db_pw = \"****`"), "{r}");
        assert!(r.contains("`terraform validate` shows"), "{r}");
        let plain = "set `source` to a string, e.g. \"./modules/app\"";
        assert_eq!(redact_message(plain), plain);
        let secret = "cannot read \"hunter2\" as the password";
        assert_eq!(redact_message(secret), "cannot read \"****\" as the password");
    }
}
