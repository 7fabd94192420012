//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! What GitHub requires or rewards, and why each piece is here:
//! * every result's `ruleId` has a rule in `tool.driver.rules`, with `security-severity` (GitHub
//!   sorts security alerts by it) and `tags` containing `security`;
//! * artifact URIs relative to the repository root, forward slashes, no `./`, no line 0 (GitHub
//!   rejects `startLine: 0`, so a region is written only when the line is known);
//! * `partialFingerprints`, so an alert keeps its identity when lines move.
//!
//! The source line is never embedded (no `region.snippet`): the structured formats carry no
//! source text at all, which keeps secrets out by construction.

use crate::{redact, Report};
use mbdeploy_model::{LoadError, Location};
use mbdeploy_rules::{Finding, Rule, Severity, Status};
use serde_json::{json, Map, Value};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`. `/v1` changes only if
/// [`Finding::fingerprint`] ever changes meaning.
pub(crate) const FINGERPRINT_KEY: &str = "mbdeployFingerprint/v1";
const SRCROOT: &str = "%SRCROOT%";

/// The rule metadata SARIF needs, from the registry or, for a finding whose rule is not in the
/// registry given, from the finding itself.
struct RuleDesc<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    severity: Severity,
    section: &'a str,
    rationale: &'a str,
    remediation: &'a str,
}

impl<'a> RuleDesc<'a> {
    fn from_rule(r: &'static Rule) -> Self {
        let m = &r.meta;
        RuleDesc {
            id: m.id,
            name: m.name,
            title: m.title,
            severity: m.severity,
            section: m.section,
            rationale: m.rationale,
            remediation: m.remediation,
        }
    }
    fn from_finding(f: &'a Finding) -> Self {
        RuleDesc {
            id: &f.rule_id,
            name: &f.rule_name,
            title: &f.title,
            severity: f.severity,
            section: &f.section,
            rationale: &f.rationale,
            remediation: &f.remediation,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "shortDescription": { "text": self.title },
            "fullDescription": { "text": self.rationale },
            "help": {
                "text": format!("{}\n\nDocument section: {}", self.remediation, self.section),
                "markdown": format!("{}\n\n**Document section:** {}", self.remediation, self.section),
            },
            "defaultConfiguration": { "level": level(self.severity, Status::Fail) },
            "properties": {
                "security-severity": security_severity(self.severity),
                "tags": ["security", self.section],
            },
        })
    }
}

/// SARIF level: GitHub shows `error` and `warning` as failures by default, `note` as a notice.
fn level(severity: Severity, status: Status) -> &'static str {
    match (status, severity) {
        (Status::Undetermined, _) => "note",
        (_, Severity::Critical | Severity::High) => "error",
        (_, Severity::Medium) => "warning",
        (_, Severity::Low) => "note",
    }
}

/// GitHub's bands: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low below.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.0",
        Severity::High => "7.0",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
    }
}

pub(crate) fn render(r: &Report) -> String {
    let mut rules: Vec<RuleDesc> = r.rules.iter().map(|&rule| RuleDesc::from_rule(rule)).collect();
    for f in r.findings.iter().chain(r.suppressed) {
        if !rules.iter().any(|d| d.id == f.rule_id) {
            rules.push(RuleDesc::from_finding(f));
        }
    }

    let mut results: Vec<Value> = Vec::new();
    for f in r.findings.iter().chain(r.suppressed) {
        let index = rules.iter().position(|d| d.id == f.rule_id);
        results.push(result(f, index, r.source_root));
    }

    let notifications: Vec<Value> = r.errors.iter().map(|e| notification(e, r.source_root)).collect();

    let mut driver = Map::new();
    driver.insert("name".into(), "mbdeploy".into());
    driver.insert("version".into(), r.tool_version.into());
    if is_semver(r.tool_version) {
        driver.insert("semanticVersion".into(), r.tool_version.into());
    }
    let info = env!("CARGO_PKG_REPOSITORY");
    if !info.is_empty() {
        driver.insert("informationUri".into(), info.into());
    }
    driver.insert("rules".into(), Value::Array(rules.iter().map(RuleDesc::to_json).collect()));

    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": driver }));
    run.insert(
        "invocations".into(),
        json!([{
            "executionSuccessful": r.errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }]),
    );
    if let Some(base) = r.source_root.and_then(root_base_uri) {
        run.insert("originalUriBaseIds".into(), json!({ SRCROOT: { "uri": base } }));
    }
    run.insert("columnKind".into(), "unicodeCodePoints".into());
    run.insert("results".into(), Value::Array(results));
    run.insert(
        "properties".into(),
        json!({
            "target": r.target,
            "sourceKind": r.source_kind,
            "threshold": r.threshold.as_str(),
        }),
    );

    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    out.push('\n');
    out
}

fn result(f: &Finding, rule_index: Option<usize>, root: Option<&Path>) -> Value {
    let mut res = Map::new();
    res.insert("ruleId".into(), f.rule_id.as_str().into());
    if let Some(i) = rule_index {
        res.insert("ruleIndex".into(), i.into());
    }
    res.insert("level".into(), level(f.severity, f.status).into());
    let text = match f.status {
        Status::Fail => format!("{}: {}", f.resource, f.message),
        Status::Undetermined => format!("Could not be decided: {}: {}", f.resource, f.message),
    };
    res.insert("message".into(), json!({ "text": text }));
    let loc = Location { file: f.file.as_deref().map(Into::into), line: f.line, column: f.column, arn: f.arn.clone() };
    let locations: Vec<Value> = location(&loc, Some(&f.resource), root).into_iter().collect();
    res.insert("locations".into(), Value::Array(locations));
    res.insert("partialFingerprints".into(), json!({ FINGERPRINT_KEY: f.fingerprint() }));
    if let Some(reason) = &f.suppressed {
        res.insert("suppressions".into(), json!([{ "kind": "inSource", "justification": reason }]));
    }
    res.insert(
        "properties".into(),
        json!({
            "resource": f.resource,
            "status": f.status,
            "severity": f.severity,
            "section": f.section,
        }),
    );
    Value::Object(res)
}

fn notification(e: &LoadError, root: Option<&Path>) -> Value {
    let message = redact::redact_message(&e.message);
    let help = redact::redact_message(&e.help);
    let text = if help.trim().is_empty() { message } else { format!("{message} (help: {})", help.trim()) };
    let mut n = Map::new();
    n.insert("level".into(), "error".into());
    n.insert("message".into(), json!({ "text": text }));
    if let Some(l) = location(&e.loc, None, root) {
        n.insert("locations".into(), json!([l]));
    }
    Value::Object(n)
}

/// A SARIF location: a file (with a region when the line is known), else the ARN as a logical
/// location. The resource address is added as a logical location for source findings.
fn location(loc: &Location, resource: Option<&str>, root: Option<&Path>) -> Option<Value> {
    let mut out = Map::new();
    let mut logical = Vec::new();
    if let Some(file) = loc.file.as_deref() {
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), artifact_location(file, root));
        if loc.line > 0 {
            let mut region = Map::new();
            region.insert("startLine".into(), loc.line.into());
            if loc.column > 0 {
                region.insert("startColumn".into(), loc.column.into());
            }
            physical.insert("region".into(), Value::Object(region));
        }
        out.insert("physicalLocation".into(), Value::Object(physical));
    }
    if let Some(arn) = &loc.arn {
        logical.push(json!({ "fullyQualifiedName": arn, "kind": "resource" }));
    }
    if let Some(res) = resource.filter(|r| !r.is_empty() && Some(*r) != loc.arn.as_deref()) {
        logical.push(json!({ "fullyQualifiedName": res, "kind": "resource" }));
    }
    if !logical.is_empty() {
        out.insert("logicalLocations".into(), Value::Array(logical));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// `semanticVersion` must be SemVer; a build that calls itself e.g. `dev` only gets `version`.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/') || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
}

/// Resolves `.` and `..` lexically and drops empty components. Leading `..` that cannot be
/// resolved are kept.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Percent-encodes what may not appear in a URI path. `:` is encoded too, so a relative path's
/// first segment is never read as a scheme.
fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            b':' if keep_colon => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn file_uri(abs: &str) -> String {
    let path = normalize(abs);
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", encode_path(&path, true))
}

/// The `artifactLocation` of a finding's file.
///
/// Files in findings are relative to the audited directory. GitHub resolves URIs against the
/// repository root, which in CI is the directory mbdeploy runs from: so with a relative
/// `source_root` (`terraform/envs/prod`) the URI is the root joined with the file
/// (`terraform/envs/prod/main.tf`), relative to `%SRCROOT%`, the working directory. With an
/// absolute root, the URI is relative to the root and `originalUriBaseIds` says where that is.
fn artifact_location(file: &str, root: Option<&Path>) -> Value {
    let file = file.replace('\\', "/");
    let root = root.map(|r| r.to_string_lossy().replace('\\', "/"));
    let combined = match root.as_deref() {
        Some(r) if is_absolute(&file) && is_absolute(r) => {
            let (nf, nr) = (normalize(&file), normalize(r));
            match nf.strip_prefix(nr.trim_end_matches('/')) {
                Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/').to_string(),
                _ => file,
            }
        }
        Some(r) if !is_absolute(&file) && !is_absolute(r) => format!("{r}/{file}"),
        _ => file,
    };
    if is_absolute(&combined) {
        json!({ "uri": file_uri(&combined) })
    } else {
        json!({ "uri": encode_path(&normalize(&combined), false), "uriBaseId": SRCROOT })
    }
}

/// `%SRCROOT%` as an absolute URI, when the root is absolute (with a trailing slash, as SARIF
/// requires of a base).
fn root_base_uri(root: &Path) -> Option<String> {
    let r = root.to_string_lossy().replace('\\', "/");
    if !is_absolute(&r) {
        return None;
    }
    let uri = file_uri(&r);
    Some(if uri.ends_with('/') { uri } else { format!("{uri}/") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(file: &str, root: Option<&str>) -> Value {
        artifact_location(file, root.map(Path::new))
    }

    #[test]
    fn uris_are_relative_forward_slashed_and_encoded() {
        assert_eq!(uri("./main.tf", None)["uri"], "main.tf");
        assert_eq!(uri("modules\\x\\ecs.tf", None)["uri"], "modules/x/ecs.tf");
        assert_eq!(uri("main.tf", Some("."))["uri"], "main.tf");
        assert_eq!(uri("../../modules/x/ecs.tf", Some("terraform/envs/prod"))["uri"], "terraform/modules/x/ecs.tf");
        assert_eq!(uri("my dir/a:b.tf", None)["uri"], "my%20dir/a%3Ab.tf");
        assert_eq!(uri("main.tf", None)["uriBaseId"], SRCROOT);
    }

    #[test]
    fn only_semver_versions_are_semantic_versions() {
        assert!(is_semver("0.1.0") && is_semver("1.2.3-rc.1+abc"));
        assert!(!is_semver("dev") && !is_semver("1.2") && !is_semver("1.x.3"));
    }

    #[test]
    fn absolute_paths_become_relative_to_an_absolute_root_or_file_uris() {
        let v = uri("/repo/tf/main.tf", Some("/repo/tf"));
        assert_eq!(v["uri"], "main.tf");
        assert_eq!(v["uriBaseId"], SRCROOT);
        let v = uri("/elsewhere/x.tf", Some("/repo/tf"));
        assert_eq!(v["uri"], "file:///elsewhere/x.tf");
        assert!(v.get("uriBaseId").is_none());
        assert_eq!(root_base_uri(Path::new("/repo/tf")).unwrap(), "file:///repo/tf/");
        assert_eq!(root_base_uri(Path::new("tf")), None);
    }
}
