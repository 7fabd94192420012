//! JUnit XML for CI dashboards (GitLab, Jenkins, Azure DevOps, ...).
//!
//! One test suite; a test case per finding (`classname` the document section, `name` the rule id
//! and resource), a passing test case per rule without findings, and an errored test case per
//! input error. A finding *fails* its test case only when it fails the run (a control not met, at
//! or above the threshold); undetermined, suppressed and below-threshold findings are *skipped*
//! with the reason, so the dashboard agrees with the exit status and still shows them.

use crate::util::{error_place, xml_escape};
use crate::{fails_run, redact, Report};
use mbdeploy_rules::{Applies, Finding, Status};
use std::fmt::Write as _;

enum Outcome {
    Pass,
    Failure { message: String, kind: String, body: String },
    Skipped { message: String },
    Error { message: String, body: String },
}

struct Case {
    classname: String,
    name: String,
    outcome: Outcome,
}

fn finding_case(f: &Finding, r: &Report) -> Case {
    let mut body = String::new();
    let place = f.location_text();
    if !place.is_empty() {
        let _ = writeln!(body, "location: {place}");
    }
    let _ = writeln!(body, "resource: {}", f.resource);
    let _ = writeln!(body, "{}", f.message);
    let _ = write!(body, "fix: {}", f.remediation.trim());
    let outcome = if let Some(reason) = &f.suppressed {
        Outcome::Skipped { message: format!("suppressed: {reason}") }
    } else if f.status == Status::Undetermined {
        Outcome::Skipped { message: format!("could not be decided: {}", f.message) }
    } else if fails_run(f, r.threshold) {
        Outcome::Failure { message: format!("{}: {}", f.title, f.message), kind: f.severity.to_string(), body }
    } else {
        Outcome::Skipped {
            message: format!("{} is below the failure threshold ({}): {}", f.severity, r.threshold, f.message),
        }
    };
    Case { classname: f.section.clone(), name: format!("{} {}", f.rule_id, f.resource), outcome }
}

pub(crate) fn render(r: &Report) -> String {
    let mut cases: Vec<Case> = Vec::new();
    for e in r.errors {
        let place = error_place(&e.loc);
        let message = redact::redact_message(&e.message);
        let help = redact::redact_message(&e.help);
        let mut body = String::new();
        if let Some(p) = &place {
            let _ = writeln!(body, "location: {p}");
        }
        let _ = writeln!(body, "{message}");
        if !help.trim().is_empty() {
            let _ = write!(body, "help: {}", help.trim());
        }
        cases.push(Case {
            classname: "input".into(),
            name: format!("input error {}", place.as_deref().unwrap_or("(no location)")),
            outcome: Outcome::Error { message, body: body.trim_end().to_string() },
        });
    }
    for f in r.findings.iter().chain(r.suppressed) {
        cases.push(finding_case(f, r));
    }
    for rule in r.rules {
        let m = &rule.meta;
        let produced = r.findings.iter().chain(r.suppressed).any(|f| f.rule_id == m.id);
        // A live audit does not run Terraform-only rules: they did not pass, they did not run.
        let ran = !(r.source_kind == "live" && m.applies == Applies::TerraformOnly);
        if !produced && ran {
            cases.push(Case {
                classname: m.section.to_string(),
                name: format!("{} {}", m.id, m.name),
                outcome: Outcome::Pass,
            });
        }
    }

    let count = |pred: fn(&Outcome) -> bool| cases.iter().filter(|c| pred(&c.outcome)).count();
    let tests = cases.len();
    let failures = count(|o| matches!(o, Outcome::Failure { .. }));
    let errors = count(|o| matches!(o, Outcome::Error { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skipped { .. }));
    let counts = format!(r#"tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}""#);

    let a = |s: &str| xml_escape(s, true);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"mbdeploy\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"mbdeploy\" {counts}>");
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("mbdeploy.version", r.tool_version),
        ("target", r.target),
        ("source", r.source_kind),
        ("threshold", r.threshold.as_str()),
    ] {
        let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", a(name), a(value));
    }
    out.push_str("    </properties>\n");
    for c in &cases {
        let open = format!("    <testcase classname=\"{}\" name=\"{}\"", a(&c.classname), a(&c.name));
        match &c.outcome {
            Outcome::Pass => {
                let _ = writeln!(out, "{open}/>");
            }
            Outcome::Failure { message, kind, body } => {
                let _ = writeln!(
                    out,
                    "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    a(message),
                    a(kind),
                    xml_escape(body, false)
                );
            }
            Outcome::Skipped { message } => {
                let _ = writeln!(out, "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>", a(message));
            }
            Outcome::Error { message, body } => {
                let _ = writeln!(
                    out,
                    "{open}>\n      <error message=\"{}\" type=\"input-error\">{}</error>\n    </testcase>",
                    a(message),
                    xml_escape(body, false)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
