//! The verification step of `mbdeploy up`: reads the deployment back from the account (or the
//! local emulator) and judges it with the same rules as the source, through `verify`.

use mbdeploy_aws::{ConnectOptions, ReadOptions};
use mbdeploy_rules::Status;
use std::path::Path;

/// Prints what verification found and returns a one-line summary, or why it failed: any
/// failing finding fails the step (the deployment is up, but not as the document requires).
pub fn verify_after_apply(name: &str, region: &str, dir: &Path, endpoint: Option<&str>) -> Result<String, String> {
    let _ = dir;
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
    let fails: Vec<_> = audit.findings.iter().filter(|f| f.status == Status::Fail).collect();
    let undetermined = audit.findings.iter().filter(|f| f.status == Status::Undetermined).count();
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
