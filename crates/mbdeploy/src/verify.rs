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
            ..connect_defaults()?
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

/// Retry and timeout settings; MBDEPLOY_AWS_MAX_ATTEMPTS and MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS
/// override them (docs/verify.md; the fault tests use them).
fn connect_defaults() -> Result<ConnectOptions, String> {
    let mut options = ConnectOptions::default();
    let number = |var: &str| -> Result<Option<u64>, String> {
        match std::env::var(var) {
            Ok(v) => v.trim().parse().map(Some).map_err(|_| format!("{var}={v}: expected a whole number")),
            Err(_) => Ok(None),
        }
    };
    if let Some(n) = number("MBDEPLOY_AWS_MAX_ATTEMPTS")? {
        options.max_attempts = n.max(1) as u32;
    }
    if let Some(ms) = number("MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS")? {
        options.attempt_timeout = std::time::Duration::from_millis(ms.max(1));
        options.operation_timeout = options.attempt_timeout * options.max_attempts * 2;
    }
    Ok(options)
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
    // Rules whose inputs the live reader does not read yet: their verdict would rest on an empty
    // part of the model, so they are reported not verified, never failed or passed on it.
    for f in audit.findings.iter_mut().filter(|f| NOT_READ_LIVE.iter().any(|(id, _)| *id == f.rule_id)) {
        let why = NOT_READ_LIVE.iter().find(|(id, _)| *id == f.rule_id).map(|(_, why)| *why).unwrap_or_default();
        f.status = Status::Undetermined;
        f.message = format!("{NOT_VERIFIED_PREFIX}{why}");
    }
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

/// Rules that need parts of an account the reader does not read yet.
/// (Empty now: EventBridge rules and state machines are read, so MBD-SEC-008 judges live too.)
const NOT_READ_LIVE: &[(&str, &str)] = &[];

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
            "MBD-SEC-008",
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
    ("secrets", &["MBD-SEC-002", "MBD-SEC-006", "MBD-SEC-008", "MBD-LIVE-004"]),
    ("log_groups", &["MBD-LOG-001"]),
    ("alarms", &["MBD-MON-001"]),
    ("event_rules", &["MBD-SEC-008"]),
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

#[cfg(test)]
mod tests {
    //! The whole judgement on hand-built answers: the reader, the same rules as `audit`, the live
    //! checks and the controls left unverified.

    use super::*;
    use mbdeploy_aws::testing::sdk::{ec2, ecr, ecs, elb, iam};
    use mbdeploy_aws::testing::{read_fake, Fake, ACCOUNT};

    const NAME: &str = "metabase-prod";

    /// The rules the reader cannot feed yet: always reported not verified.
    fn not_read_live(f: &Finding) -> bool {
        NOT_READ_LIVE.iter().any(|(id, _)| *id == f.rule_id) && is_not_verified(f)
    }

    fn verdict(fake: &Fake) -> Audit {
        judge(read_fake(fake, NAME), &[])
    }

    fn ids(audit: &Audit, status: Status) -> Vec<String> {
        let mut v: Vec<String> =
            audit.findings.iter().filter(|f| f.status == status).map(|f| f.rule_id.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn a_compliant_deployment_has_no_finding() {
        let audit = verdict(&Fake::compliant(NAME));
        assert!(audit.findings.iter().all(not_read_live), "{:#?}", audit.findings);
        assert!(audit.errors.is_empty());
    }

    /// Each gap of the non-compliant deployment the issue lists gets its finding.
    #[test]
    fn every_gap_of_a_non_compliant_deployment_is_found() {
        type Break = fn(&mut Fake);
        let cases: Vec<(&str, Break)> = vec![
            ("MBD-NET-010", |f| {
                let s = f.services[0].clone();
                let net = s.network_configuration().unwrap().awsvpc_configuration().unwrap();
                let mut b = ecs::AwsVpcConfiguration::builder().assign_public_ip(ecs::AssignPublicIp::Enabled);
                for x in net.subnets() {
                    b = b.subnets(x);
                }
                for x in net.security_groups() {
                    b = b.security_groups(x);
                }
                f.services[0] = ecs::Service::builder()
                    .service_arn(s.service_arn().unwrap())
                    .service_name(NAME)
                    .cluster_arn(s.cluster_arn().unwrap())
                    .task_definition(s.task_definition().unwrap())
                    .desired_count(1)
                    .set_deployment_configuration(s.deployment_configuration().cloned())
                    .set_health_check_grace_period_seconds(s.health_check_grace_period_seconds())
                    .set_load_balancers(Some(s.load_balancers().to_vec()))
                    .network_configuration(
                        ecs::NetworkConfiguration::builder().awsvpc_configuration(b.build().unwrap()).build(),
                    )
                    .build();
            }),
            ("MBD-NET-009", |f| {
                let g = f.security_groups.iter_mut().find(|g| g.group_id() == Some("sg-rds")).unwrap();
                *g = ec2::SecurityGroup::builder()
                    .group_id("sg-rds")
                    .vpc_id("vpc-0a")
                    .ip_permissions(
                        ec2::IpPermission::builder()
                            .ip_protocol("tcp")
                            .from_port(5432)
                            .to_port(5432)
                            .ip_ranges(ec2::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .build(),
                    )
                    .build();
            }),
            ("MBD-NET-006", |f| {
                let g = f.security_groups.iter_mut().find(|g| g.group_id() == Some("sg-alb")).unwrap();
                *g = ec2::SecurityGroup::builder()
                    .group_id("sg-alb")
                    .vpc_id("vpc-0a")
                    .ip_permissions(
                        ec2::IpPermission::builder()
                            .ip_protocol("-1")
                            .ip_ranges(ec2::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .build(),
                    )
                    .build();
            }),
            ("MBD-SEC-001", |f| {
                let t = f.task_definitions[0].clone();
                let mut c = t.container_definitions()[0].clone();
                c.environment
                    .get_or_insert_with(Vec::new)
                    .push(ecs::KeyValuePair::builder().name("MB_DB_PASS").value("hunter2").build());
                c.secrets.get_or_insert_with(Vec::new).retain(|s| s.name() != "MB_DB_PASS");
                f.task_definitions[0].container_definitions = Some(vec![c]);
            }),
            ("MBD-RDS-001", |f| f.db_instances[0].storage_encrypted = Some(false)),
            ("MBD-ALB-002", |f| {
                let tg = f.target_groups[0].target_group_arn().unwrap().to_string();
                f.listeners[0].default_actions = Some(vec![elb::Action::builder()
                    .r#type(elb::ActionTypeEnum::Forward)
                    .target_group_arn(tg)
                    .build()]);
            }),
            ("MBD-ECS-003", |f| {
                let mut c = f.task_definitions[0].container_definitions()[0].clone();
                c.image = Some(format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:latest"));
                f.task_definitions[0].container_definitions = Some(vec![c]);
            }),
            ("MBD-ECR-001", |f| {
                f.repositories[0].image_scanning_configuration =
                    Some(ecr::ImageScanningConfiguration::builder().scan_on_push(false).build());
            }),
            ("MBD-IAM-003", |f| {
                let role = format!("{NAME}-ecs-task-role");
                f.role_policies.push((
                    role,
                    "admin".into(),
                    r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
                ));
            }),
            ("MBD-SEC-008", |f| f.event_rules.clear()),
            ("MBD-IAM-004", |f| {
                let role = format!("{NAME}-ecs-task-role");
                f.attached.push((
                    role,
                    iam::AttachedPolicy::builder()
                        .policy_name("AdministratorAccess")
                        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
                        .build(),
                ));
            }),
        ];
        for (rule, break_it) in cases {
            let mut fake = Fake::compliant(NAME);
            break_it(&mut fake);
            let audit = verdict(&fake);
            assert!(
                ids(&audit, Status::Fail).iter().any(|id| id == rule),
                "{rule} not reported; got {:?}",
                ids(&audit, Status::Fail)
            );
            assert!(audit.findings.iter().all(|f| f.arn.is_some() || f.resource.starts_with("sg-")));
        }
    }

    #[test]
    fn a_denied_action_makes_its_controls_not_verified() {
        let mut fake = Fake::compliant(NAME);
        fake.denied = vec!["ec2:DescribeSecurityGroups"];
        let audit = verdict(&fake);
        assert!(ids(&audit, Status::Fail).is_empty(), "{:#?}", audit.findings);
        let undetermined = ids(&audit, Status::Undetermined);
        for rule in ["MBD-NET-006", "MBD-NET-007", "MBD-NET-008", "MBD-NET-009"] {
            assert!(undetermined.iter().any(|id| id == rule), "{rule} not reported: {undetermined:?}");
        }
        assert!(audit
            .findings
            .iter()
            .filter(|f| !not_read_live(f))
            .all(|f| is_not_verified(f) && f.message.contains("ec2:DescribeSecurityGroups was denied")));
    }

    #[test]
    fn with_no_permission_at_all_nothing_passes() {
        let mut fake = Fake::compliant(NAME);
        fake.denied = mbdeploy_aws::actions::ALL.iter().map(|a| a.iam).collect();
        let audit = verdict(&fake);
        let undetermined = ids(&audit, Status::Undetermined);
        // Every rule that judges a live deployment is reported not verified.
        for rule in mbdeploy_rules::rules::all() {
            let m = &rule.meta;
            if m.applies == mbdeploy_rules::Applies::TerraformOnly || m.id.starts_with("MBD-SUP") {
                continue;
            }
            assert!(undetermined.iter().any(|id| id == m.id), "{} passed with no permission", m.id);
        }
        for check in mbdeploy_aws::CHECKS {
            assert!(undetermined.iter().any(|id| id == check.id), "{} passed with no permission", check.id);
        }
    }

    #[test]
    fn live_checks_can_be_disabled_like_rules() {
        let mut fake = Fake::compliant(NAME);
        fake.tasks.clear();
        let audit = judge(read_fake(&fake, NAME), &["running-image-matches-pin".to_string()]);
        assert!(audit.findings.iter().all(not_read_live), "{:#?}", audit.findings);
    }

    #[test]
    fn every_rule_id_in_the_reads_table_exists() {
        for (_, ids) in READS {
            for id in *ids {
                assert!(engine::find_rule(id).is_some() || live_check(id).is_some(), "{id} is no rule");
            }
        }
    }
}
