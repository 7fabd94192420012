//! Tests of every format over a small set of findings, and of what no format may print.

use super::*;
use mbdeploy_model::{LoadError, Location};
use mbdeploy_rules::rules;
use serde_json::{json, Value};
use std::fs;
use std::path::PathBuf;

const SECRET: &str = "hunter2-planted-secret";
/// A secret that, unlike [`SECRET`], contains no secret word itself: only its surroundings can
/// give it away.
const QUIET_SECRET: &str = "Tr0ub4dor-and-3";

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("mbdeploy-report-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, file: &str, text: &str) {
        let path = self.0.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A finding as the engine would build it; `file` None with an ARN for live ones.
#[allow(clippy::too_many_arguments)]
fn finding(
    rule_id: &str,
    severity: &str,
    status: &str,
    resource: &str,
    file: Option<&str>,
    line: u32,
    column: u32,
    message: &str,
) -> Finding {
    serde_json::from_value(json!({
        "rule_id": rule_id,
        "rule_name": format!("{}-name", rule_id.to_lowercase()),
        "severity": severity,
        "status": status,
        "title": format!("Title of {rule_id}"),
        "section": "§1 Network Security › ECS IP Management",
        "resource": resource,
        "file": file,
        "line": line,
        "column": column,
        "arn": null,
        "message": message,
        "rationale": "First sentence of the rationale. Second sentence that is not shown.",
        "remediation": "Do the right thing.",
    }))
    .unwrap()
}

fn fail(rule_id: &str, severity: &str, resource: &str, file: &str, line: u32) -> Finding {
    finding(rule_id, severity, "fail", resource, Some(file), line, 3, "the control is not met")
}

fn load_error(file: &str, line: u32, message: &str, help: &str) -> LoadError {
    LoadError { loc: Location::source(file.into(), line, 1), message: message.into(), help: help.into() }
}

fn report<'a>(
    findings: &'a [Finding],
    suppressed: &'a [Finding],
    errors: &'a [LoadError],
    root: Option<&'a Path>,
) -> Report<'a> {
    Report {
        tool_version: "0.1.0",
        target: "terraform/envs/prod",
        source_kind: "terraform",
        findings,
        suppressed,
        errors,
        rules: rules::all(),
        threshold: Severity::Low,
        source_root: root,
    }
}

fn plain(r: &Report) -> String {
    render(Format::Text, r, &TextOptions { color: false })
}

fn position(haystack: &str, needle: &str) -> usize {
    haystack.find(needle).unwrap_or_else(|| panic!("`{needle}` not in:\n{haystack}"))
}

// ---------------------------------------------------------------------------------------------
// Format names

#[test]
fn format_names_parse_and_display() {
    for f in Format::ALL {
        assert_eq!(f.to_string().parse::<Format>(), Ok(f));
    }
    assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
    let err = "xml".parse::<Format>().unwrap_err();
    assert!(err.contains("text, json, sarif, junit"), "{err}");
    assert!(err.contains("did you mean 'junit'"), "{err}");
    let err = "jsno".parse::<Format>().unwrap_err();
    assert!(err.contains("did you mean 'json'"), "{err}");
    let err = "yaml".parse::<Format>().unwrap_err();
    assert!(!err.contains("did you mean"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Text

#[test]
fn text_groups_by_severity_then_resource_and_puts_undetermined_last() {
    let findings = [
        fail("MBD-LOW-001", "low", "aws_a.low", "a.tf", 1),
        fail("MBD-HIG-001", "high", "aws_b.second", "a.tf", 2),
        finding(
            "MBD-UND-001",
            "critical",
            "undetermined",
            "aws_c.unknown",
            Some("a.tf"),
            3,
            1,
            "not known before apply",
        ),
        fail("MBD-CRI-001", "critical", "aws_d.crit", "a.tf", 4),
        fail("MBD-MED-001", "medium", "aws_e.med", "a.tf", 5),
        fail("MBD-HIG-002", "high", "aws_a.first", "a.tf", 6),
        fail("MBD-HIG-003", "high", "aws_b.second", "a.tf", 1),
    ];
    let out = plain(&report(&findings, &[], &[], None));
    let order = [
        "CRITICAL MBD-CRI-001",
        "HIGH MBD-HIG-002",
        "HIGH MBD-HIG-003",
        "HIGH MBD-HIG-001",
        "MEDIUM MBD-MED-001",
        "LOW MBD-LOW-001",
        "could not be decided (1)",
        "CRITICAL MBD-UND-001",
        "summary:",
    ];
    let positions: Vec<usize> = order.iter().map(|n| position(&out, n)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "wrong order:\n{out}");
    assert!(
        out.contains("summary: 1 critical, 3 high, 1 medium, 1 low · 1 undetermined · 0 suppressed · 0 input errors"),
        "{out}"
    );
    assert!(out.contains("result: 6 findings at or above low"), "{out}");
}

#[test]
fn text_shows_the_source_line_with_a_caret_under_the_column() {
    let dir = TempDir::new("caret");
    dir.write(
        "modules/x/ecs.tf",
        "resource \"aws_ecs_service\" \"this\" {\n  network_configuration {\n    assign_public_ip = true\n  }\n}\n",
    );
    let f = [finding(
        "MBD-NET-010",
        "high",
        "fail",
        "aws_ecs_service.this",
        Some("modules/x/ecs.tf"),
        3,
        5,
        "`assign_public_ip` is true: every task gets a public IP",
    )];
    let out = plain(&report(&f, &[], &[], Some(&dir.0)));
    let expected = "\
HIGH MBD-NET-010 Title of MBD-NET-010
  --> modules/x/ecs.tf:3:5 (aws_ecs_service.this)
   |
 3 |     assign_public_ip = true
   |     ^ `assign_public_ip` is true: every task gets a public IP
   |
   = why: §1 Network Security › ECS IP Management: First sentence of the rationale.
   = fix: Do the right thing.
";
    assert!(out.starts_with(expected), "got:\n{out}\nwanted:\n{expected}");
}

#[test]
fn text_without_a_readable_line_still_shows_place_and_message() {
    let f = [fail("MBD-NET-010", "high", "aws_ecs_service.this", "missing.tf", 7)];
    let out = plain(&report(&f, &[], &[], Some(Path::new("/nonexistent-dir"))));
    assert!(out.contains("  --> missing.tf:7:3 (aws_ecs_service.this)\n   = the control is not met\n"), "{out}");
}

#[test]
fn text_shows_the_arn_of_live_findings() {
    let arn = "arn:aws:ecs:eu-west-1:123456789012:service/prod/metabase";
    let mut f = finding("MBD-NET-010", "high", "fail", arn, None, 0, 0, "tasks get a public IP");
    f.arn = Some(arn.into());
    let out = plain(&report(&[f], &[], &[], None));
    assert!(out.contains(&format!("  --> {arn}\n   = tasks get a public IP\n")), "{out}");
}

#[test]
fn text_colours_only_when_asked() {
    let f = [fail("MBD-NET-010", "critical", "aws_x.y", "a.tf", 1)];
    let e = [load_error("bad.tf", 2, "HCL syntax error", "fix it")];
    let r = report(&f, &[], &e, None);
    let without = render(Format::Text, &r, &TextOptions { color: false });
    assert!(!without.contains('\x1b'), "{without:?}");
    let with = render(Format::Text, &r, &TextOptions { color: true });
    assert!(with.contains("\x1b[1;35mCRITICAL\x1b[0m"), "{with:?}");
    assert!(with.contains("\x1b[1;31merror:\x1b[0m"), "{with:?}");
}

#[test]
fn text_lists_input_errors_first_with_their_help() {
    let f = [fail("MBD-NET-010", "high", "aws_x.y", "a.tf", 1)];
    let e = [
        load_error("bad.tf", 2, "HCL syntax error: unexpected `}`", "remove the brace"),
        LoadError {
            loc: Location::default(),
            message: "cannot read module directory".into(),
            help: "check the path".into(),
        },
    ];
    let out = plain(&report(&f, &[], &e, None));
    assert!(out.starts_with("error: bad.tf:2: HCL syntax error: unexpected `}`\n  help: remove the brace\n"), "{out}");
    assert!(out.contains("\nerror: cannot read module directory\n  help: check the path\n"), "{out}");
    assert!(position(&out, "error: cannot read") < position(&out, "HIGH MBD-NET-010"));
    assert!(out.contains("2 input errors"), "{out}");
    assert!(out.contains("the audit is incomplete"), "{out}");
}

#[test]
fn text_never_lets_file_content_drive_the_terminal() {
    let dir = TempDir::new("escapes");
    dir.write("a.tf", "  name = \"x\u{1b}[2J\u{202e}y\"\n");
    let f = [finding("MBD-X-001", "low", "fail", "aws_x.y\u{1b}[31m", Some("a.tf"), 1, 3, "msg\u{7}")];
    let out = plain(&report(&f, &[], &[], Some(&dir.0)));
    assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("x\\u{1b}[2J\\u{202e}y"), "{out}");
}

#[test]
fn text_with_nothing_to_report_says_so() {
    let out = plain(&report(&[], &[], &[], None));
    assert!(out.contains("result: no findings at or above low"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// JSON

fn sample() -> (Vec<Finding>, Vec<Finding>, Vec<LoadError>) {
    let mut live =
        finding("MBD-NET-010", "high", "fail", "arn:aws:ecs:eu-west-1:1:service/a/b", None, 0, 0, "public IP");
    live.arn = Some(live.resource.clone());
    let findings = vec![
        fail("MBD-NET-010", "high", "aws_ecs_service.this", "modules/x/ecs.tf", 12),
        finding(
            "MBD-NET-010",
            "high",
            "undetermined",
            "aws_ecs_service.other",
            Some("plan.json"),
            0,
            0,
            "not known before apply",
        ),
        fail("MBD-ZZZ-999", "medium", "aws_lb.this", "alb.tf", 4),
        live,
    ];
    let mut s = fail("MBD-NET-010", "low", "aws_ecs_service.old", "old.tf", 3);
    s.suppressed = Some("accepted until the 2025 migration".into());
    let errors = vec![load_error("bad.tf", 2, "HCL syntax error", "fix the syntax")];
    (findings, vec![s], errors)
}

#[test]
fn json_has_the_documented_shape() {
    let (f, s, e) = sample();
    let out = render(Format::Json, &report(&f, &s, &e, None), &TextOptions::default());
    assert!(out.starts_with("{\n  \"schema_version\": 1,"), "not pretty or not first: {out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["schema_version", "tool", "target", "source", "threshold", "summary", "findings", "suppressed", "errors"]
    );
    assert_eq!(v["tool"], json!({"name": "mbdeploy", "version": "0.1.0"}));
    assert_eq!(v["source"], "terraform");
    assert_eq!(v["threshold"], "low");
    assert_eq!(
        v["summary"],
        json!({"critical": 0, "high": 2, "medium": 1, "low": 0, "undetermined": 1, "suppressed": 1, "errors": 1})
    );
    assert_eq!(v["findings"][0], serde_json::to_value(&f[0]).unwrap());
    assert_eq!(v["suppressed"][0]["suppressed"], "accepted until the 2025 migration");
    assert_eq!(
        v["errors"][0],
        json!({"file": "bad.tf", "line": 2, "column": 1, "arn": null, "message": "HCL syntax error", "help": "fix the syntax"})
    );
}

#[test]
fn json_round_trips_through_read_baseline() {
    let (f, s, e) = sample();
    let out = render(Format::Json, &report(&f, &s, &e, None), &TextOptions::default());
    let back = read_baseline(&out).unwrap();
    assert_eq!(back, f);
    let fingerprints: Vec<String> = back.iter().map(Finding::fingerprint).collect();
    assert_eq!(fingerprints, f.iter().map(Finding::fingerprint).collect::<Vec<_>>());
}

#[test]
fn read_baseline_accepts_added_fields() {
    let (f, _, _) = sample();
    let out = render(Format::Json, &report(&f[..1], &[], &[], None), &TextOptions::default());
    let mut v: Value = serde_json::from_str(&out).unwrap();
    v["added_later"] = json!(true);
    v["findings"][0]["added_later"] = json!("x");
    assert_eq!(read_baseline(&v.to_string()).unwrap(), f[..1].to_vec());
}

#[test]
fn read_baseline_rejects_anything_else_clearly() {
    let (f, s, e) = sample();
    let r = report(&f, &s, &e, None);
    let cases = [
        (render(Format::Sarif, &r, &TextOptions::default()), "SARIF"),
        (render(Format::Junit, &r, &TextOptions::default()), "XML"),
        (render(Format::Text, &r, &TextOptions::default()), "not valid JSON"),
        ("[]".to_string(), "expected a JSON object"),
        ("{}".to_string(), "no `schema_version`"),
        (r#"{"schema_version": 1, "tool": {"name": "trivy"}}"#.to_string(), "'trivy'"),
        (r#"{"schema_version": 2, "tool": {"name": "mbdeploy"}, "findings": []}"#.to_string(), "newer mbdeploy"),
        (r#"{"schema_version": 1, "tool": {"name": "mbdeploy"}}"#.to_string(), "no `findings`"),
        (
            r#"{"schema_version": 1, "tool": {"name": "mbdeploy"}, "findings": [{"rule_id": 1}]}"#.to_string(),
            "finding #1",
        ),
    ];
    for (text, wanted) in cases {
        let err = read_baseline(&text).unwrap_err();
        assert!(err.contains(wanted), "wanted `{wanted}` in: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif(r: &Report) -> Value {
    serde_json::from_str(&render(Format::Sarif, r, &TextOptions::default())).unwrap()
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let (f, s, e) = sample();
    let v = sarif(&report(&f, &s, &e, Some(Path::new("terraform/envs/prod"))));
    assert_eq!(v["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"].as_array().unwrap().len(), 1);
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "mbdeploy");
    assert_eq!(driver["version"], "0.1.0");
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();

    // Every registry rule, plus the rule of a finding not in the registry.
    for rule in rules::all() {
        assert!(rules.iter().any(|r| r["id"] == rule.meta.id), "{} missing", rule.meta.id);
    }
    let net010 = rules.iter().find(|r| r["id"] == "MBD-NET-010").unwrap();
    assert_eq!(net010["name"], "ecs-no-public-ip");
    assert_eq!(net010["shortDescription"]["text"], "ECS tasks must not get a public IP");
    assert!(net010["fullDescription"]["text"].as_str().unwrap().contains("public IP"));
    assert!(net010["help"]["text"].as_str().unwrap().contains("§1 Network Security"));
    assert!(net010["help"]["markdown"].as_str().unwrap().contains("assign_public_ip = false"));
    assert_eq!(net010["defaultConfiguration"]["level"], "error");
    assert_eq!(net010["properties"]["security-severity"], "7.0");
    assert_eq!(net010["properties"]["tags"][0], "security");
    let extra = rules.iter().find(|r| r["id"] == "MBD-ZZZ-999").unwrap();
    assert_eq!(extra["properties"]["security-severity"], "5.0");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), f.len() + s.len());
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"], "ruleIndex points at the wrong rule");
        assert!(res["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(res["partialFingerprints"]["mbdeployFingerprint/v1"].is_string());
    }
    let first = &results[0];
    assert_eq!(first["level"], "error");
    let phys = &first["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "terraform/envs/prod/modules/x/ecs.tf");
    assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(phys["region"], json!({"startLine": 12, "startColumn": 3}));
    assert_eq!(first["partialFingerprints"]["mbdeployFingerprint/v1"], f[0].fingerprint());
    assert_eq!(results[1]["level"], "note", "undetermined is a note");
    assert_eq!(results[2]["level"], "warning", "medium is a warning");
}

#[test]
fn sarif_never_writes_line_zero() {
    let (f, s, e) = sample();
    let mut e = e;
    e.push(LoadError {
        loc: Location::file_only("whole.tf".into()),
        message: "cannot read".into(),
        help: String::new(),
    });
    let out = render(Format::Sarif, &report(&f, &s, &e, None), &TextOptions::default());
    assert!(!out.contains("\"startLine\": 0"), "{out}");
    assert!(!out.contains("\"startColumn\": 0"), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    // The plan finding (line 0) has its file but no region.
    let plan = &v["runs"][0]["results"][1]["locations"][0]["physicalLocation"];
    assert_eq!(plan["artifactLocation"]["uri"], "plan.json");
    assert!(plan.get("region").is_none(), "{plan}");
}

#[test]
fn sarif_marks_suppressions_live_locations_and_errors() {
    let (f, s, e) = sample();
    let v = sarif(&report(&f, &s, &e, None));
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    let live = &results[3];
    assert!(live["locations"][0].get("physicalLocation").is_none());
    assert_eq!(
        live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:ecs:eu-west-1:1:service/a/b"
    );
    let suppressed = results.last().unwrap();
    assert_eq!(
        suppressed["suppressions"],
        json!([{"kind": "inSource", "justification": "accepted until the 2025 migration"}])
    );
    assert!(results[0].get("suppressions").is_none());
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(note["message"]["text"].as_str().unwrap().contains("HCL syntax error"));
    assert_eq!(note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "bad.tf");

    let clean = sarif(&report(&f, &s, &[], None));
    assert_eq!(clean["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// A small well-formedness check: tags balance, attribute values are quoted and hold no `<`,
/// every `&` starts a known entity, and no character XML 1.0 forbids appears.
fn assert_well_formed(xml: &str) {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    for c in xml.chars() {
        assert!(matches!(c, '\t' | '\n' | '\r') || !c.is_control(), "forbidden character {c:?} in XML");
    }
    let mut rest = &xml[xml.find("?>").unwrap() + 2..];
    let mut stack: Vec<String> = Vec::new();
    let check_text = |text: &str| {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                || (entity.starts_with("&#") && entity[2..entity.len() - 1].chars().all(|c| c.is_ascii_digit()));
            assert!(known, "bad entity {entity:?}");
        }
        assert!(!text.contains('>'), "raw '>' in {text:?}");
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').map(|c| open + c).expect("unclosed tag");
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside tag {tag:?}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes in {tag:?}");
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
        // Attribute values, one by one.
        for (k, v) in tag.split('"').enumerate() {
            if k % 2 == 1 {
                check_text(v);
            }
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
        rest = &rest[close + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn junit_is_well_formed_and_escapes_everything() {
    let nasty = "a <tag> & \"quote\" 'apos' \u{1b}[31m \u{0} end";
    let mut f = fail("MBD-NET-010", "high", "aws_x.\"y\"<z>", "a&b.tf", 1);
    f.message = nasty.into();
    let e = [load_error("bad<1>.tf", 2, nasty, nasty)];
    let xml = render(Format::Junit, &report(&[f], &[], &e, None), &TextOptions::default());
    assert_well_formed(&xml);
    assert!(xml.contains("a &lt;tag&gt; &amp; &quot;quote&quot; &apos;apos&apos; \\u{1b}[31m \\u{0} end"), "{xml}");
    assert!(xml.contains("name=\"MBD-NET-010 aws_x.&quot;y&quot;&lt;z&gt;\""), "{xml}");
}

#[test]
fn junit_has_a_case_per_finding_rule_and_error() {
    let (f, s, e) = sample();
    let mut r = report(&f, &s, &e, None);
    r.threshold = Severity::High;
    let xml = render(Format::Junit, &r, &TextOptions::default());
    assert_well_formed(&xml);
    // The high failure fails; undetermined, suppressed and below-threshold are skipped.
    assert!(xml.contains(
        "<testcase classname=\"§1 Network Security › ECS IP Management\" name=\"MBD-NET-010 aws_ecs_service.this\">\n      <failure message=\"Title of MBD-NET-010: the control is not met\" type=\"high\">location: modules/x/ecs.tf:12:3\nresource: aws_ecs_service.this\nthe control is not met\nfix: Do the right thing.</failure>"
    ), "{xml}");
    assert!(xml.contains("<skipped message=\"could not be decided: not known before apply\"/>"), "{xml}");
    assert!(xml.contains("<skipped message=\"suppressed: accepted until the 2025 migration\"/>"), "{xml}");
    assert!(
        xml.contains("<skipped message=\"medium is below the failure threshold (high): the control is not met\"/>"),
        "{xml}"
    );
    assert!(xml.contains("<error message=\"HCL syntax error\" type=\"input-error\">location: bad.tf:2\nHCL syntax error\nhelp: fix the syntax</error>"), "{xml}");

    // A passing case for each rule that produced nothing.
    let quiet: Vec<_> = rules::all().iter().filter(|r| r.meta.id != "MBD-NET-010").collect();
    for rule in &quiet {
        assert!(xml.contains(&format!("name=\"{} {}\"/>", rule.meta.id, rule.meta.name)), "{}", rule.meta.id);
    }
    assert!(!xml.contains("name=\"MBD-NET-010 ecs-no-public-ip\""), "a rule with findings did not pass");
    let tests = 1 + f.len() + s.len() + quiet.len();
    let counts = format!("tests=\"{tests}\" failures=\"2\" errors=\"1\" skipped=\"3\"");
    assert!(xml.contains(&format!("<testsuites name=\"mbdeploy\" {counts}>")), "{xml}");
    assert!(xml.contains(&format!("<testsuite name=\"mbdeploy\" {counts}>")), "{xml}");
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Source files holding a planted secret in the usual places, and findings pointing at them.
/// Titles and messages of most findings say nothing about secrets, so the line itself, its
/// neighbours or its heredoc must trigger the redaction.
fn secret_fixture(dir: &TempDir, secret: &str) -> (Vec<Finding>, Vec<LoadError>) {
    dir.write("terraform.tfvars", &format!("region = \"eu-west-1\"\nmetabase_db_password = \"{secret}\"\n"));
    dir.write(
        "ecs.tf",
        &format!(
            r#"resource "aws_ecs_task_definition" "this" {{
  container_definitions = jsonencode([{{
    environment = [
      {{
        name  = "MB_DB_PASS"
        value = "{secret}"
      }},
      {{ name = "MB_DB_PASS", value = "{secret}" }},
    ]
  }}])
}}
"#
        ),
    );
    dir.write(
        "user_data.tf",
        &format!("locals {{\n  user_data = <<-EOT\n    export MB_DB_PASS={secret}\n  EOT\n  tls_private_key = <<EOF\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n{secret}\nEOF\n}}\n"),
    );
    dir.write("bad.tfvars", &format!("db_pw = \"{secret}\n"));
    dir.write("db.tf", &format!("x = 1\n\n  pw = \"{secret}\"\n\ny = 2\n"));
    let mut tfvars = finding(
        "MBD-SEC-001",
        "critical",
        "fail",
        "var.metabase_db_password",
        Some("terraform.tfvars"),
        2,
        1,
        "the database password is set in terraform.tfvars",
    );
    tfvars.title = "The database password must come from Secrets Manager".into();
    let findings = vec![
        tfvars,
        finding(
            "MBD-ECS-001",
            "high",
            "fail",
            "aws_ecs_task_definition.this",
            Some("ecs.tf"),
            6,
            9,
            "plain environment value",
        ),
        finding(
            "MBD-ECS-002",
            "high",
            "fail",
            "aws_ecs_task_definition.this",
            Some("ecs.tf"),
            8,
            9,
            "plain environment value",
        ),
        finding("MBD-ECS-003", "medium", "fail", "local.user_data", Some("user_data.tf"), 3, 5, "set in user data"),
        finding(
            "MBD-ECS-004",
            "medium",
            "fail",
            "local.tls_private_key",
            Some("user_data.tf"),
            7,
            1,
            "literal key material",
        ),
        // Nothing near this line says "secret": only the finding does.
        finding(
            "MBD-SEC-002",
            "high",
            "fail",
            "aws_db_instance.this",
            Some("db.tf"),
            3,
            3,
            "the database password is written in source",
        ),
    ];
    let errors = vec![load_error(
        "bad.tfvars",
        1,
        "HCL syntax error: unterminated string",
        &format!("fix the syntax near `db_pw = \"{secret}`; `terraform validate` shows the same error"),
    )];
    (findings, errors)
}

#[test]
fn no_format_prints_a_planted_secret() {
    for secret in [SECRET, QUIET_SECRET] {
        let dir = TempDir::new("secrets");
        let (findings, errors) = secret_fixture(&dir, secret);
        let suppressed = vec![{
            let mut f = findings[1].clone();
            f.suppressed = Some("tracked in JIRA-1".into());
            f
        }];
        let r = report(&findings, &suppressed, &errors, Some(&dir.0));
        for format in Format::ALL {
            for color in [false, true] {
                let out = render(format, &r, &TextOptions { color });
                assert!(!out.contains(secret), "{format} (color {color}) leaks {secret}:\n{out}");
                assert!(
                    !out.contains("hunter2") && !out.contains("Tr0ub4dor"),
                    "{format} leaks part of {secret}:\n{out}"
                );
                // The input error's help still shows the line it quotes, minus the value.
                assert!(
                    ["db_pw = \\\"****", "db_pw = \"****", "db_pw = &quot;****"].iter().any(|s| out.contains(s)),
                    "{format}: the rest of the quoted line is gone:\n{out}"
                );
            }
        }
    }
}

#[test]
fn text_redacts_secret_lines_but_keeps_the_rest_of_them() {
    // The quiet secret: the attribute name, the neighbouring `name`, or the heredoc's opening line
    // must be what triggers the redaction.
    let dir = TempDir::new("secret-lines");
    let (findings, errors) = secret_fixture(&dir, QUIET_SECRET);
    let out = plain(&report(&findings, &[], &errors, Some(&dir.0)));
    for line in [
        " 2 | metabase_db_password = \"****\"",
        " 6 |         value = \"****\"",
        " 8 |       { name = \"MB_DB_PASS\", value = \"****\" },",
        " 3 |     export MB_DB_PASS=****",
        " 7 | ****",
        " 3 |   pw = \"****\"",
        " 1 | db_pw = \"****",
        "  help: fix the syntax near `db_pw = \"****`; `terraform validate` shows the same error",
    ] {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    // The caret still points at the value: column 9 of `        value = ...` is `v`.
    assert!(out.contains(" 6 |         value = \"****\"\n   |         ^ plain environment value"), "{out}");
}

#[test]
fn text_does_not_redact_ordinary_lines() {
    let dir = TempDir::new("ordinary");
    dir.write("sg.tf", "  cidr_blocks = [\"0.0.0.0/0\"]\n");
    let f = [fail("MBD-NET-001", "high", "aws_security_group.alb", "sg.tf", 1)];
    let out = plain(&report(&f, &[], &[], Some(&dir.0)));
    assert!(out.contains(" 1 |   cidr_blocks = [\"0.0.0.0/0\"]"), "{out}");
}
