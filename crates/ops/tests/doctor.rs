//! Every diagnosis on recorded answers: the healthy deployment gives none, and each break gives
//! exactly the diagnosis about it, with its evidence.

mod common;
use common::*;
use mbdeploy_ops::doctor::{diagnose, render_json, render_text, Diagnosis};
use mbdeploy_ops::facts::*;
use mbdeploy_ops::testing::*;

fn ids(d: &[Diagnosis]) -> Vec<&'static str> {
    d.iter().map(|d| d.id).collect()
}

fn only(facts: &Facts, id: &str) -> Diagnosis {
    let d = diagnose(facts, NOW);
    assert_eq!(ids(&d), vec![id], "{}", render_text(facts, &d));
    d.into_iter().next().unwrap()
}

#[test]
fn a_healthy_deployment_has_nothing_wrong() {
    let facts = facts_of(&healthy(), vec![ok()]);
    let d = diagnose(&facts, NOW);
    assert!(d.is_empty(), "{}", render_text(&facts, &d));
    assert!(render_text(&facts, &d).contains("nothing wrong found"));
}

#[test]
fn a_missing_service_is_said() {
    let mut api = healthy();
    api.services = Seq::of(vec![Ok(None)]);
    let facts = facts_of(&api, vec![]);
    only(&facts, "OPS-001");
}

#[test]
fn ecr_repository_outside_the_state_prints_the_import() {
    let mut api = healthy();
    api.services = Seq::of(vec![Ok(None)]);
    let mut facts = facts_of(&api, vec![]);
    // The service is missing because apply stopped at the repository: the repository check
    // needs the image, which the (never created) task definition would have named.
    facts.repository = Some(RepoCheck { name: "metabase_repo".into(), exists: Some(true), ..Default::default() });
    facts.state = Some(StateFacts { dir: "infra".into(), ecr_repositories: vec![] });
    let d = diagnose(&facts, NOW);
    assert_eq!(ids(&d), vec!["OPS-001", "OPS-002"]);
    let text = render_text(&facts, &d);
    assert!(text.contains("terraform import aws_ecr_repository.metabase metabase_repo"), "{text}");
    assert!(
        text.contains("import {\n        to = aws_ecr_repository.metabase\n        id = \"metabase_repo\"\n      }"),
        "{text}"
    );

    // In the state: nothing to say. Without a state: a note, not a diagnosis.
    facts.state = Some(StateFacts {
        dir: "infra".into(),
        ecr_repositories: vec![("module.metabase.aws_ecr_repository.this[0]".into(), "metabase_repo".into())],
    });
    assert_eq!(ids(&diagnose(&facts, NOW)), vec!["OPS-001"]);
    facts.state = None;
    assert!(render_text(&facts, &diagnose(&facts, NOW)).contains("give --dir"));
}

#[test]
fn the_state_is_read_from_terraform_show_json() {
    let json = serde_json::json!({"values": {"root_module": {"child_modules": [{"resources": [
        {"address": "module.metabase.aws_ecr_repository.this[0]", "mode": "managed", "type": "aws_ecr_repository",
         "values": {"name": "metabase_repo"}},
        {"address": "module.metabase.data.aws_ecr_repository.x", "mode": "data", "type": "aws_ecr_repository",
         "values": {"name": "other"}}
    ]}]}}});
    let s = mbdeploy_ops::gather::state_facts("d", &json);
    assert_eq!(s.ecr_repositories, vec![("module.metabase.aws_ecr_repository.this[0]".into(), "metabase_repo".into())]);
}

#[test]
fn a_missing_image_tag_is_found() {
    let mut api = healthy();
    api.images.clear();
    let facts = facts_of(&api, vec![ok()]);
    let d = only(&facts, "OPS-003");
    assert!(d.evidence.iter().any(|e| e.contains("no image tagged v0.50.0 in metabase_repo")), "{d:?}");
}

#[test]
fn pull_failures_name_the_network_or_the_role() {
    let mut api = healthy();
    api.stopped_tasks = vec!["t2".into()];
    api.tasks.push(stopped_task(
        "bbbb2222",
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref \
         123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0: dial tcp 52.1.2.3:443: i/o timeout",
        "TaskFailedToStart",
        None,
    ));
    let facts = facts_of(&api, vec![ok()]);
    let d = only(&facts, "OPS-004");
    assert!(d.evidence[0].contains("task bbbb2222 stopped: CannotPullContainerError"));
    assert!(d.cause.contains("cannot reach ECR"), "{}", d.cause);
    assert!(d.fix.iter().any(|f| f.contains("NAT gateway")) && d.fix.iter().any(|f| f.contains("443")));

    let mut api = healthy();
    api.tasks.push(stopped_task(
        "cccc3333",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval \
         failed: unable to retrieve secret from asm: AccessDeniedException: User is not authorized to perform \
         secretsmanager:GetSecretValue",
        "TaskFailedToStart",
        None,
    ));
    let facts = facts_of(&api, vec![ok()]);
    let d = only(&facts, "OPS-004");
    assert!(d.cause.contains("execution role lacks a permission"), "{}", d.cause);
}

#[test]
fn out_of_memory_by_stop_reason_exit_code_or_log() {
    let mut api = healthy();
    api.tasks.push(stopped_task(
        "dddd4444",
        "OutOfMemoryError: Container killed due to memory usage",
        "EssentialContainerExited",
        Some(137),
    ));
    let d = only(&facts_of(&api, vec![ok()]), "OPS-005");
    assert!(d.cause.contains("2048 MiB") && d.cause.contains("-XX:MaxRAMPercentage=75"), "{}", d.cause);
    assert!(d.fix.iter().any(|f| f.contains("JAVA_OPTS")));

    let mut api = healthy();
    api.tasks.push(stopped_task(
        "eeee5555",
        "Essential container in task exited",
        "EssentialContainerExited",
        Some(137),
    ));
    only(&facts_of(&api, vec![ok()]), "OPS-005");

    let mut api = healthy();
    api.logs.push(log("aaaa1111", "java.lang.OutOfMemoryError: Java heap space"));
    let d = only(&facts_of(&api, vec![ok()]), "OPS-005");
    assert!(d.evidence[0].contains("[aaaa1111]: java.lang.OutOfMemoryError"), "{:?}", d.evidence);

    // 137 after failing health checks is ECS killing the task, not memory.
    let mut api = healthy();
    api.tasks.push(stopped_task(
        "ffff6666",
        "Scaling activity initiated by deployment",
        "ServiceSchedulerInitiated",
        Some(137),
    ));
    assert!(diagnose(&facts_of(&api, vec![ok()]), NOW).is_empty());
}

#[test]
fn a_stuck_migration_lock_gives_the_release_procedure() {
    let mut api = healthy();
    api.logs.push(log(
        "aaaa1111",
        "ERROR liquibase: Database has migration lock; cannot run migrations. You can force-release these locks by \
         running `java -jar metabase.jar migrate release-locks`.",
    ));
    let facts = facts_of(&api, vec![initializing(0.3)]);
    let d = diagnose(&facts, NOW);
    assert_eq!(ids(&d), vec!["OPS-006", "OPS-011"]);
    let text = render_text(&facts, &d);
    assert!(text.contains("migrate") && text.contains("release-locks"), "{text}");
    assert!(text.contains("UPDATE databasechangeloglock SET locked = false"), "{text}");
    assert!(text.contains("--desired-count 0"), "{text}");
}

#[test]
fn health_checks_during_migrations_mean_the_grace_period_is_short() {
    let mut api = healthy();
    api.tasks.push(stopped_task(
        "gggg7777",
        "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:...:targetgroup/metabase-prod/abc)",
        "ServiceSchedulerInitiated",
        Some(137),
    ));
    api.logs.push(log("gggg7777", "INFO db.setup :: Running Database migrations..."));
    let facts = facts_of(&api, vec![ok()]);
    let d = only(&facts, "OPS-007");
    assert!(d.cause.contains("(120 s)"), "{}", d.cause);
    assert!(d.fix[0].contains("health_check_grace_period_seconds"));

    // Health-check failures with no sign of migrations are not this diagnosis.
    let mut api = healthy();
    api.tasks.push(stopped_task("gggg7777", "Task failed container health checks", "ServiceSchedulerInitiated", None));
    assert!(diagnose(&facts_of(&api, vec![ok()]), NOW).is_empty());
}

#[test]
fn a_circuit_breaker_rollback_is_reported() {
    let mut api = healthy();
    let mut svc = service();
    svc.deployments.insert(
        0,
        DeploymentFacts {
            id: "ecs-svc/222".into(),
            status: "PRIMARY".into(),
            task_definition: Some("arn:aws:ecs:eu-west-1:123456789012:task-definition/metabase-prod:8".into()),
            rollout_state: Some("FAILED".into()),
            rollout_reason: Some("ECS deployment circuit breaker: tasks failed to start.".into()),
            failed_tasks: 3,
            ..Default::default()
        },
    );
    svc.events.insert(
        0,
        EventFacts {
            at: Some(NOW - 30),
            message: "(service metabase-prod) (deployment ecs-svc/222) deployment failed: tasks failed to start. \
                      rolling back to deployment ecs-svc/111."
                .into(),
        },
    );
    api.services = Seq::of(vec![Ok(Some(svc))]);
    let d = only(&facts_of(&api, vec![ok()]), "OPS-008");
    assert!(d.evidence[0].contains("ecs-svc/222 (metabase-prod:8): rollout FAILED"), "{:?}", d.evidence);
    assert!(d.evidence.iter().any(|e| e.contains("rolling back")));
}

#[test]
fn unhealthy_targets_with_their_reasons() {
    let mut api = healthy();
    api.targets[0].state = "unhealthy".into();
    api.targets[0].reason = Some("Target.Timeout".into());
    api.targets[0].description = Some("Request timed out".into());
    let d = only(&facts_of(&api, vec![ok()]), "OPS-009");
    assert_eq!(d.evidence, vec!["target 10.0.1.23:3000 unhealthy: Target.Timeout Request timed out"]);
    assert!(d.fix[0].contains("TCP 3000"));
}

#[test]
fn a_certificate_close_to_expiry() {
    let mut api = healthy();
    api.certificates[0].not_after = Some(NOW + 10 * 86_400);
    let d = only(&facts_of(&api, vec![ok()]), "OPS-010");
    assert!(d.evidence[0].contains("expires in 10 day(s)"), "{:?}", d.evidence);
    api.certificates[0].not_after = Some(NOW - 86_400);
    let d = only(&facts_of(&api, vec![ok()]), "OPS-010");
    assert!(d.evidence[0].contains("expired"));
}

#[test]
fn metabase_not_answering_ok() {
    let d = only(&facts_of(&healthy(), vec![initializing(0.42)]), "OPS-011");
    assert!(d.evidence[0].ends_with("503 initializing (42%)"), "{:?}", d.evidence);
    assert!(d.evidence[0].starts_with("https://metabase-prod-123.eu-west-1.elb.amazonaws.com/api/health"));
}

#[test]
fn failed_calls_are_listed_as_not_checked() {
    let mut api = healthy();
    api.describe_tasks_error = Some(denied("ecs:DescribeTasks"));
    let facts = facts_of(&api, vec![ok()]);
    let d = diagnose(&facts, NOW);
    assert!(d.is_empty());
    let text = render_text(&facts, &d);
    assert!(
        text.contains("not checked (1 call(s) failed") && text.contains("ecs:DescribeTasks: access denied"),
        "{text}"
    );
    assert!(render_json(&facts, &d).contains("\"not_checked\""));
}

#[test]
fn no_report_prints_a_secret_value() {
    // The facts hold no values; log lines that carry one are masked before they are quoted.
    let mut api = healthy();
    api.logs.push(log("aaaa1111", "java.lang.OutOfMemoryError while connecting with password=hunter2"));
    let facts = facts_of(&api, vec![ok()]);
    let d = diagnose(&facts, NOW);
    for out in [render_text(&facts, &d), render_json(&facts, &d), mbdeploy_ops::status::render_json(&facts)] {
        assert!(!out.contains("hunter2"), "{out}");
    }
}
