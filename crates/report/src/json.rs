//! The JSON format: a stable schema for scripts, and the baseline format.
//!
//! Fields are only ever added; a change that removes or retypes a field would bump
//! [`SCHEMA_VERSION`]. `docs/output-formats.md` documents every field.

use crate::{redact, Report};
use mbdeploy_model::LoadError;
use mbdeploy_rules::{engine, Finding, Severity, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the JSON schema written by [`crate::render`] and read by [`read_baseline`].
pub const SCHEMA_VERSION: u64 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u64,
    tool: Tool<'a>,
    target: &'a str,
    source: &'a str,
    threshold: Severity,
    summary: Summary,
    findings: &'a [Finding],
    suppressed: &'a [Finding],
    errors: Vec<JsonError>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    undetermined: usize,
    suppressed: usize,
    errors: usize,
}

#[derive(Serialize)]
struct JsonError {
    file: Option<String>,
    line: u32,
    column: u32,
    arn: Option<String>,
    message: String,
    help: String,
}

impl JsonError {
    fn new(e: &LoadError) -> Self {
        JsonError {
            file: e.loc.file.as_ref().map(|f| f.to_string()),
            line: e.loc.line,
            column: e.loc.column,
            arn: e.loc.arn.clone(),
            message: redact::redact_message(&e.message),
            help: redact::redact_message(&e.help),
        }
    }
}

fn summary(r: &Report) -> Summary {
    let count = |s: Severity| engine::counts(r.findings).iter().find(|(sev, _)| *sev == s).map_or(0, |(_, n)| *n);
    Summary {
        critical: count(Severity::Critical),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        undetermined: r.findings.iter().filter(|f| f.status == Status::Undetermined).count(),
        suppressed: r.suppressed.len(),
        errors: r.errors.len(),
    }
}

pub(crate) fn render(r: &Report) -> String {
    let report = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "mbdeploy", version: r.tool_version },
        target: r.target,
        source: r.source_kind,
        threshold: r.threshold,
        summary: summary(r),
        findings: r.findings,
        suppressed: r.suppressed,
        errors: r.errors.iter().map(JsonError::new).collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("a report always serializes");
    out.push('\n');
    out
}

/// Reads the findings of a previous `--format json` report, for `--baseline`.
///
/// Only the report's `findings` are returned: those are what the user accepted when the
/// baseline was written. Its `suppressed` findings are not, because an inline suppression that
/// is later removed must bring its finding back rather than be silently covered by the
/// baseline. (Write a baseline from a run without `--baseline`.) Unknown fields are ignored, so
/// reports of later versions with added fields still read.
pub fn read_baseline(text: &str) -> Result<Vec<Finding>, String> {
    const HOW: &str = "write a baseline with `--format json` and pass that file";
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if text.trim_start().starts_with('<') {
            format!("this looks like XML (a JUnit report?), not an mbdeploy JSON report: {HOW}")
        } else {
            format!("not valid JSON ({e}): {HOW}")
        }
    })?;
    let Some(obj) = value.as_object() else {
        return Err(format!("expected a JSON object (an mbdeploy report), found {}: {HOW}", kind_of(&value)));
    };
    if obj.contains_key("runs") || obj.get("$schema").is_some_and(|s| s.as_str().is_some_and(|s| s.contains("sarif"))) {
        return Err(format!("this is a SARIF report; a baseline must be an mbdeploy JSON report: {HOW}"));
    }
    let version = match obj.get("schema_version") {
        None => return Err(format!("not an mbdeploy JSON report (it has no `schema_version`): {HOW}")),
        Some(v) => v.as_u64().ok_or_else(|| format!("`schema_version` must be a number, found {}", kind_of(v)))?,
    };
    let tool = obj.get("tool").and_then(|t| t.get("name")).and_then(Value::as_str);
    if tool != Some("mbdeploy") {
        return Err(format!(
            "not an mbdeploy JSON report (`tool.name` is {}): {HOW}",
            tool.map_or("missing".to_string(), |t| format!("'{t}'"))
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(format!(
            "this report has schema version {version}, written by a newer mbdeploy; this version reads version {SCHEMA_VERSION}: upgrade mbdeploy or write the baseline again"
        ));
    }
    if version == 0 {
        return Err("`schema_version` 0 is not a valid mbdeploy report".to_string());
    }
    let findings = match obj.get("findings") {
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("`findings` must be an array, found {}", kind_of(other))),
        None => return Err("the report has no `findings` array".to_string()),
    };
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| Finding::deserialize(f).map_err(|e| format!("finding #{} of the baseline: {e}", i + 1)))
        .collect()
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
