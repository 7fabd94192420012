//! Small helpers shared by the reporters: escaping, and reading (redacted) source lines.

use crate::redact::{self, LineKind};
use mbdeploy_model::Location;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// Levenshtein distance, for "did you mean" hints on short words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Characters a terminal would interpret rather than show: C0/C1 controls (an ESC in a file
/// could recolour or rewrite the user's terminal) and the bidirectional overrides that make
/// source read differently than it parses ("Trojan Source").
fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Text safe to print on a terminal: unsafe characters are shown as `\u{..}` escapes. Tabs
/// become spaces so carets line up.
pub(crate) fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' {
            out.push_str("    ");
        } else if is_unsafe_for_terminal(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether XML 1.0 allows a character at all (even as a character reference).
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Escapes text for XML content (`attribute = false`) or a double-quoted attribute value
/// (`attribute = true`). Characters XML 1.0 cannot carry are shown as `\u{..}`; in attributes,
/// tab, newline and carriage return are written as character references so that attribute
/// normalisation does not turn them into spaces.
pub(crate) fn xml_escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c if !xml_allowed(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The first sentence of a text, cut to about `max` characters.
pub(crate) fn first_sentence(text: &str, max: usize) -> String {
    let text = text.trim();
    let mut end = text.len();
    for (i, _) in text.match_indices(". ") {
        // Skip abbreviations such as "e.g. " and "i.e. ".
        let before = &text[..i];
        if before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with("etc") {
            continue;
        }
        end = i + 1;
        break;
    }
    let sentence = &text[..end];
    if sentence.chars().count() <= max {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// `file:line` (or just the file, the ARN, or nothing) of an input error.
pub(crate) fn error_place(loc: &Location) -> Option<String> {
    match (&loc.file, &loc.arn) {
        (Some(f), _) if loc.line > 0 => Some(format!("{f}:{}", loc.line)),
        (Some(f), _) => Some(f.to_string()),
        (None, Some(a)) => Some(a.clone()),
        (None, None) => None,
    }
}

/// A source line as shown to a user: redacted when sensitive and safe for a terminal.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ShownLine {
    pub number: u32,
    pub text: String,
    /// 0-based display column of the caret, when the column is known.
    pub caret: Option<usize>,
}

/// Lines longer than this are shown as a window around the caret.
const MAX_SHOWN_CHARS: usize = 160;
/// Files larger than this are not read for display (the loader refuses them too).
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

struct FileLines {
    lines: Vec<String>,
    /// For each line inside a heredoc body: the index of the line that opened it.
    heredoc_opener: Vec<Option<usize>>,
}

impl FileLines {
    fn new(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect();
        let mut heredoc_opener = vec![None; lines.len()];
        let mut open: Option<(usize, String)> = None;
        for (i, line) in lines.iter().enumerate() {
            match &open {
                Some((_, marker)) if line.trim() == marker => open = None,
                Some((at, _)) => heredoc_opener[i] = Some(*at),
                None => open = heredoc_marker(line).map(|m| (i, m)),
            }
        }
        FileLines { lines, heredoc_opener }
    }

    /// Whether line `i` (0-based) must be redacted whatever the finding says.
    fn is_sensitive(&self, i: usize) -> bool {
        let line = &self.lines[i];
        let neighbour =
            |j: usize| self.lines.get(j).is_some_and(|l| !redact::is_block_header(l) && redact::mentions_secret(l));
        (redact::mentions_secret(line) && !redact::is_block_header(line))
            || (i > 0 && neighbour(i - 1))
            || neighbour(i + 1)
            || self.heredoc_opener[i].is_some_and(|o| redact::mentions_secret(&self.lines[o]))
    }

    fn kind(&self, i: usize) -> LineKind {
        if self.heredoc_opener[i].is_some() {
            LineKind::Heredoc
        } else {
            LineKind::Hcl
        }
    }
}

/// The marker of a heredoc this line opens (`x = <<EOT`, `x = <<-EOT`), if any.
fn heredoc_marker(line: &str) -> Option<String> {
    let t = line.trim_end();
    let at = t.rfind("<<")?;
    let marker = t[at + 2..].trim_start_matches('-');
    let ok = !marker.is_empty()
        && marker.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && marker.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    ok.then(|| marker.to_string())
}

/// Reads source lines for display, one file read per file.
pub(crate) struct Sources<'a> {
    root: Option<&'a Path>,
    files: HashMap<String, Option<FileLines>>,
}

impl<'a> Sources<'a> {
    pub fn new(root: Option<&'a Path>) -> Self {
        Sources { root, files: HashMap::new() }
    }

    /// The line to show for a position, or `None` when there is no root, no such file or line.
    /// `always_redact` masks values whatever the line says (findings about secrets, and input
    /// errors, whose lines may not even parse).
    pub fn show(&mut self, file: &str, line: u32, column: u32, always_redact: bool) -> Option<ShownLine> {
        let root = self.root?;
        if line == 0 {
            return None;
        }
        let lines = self.files.entry(file.to_string()).or_insert_with(|| read_lines(&root.join(file))).as_ref()?;
        let i = line as usize - 1;
        let raw = lines.lines.get(i)?;
        let spans =
            if always_redact || lines.is_sensitive(i) { redact::value_spans(raw, lines.kind(i)) } else { Vec::new() };
        let masked = redact::apply_mask(raw, &spans);
        let col = (column > 0).then(|| redact::masked_column(column as usize - 1, &spans));
        Some(window(line, &masked, col))
    }
}

fn read_lines(path: &Path) -> Option<FileLines> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(FileLines::new(&String::from_utf8_lossy(&bytes)))
}

/// Makes a (masked) line terminal-safe, keeps the caret on the same character and cuts very
/// long lines to a window around the caret.
fn window(number: u32, masked: &str, col: Option<usize>) -> ShownLine {
    let chars: Vec<char> = masked.chars().collect();
    let col = col.map(|c| c.min(chars.len()));
    let (from, to) = if chars.len() <= MAX_SHOWN_CHARS {
        (0, chars.len())
    } else {
        let c = col.unwrap_or(0);
        let from = c.saturating_sub(MAX_SHOWN_CHARS / 3);
        (from, (from + MAX_SHOWN_CHARS).min(chars.len()))
    };
    let before: String = chars[from..col.unwrap_or(from).max(from)].iter().collect();
    let after: String = chars[col.unwrap_or(from).max(from)..to].iter().collect();
    let lead = if from > 0 { "…" } else { "" };
    let trail = if to < chars.len() { "…" } else { "" };
    let before = format!("{lead}{}", terminal_safe(&before));
    let text = format!("{before}{}{trail}", terminal_safe(&after)).trim_end().to_string();
    ShownLine { number, text, caret: col.map(|_| before.chars().count()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_bidi_controls_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal_safe("\tz"), "    z");
    }

    #[test]
    fn xml_escaping_covers_markup_and_control_characters() {
        assert_eq!(xml_escape("<a href=\"x\">&'</a>", false), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(xml_escape("a\u{0}b\u{1b}c", false), "a\\u{0}b\\u{1b}c");
        assert_eq!(xml_escape("l1\nl2\tx\r", true), "l1&#10;l2&#9;x&#13;");
        assert_eq!(xml_escape("l1\nl2", false), "l1\nl2");
        assert_eq!(xml_escape("\u{fffe}", false), "\\u{fffe}");
    }

    #[test]
    fn first_sentences_are_cut_cleanly() {
        assert_eq!(first_sentence("One. Two.", 100), "One.");
        assert_eq!(first_sentence("Use e.g. a NAT gateway. Then more.", 100), "Use e.g. a NAT gateway.");
        let long = first_sentence(&"word ".repeat(50), 30);
        assert!(long.ends_with('…') && long.chars().count() <= 30, "{long}");
    }

    #[test]
    fn heredoc_bodies_are_known() {
        let f = FileLines::new("a = <<-EOT\n  one\n  EOT\nb = 1\nc = <<EOF\nx\nEOF\n");
        assert_eq!(f.heredoc_opener, vec![None, Some(0), None, None, None, Some(4), None, None]);
    }

    #[test]
    fn long_lines_are_windowed_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let shown = window(1, &line, Some(300));
        let caret = shown.caret.unwrap();
        assert_eq!(shown.text.chars().nth(caret), Some('X'));
        assert!(shown.text.starts_with('…') && shown.text.ends_with('…'));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("sarif", "sarfi"), 2);
        assert_eq!(edit_distance("json", "jsno"), 2);
        assert_eq!(edit_distance("text", "text"), 0);
    }
}
