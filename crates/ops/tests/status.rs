mod common;
use common::*;
use mbdeploy_ops::status::{is_serving, render_json, render_text};
use mbdeploy_ops::testing::*;

#[test]
fn status_shows_service_tasks_targets_database_and_health() {
    let mut api = healthy();
    api.tasks.push(stopped_task("dead0001", "Task failed ELB health checks", "ServiceSchedulerInitiated", Some(137)));
    let facts = facts_of(&api, vec![initializing(0.5)]);
    let text = render_text(&facts, 5);
    for want in [
        "service    ACTIVE  desired 1  running 1  pending 0  task definition metabase-prod:7",
        "PRIMARY  ecs-svc/111  metabase-prod:7  rollout COMPLETED  running 1/1",
        "has reached a steady state",
        "aaaa1111  RUNNING  health HEALTHY",
        "dead0001  STOPPED  health -  stopped: Task failed ELB health checks  [metabase: exit 137]",
        "10.0.1.23:3000  healthy",
        "database   metabase-prod  available  postgres 16.3",
        "image      ECR metabase_repo exists  tag v0.50.0 present",
        "503 initializing (50%)",
        "verdict    NOT serving",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!is_serving(&facts));
    let ok_facts = facts_of(&healthy(), vec![ok()]);
    assert!(is_serving(&ok_facts));
    let json: serde_json::Value = serde_json::from_str(&render_json(&ok_facts)).unwrap();
    assert_eq!(json["serving"], true);
    assert_eq!(json["service"]["running"], 1);
    assert_eq!(json["health"]["status"], "ok");
}

#[test]
fn status_json_holds_no_secret_value() {
    let facts = facts_of(&healthy(), vec![ok()]);
    let json = render_json(&facts);
    // Where secrets come from is shown; what they are never is (the facts have no field for it).
    assert!(json.contains("MB_DB_PASS") && json.contains("rds!db-1234"));
    assert!(!json.contains("SecretString") && !json.contains("\"value\""));
}
