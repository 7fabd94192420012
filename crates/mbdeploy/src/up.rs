//! `mbdeploy up` and `mbdeploy down`: audit, then Terraform, then verification.
//!
//! Each step says which it is; a failing step is named, and nothing done before it is undone:
//! Terraform's state stays as the last successful command left it.

use crate::cli::{DownArgs, UpArgs};
use crate::emulator::Emulator;
use crate::terraform::{summarize, Terraform};
use crate::ExitCode;
use mbdeploy_rules::{Severity, Status};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

const STEPS: usize = 6;

struct Progress {
    start: Instant,
}

impl Progress {
    fn step(&self, n: usize, what: &str) {
        eprintln!("\n[{n}/{STEPS}] {what}  (+{:.0}s)", self.start.elapsed().as_secs_f64());
    }
}

fn failed(n: usize, what: &str, message: &str, dir: &Path) -> ExitCode {
    eprintln!("\nerror: step {n}/{STEPS} ({what}) failed: {message}");
    eprintln!(
        "  everything before this step is kept: Terraform's state in {} is as the last successful step left it",
        dir.display()
    );
    eprintln!("  fix the cause and run the same command again; Terraform continues from that state");
    ExitCode::StepFailed
}

pub fn up(args: &UpArgs) -> Result<ExitCode, String> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(format!(
            "{}: not a directory (create one with `mbdeploy init{} {}`)",
            dir.display(),
            if args.local { " --local" } else { "" },
            dir.display()
        ));
    }
    // Terraform runs inside the directory: every path handed to it must be absolute.
    let dir = dir.canonicalize().map_err(|e| format!("{}: {e}", dir.display()))?;
    let interactive = std::io::stdin().is_terminal();
    if !args.auto_approve && !interactive {
        return Err("apply needs confirmation: run on a terminal, or pass --auto-approve".into());
    }
    let threshold: Severity = args.severity.parse()?;
    let progress = Progress { start: Instant::now() };

    // 1. Audit: nothing insecure reaches Terraform unless the user says so.
    progress.step(1, "audit");
    let audit = crate::audit::audit_for_gate(&dir)?;
    let blocking: Vec<_> =
        audit.findings.iter().filter(|f| f.status == Status::Fail && f.severity >= threshold).collect();
    if !audit.errors.is_empty() {
        for e in &audit.errors {
            eprintln!("error: {}: {}\n  help: {}", e.loc, e.message, e.help);
        }
        return Ok(failed(1, "audit", "the configuration could not be read", &dir));
    }
    if !blocking.is_empty() {
        for f in &blocking {
            eprintln!(
                "  {} {} {}: {} ({})",
                f.severity.as_str().to_uppercase(),
                f.rule_id,
                f.location_text(),
                f.message,
                f.resource
            );
        }
        if !args.force {
            eprintln!("\nstopped before apply: {} finding(s) at or above {threshold}. Fix them (`mbdeploy explain RULE` says how), or pass --force to apply anyway.", blocking.len());
            return Ok(ExitCode::Findings);
        }
        eprintln!("--force: applying despite {} finding(s)", blocking.len());
    } else {
        eprintln!("no finding at or above {threshold} ({} rules)", mbdeploy_rules::rules::all().len());
    }

    let state_dir = dir.join(".mbdeploy");
    let mut emulator = None;
    let mut vars: Vec<String> = Vec::new();
    if args.local {
        let emu = Emulator::start(args.endpoint_url.as_deref(), &state_dir)?;
        eprintln!(
            "local AWS emulator: {}{}",
            emu.endpoint,
            emu.pid().map(|p| format!(" (moto_server pid {p})")).unwrap_or_default()
        );
        let (cert, key) = self_signed_certificate(&state_dir)?;
        vars = vec![
            format!("endpoint={}", emu.endpoint),
            format!("certificate_body_file={}", cert.display()),
            format!("private_key_file={}", key.display()),
        ];
        emulator = Some(emu);
    }
    let var_args: Vec<String> = vars.iter().flat_map(|v| ["-var".to_string(), v.clone()]).collect();
    let tf = Terraform::new(&dir)?;

    progress.step(2, "terraform init");
    if let Err(e) = tf.run(&["init", "-input=false", "-no-color"]) {
        return Ok(failed(2, "terraform init", &e, &dir));
    }

    progress.step(3, "terraform plan");
    std::fs::create_dir_all(&state_dir).map_err(|e| e.to_string())?;
    let plan_file = state_dir.join("up.tfplan");
    let plan_file_s = plan_file.display().to_string();
    let mut plan_args =
        vec!["plan".to_string(), "-input=false".into(), "-no-color".into(), format!("-out={plan_file_s}")];
    plan_args.extend(var_args.iter().cloned());
    if let Err(e) = tf.run(&plan_args.iter().map(String::as_str).collect::<Vec<_>>()) {
        return Ok(failed(3, "terraform plan", &e, &dir));
    }
    match tf.output(&["show", "-json", &plan_file_s]).and_then(|j| summarize(&j)) {
        Ok(s) => eprintln!(
            "plan: {} to add, {} to change, {} to replace, {} to destroy",
            s.add, s.change, s.replace, s.destroy
        ),
        Err(e) => eprintln!("plan summary unavailable: {e}"),
    }

    progress.step(4, "terraform apply");
    if !args.auto_approve && !confirm("Apply this plan?")? {
        eprintln!("not applied; nothing changed");
        return Ok(ExitCode::Findings);
    }
    if let Err(e) = tf.run(&["apply", "-input=false", "-no-color", &plan_file_s]) {
        return Ok(failed(4, "terraform apply", &e, &dir));
    }

    progress.step(5, "verify the deployment");
    if args.local {
        // The emulator accepts any credentials; give the SDK dummies rather than the user's.
        for (k, v) in [("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")] {
            std::env::set_var(k, v);
        }
        std::env::remove_var("AWS_PROFILE");
        std::env::remove_var("AWS_SESSION_TOKEN");
    }
    let name = read_setting(&dir, "name").unwrap_or_else(|| "metabase-prod".into());
    let region = read_setting(&dir, "region").unwrap_or_else(|| "eu-west-1".into());
    match crate::verify_hook::verify_after_apply(&name, &region, emulator.as_ref().map(|e| e.endpoint.as_str())) {
        Ok(summary) => eprintln!("{summary}"),
        Err(e) => return Ok(failed(5, "verify", &e, &dir)),
    }

    progress.step(6, "wait for Metabase /api/health");
    if args.local {
        eprintln!("skipped: the emulator runs no containers, so nothing answers /api/health locally");
    } else {
        let url = tf.output(&["output", "-raw", "url"]).unwrap_or_default();
        if let Err(e) = wait_for_health(url.trim(), args.wait_timeout) {
            return Ok(failed(6, "health", &e, &dir));
        }
    }

    if let Some(emu) = emulator {
        if args.keep {
            eprintln!(
                "\nkept the emulator at {} (pid {}): `mbdeploy down --local --endpoint-url {}` tears the stack down",
                emu.endpoint,
                emu.pid().map(|p| p.to_string()).unwrap_or_default(),
                emu.endpoint
            );
            emu.detach();
        } else {
            eprintln!("\nstopping the emulator (pass --keep to leave it running); its resources go with it");
            drop(emu);
            // The state now describes resources that no longer exist: forget it, keep a copy.
            let state = dir.join("terraform.tfstate");
            if state.exists() {
                let _ = std::fs::rename(&state, state_dir.join("terraform.tfstate.emulator-stopped"));
            }
        }
    }
    eprintln!("\nup: done in {:.0}s", progress.start.elapsed().as_secs_f64());
    Ok(ExitCode::Clean)
}

pub fn down(args: &DownArgs) -> Result<ExitCode, String> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let dir = dir.canonicalize().map_err(|e| format!("{}: {e}", dir.display()))?;
    if !args.auto_approve && !std::io::stdin().is_terminal() {
        return Err("destroy needs confirmation: run on a terminal, or pass --auto-approve".into());
    }
    let tf = Terraform::new(&dir)?;
    if args.local {
        let Some(url) = args.endpoint_url.as_deref() else {
            let state = dir.join("terraform.tfstate");
            if state.exists() {
                let kept = dir.join(".mbdeploy/terraform.tfstate.emulator-stopped");
                std::fs::create_dir_all(dir.join(".mbdeploy")).map_err(|e| e.to_string())?;
                std::fs::rename(&state, &kept).map_err(|e| e.to_string())?;
                eprintln!("no --endpoint-url: the emulator that held this stack is gone, and its resources with it; moved the stale state to {}", kept.display());
            } else {
                eprintln!("nothing to tear down");
            }
            return Ok(ExitCode::Clean);
        };
        crate::emulator::check_loopback(url)?;
        let state_dir = dir.join(".mbdeploy");
        let (cert, key) = self_signed_certificate(&state_dir)?;
        let vars = [
            format!("endpoint={url}"),
            format!("certificate_body_file={}", cert.display()),
            format!("private_key_file={}", key.display()),
        ];
        let mut apply = vec![
            "apply".to_string(),
            "-input=false".into(),
            "-no-color".into(),
            "-auto-approve".into(),
            "-var".into(),
            "deletion_protection=false".into(),
        ];
        let mut destroy = vec![
            "destroy".to_string(),
            "-input=false".into(),
            "-no-color".into(),
            "-auto-approve".into(),
            "-var".into(),
            "deletion_protection=false".into(),
        ];
        for v in &vars {
            apply.extend(["-var".to_string(), v.clone()]);
            destroy.extend(["-var".to_string(), v.clone()]);
        }
        eprintln!("[1/2] turn deletion protection off");
        if let Err(e) = tf.run(&apply.iter().map(String::as_str).collect::<Vec<_>>()) {
            return Ok(failed(1, "disable deletion protection", &e, &dir));
        }
        eprintln!("[2/2] terraform destroy");
        if let Err(e) = tf.run(&destroy.iter().map(String::as_str).collect::<Vec<_>>()) {
            return Ok(failed(2, "terraform destroy", &e, &dir));
        }
        return Ok(ExitCode::Clean);
    }
    if !args.auto_approve && !confirm("Destroy every resource of this deployment? The database is protected by deletion_protection: turn it off in terraform.tfvars first.")? {
        return Ok(ExitCode::Findings);
    }
    if let Err(e) = tf.run(&["destroy", "-input=false", "-no-color", "-auto-approve"]) {
        return Ok(failed(1, "terraform destroy", &e, &dir));
    }
    Ok(ExitCode::Clean)
}

fn confirm(question: &str) -> Result<bool, String> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES"))
}

/// `key = "..."` from the directory's terraform.tfvars (what `init` wrote).
fn read_setting(dir: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("terraform.tfvars")).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// A throw-away self-signed certificate for the emulator's ACM, made with openssl.
fn self_signed_certificate(state_dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    std::fs::create_dir_all(state_dir).map_err(|e| e.to_string())?;
    let cert = state_dir.join("local-cert.pem");
    let key = state_dir.join("local-key.pem");
    if cert.exists() && key.exists() {
        return Ok((cert, key));
    }
    let status = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=metabase.local.test"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run openssl to make the local certificate: {e}"))?;
    if !status.success() {
        return Err("openssl could not make the local certificate".into());
    }
    Ok((cert, key))
}

/// Polls `<url>/api/health` until Metabase answers `{"status":"ok"}`, showing its start-up progress.
fn wait_for_health(url: &str, timeout_secs: u64) -> Result<(), String> {
    if url.is_empty() {
        return Err("the `url` output is empty".into());
    }
    let deadline = Instant::now() + std::time::Duration::from_secs(timeout_secs);
    let health = format!("{}/api/health", url.trim_end_matches('/'));
    loop {
        let out = std::process::Command::new("curl")
            .args(["-s", "-m", "10", &health])
            .output()
            .map_err(|e| format!("cannot run curl: {e}"))?;
        let body = String::from_utf8_lossy(&out.stdout);
        if body.contains("\"ok\"") {
            eprintln!("{health}: ok");
            return Ok(());
        }
        if !body.is_empty() {
            eprintln!("{health}: {}", body.trim());
        }
        if Instant::now() > deadline {
            return Err(format!("{health} did not answer ok within {timeout_secs} s (Metabase may still be migrating: see `mbdeploy logs`)"));
        }
        std::thread::sleep(std::time::Duration::from_secs(10));
    }
}
