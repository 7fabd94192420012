//! The human format: rustc-style diagnostics, most severe first.
//!
//! ```text
//! HIGH MBD-NET-010 ECS tasks must not get a public IP
//!   --> modules/x/ecs.tf:12:5 (aws_ecs_service.this)
//!    |
//! 12 |     assign_public_ip = true
//!    |     ^ `assign_public_ip` is true: every task gets a public IP
//!    |
//!    = why: §1 Network Security › ECS IP Management: A task with a public IP can be reached ...
//!    = fix: Set `assign_public_ip = false` in the service's `network_configuration` ...
//! ```
//!
//! Input errors come first (the user should know the audit is incomplete before reading it),
//! then failures by severity and resource, then what could not be decided, then a summary.

use crate::util::{error_place, first_sentence, terminal_safe, ShownLine, Sources};
use crate::{fails_run, redact, Report, TextOptions};
use mbdeploy_rules::{engine, Finding, Severity, Status};
use std::fmt::Write as _;

/// How long the `why:` line's rationale may get before it is cut.
const WHY_MAX_CHARS: usize = 160;

#[derive(Clone, Copy)]
enum Style {
    Severity(Severity),
    Error,
    Help,
    Gutter,
    Bold,
}

struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Severity(Severity::Critical) => "1;35",
            Style::Severity(Severity::High) => "1;31",
            Style::Severity(Severity::Medium) => "1;33",
            Style::Severity(Severity::Low) => "1;36",
            Style::Error => "1;31",
            Style::Help => "1;32",
            Style::Gutter => "1;34",
            Style::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

pub(crate) fn render(r: &Report, opts: &TextOptions) -> String {
    let p = Paint { color: opts.color };
    let mut sources = Sources::new(r.source_root);
    let mut out = String::new();

    for e in r.errors {
        write_error(&mut out, &p, &mut sources, e);
        out.push('\n');
    }

    let mut fails: Vec<&Finding> = r.findings.iter().filter(|f| f.status == Status::Fail).collect();
    let mut undetermined: Vec<&Finding> = r.findings.iter().filter(|f| f.status == Status::Undetermined).collect();
    sort_for_reading(&mut fails);
    sort_for_reading(&mut undetermined);

    for f in &fails {
        write_finding(&mut out, &p, &mut sources, f);
        out.push('\n');
    }
    if !undetermined.is_empty() {
        let header = format!(
            "could not be decided ({}): the input does not say whether these controls are met; check them by hand",
            undetermined.len()
        );
        let _ = writeln!(out, "{}\n", p.paint(Style::Bold, &header));
        for f in &undetermined {
            write_finding(&mut out, &p, &mut sources, f);
            out.push('\n');
        }
    }
    write_summary(&mut out, &p, r);
    out
}

/// Most severe first, then by resource so one resource's findings sit together, then by place.
fn sort_for_reading(findings: &mut [&Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
    });
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
    }
}

fn write_finding(out: &mut String, p: &Paint, sources: &mut Sources, f: &Finding) {
    let shown =
        f.file.as_deref().and_then(|file| sources.show(file, f.line, f.column, redact::finding_is_sensitive(f)));
    let pad = gutter_width(shown.as_ref());
    let _ = writeln!(
        out,
        "{} {} {}",
        p.paint(Style::Severity(f.severity), label(f.severity)),
        p.paint(Style::Bold, &terminal_safe(&f.rule_id)),
        p.paint(Style::Bold, &terminal_safe(&f.title))
    );

    let place = f.location_text();
    let mut arrow = if place.is_empty() { terminal_safe(&f.resource) } else { terminal_safe(&place) };
    if !place.is_empty() && !f.resource.is_empty() && f.resource != place {
        let _ = write!(arrow, " ({})", terminal_safe(&f.resource));
    }
    if !arrow.is_empty() {
        let _ = writeln!(out, "{:pad$}{} {arrow}", "", p.paint(Style::Gutter, "-->"));
    }

    let message = terminal_safe(&f.message);
    let bar = p.paint(Style::Gutter, "|");
    let eq = p.paint(Style::Gutter, "=");
    match &shown {
        Some(line) => {
            write_source(out, p, line, pad, Style::Severity(f.severity), &message);
            let _ = writeln!(out, "{:pad$} {bar}", "");
            if line.caret.is_none() {
                let _ = writeln!(out, "{:pad$} {eq} {message}", "");
            }
        }
        None => {
            let _ = writeln!(out, "{:pad$} {eq} {message}", "");
        }
    }
    if let Some(reason) = &f.suppressed {
        let _ = writeln!(out, "{:pad$} {eq} suppressed: {}", "", terminal_safe(reason));
    }
    let why = first_sentence(&f.rationale, WHY_MAX_CHARS);
    let _ = writeln!(
        out,
        "{:pad$} {eq} {} {}: {}",
        "",
        p.paint(Style::Bold, "why:"),
        terminal_safe(&f.section),
        terminal_safe(&why)
    );
    let _ = writeln!(out, "{:pad$} {eq} {} {}", "", p.paint(Style::Help, "fix:"), terminal_safe(f.remediation.trim()));
}

/// Width of the line-number gutter: at least 2, so `-->` lines up whether or not a line shows.
fn gutter_width(shown: Option<&ShownLine>) -> usize {
    shown.map_or(0, |s| s.number.to_string().len()).max(2)
}

/// ```text
///    |
/// 12 |     assign_public_ip = true
///    |     ^ label
/// ```
fn write_source(out: &mut String, p: &Paint, line: &ShownLine, pad: usize, caret: Style, label: &str) {
    let bar = p.paint(Style::Gutter, "|");
    let _ = writeln!(out, "{:pad$} {bar}", "");
    let number = p.paint(Style::Gutter, &format!("{:>pad$}", line.number));
    if line.text.is_empty() {
        let _ = writeln!(out, "{number} {bar}");
    } else {
        let _ = writeln!(out, "{number} {bar} {}", line.text);
    }
    if let Some(col) = line.caret {
        let mark = if label.is_empty() { "^".to_string() } else { format!("^ {label}") };
        let _ = writeln!(out, "{:pad$} {bar} {:col$}{}", "", "", p.paint(caret, &mark));
    }
}

fn write_error(out: &mut String, p: &Paint, sources: &mut Sources, e: &mbdeploy_model::LoadError) {
    let message = terminal_safe(&redact::redact_message(&e.message));
    let _ = match error_place(&e.loc) {
        Some(place) => writeln!(
            out,
            "{} {}: {message}",
            p.paint(Style::Error, "error:"),
            p.paint(Style::Bold, &terminal_safe(&place))
        ),
        None => writeln!(out, "{} {message}", p.paint(Style::Error, "error:")),
    };
    // Lines of a file that failed to load are always redacted: they may not even parse.
    let shown = e.loc.file.as_deref().and_then(|file| sources.show(file, e.loc.line, e.loc.column, true));
    if let Some(line) = &shown {
        let pad = gutter_width(Some(line));
        write_source(out, p, line, pad, Style::Error, "");
    }
    if !e.help.trim().is_empty() {
        let _ = writeln!(
            out,
            "  {} {}",
            p.paint(Style::Help, "help:"),
            terminal_safe(&redact::redact_message(e.help.trim()))
        );
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_summary(out: &mut String, p: &Paint, r: &Report) {
    let counts = engine::counts(r.findings);
    let per_severity: Vec<String> = counts
        .iter()
        .map(|(s, n)| {
            let text = format!("{n} {s}");
            if *n > 0 {
                p.paint(Style::Severity(*s), &text)
            } else {
                text
            }
        })
        .collect();
    let undetermined = r.findings.iter().filter(|f| f.status == Status::Undetermined).count();
    let mut parts = vec![per_severity.join(", ")];
    parts.push(format!("{undetermined} undetermined"));
    parts.push(format!("{} suppressed", r.suppressed.len()));
    let errors = plural(r.errors.len(), "input error", "input errors");
    parts.push(if r.errors.is_empty() { errors } else { p.paint(Style::Error, &errors) });
    if !r.rules.is_empty() {
        parts.push(plural(r.rules.len(), "rule", "rules"));
    }
    let _ = writeln!(out, "{} {}", p.paint(Style::Bold, "summary:"), parts.join(" · "));

    let failing = r.findings.iter().filter(|f| fails_run(f, r.threshold)).count();
    let verdict = if failing == 0 {
        format!("no findings at or above {}", r.threshold)
    } else {
        format!("{} at or above {}", plural(failing, "finding", "findings"), r.threshold)
    };
    let verdict = if r.errors.is_empty() {
        verdict
    } else {
        format!("{verdict}; part of the input could not be read, so the audit is incomplete")
    };
    let style = if failing > 0 || !r.errors.is_empty() { Style::Error } else { Style::Help };
    let _ = writeln!(out, "{} {}", p.paint(Style::Bold, "result:"), p.paint(style, &verdict));
}
