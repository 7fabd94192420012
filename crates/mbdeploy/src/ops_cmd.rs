//! `status`, `doctor`, `logs` and `rotate`: flags → crates/ops → output and exit codes.

use crate::cli::{DoctorArgs, LogsArgs, OpsTarget, RotateArgs, StatusArgs};
use crate::ExitCode;
use mbdeploy_aws::ConnectOptions;
use mbdeploy_ops::gather::{gather, GatherOptions};
use mbdeploy_ops::health::HttpProbe;
use mbdeploy_ops::sdk::SdkOps;
use std::io::{IsTerminal, Write};
use std::time::Duration;

fn connect_options(t: &OpsTarget) -> Result<ConnectOptions, String> {
    if t.name.trim().is_empty() {
        return Err("--name must name the deployment (its ECS cluster, service and RDS instance)".into());
    }
    let mut options = ConnectOptions {
        region: t.region.clone(),
        profile: t.profile.clone(),
        endpoint_url: t.endpoint_url.clone(),
        ..Default::default()
    };
    // The same overrides as `verify` (docs/verify.md).
    if let Ok(v) = std::env::var("MBDEPLOY_AWS_MAX_ATTEMPTS") {
        options.max_attempts = v
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("MBDEPLOY_AWS_MAX_ATTEMPTS={v}: expected a whole number"))?
            .max(1);
    }
    if let Ok(v) = std::env::var("MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS") {
        let ms: u64 =
            v.trim().parse().map_err(|_| format!("MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS={v}: expected a whole number"))?;
        options.attempt_timeout = Duration::from_millis(ms.max(1));
        options.operation_timeout = options.attempt_timeout * options.max_attempts * 2;
    }
    Ok(options)
}

/// A failed DescribeServices means nothing could be read (credentials, region, endpoint).
fn unreachable(facts: &mbdeploy_ops::facts::Facts) -> Option<String> {
    if facts.service.is_some() {
        return None;
    }
    facts.unread.iter().find(|u| u.starts_with("ecs:DescribeServices")).cloned()
}

pub fn status(args: &StatusArgs) -> Result<ExitCode, String> {
    let connect = connect_options(&args.target)?;
    let runtime = mbdeploy_ops::runtime();
    let api = runtime.block_on(SdkOps::connect(&connect));
    let probe = HttpProbe::default();
    let interactive = std::io::stdout().is_terminal();
    loop {
        let options = GatherOptions {
            name: args.target.name.clone(),
            url: args.url.clone(),
            log_window_secs: 0,
            now: mbdeploy_ops::now(),
        };
        let facts = runtime.block_on(gather(&api, &probe, &options));
        if let Some(e) = unreachable(&facts) {
            return Err(format!("cannot read the service: {e}"));
        }
        let out = match args.format.as_str() {
            "json" => mbdeploy_ops::status::render_json(&facts),
            _ => mbdeploy_ops::status::render_text(&facts, args.events),
        };
        let mut stdout = std::io::stdout().lock();
        if args.watch.is_some() && interactive {
            let _ = write!(stdout, "\x1b[2J\x1b[H");
        }
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
        drop(stdout);
        match args.watch {
            Some(secs) => std::thread::sleep(Duration::from_secs(secs.max(1))),
            None => {
                return Ok(if mbdeploy_ops::status::is_serving(&facts) { ExitCode::Clean } else { ExitCode::Findings })
            }
        }
    }
}

pub fn doctor(args: &DoctorArgs) -> Result<ExitCode, String> {
    let connect = connect_options(&args.target)?;
    let since = mbdeploy_ops::logs::parse_since(&args.since)?;
    let state = match &args.dir {
        Some(dir) => Some(mbdeploy_ops::gather::read_state(dir)?),
        None => None,
    };
    let runtime = mbdeploy_ops::runtime();
    let api = runtime.block_on(SdkOps::connect(&connect));
    let now = mbdeploy_ops::now();
    let options = GatherOptions { name: args.target.name.clone(), url: args.url.clone(), log_window_secs: since, now };
    let mut facts = runtime.block_on(gather(&api, &HttpProbe::default(), &options));
    if let Some(e) = unreachable(&facts) {
        return Err(format!("cannot read the service: {e}"));
    }
    facts.state = state;
    // Without a service there is no task definition to name the image: look for the
    // document's repository, the one whose conflict stops an apply before the service exists.
    if facts.service.is_none() && facts.repository.is_none() {
        let name = "metabase_repo";
        if let Ok(true) = runtime.block_on(mbdeploy_ops::api::OpsApi::repository_exists(&api, name)) {
            facts.repository =
                Some(mbdeploy_ops::facts::RepoCheck { name: name.into(), exists: Some(true), ..Default::default() });
        }
    }
    let diagnoses = mbdeploy_ops::doctor::diagnose(&facts, now);
    let out = match args.format.as_str() {
        "json" => mbdeploy_ops::doctor::render_json(&facts, &diagnoses),
        _ => mbdeploy_ops::doctor::render_text(&facts, &diagnoses),
    };
    print!("{out}");
    Ok(if diagnoses.is_empty() { ExitCode::Clean } else { ExitCode::Findings })
}

pub fn logs(args: &LogsArgs) -> Result<ExitCode, String> {
    let connect = connect_options(&args.target)?;
    let since = mbdeploy_ops::logs::parse_since(&args.since)?;
    let group = args.group.clone().unwrap_or_else(|| format!("/aws/ecs/{}", args.target.name));
    let runtime = mbdeploy_ops::runtime();
    let api = runtime.block_on(SdkOps::connect(&connect));
    let start = (mbdeploy_ops::now() - since) * 1000;
    let mut tail = mbdeploy_ops::logs::Tail::new(&group, start, args.filter.clone());
    loop {
        let lines = runtime.block_on(tail.poll(&api)).map_err(|e| format!("{group}: {e}"))?;
        let mut stdout = std::io::stdout().lock();
        for l in &lines {
            if writeln!(stdout, "{}", mbdeploy_ops::logs::format_line(l)).is_err() {
                return Ok(ExitCode::Clean); // A closed pipe (`| head`).
            }
        }
        let _ = stdout.flush();
        drop(stdout);
        if !args.follow {
            return Ok(ExitCode::Clean);
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

pub fn rotate(args: &RotateArgs) -> Result<ExitCode, String> {
    use mbdeploy_ops::rotate::{describe_failure, Outcome, RotateOptions};
    let connect = connect_options(&args.target)?;
    let wait = Duration::from_secs(args.wait_timeout.max(1));
    let options = RotateOptions {
        url: args.url.clone(),
        dry_run: args.dry_run,
        poll: Duration::from_secs(args.poll.max(1)),
        rotation_timeout: wait,
        deploy_timeout: wait,
        health_timeout: wait,
        ..RotateOptions::new(&args.target.name)
    };
    let runtime = mbdeploy_ops::runtime();
    let api = runtime.block_on(SdkOps::connect(&connect));
    let mut say = |line: &str| {
        println!("{line}");
        let _ = std::io::stdout().flush();
    };
    let outcome = runtime.block_on(mbdeploy_ops::rotate::rotate(&api, &HttpProbe::default(), &options, &mut say))?;
    match outcome {
        Outcome::Done | Outcome::DryRun => Ok(ExitCode::Clean),
        failed => {
            eprintln!("{}", describe_failure(&failed).unwrap_or_default());
            Ok(ExitCode::StepFailed)
        }
    }
}
