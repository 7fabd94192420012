//! The reader on hand-built answers: discovery, the model it fills, the live checks, and what a
//! denied or failed call leaves behind.

use aws_sdk_ecs::types as ecs;
use aws_sdk_elasticloadbalancingv2::types as elb;
use aws_smithy_types::DateTime;
use mbdeploy_aws::testing::{image_digest, Fake, NOW};
use mbdeploy_aws::{assemble, read_with, CallStats, LiveRead, Reason};
use mbdeploy_model::deployment::Field;
use std::time::Duration;

const NAME: &str = "metabase-prod";

fn read(fake: &Fake) -> LiveRead {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let raw = runtime.block_on(read_with(fake, NAME, 4, &|_| {}));
    assemble(raw, NOW, CallStats::default(), Duration::ZERO)
}

fn checks(live: &LiveRead) -> Vec<(&'static str, bool)> {
    live.findings.iter().map(|f| (f.check.id, f.undetermined)).collect()
}

#[test]
fn a_compliant_deployment_is_read_whole() {
    let fake = Fake::compliant(NAME);
    let live = read(&fake);
    let d = &live.deployment;
    assert!(live.not_verified.is_empty(), "{:#?}", live.not_verified);
    assert!(d.errors.is_empty(), "{:#?}", d.errors);
    assert_eq!(live.findings, vec![], "live checks on a compliant deployment");
    assert_eq!(d.ecs_clusters.len(), 1);
    assert_eq!(d.ecs_services.len(), 1);
    assert_eq!(d.task_definitions.len(), 1);
    assert_eq!(d.subnets.len(), 4);
    assert_eq!(d.security_groups.len(), 3);
    assert_eq!(d.listeners.len(), 2);
    assert_eq!(d.nat_gateways.len(), 2);
    assert_eq!(d.vpc_endpoints.len(), 5);
    assert_eq!(d.secrets.len(), 2);
    assert_eq!(d.iam_roles.len(), 2);
    assert_eq!(d.alarms.len(), 3);
    assert_eq!(d.mbdeploy_source(), "live");

    // References resolve the way the rules follow them.
    let service = &d.ecs_services[0];
    assert!(d.task_definition(service.task_definition.as_deref().unwrap()).is_some());
    for key in &service.subnets {
        assert_eq!(d.subnet_is_public(key), Some(false), "{key}");
    }
    let container = &d.task_definitions[0].containers.get().unwrap()[0];
    let pass = container.secret("MB_DB_PASS").unwrap();
    assert!(pass.refs.iter().any(|r| d.secret(r).map(|s| s.managed_by_rds).unwrap_or(false)));
    assert!(container.log_group_refs.iter().any(|r| d.log_group(r).is_some()));
    assert_eq!(service.assign_public_ip.get(), Some(&false));
    let exec = d.iam_role(d.task_definitions[0].execution_role.as_deref().unwrap()).unwrap();
    assert_eq!(exec.inline_policies.len(), 1);
    assert!(!exec.inline_policies[0].unknown, "the URL-encoded policy is decoded");
    assert_eq!(
        exec.trust_policy.get().unwrap().statements[0].service_principals,
        vec!["ecs-tasks.amazonaws.com".to_string()]
    );
    let lb = &d.load_balancers[0];
    assert_eq!(lb.drop_invalid_header_fields.get(), Some(&true));
    assert!(d.listener(&d.listeners[0].meta.address).is_some());
    let db = &d.db_instances[0];
    assert_eq!(db.storage_encrypted.get(), Some(&true));
    let pg = d.db_parameter_group(db.parameter_group.as_deref().unwrap()).unwrap();
    assert_eq!(pg.parameters[0].value, Field::Set("1".into()));
    assert!(d.ecr_repositories[0].meta.loc.arn.is_some(), "live facts are located at ARNs");
}

trait SourceName {
    fn mbdeploy_source(&self) -> &'static str;
}

impl SourceName for mbdeploy_model::Deployment {
    fn mbdeploy_source(&self) -> &'static str {
        match self.source {
            mbdeploy_model::SourceKind::Live => "live",
            _ => "other",
        }
    }
}

/// One deployment costs a fixed number of calls, whatever the rules: no N+1.
#[test]
fn one_deployment_costs_a_bounded_number_of_calls() {
    let fake = Fake::compliant(NAME);
    read(&fake);
    let calls = fake.call_count();
    assert!(calls <= 40, "{calls} calls: {:?}", fake.calls.borrow());
    // Security groups, subnets and route tables are read in one call each, however many there are.
    for batched in ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeRouteTables"] {
        assert_eq!(fake.calls.borrow().iter().filter(|c| **c == batched).count(), 1, "{batched}");
    }
}

#[test]
fn a_denied_call_is_not_verified_and_its_inputs_are_not_passed() {
    let mut fake = Fake::compliant(NAME);
    fake.denied =
        vec!["ec2:DescribeSecurityGroups", "elasticloadbalancing:DescribeLoadBalancerAttributes", "iam:GetRolePolicy"];
    let live = read(&fake);
    let denied: Vec<&str> = live.not_verified.iter().filter(|n| n.reason == Reason::Denied).map(|n| n.action).collect();
    assert!(denied.contains(&"ec2:DescribeSecurityGroups"));
    assert!(denied.contains(&"elasticloadbalancing:DescribeLoadBalancerAttributes"));
    assert!(denied.contains(&"iam:GetRolePolicy"));
    let d = &live.deployment;
    assert!(d.security_groups.is_empty());
    // Unreadable values are unknown, which rules report as undetermined, never as a pass.
    assert!(d.load_balancers[0].drop_invalid_header_fields.is_unknown());
    let exec = d.iam_role(d.task_definitions[0].execution_role.as_deref().unwrap()).unwrap();
    assert!(exec.inline_policies.iter().any(|p| p.unknown));
    assert!(d.load_issues.iter().any(|i| i.code == "not-verified" && i.message.contains("ec2:DescribeSecurityGroups")));
    assert!(d.errors.is_empty(), "a denial is not an input error");
}

#[test]
fn a_failing_call_is_an_input_error_and_not_verified() {
    let mut fake = Fake::compliant(NAME);
    fake.failing = vec!["rds:DescribeDBParameters"];
    let live = read(&fake);
    assert_eq!(live.deployment.errors.len(), 1);
    assert!(live.deployment.errors[0].message.contains("rds:DescribeDBParameters"));
    assert!(live.not_verified.iter().any(|n| n.reason == Reason::Failed));
    let pg = &live.deployment.db_parameter_groups[0];
    assert_eq!(pg.parameters[0].value, Field::Unknown, "rds.force_ssl is unknown, not missing");
}

#[test]
fn everything_denied_reads_nothing_and_says_so() {
    let mut fake = Fake::compliant(NAME);
    fake.denied = mbdeploy_aws::actions::ALL.iter().map(|a| a.iam).collect();
    let live = read(&fake);
    assert!(live.deployment.ecs_services.is_empty());
    assert!(live.not_verified.iter().any(|n| n.action == "ecs:DescribeServices"));
    assert!(live.not_verified.iter().any(|n| n.action == "rds:DescribeDBInstances"));
}

#[test]
fn no_deployment_of_that_name_is_an_input_error() {
    let fake = Fake::compliant("another");
    let live = read(&fake);
    assert_eq!(live.deployment.errors.len(), 1, "{:#?}", live.deployment.errors);
    assert!(live.deployment.errors[0].message.contains("no deployment named `metabase-prod`"));
    assert!(live.not_verified.is_empty());
}

#[test]
fn running_tasks_must_run_the_pinned_digest() {
    let mut fake = Fake::compliant(NAME);
    fake.tasks[0] = ecs::Task::builder()
        .task_arn("arn:aws:ecs:eu-west-1:123456789012:task/metabase-prod/t1")
        .containers(
            ecs::Container::builder().name("metabase").image_digest(format!("sha256:{}", "cd".repeat(32))).build(),
        )
        .build();
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-001", false)]);
    assert!(live.findings[0].message.contains(&image_digest()));

    fake.tasks.clear();
    let live = read(&fake);
    assert!(checks(&live).contains(&("MBD-LIVE-001", true)), "nothing running: undetermined, not passed");
}

#[test]
fn unhealthy_or_missing_targets_are_findings() {
    let mut fake = Fake::compliant(NAME);
    fake.target_health[0].1 = vec![elb::TargetHealthDescription::builder()
        .target(elb::TargetDescription::builder().id("10.0.3.10").build())
        .target_health(
            elb::TargetHealth::builder()
                .state(elb::TargetHealthStateEnum::Unhealthy)
                .description("Health checks failed with these codes: [502]")
                .build(),
        )
        .build()];
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-002", false)]);
    assert!(live.findings[0].message.contains("[502]"));

    fake.target_health[0].1.clear();
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-002", false)]);
    assert!(live.findings[0].message.contains("no target is registered"));
}

#[test]
fn a_certificate_expiring_within_30_days_is_a_finding() {
    let mut fake = Fake::compliant(NAME);
    fake.certificates[0] = fake.certificates[0].clone().to_builder_with_not_after(NOW + 10 * 86_400);
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-003", false)]);
    assert!(live.findings[0].message.contains("expires in 10 days"));
}

trait WithNotAfter {
    fn to_builder_with_not_after(self, secs: i64) -> Self;
}

impl WithNotAfter for aws_sdk_acm::types::CertificateDetail {
    fn to_builder_with_not_after(self, secs: i64) -> Self {
        aws_sdk_acm::types::CertificateDetail::builder()
            .certificate_arn(self.certificate_arn().unwrap())
            .status(aws_sdk_acm::types::CertificateStatus::Issued)
            .not_after(DateTime::from_secs(secs))
            .build()
    }
}

#[test]
fn rotation_that_stopped_is_a_finding() {
    let mut fake = Fake::compliant(NAME);
    let s = fake.secrets[0].clone();
    fake.secrets[0] = aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput::builder()
        .arn(s.arn().unwrap())
        .name(s.name().unwrap())
        .owning_service("rds")
        .rotation_enabled(true)
        .rotation_rules(aws_sdk_secretsmanager::types::RotationRulesType::builder().automatically_after_days(7).build())
        .created_date(DateTime::from_secs(NOW - 100 * 86_400))
        .last_rotated_date(DateTime::from_secs(NOW - 40 * 86_400))
        .build();
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-004", false)]);
    assert!(live.findings[0].message.contains("last rotated 40 days ago"));
}

#[test]
fn critical_scan_findings_on_the_image_in_use_are_a_finding() {
    let mut fake = Fake::compliant(NAME);
    let detail = fake.images[0].2.clone();
    fake.images[0].2 = aws_sdk_ecr::types::ImageDetail::builder()
        .image_digest(detail.image_digest().unwrap())
        .image_scan_findings_summary(
            aws_sdk_ecr::types::ImageScanFindingsSummary::builder()
                .finding_severity_counts(aws_sdk_ecr::types::FindingSeverity::Critical, 3)
                .build(),
        )
        .build();
    let live = read(&fake);
    assert_eq!(checks(&live), vec![("MBD-LIVE-005", false)]);
    assert!(live.findings[0].message.contains("3 CRITICAL"));

    fake.images.clear();
    let live = read(&fake);
    assert!(checks(&live).contains(&("MBD-LIVE-005", true)), "no image, no scan: undetermined");
}
