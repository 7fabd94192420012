//! `rotate` on recorded answers: success, a failed rotation, a deployment that fails, and a
//! service that never becomes healthy. Each failure names its step and the state left behind.

mod common;
use common::*;
use mbdeploy_ops::api::{ErrorKind, OpsError};
use mbdeploy_ops::facts::*;
use mbdeploy_ops::rotate::{describe_failure, rotate, Outcome, RotateOptions};
use mbdeploy_ops::testing::*;
use std::time::Duration;

fn options() -> RotateOptions {
    RotateOptions {
        poll: Duration::from_millis(1),
        rotation_timeout: Duration::from_millis(20),
        deploy_timeout: Duration::from_millis(20),
        health_timeout: Duration::from_millis(20),
        ..RotateOptions::new("metabase-prod")
    }
}

fn deploying(state: &str, reason: &str) -> ServiceFacts {
    let mut s = service();
    s.deployments.insert(
        0,
        DeploymentFacts {
            id: "ecs-svc/new".into(),
            status: "PRIMARY".into(),
            desired: 1,
            running: if state == "COMPLETED" { 1 } else { 0 },
            rollout_state: Some(state.into()),
            rollout_reason: Some(reason.into()),
            ..Default::default()
        },
    );
    s.deployments[1].status = "ACTIVE".into();
    s
}

fn run(api: &Recorded, probe: &ScriptedProbe, options: &RotateOptions) -> (Result<Outcome, String>, String) {
    let mut out = String::new();
    let r = block_on(rotate(api, probe, options, &mut |l: &str| {
        out.push_str(l);
        out.push('\n');
    }));
    (r, out)
}

fn rotating(api: &mut Recorded) {
    api.secrets = Seq::of(vec![
        Ok(secret(&[("v1", &["AWSCURRENT"])])),
        Ok(secret(&[("v1", &["AWSCURRENT"]), ("v2", &["AWSPENDING"])])),
        Ok(secret(&[("v1", &["AWSPREVIOUS"]), ("v2", &["AWSCURRENT"])])),
    ]);
    api.rotate = Seq::of(vec![Ok(Some("v2".into()))]);
    api.deploy = Seq::of(vec![Ok(Some("ecs-svc/new".into()))]);
}

#[test]
fn success_shows_every_step() {
    let mut api = healthy();
    rotating(&mut api);
    api.services = Seq::of(vec![
        Ok(Some(service())),
        Ok(Some(deploying("IN_PROGRESS", "ECS deployment ecs-svc/new in progress."))),
        Ok(Some(deploying("COMPLETED", "ECS deployment ecs-svc/new completed."))),
    ]);
    let probe = ScriptedProbe::of(vec![initializing(0.2), initializing(0.8), ok()]);
    let (r, out) = run(&api, &probe, &options());
    assert_eq!(r, Ok(Outcome::Done), "{out}");
    for n in 1..=6 {
        assert!(out.contains(&format!("[{n}/6]")), "{out}");
    }
    assert!(out.contains("secret rds!db-1234 (managed by rds), current version v1"), "{out}");
    assert!(out.contains("version v2 is AWSCURRENT") && out.contains("503 initializing (80%)"), "{out}");
    assert!(out.contains("https://metabase-prod-123.eu-west-1.elb.amazonaws.com/api/health: ok"), "{out}");
    assert_eq!(
        api.calls().iter().filter(|c| *c == "secretsmanager:RotateSecret" || *c == "ecs:UpdateService").count(),
        2
    );
}

#[test]
fn dry_run_changes_nothing() {
    let mut api = healthy();
    rotating(&mut api);
    let (r, out) = run(&api, &ScriptedProbe::of(vec![ok()]), &RotateOptions { dry_run: true, ..options() });
    assert_eq!(r, Ok(Outcome::DryRun));
    assert!(out.contains("Nothing was changed"));
    assert!(!api.called("secretsmanager:RotateSecret") && !api.called("ecs:UpdateService"));
}

#[test]
fn a_rotation_that_fails_to_start_changes_nothing() {
    let mut api = healthy();
    api.rotate = Seq::of(vec![Err(OpsError::new(
        "secretsmanager:RotateSecret",
        ErrorKind::Other,
        "InvalidRequestException",
        "A previous rotation isn't complete.",
    ))]);
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    let r = r.unwrap();
    let text = describe_failure(&r).unwrap();
    assert!(text.starts_with("rotate failed at step 2/6 (rotate the secret)"), "{text}");
    assert!(text.contains("Nothing was changed"));
    assert!(!api.called("ecs:UpdateService"));
}

#[test]
fn a_rotation_that_never_finishes_leaves_the_service_alone_and_says_so() {
    let mut api = healthy();
    api.secrets = Seq::of(vec![
        Ok(secret(&[("v1", &["AWSCURRENT"])])),
        Ok(secret(&[("v1", &["AWSCURRENT"]), ("v2", &["AWSPENDING"])])),
    ]);
    api.rotate = Seq::of(vec![Ok(Some("v2".into()))]);
    let (r, out) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    let r = r.unwrap();
    assert!(matches!(r, Outcome::Failed { step: 3, .. }), "{r:?}\n{out}");
    let text = describe_failure(&r).unwrap();
    assert!(text.contains("version v2 is still AWSPENDING"), "{text}");
    assert!(text.contains("NOT redeployed") && text.contains("--remove-from-version-id v2"), "{text}");
    assert!(!api.called("ecs:UpdateService"));
}

#[test]
fn a_pending_version_before_starting_stops_at_step_one() {
    let mut api = healthy();
    api.secrets = Seq::of(vec![Ok(secret(&[("v1", &["AWSCURRENT"]), ("v0", &["AWSPENDING"])]))]);
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    assert!(matches!(r.unwrap(), Outcome::Failed { step: 1, .. }));
    assert!(!api.called("secretsmanager:RotateSecret"));
}

#[test]
fn a_redeploy_that_fails_is_reported_half_done() {
    let mut api = healthy();
    rotating(&mut api);
    api.deploy = Seq::of(vec![Err(OpsError::new(
        "ecs:UpdateService",
        ErrorKind::Denied,
        "AccessDeniedException",
        "not authorized",
    ))]);
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    let text = describe_failure(&r.unwrap()).unwrap();
    assert!(text.contains("step 4/6") && text.contains("HALF DONE: the secret WAS rotated"), "{text}");
    assert!(
        text.contains("aws ecs update-service --cluster metabase-prod --service metabase-prod --force-new-deployment")
    );
}

#[test]
fn a_rolled_back_deployment_is_named() {
    let mut api = healthy();
    rotating(&mut api);
    api.services = Seq::of(vec![
        Ok(Some(service())),
        Ok(Some(deploying("FAILED", "ECS deployment circuit breaker: tasks failed to start."))),
    ]);
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    let text = describe_failure(&r.unwrap()).unwrap();
    assert!(text.contains("step 5/6") && text.contains("circuit breaker"), "{text}");
    assert!(text.contains("The secret WAS rotated"), "{text}");
}

#[test]
fn a_service_that_never_becomes_healthy_fails_at_the_last_step() {
    let mut api = healthy();
    rotating(&mut api);
    api.services = Seq::of(vec![Ok(Some(service())), Ok(Some(deploying("COMPLETED", "done")))]);
    let probe = ScriptedProbe::of(vec![initializing(0.1)]);
    let (r, out) = run(&api, &probe, &options());
    let r = r.unwrap();
    let text = describe_failure(&r).unwrap();
    assert!(text.starts_with("rotate failed at step 6/6 (wait for Metabase /api/health)"), "{text}");
    assert!(text.contains("last answer: 503 initializing (10%)") && text.contains("The secret WAS rotated"), "{text}");
    assert!(out.contains("deployment completed"));
}

#[test]
fn input_errors_come_before_any_change() {
    let mut api = healthy();
    let mut td = task_definition();
    td.containers[0].secrets.retain(|(n, _)| n != "MB_DB_PASS");
    api.task_definition = Some(td);
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    assert!(r.unwrap_err().contains("no MB_DB_PASS secret"));
    let mut api = healthy();
    api.load_balancer = None;
    let (r, _) = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    assert!(r.unwrap_err().contains("give --url"));
    assert!(!api.called("secretsmanager:RotateSecret"));
}

#[test]
fn rotate_never_reads_a_secret_value() {
    let mut api = healthy();
    rotating(&mut api);
    api.services = Seq::of(vec![Ok(Some(service())), Ok(Some(deploying("COMPLETED", "done")))]);
    let _ = run(&api, &ScriptedProbe::of(vec![ok()]), &options());
    assert!(api.calls().iter().all(|c| c != "secretsmanager:GetSecretValue"));
}
