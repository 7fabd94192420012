//! End-to-end tests of `mbdeploy audit`, `rules` and `explain`: the binary as a user runs it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn mbdeploy(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mbdeploy")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn rule_ids(report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap().to_string()).collect()
}

/// A scratch copy of a fixture directory.
fn copy_fixture(name: &str, tag: &str) -> PathBuf {
    let src = repo().join("fixtures").join(name);
    let dst = std::env::temp_dir().join(format!("mbdeploy-it-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
    dst
}

fn planted_password() -> String {
    let tfvars = std::fs::read_to_string(repo().join("fixtures/document-as-is/terraform.tfvars")).unwrap();
    let line = tfvars.lines().find(|l| l.starts_with("metabase_db_password")).unwrap();
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn the_document_as_written_gets_a_finding_for_every_gap() {
    let o = mbdeploy(&["audit", "fixtures/document-as-is", "--format", "json"], &repo());
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report = json(&o);
    let expected: BTreeSet<String> = [
        "MBD-SEC-001", // MB_DB_PASS in environment
        "MBD-SEC-003", // RDS password in state
        "MBD-SEC-007", // password in terraform.tfvars
        "MBD-ALB-001", // no HTTPS
        "MBD-ALB-002", // HTTP forwards
        "MBD-ALB-004", // invalid headers kept
        "MBD-ALB-005", // target group checks /
        "MBD-ECS-002", // no MB_ENCRYPTION_SECRET_KEY
        "MBD-ECS-003", // image latest
        "MBD-ECS-004", // no circuit breaker
        "MBD-ECS-005", // no grace period
        "MBD-IAM-001", // managed execution policy on *
        "MBD-RDS-002", // no rds.force_ssl
        "MBD-RDS-003", // Metabase without sslmode
        "MBD-RDS-005", // no backup retention
        "MBD-RDS-006", // no deletion protection, no final snapshot
        "MBD-ECR-002", // encryption not stated
        "MBD-ECR-003", // mutable tags
        "MBD-OUT-001", // rds_endpoint not sensitive
        "MBD-LOG-001", // log group without retention
        "MBD-MON-001", // no alarms
        "MBD-MON-002", // no Container Insights
        "MBD-NET-004", // one NAT for three AZs
        "MBD-NET-005", // no VPC endpoints
        "MBD-TF-001",  // local state
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(rule_ids(&report), expected);
    for f in report["findings"].as_array().unwrap() {
        assert!(f["file"].is_string() && f["line"].as_u64().unwrap() > 0, "finding without a line: {f}");
        assert!(!f["resource"].as_str().unwrap().is_empty());
        assert!(!f["remediation"].as_str().unwrap().is_empty() && !f["section"].as_str().unwrap().is_empty());
    }
    let tfvars = report["findings"].as_array().unwrap().iter().find(|f| f["rule_id"] == "MBD-SEC-007").unwrap();
    assert_eq!((tfvars["file"].as_str(), tfvars["line"].as_u64()), (Some("terraform.tfvars"), Some(2)));
}

#[test]
fn no_format_ever_prints_the_tfvars_password() {
    let secret = planted_password();
    for format in ["text", "json", "sarif", "junit"] {
        let o = mbdeploy(&["audit", "fixtures/document-as-is", "--format", format], &repo());
        assert_eq!(o.status.code(), Some(1));
        let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        assert!(!all.contains(&secret), "{format} output contains the password");
        assert!(all.contains("MBD-SEC-007"), "{format} output lacks the tfvars finding");
    }
}

#[test]
fn the_text_report_shows_the_offending_line() {
    let o = mbdeploy(&["audit", "fixtures/document-as-is"], &repo());
    let text = stdout(&o);
    assert!(text.contains("--> alb.tf:22:3 (aws_lb_listener.http)"), "{text}");
    assert!(text.contains("default_action {"));
    assert!(!text.contains("\u{1b}["), "colour on a pipe");
}

#[test]
fn severity_threshold_disabled_rules_and_config_file() {
    let o = mbdeploy(&["audit", "fixtures/document-as-is", "--format", "json", "--severity", "critical"], &repo());
    assert_eq!(rule_ids(&json(&o)), BTreeSet::from(["MBD-SEC-001".to_string()]));
    assert_eq!(o.status.code(), Some(1));
    let dir = copy_fixture("document-as-is", "config");
    std::fs::write(
        dir.join(".mbdeploy.toml"),
        "severity = \"critical\"\ndisabled_rules = [\"no-secret-in-environment\"]\n",
    )
    .unwrap();
    let o = mbdeploy(&["audit", ".", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(rule_ids(&json(&o)).is_empty());
    std::fs::write(dir.join(".mbdeploy.toml"), "severty = \"low\"\n").unwrap();
    let o = mbdeploy(&["audit", "."], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".mbdeploy.toml"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inline_suppressions_need_a_reason() {
    let dir = copy_fixture("document-as-is", "suppress");
    let ecr = std::fs::read_to_string(dir.join("ecr.tf")).unwrap();
    let with_reason =
        format!("# mbdeploy:ignore MBD-ECR-003 CI pushes a fresh tag per build and never reuses one\n{ecr}");
    std::fs::write(dir.join("ecr.tf"), &with_reason).unwrap();
    let report = json(&mbdeploy(&["audit", ".", "--format", "json"], &dir));
    assert!(!rule_ids(&report).contains("MBD-ECR-003"));
    let suppressed = report["suppressed"].as_array().unwrap();
    assert!(suppressed
        .iter()
        .any(|f| f["rule_id"] == "MBD-ECR-003" && f["suppressed"].as_str().unwrap().contains("fresh tag")));

    std::fs::write(
        dir.join("ecr.tf"),
        format!("# mbdeploy:ignore MBD-ECR-003\n# mbdeploy:ignore MBD-NOPE-001 typo\n{ecr}"),
    )
    .unwrap();
    let ids = rule_ids(&json(&mbdeploy(&["audit", ".", "--format", "json"], &dir)));
    assert!(ids.contains("MBD-ECR-003"), "a suppression without reason must not suppress");
    assert!(ids.contains("MBD-SUP-001") && ids.contains("MBD-SUP-002"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_fails_only_on_new_findings() {
    let dir = copy_fixture("document-as-is", "baseline");
    let baseline = dir.join("baseline.json");
    let o = mbdeploy(&["audit", ".", "--format", "json", "--output", baseline.to_str().unwrap()], &dir);
    assert_eq!(o.status.code(), Some(1));
    let o = mbdeploy(&["audit", ".", "--baseline", "baseline.json", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A new gap fails again, and only it is reported.
    let alb = std::fs::read_to_string(dir.join("alb.tf")).unwrap();
    std::fs::write(
        dir.join("alb.tf"),
        alb.replace("internal           = false", "internal           = false\n  enable_deletion_protection = false"),
    )
    .unwrap();
    std::fs::write(dir.join("extra.tf"), "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n").unwrap();
    let o = mbdeploy(&["audit", ".", "--baseline", "baseline.json", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(rule_ids(&json(&o)), BTreeSet::from(["MBD-NET-009".to_string()]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_bad_file_is_an_error_and_the_rest_is_still_audited() {
    let dir = copy_fixture("document-as-is", "badfile");
    std::fs::write(dir.join("broken.tf"), "resource \"aws_lb\" \"x\" {\n  name = \n").unwrap();
    let o = mbdeploy(&["audit", ".", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let report = json(&o);
    assert!(rule_ids(&report).contains("MBD-SEC-001"));
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "broken.tf");
    assert!(String::from_utf8_lossy(&o.stderr).contains("broken.tf"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_and_input_errors_exit_2_without_a_panic() {
    let empty = std::env::temp_dir().join(format!("mbdeploy-it-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    for args in [
        vec!["audit", "does/not/exist"],
        vec!["audit", empty.to_str().unwrap()],
        vec!["audit", "fixtures/document-as-is", "--format", "xml"],
        vec!["audit", "fixtures/document-as-is", "--severity", "urgent"],
        vec!["audit", "fixtures/document-as-is", "--disable", "MBD-NOPE-001"],
        vec!["audit", "fixtures/document-as-is", "--var", "novalue"],
        vec!["audit", "--plan", "fixtures/document-as-is/ecs.tf"],
        vec!["explain", "MBD-NOPE-001"],
        vec!["frobnicate"],
    ] {
        let o = mbdeploy(&args, &repo());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.trim().is_empty(), "{args:?}: no message");
    }
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn a_tree_of_root_modules_is_audited_root_by_root() {
    let o = mbdeploy(&["audit", "fixtures", "--format", "json"], &repo());
    let report = json(&o);
    let files: BTreeSet<String> =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["file"].as_str().map(String::from)).collect();
    assert!(files.iter().any(|f| f.starts_with("document-as-is/")), "{files:?}");
}

#[test]
fn rules_and_explain() {
    let o = mbdeploy(&["rules", "--format", "json"], &repo());
    assert_eq!(o.status.code(), Some(0));
    let rules = json(&o);
    assert!(rules.as_array().unwrap().len() >= 45);
    let o = mbdeploy(&["explain", "ecs-no-public-ip"], &repo());
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("MBD-NET-010") && text.contains("assign_public_ip = false") && text.contains("§1"));
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("<!-- rules-table:start").unwrap();
    let start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme.find("<!-- rules-table:end -->").unwrap();
    let o = mbdeploy(&["rules", "--format", "markdown"], &repo());
    assert_eq!(
        &readme[start..end],
        stdout(&o),
        "README rules table is stale: paste `mbdeploy rules --format markdown` between the markers"
    );
}

#[test]
fn a_plan_is_judged_by_the_same_rules_and_its_secrets_never_printed() {
    let plan = "fixtures/plan/insecure.plan.json";
    let raw = std::fs::read_to_string(repo().join(plan)).unwrap();
    let secret = "fixture-planted-secret-1234";
    assert!(raw.contains(secret), "the fixture must hold the planted secret for this test to mean anything");
    let o = mbdeploy(&["audit", plan, "--format", "json"], &repo());
    assert_eq!(o.status.code(), Some(1));
    let report = json(&o);
    assert_eq!(report["source"], "plan");
    let ids = rule_ids(&report);
    for id in ["MBD-SEC-001", "MBD-NET-010", "MBD-NET-009", "MBD-RDS-001", "MBD-ALB-002", "MBD-OUT-001"] {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
    for format in ["text", "json", "sarif", "junit"] {
        let o = mbdeploy(&["audit", "--plan", plan, "--format", format], &repo());
        let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        assert!(!all.contains(secret), "{format} output contains a sensitive plan value");
    }
}

#[test]
fn the_production_stack_applies_every_measure() {
    let o = mbdeploy(
        &[
            "audit",
            "terraform/examples/production",
            "--var-file",
            "terraform/examples/production/terraform.tfvars.example",
            "--format",
            "json",
        ],
        &repo(),
    );
    let report = json(&o);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        serde_json::to_string_pretty(&report["findings"]).unwrap()
    );
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn the_local_example_is_clean_with_each_emulator_exception_justified() {
    let report = json(&mbdeploy(&["audit", "terraform/examples/local", "--format", "json"], &repo()));
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{}", report["findings"]);
    let suppressed: BTreeSet<String> =
        report["suppressed"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        suppressed,
        BTreeSet::from(["MBD-SEC-008".to_string(), "MBD-NET-004".to_string(), "MBD-TF-001".to_string()])
    );
}
