//! Test support: HCL in, findings of one rule out.

use crate::{Ctx, Finding, Rule, Status};

/// Loads `hcl` as a single `main.tf` and runs one rule on it.
pub fn findings_of(rule: &'static Rule, hcl: &str) -> Vec<Finding> {
    let d = mbdeploy_hcl::load_str_for_tests(hcl);
    assert!(d.errors.is_empty(), "fixture did not load: {:?}", d.errors);
    let mut out = Vec::new();
    let mut ctx = Ctx::new(&d, &rule.meta, &mut out);
    (rule.check)(&mut ctx);
    out
}

pub fn statuses(findings: &[Finding]) -> Vec<Status> {
    findings.iter().map(|f| f.status).collect()
}

/// Asserts the rule fails exactly once and returns that finding.
pub fn fails_once(rule: &'static Rule, hcl: &str) -> Finding {
    let f = findings_of(rule, hcl);
    let fails: Vec<&Finding> = f.iter().filter(|f| f.status == Status::Fail).collect();
    assert_eq!(fails.len(), 1, "expected one failure, got {f:#?}");
    fails[0].clone()
}

pub fn passes(rule: &'static Rule, hcl: &str) {
    let f = findings_of(rule, hcl);
    assert!(f.is_empty(), "expected no finding, got {f:#?}");
}
