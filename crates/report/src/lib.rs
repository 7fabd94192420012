//! Reports: findings in, text out.
//!
//! This crate is the last step of *sources → model → rules → reports*. It only reads what the
//! engine produced — [`Finding`]s, the suppressed ones, input [`LoadError`]s and the rule
//! registry — and renders it in one of four formats:
//!
//! * [`Format::Text`]: for people at a terminal, shaped like a rustc diagnostic;
//! * [`Format::Json`]: a stable, documented schema that is also the baseline format
//!   ([`read_baseline`] reads it back);
//! * [`Format::Sarif`]: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers;
//! * [`Format::Junit`]: JUnit XML for CI test dashboards.
//!
//! No rule logic lives here, and no format knows about the others. `docs/output-formats.md`
//! describes every format for users.
//!
//! # Secrets
//!
//! No format may ever print a secret value. Findings are built without values, so the one way a
//! secret could reach a report is a *source line* (the text format shows the offending line) or
//! an input error that quotes the file. Both go through [`redact`] first: see that module for the
//! exact rules. The structured formats (JSON, SARIF, JUnit) never embed source text at all.

mod json;
mod junit;
pub mod redact;
mod sarif;
mod text;
mod util;

pub use json::{read_baseline, SCHEMA_VERSION};

use mbdeploy_model::LoadError;
use mbdeploy_rules::{Finding, Rule, Severity};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable, grouped by severity, with the offending source line.
    Text,
    /// The stable JSON schema (`schema_version` 1); also what `--baseline` reads.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// JUnit XML for CI dashboards.
    Junit,
}

impl Format {
    /// Every format, in the order they are documented.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Junit];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Accepts the names case-insensitively. The error lists the formats and, for a near miss or
    /// a common alias (`xml`, `sarif-2.1.0`, ...), says which one was probably meant.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        if let Some(f) = Format::ALL.into_iter().find(|f| f.as_str() == wanted) {
            return Ok(f);
        }
        let names = Format::ALL.map(Format::as_str).join(", ");
        let hint = match wanted.as_str() {
            "xml" | "junit-xml" | "junitxml" | "junit.xml" => Some(Format::Junit),
            "txt" | "human" | "pretty" | "plain" => Some(Format::Text),
            "sarif2" | "sarif-2.1.0" | "sarif.json" => Some(Format::Sarif),
            _ => Format::ALL
                .into_iter()
                .find(|f| util::edit_distance(f.as_str(), &wanted) <= 2 || wanted.starts_with(f.as_str())),
        };
        Err(match hint {
            Some(f) => {
                format!("unknown format '{s}': expected one of {names} (did you mean '{f}'?)")
            }
            None => format!("unknown format '{s}': expected one of {names}"),
        })
    }
}

/// Everything a reporter reads. Built by the CLI after filtering by threshold and baseline.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The mbdeploy version, e.g. `env!("CARGO_PKG_VERSION")` of the binary.
    pub tool_version: &'a str,
    /// What was audited: a directory, a plan file, or e.g. `account 123 eu-west-1`.
    pub target: &'a str,
    /// `"terraform"`, `"plan"` or `"live"`.
    pub source_kind: &'a str,
    /// Findings that stand (already filtered by threshold and baseline).
    pub findings: &'a [Finding],
    /// Findings covered by an inline suppression or the baseline; `Finding::suppressed` holds
    /// the reason.
    pub suppressed: &'a [Finding],
    /// Input errors (a file that failed to parse, ...). The rest was still audited.
    pub errors: &'a [LoadError],
    /// The rules, for SARIF and JUnit metadata. JUnit reports every listed rule without a finding
    /// as a passing test case (except Terraform-only rules in a live audit), so a CLI that
    /// disables rules should leave them out.
    pub rules: &'a [&'static Rule],
    /// Findings at or above this severity fail the run.
    pub threshold: Severity,
    /// The audited directory: source lines are read from `source_root.join(finding.file)` (text)
    /// and SARIF URIs are built from it. `None` shows no source lines.
    pub source_root: Option<&'a Path>,
}

/// Options of the text format.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Emit ANSI colours. The CLI decides (a terminal, and `NO_COLOR` unset); reporters never
    /// look at the environment.
    pub color: bool,
}

/// Renders a report in a format. The result ends with a newline.
pub fn render(format: Format, report: &Report, text: &TextOptions) -> String {
    match format {
        Format::Text => text::render(report, text),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
    }
}

/// Whether a finding fails the run: a control not met, at or above the threshold.
pub(crate) fn fails_run(f: &Finding, threshold: Severity) -> bool {
    f.status == mbdeploy_rules::Status::Fail && f.severity >= threshold
}

#[cfg(test)]
mod tests;
