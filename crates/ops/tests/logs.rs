mod common;
use common::*;
use mbdeploy_ops::logs::{format_line, Tail};
use mbdeploy_ops::testing::*;

#[test]
fn follow_prints_each_event_once_prefixed_with_its_task() {
    let mut api = healthy();
    api.logs = vec![log("aaaa1111", "Starting Metabase"), log("bbbb2222", "jdbc password=hunter2 refused")];
    let mut tail = Tail::new("/aws/ecs/metabase-prod", 0, None);
    let first = block_on(tail.poll(&api)).unwrap();
    let printed: Vec<String> = first.iter().map(format_line).collect();
    assert_eq!(printed, vec!["aaaa1111 Starting Metabase", "bbbb2222 jdbc password=**** refused"]);
    // Nothing new: nothing printed again, though the same instant is asked again.
    assert!(block_on(tail.poll(&api)).unwrap().is_empty());
    let mut later = log("aaaa1111", "Metabase Initialization COMPLETE");
    later.at += 5_000;
    api.logs.push(later);
    let next = block_on(tail.poll(&api)).unwrap();
    assert_eq!(next.iter().map(format_line).collect::<Vec<_>>(), vec!["aaaa1111 Metabase Initialization COMPLETE"]);
}

#[test]
fn filter_is_passed_to_the_api() {
    let mut api = healthy();
    api.logs = vec![log("aaaa1111", "INFO fine"), log("aaaa1111", "ERROR broken")];
    let mut tail = Tail::new("/aws/ecs/metabase-prod", 0, Some("ERROR".into()));
    let lines = block_on(tail.poll(&api)).unwrap();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].message.contains("broken"));
}
