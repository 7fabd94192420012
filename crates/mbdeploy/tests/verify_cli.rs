//! `mbdeploy verify` and `mbdeploy iam-policy` as a user runs them, without any AWS endpoint
//! (the emulator runs are in scripts/test-live.sh).

use std::process::{Command, Output};

fn mbdeploy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mbdeploy"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("MBDEPLOY_AWS_MAX_ATTEMPTS", "1")
        .env("MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS", "2000")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn iam_policy_is_read_only_json() {
    let out = mbdeploy(&["iam-policy"]);
    assert!(out.status.success());
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let actions: Vec<&str> =
        policy["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(actions.contains(&"ecs:DescribeServices") && actions.contains(&"ec2:DescribeSecurityGroups"));
    assert!(actions.iter().all(|a| {
        let verb = a.split(':').nth(1).unwrap();
        verb.starts_with("Describe") || verb.starts_with("List") || verb.starts_with("Get")
    }));
    assert!(!actions.contains(&"secretsmanager:GetSecretValue"));
}

#[test]
fn an_unreachable_endpoint_is_an_input_error_not_a_pass() {
    // A loopback port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let out =
        mbdeploy(&["verify", "--name", "metabase-prod", "--region", "eu-west-1", "--endpoint-url", &url, "--no-color"]);
    assert_eq!(out.status.code(), Some(2), "stdout: {}\nstderr: {}", text(&out.stdout), text(&out.stderr));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!all.contains("panicked"), "{all}");
    assert!(all.contains("not verified") || all.contains("failed"), "{all}");
}

#[test]
fn unknown_disabled_rules_are_usage_errors() {
    let out = mbdeploy(&["verify", "--name", "x", "--region", "eu-west-1", "--disable", "MBD-NOPE-999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown rule `MBD-NOPE-999`"), "{}", text(&out.stderr));
}
