//! End to end over `fixtures/document-as-is`: the real loader and rules, every format. The
//! fixture plants a database password in `terraform.tfvars` and passes it to a container; no
//! report may print it, and the text report must still show the lines around it.

use mbdeploy_report::{read_baseline, render, Format, Report, TextOptions};
use mbdeploy_rules::{engine, Severity};
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/document-as-is")
}

/// The planted value, read from the fixture so the test cannot go stale if it changes.
fn planted_password() -> String {
    let tfvars = std::fs::read_to_string(fixture().join("terraform.tfvars")).unwrap();
    let line = tfvars.lines().find(|l| l.trim_start().starts_with("metabase_db_password")).unwrap();
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn the_document_fixture_renders_in_every_format_without_its_password() {
    let dir = fixture();
    let config = mbdeploy_hcl::load_dir(&dir, &Default::default()).unwrap();
    let deployment = mbdeploy_model::tf::build(config);
    let outcome = engine::run(&deployment, &Default::default());
    assert!(!outcome.findings.is_empty(), "the fixture must produce findings");
    let report = Report {
        tool_version: "0.1.0",
        target: "fixtures/document-as-is",
        source_kind: "terraform",
        findings: &outcome.findings,
        suppressed: &outcome.suppressed,
        errors: &deployment.errors,
        rules: mbdeploy_rules::rules::all(),
        threshold: Severity::Low,
        source_root: Some(&dir),
    };
    let password = planted_password();
    assert!(password.len() > 8, "unexpected fixture value {password:?}");
    for format in Format::ALL {
        for color in [false, true] {
            let out = render(format, &report, &TextOptions { color });
            assert!(!out.contains(&password), "{format} prints the planted password:\n{out}");
        }
    }
    let text = render(Format::Text, &report, &TextOptions { color: false });
    assert!(text.contains("metabase_db_password = \"****\""), "the tfvars line is not shown redacted:\n{text}");
    let json = render(Format::Json, &report, &TextOptions::default());
    assert_eq!(read_baseline(&json).unwrap(), outcome.findings);
    if std::env::var_os("MBDEPLOY_SHOW_REPORT").is_some() {
        println!("{text}");
    }
}
