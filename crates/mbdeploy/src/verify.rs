//! `mbdeploy verify`: the running deployment → model → the same rules → the same reports.
//!
//! The live reader (crates/aws) fills the model the Terraform loaders fill; `audit::judge_one`
//! runs the rules (Terraform-only ones are skipped for a live source); the live-only checks and
//! every input that could not be read are added as findings; `audit::render_and_exit` writes the
//! report. Formats, `--output`, `--severity`, the config file and the baseline behave as in
//! `audit`. One difference in exit codes: a control that could not be verified (a permission
//! missing, a call failing) makes the run fail (1) even if nothing else does, because a
//! verification that could not look must not read as a pass.

use crate::audit::{self, Audit, Output};
use crate::cli::VerifyArgs;
use crate::{config, ExitCode};
use mbdeploy_aws::{ConnectOptions, LiveCheck, LiveRead, NotVerified, ReadOptions, Reason};
use mbdeploy_report::Format;
use mbdeploy_rules::{engine, Finding, Severity, Status};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(args: &VerifyArgs) -> Result<ExitCode, String> {
    let format: Format = args.format.parse().map_err(|e: String| e)?;
    let (cfg, _) = config::load(args.config.as_deref(), Path::new("."))?;
    let threshold: Severity = args.severity.as_deref().or(cfg.severity.as_deref()).unwrap_or("low").parse()?;
    let mut disabled = cfg.disabled_rules.clone();
    disabled.extend(args.disable.iter().cloned());
    for d in &disabled {
        if !engine::is_known_rule(d) && live_check(d).is_none() && !d.eq_ignore_ascii_case(READ_INCOMPLETE.0) {
            return Err(format!("unknown rule `{d}` in disabled rules: see `mbdeploy rules`"));
        }
    }
    if args.name.trim().is_empty() {
        return Err("--name must name the deployment (its ECS cluster, service and RDS instance)".into());
    }
    let options = ReadOptions {
        name: args.name.clone(),
        connect: ConnectOptions {
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
            ..ConnectOptions::default()
        },
        concurrency: args.concurrency.max(1),
    };
    let interactive = std::io::stderr().is_terminal();
    let progress = |what: &str| {
        if interactive {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[Kverify {}: reading {what}…", options.name);
            let _ = err.flush();
        }
    };
    let live = mbdeploy_aws::read_live_blocking(&options, &progress)?;
    if interactive {
        eprint!("\r\x1b[K");
    }
    if args.stats {
        print_stats(&live);
    }
    let target = format!(
        "{} (account {}, region {})",
        options.name,
        live.account.as_deref().unwrap_or("unknown"),
        live.region.as_deref().unwrap_or("unknown")
    );
    let mut audit = judge(live, &disabled);
    if let Some(b) = &args.baseline {
        audit::apply_baseline(b, &mut audit)?;
    }
    audit.findings.retain(|f| f.severity >= threshold);
    audit.suppressed.retain(|f| f.severity >= threshold);
    let out = Output {
        format,
        file: args.output.as_deref(),
        no_color: args.no_color,
        threshold,
        target: &target,
        source_root: None,
        disabled: &disabled,
    };
    let code = audit::render_and_exit(&audit, &out)?;
    let unverified = audit.findings.iter().filter(|f| is_not_verified(f)).count();
    if code == ExitCode::Clean && unverified > 0 {
        eprintln!("verify: {unverified} control(s) not verified (see the report): failing the run");
        return Ok(ExitCode::Findings);
    }
    Ok(code)
}

/// `mbdeploy iam-policy`: the read-only policy `verify` needs.
pub fn iam_policy() -> ExitCode {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = writeln!(out, "{}", mbdeploy_aws::actions::iam_policy()).and_then(|_| out.flush());
    ExitCode::Clean
}

/// The rules, the live checks and the unread inputs, as one audit.
pub fn judge(live: LiveRead, disabled: &[String]) -> Audit {
    let LiveRead { deployment, not_verified, findings, .. } = live;
    let mut audit = audit::judge_one(deployment, disabled, "live");
    let is_disabled =
        |id: &str, name: &str| disabled.iter().any(|d| d.eq_ignore_ascii_case(id) || d.eq_ignore_ascii_case(name));
    for f in findings {
        if is_disabled(f.check.id, f.check.name) {
            continue;
        }
        let status = if f.undetermined { Status::Undetermined } else { Status::Fail };
        audit.findings.push(from_check(f.check, &f.resource, f.message, status));
    }
    for f in not_verified_findings(&not_verified) {
        if !is_disabled(&f.rule_id, &f.rule_name) {
            audit.findings.push(f);
        }
    }
    audit.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((a.status == Status::Undetermined).cmp(&(b.status == Status::Undetermined)))
            .then(a.rule_id.cmp(&b.rule_id))
            .then(a.resource.cmp(&b.resource))
    });
    audit
}

const NOT_VERIFIED_PREFIX: &str = "not verified: ";

fn is_not_verified(f: &Finding) -> bool {
    f.status == Status::Undetermined && f.message.starts_with(NOT_VERIFIED_PREFIX)
}

fn live_check(key: &str) -> Option<&'static LiveCheck> {
    mbdeploy_aws::CHECKS.iter().copied().find(|c| c.id.eq_ignore_ascii_case(key) || c.name.eq_ignore_ascii_case(key))
}

/// Which controls read which part of the model: a part left unread makes them not verified.
/// (A proposal moves this into the rules' metadata; see docs/verify.md.)
const READS: &[(&str, &[&str])] = &[
    ("ecs_clusters", &["MBD-MON-002"]),
    (
        "ecs_services",
        &[
            "MBD-NET-001",
            "MBD-NET-003",
            "MBD-NET-004",
            "MBD-NET-005",
            "MBD-NET-007",
            "MBD-NET-010",
            "MBD-ECS-004",
            "MBD-ECS-005",
            "MBD-MON-001",
            "MBD-LIVE-001",
            "MBD-LIVE-002",
        ],
    ),
    (
        "task_definitions",
        &[
            "MBD-SEC-001",
            "MBD-SEC-002",
            "MBD-SEC-006",
            "MBD-ECS-001",
            "MBD-ECS-002",
            "MBD-ECS-003",
            "MBD-LOG-001",
            "MBD-RDS-003",
            "MBD-IAM-001",
            "MBD-IAM-002",
            "MBD-IAM-003",
            "MBD-IAM-004",
            "MBD-IAM-005",
            "MBD-ECR-001",
            "MBD-ECR-002",
            "MBD-ECR-003",
            "MBD-LIVE-001",
            "MBD-LIVE-004",
            "MBD-LIVE-005",
        ],
    ),
    ("running_tasks", &["MBD-LIVE-001"]),
    ("vpcs", &["MBD-NET-005"]),
    ("subnets", &["MBD-NET-001", "MBD-NET-002", "MBD-NET-003", "MBD-NET-004"]),
    ("route_tables", &["MBD-NET-001", "MBD-NET-002", "MBD-NET-003"]),
    ("internet_gateways", &["MBD-NET-001", "MBD-NET-002"]),
    ("nat_gateways", &["MBD-NET-003", "MBD-NET-004"]),
    ("vpc_endpoints", &["MBD-NET-003", "MBD-NET-005"]),
    ("security_groups", &["MBD-NET-006", "MBD-NET-007", "MBD-NET-008", "MBD-NET-009"]),
    ("target_groups", &["MBD-ALB-005", "MBD-LIVE-002"]),
    (
        "load_balancers",
        &[
            "MBD-ALB-001",
            "MBD-ALB-002",
            "MBD-ALB-003",
            "MBD-ALB-004",
            "MBD-NET-006",
            "MBD-NET-007",
            "MBD-MON-001",
            "MBD-LIVE-003",
        ],
    ),
    ("target_health", &["MBD-LIVE-002"]),
    ("load_balancer_attributes", &["MBD-ALB-004"]),
    ("listeners", &["MBD-ALB-001", "MBD-ALB-002", "MBD-ALB-003", "MBD-LIVE-003"]),
    ("listener_rules", &["MBD-ALB-002"]),
    ("certificates", &["MBD-LIVE-003"]),
    (
        "db_instances",
        &[
            "MBD-RDS-001",
            "MBD-RDS-002",
            "MBD-RDS-004",
            "MBD-RDS-005",
            "MBD-RDS-006",
            "MBD-NET-002",
            "MBD-NET-008",
            "MBD-SEC-003",
            "MBD-SEC-006",
            "MBD-MON-001",
        ],
    ),
    ("db_parameter_groups", &["MBD-RDS-002"]),
    ("ecr_repositories", &["MBD-ECR-001", "MBD-ECR-002", "MBD-ECR-003"]),
    ("ecr_images", &["MBD-LIVE-001", "MBD-LIVE-005"]),
    ("ecr_registry", &["MBD-ECR-001"]),
    ("secrets", &["MBD-SEC-002", "MBD-SEC-006", "MBD-LIVE-004"]),
    ("log_groups", &["MBD-LOG-001"]),
    ("alarms", &["MBD-MON-001"]),
    ("iam_roles", &["MBD-IAM-001", "MBD-IAM-003", "MBD-IAM-004", "MBD-IAM-005"]),
    ("iam_policies", &["MBD-IAM-001", "MBD-IAM-003"]),
];

/// For inputs that feed no listed control (the caller identity, say).
const READ_INCOMPLETE: (&str, &str) = ("MBD-LIVE-000", "read-incomplete");

/// One undetermined finding per (control, action) left unread.
pub fn not_verified_findings(entries: &[NotVerified]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for n in entries {
        let mut ids: Vec<&str> = n
            .reads
            .iter()
            .flat_map(|kind| READS.iter().filter(move |(k, _)| k == kind).flat_map(|(_, ids)| ids.iter().copied()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let how = match n.reason {
            Reason::Denied => format!("{} was denied", n.action),
            Reason::NotFound => format!("{} found nothing", n.action),
            Reason::Failed => format!("{} failed", n.action),
        };
        let message = format!("{NOT_VERIFIED_PREFIX}{how} for {} ({})", n.resource, n.message.trim());
        let mut pushed = false;
        for id in ids {
            let finding = if let Some(rule) = engine::find_rule(id) {
                let m = &rule.meta;
                finding(m.id, m.name, m.title, m.severity, m.section, m.rationale, m.remediation, &n.resource, &message)
            } else if let Some(check) = live_check(id) {
                from_check(check, &n.resource, message.clone(), Status::Undetermined)
            } else {
                continue;
            };
            pushed = true;
            if !out.iter().any(|f| f.rule_id == finding.rule_id && f.message == finding.message) {
                out.push(finding);
            }
        }
        if !pushed {
            out.push(finding(
                READ_INCOMPLETE.0,
                READ_INCOMPLETE.1,
                "Every part of the deployment could be read",
                Severity::Medium,
                "§2 Access Control › Principle of Least Privilege",
                "A read that is denied or fails leaves part of the deployment unjudged.",
                "Grant the policy printed by `mbdeploy iam-policy` and run again.",
                &n.resource,
                &message,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn finding(
    id: &str,
    name: &str,
    title: &str,
    severity: Severity,
    section: &str,
    rationale: &str,
    remediation: &str,
    resource: &str,
    message: &str,
) -> Finding {
    Finding {
        rule_id: id.to_string(),
        rule_name: name.to_string(),
        severity,
        status: Status::Undetermined,
        title: title.to_string(),
        section: section.to_string(),
        resource: resource.to_string(),
        file: None,
        line: 0,
        column: 0,
        arn: resource.starts_with("arn:").then(|| resource.to_string()),
        message: message.to_string(),
        rationale: rationale.to_string(),
        remediation: remediation.to_string(),
        suppressed: None,
    }
}

fn from_check(check: &LiveCheck, resource: &str, message: String, status: Status) -> Finding {
    let severity: Severity = check.severity.parse().unwrap_or(Severity::High);
    let mut f = finding(
        check.id,
        check.name,
        check.title,
        severity,
        check.section,
        check.rationale,
        check.remediation,
        resource,
        &message,
    );
    f.status = status;
    f
}

fn print_stats(live: &LiveRead) {
    eprintln!(
        "verify: read in {} ms: {} API calls, {} HTTP attempts",
        live.elapsed.as_millis(),
        live.stats.total_calls(),
        live.stats.attempts
    );
    for (op, n) in &live.stats.calls {
        eprintln!("  {n:>3} {op}");
    }
}
