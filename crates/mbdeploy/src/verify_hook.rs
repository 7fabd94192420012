//! The verification step of `mbdeploy up`: reads the deployment back from the account (or the
//! local emulator) and judges it with the same rules as the source, through `verify`.

use mbdeploy_aws::{ConnectOptions, ReadOptions};
use mbdeploy_rules::Status;

/// Controls moto_server cannot represent (docs/verify.md): on the local emulator their findings
/// are shown as such and do not fail the step; against AWS they count like any other.
const EMULATOR_GAPS: &[(&str, &str)] = &[
    ("MBD-ECS-004", "moto keeps no deploymentConfiguration (circuit breaker)"),
    ("MBD-ECS-005", "moto keeps no healthCheckGracePeriodSeconds"),
    ("MBD-LIVE-001", "moto never starts tasks: no running image to compare"),
    ("MBD-LIVE-002", "moto never starts tasks: no target is registered"),
    ("MBD-LIVE-005", "no image is pushed and moto does not scan"),
    ("MBD-SEC-006", "moto reports no rotation for the RDS-managed secret despite its schedule"),
];

/// Prints what verification found and returns a one-line summary, or why it failed: any
/// failing finding fails the step (the deployment is up, but not as the document requires).
pub fn verify_after_apply(name: &str, region: &str, endpoint: Option<&str>) -> Result<String, String> {
    let options = ReadOptions {
        name: name.to_string(),
        connect: ConnectOptions {
            region: Some(region.to_string()),
            endpoint_url: endpoint.map(String::from),
            ..ConnectOptions::default()
        },
        concurrency: 8,
    };
    let live = mbdeploy_aws::read_live_blocking(&options, &|_: &str| {})?;
    let calls = live.stats.total_calls();
    let audit = crate::verify::judge(live, &[]);
    let gap = |id: &str| {
        if endpoint.is_some() {
            EMULATOR_GAPS.iter().find(|(g, _)| *g == id).map(|(_, why)| *why)
        } else {
            None
        }
    };
    for f in audit.findings.iter().filter(|f| gap(&f.rule_id).is_some()) {
        eprintln!("  emulator gap {}: {}", f.rule_id, gap(&f.rule_id).unwrap_or_default());
    }
    let fails: Vec<_> =
        audit.findings.iter().filter(|f| f.status == Status::Fail && gap(&f.rule_id).is_none()).collect();
    let undetermined =
        audit.findings.iter().filter(|f| f.status == Status::Undetermined && gap(&f.rule_id).is_none()).count();
    for f in &fails {
        eprintln!("  {} {} {}: {}", f.severity.as_str().to_uppercase(), f.rule_id, f.resource, f.message);
    }
    if !fails.is_empty() {
        return Err(format!(
            "{} control(s) fail on the running deployment (`mbdeploy verify --name {name}` shows the report)",
            fails.len()
        ));
    }
    Ok(format!(
        "verified {name}: no failing control; {undetermined} not verifiable here (`mbdeploy verify --name {name}{}` lists them); {calls} API calls",
        endpoint.map(|e| format!(" --endpoint-url {e}")).unwrap_or_default()
    ))
}
