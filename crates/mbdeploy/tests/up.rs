//! `mbdeploy init`, `up` and `down`, end to end, with Terraform and the local emulator.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mbdeploy-up-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn mbdeploy(args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mbdeploy"))
        .args(args)
        .envs(envs.iter().copied())
        .env("TF_CLI_CONFIG_FILE", repo().join("terraform/cli.tfrc"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().map(|o| o.status.success()).unwrap_or(false)
}

#[test]
fn init_writes_a_root_module_that_validates_and_audits_clean() {
    for (tag, extra) in [
        ("local", vec!["--local"]),
        (
            "prod",
            vec!["--domain", "metabase.example.com", "--zone-id", "Z0123456789", "--state-bucket", "acme-tfstate"],
        ),
    ] {
        let dir = scratch(&format!("init-{tag}"));
        let mut args = vec!["init", dir.to_str().unwrap(), "--no-input"];
        args.extend(extra.iter().copied());
        let o = mbdeploy(&args, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(dir.join("modules/metabase/ecs.tf").is_file());
        let tfvars = std::fs::read_to_string(dir.join("terraform.tfvars")).unwrap();
        let assignments: Vec<&str> = tfvars.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
        assert!(!assignments.iter().any(|l| l.to_lowercase().contains("password")), "no secret in tfvars: {tfvars}");

        let o = mbdeploy(&["audit", dir.to_str().unwrap(), "--format", "json"], &[]);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{tag}: {}", report["findings"]);
        assert_eq!(o.status.code(), Some(0));

        // Refuses to overwrite.
        let o = mbdeploy(&args, &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("--force"));

        if have("terraform") && Path::new("/opt/tf-plugins").is_dir() {
            let tf = |a: &[&str]| {
                Command::new("terraform")
                    .args(a)
                    .current_dir(&dir)
                    .env("TF_CLI_CONFIG_FILE", repo().join("terraform/cli.tfrc"))
                    .output()
                    .unwrap()
            };
            let o = tf(&["init", "-backend=false", "-input=false", "-no-color"]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
            let o = tf(&["validate", "-no-color"]);
            assert!(
                o.status.success(),
                "{tag}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn init_refuses_bad_settings_before_writing_anything() {
    let dir = scratch("init-bad");
    let o = mbdeploy(&["init", dir.to_str().unwrap(), "--no-input", "--local", "--image-tag", "latest"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("never `latest`"));
    let o = mbdeploy(&["init", dir.to_str().unwrap(), "--no-input"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("certificate"), "{}", stderr(&o));
    assert!(!dir.exists());
}

#[test]
fn up_stops_before_apply_on_a_planted_insecure_change() {
    let dir = scratch("insecure");
    let o = mbdeploy(&["init", dir.to_str().unwrap(), "--no-input", "--local"], &[]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(
        dir.join("debug.tf"),
        "resource \"aws_security_group_rule\" \"debug_ssh\" {\n  type              = \"ingress\"\n  security_group_id = module.metabase.ecs_security_group_id\n  from_port         = 22\n  to_port           = 22\n  protocol          = \"tcp\"\n  cidr_blocks       = [\"0.0.0.0/0\"]\n}\n",
    )
    .unwrap();
    // A terraform that records being called: it must not be.
    let marker = dir.join("terraform-was-called");
    let fake = dir.join("fake-terraform.sh");
    std::fs::write(&fake, format!("#!/bin/sh\ntouch {}\nexit 1\n", marker.display())).unwrap();
    make_executable(&fake);
    let o = mbdeploy(
        &["up", "--local", dir.to_str().unwrap(), "--auto-approve"],
        &[("MBDEPLOY_TERRAFORM", fake.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("MBD-NET-009") && stderr(&o).contains("debug.tf"), "{}", stderr(&o));
    assert!(stderr(&o).contains("stopped before apply"));
    assert!(!marker.exists(), "terraform ran although the audit failed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_apply_is_named_and_leaves_state_alone() {
    if !(have("terraform") && have("moto_server") && have("openssl") && Path::new("/opt/tf-plugins").is_dir()) {
        eprintln!("skipped: needs terraform with the provider mirror, moto_server and openssl");
        return;
    }
    let dir = scratch("applyfail");
    assert_eq!(mbdeploy(&["init", dir.to_str().unwrap(), "--no-input", "--local"], &[]).status.code(), Some(0));
    // Real Terraform for everything but apply, which fails as if the account refused.
    let fake = dir.join("fake-terraform.sh");
    std::fs::write(&fake, "#!/bin/sh\nif [ \"$1\" = apply ]; then echo 'Error: injected failure' >&2; exit 1; fi\nexec terraform \"$@\"\n").unwrap();
    make_executable(&fake);
    let o = mbdeploy(
        &["up", "--local", dir.to_str().unwrap(), "--auto-approve"],
        &[("MBDEPLOY_TERRAFORM", fake.to_str().unwrap())],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("step 4/6 (terraform apply) failed"), "{err}");
    assert!(err.contains("[3/6] terraform plan") && err.contains("plan:"), "{err}");
    assert!(!dir.join("terraform.tfstate").exists(), "a failed apply must not leave a state it did not write");
    assert!(dir.join(".terraform").is_dir(), "init's work is kept");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn up_local_deploys_verifies_and_cleans_up() {
    if !(have("terraform") && have("moto_server") && have("openssl") && Path::new("/opt/tf-plugins").is_dir()) {
        eprintln!("skipped: needs terraform with the provider mirror, moto_server and openssl");
        return;
    }
    let dir = scratch("local");
    assert_eq!(mbdeploy(&["init", dir.to_str().unwrap(), "--no-input", "--local"], &[]).status.code(), Some(0));
    let o = mbdeploy(&["up", "--local", dir.to_str().unwrap(), "--auto-approve"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for step in [
        "[1/6] audit",
        "[2/6] terraform init",
        "[3/6] terraform plan",
        "[4/6] terraform apply",
        "[5/6] verify",
        "[6/6] wait",
    ] {
        assert!(err.contains(step), "missing {step}: {err}");
    }
    assert!(err.contains("Apply complete!"), "{err}");
    assert!(err.contains("verified metabase-local: no failing control"), "{err}");
    // The emulator is gone and its stale state set aside; `down --local` then has nothing to do.
    assert!(!dir.join("terraform.tfstate").exists());
    let o = mbdeploy(&["down", "--local", dir.to_str().unwrap(), "--auto-approve"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}
