//! `status`, `doctor`, `logs` and `rotate` as a user runs them, without an AWS endpoint: usage
//! errors and an unreachable account are input errors (exit 2), and nothing is changed. The
//! emulator runs are in scripts/test-ops.sh; the diagnoses and the rotation are tested on
//! recorded answers in crates/ops/tests.

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

/// A loopback URL where nothing listens.
fn closed_endpoint() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_durations_and_names_are_usage_errors() {
    let out = mbdeploy(&["doctor", "--since", "3x", "--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown unit"));
    let out = mbdeploy(&["logs", "--since", "ten", "--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mbdeploy(&["status", "--name", " ", "--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mbdeploy(&["status", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2), "clap rejects the format");
}

#[test]
fn an_unreachable_account_is_an_input_error_for_every_command() {
    let ep = closed_endpoint();
    for cmd in ["status", "doctor", "logs", "rotate"] {
        let out = mbdeploy(&[cmd, "--name", "metabase-prod", "--region", "eu-west-1", "--endpoint-url", &ep]);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{cmd}: {}", stderr(&out));
    }
}

#[test]
fn help_lists_the_operations_commands() {
    let out = mbdeploy(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["status", "doctor", "logs", "rotate"] {
        assert!(text.contains(cmd), "{text}");
    }
    let out = mbdeploy(&["rotate", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--dry-run"));
}
