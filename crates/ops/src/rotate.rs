//! `rotate`: rotate the database secret now, and leave the service running on the new password.
//!
//! ECS reads `secrets` only when a task starts, so a rotation alone leaves running tasks with a
//! password that stops working (issue 7). The procedure is therefore one sequence, each step
//! shown and checked before the next:
//!
//! 1. find the secret the task definition's `MB_DB_PASS` comes from, and the health URL;
//! 2. `RotateSecret`;
//! 3. wait until the new version is `AWSCURRENT` and no version is left `AWSPENDING`;
//! 4. force a new deployment of the service;
//! 5. wait until that deployment has completed;
//! 6. wait until Metabase answers `/api/health` with ok.
//!
//! When a step fails it is named, and the report says exactly what state things were left in
//! (was the secret rotated? was the service redeployed?) and what to do now. Nothing is changed
//! before step 2, so every input problem is found before anything happens.

use crate::api::{HealthProbe, OpsApi};
use crate::facts::*;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RotateOptions {
    pub name: String,
    /// The health URL; default: the load balancer's.
    pub url: Option<String>,
    pub dry_run: bool,
    /// Time between two polls.
    pub poll: Duration,
    pub rotation_timeout: Duration,
    pub deploy_timeout: Duration,
    pub health_timeout: Duration,
}

impl RotateOptions {
    pub fn new(name: &str) -> Self {
        RotateOptions {
            name: name.to_string(),
            url: None,
            dry_run: false,
            poll: Duration::from_secs(10),
            rotation_timeout: Duration::from_secs(600),
            deploy_timeout: Duration::from_secs(1800),
            health_timeout: Duration::from_secs(900),
        }
    }
}

pub const STEPS: [&str; 6] = [
    "find the database secret",
    "rotate the secret",
    "wait for the rotation to finish",
    "force a new deployment",
    "wait for the deployment to complete",
    "wait for Metabase /api/health",
];

/// How it ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done,
    DryRun,
    /// Step `step` (1-based, see [`STEPS`]) failed: why, and the state things were left in.
    Failed {
        step: usize,
        error: String,
        state: String,
    },
}

/// Bad input found before anything was changed (exit code 2).
pub type InputError = String;

fn polls(timeout: Duration, poll: Duration) -> u64 {
    (timeout.as_millis() / poll.as_millis().max(1)).max(1) as u64
}

async fn sleep(d: Duration) {
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}

/// Runs the procedure; `say` receives each line of progress.
pub async fn rotate<A: OpsApi, P: HealthProbe>(
    api: &A,
    probe: &P,
    options: &RotateOptions,
    say: &mut dyn FnMut(&str),
) -> Result<Outcome, InputError> {
    let name = &options.name;
    let step = |n: usize| format!("[{n}/{}] {}", STEPS.len(), STEPS[n - 1]);

    // 1. Find everything; change nothing.
    say(&format!("{}…", step(1)));
    let service = api
        .describe_service(name, name)
        .await
        .map_err(|e| format!("{e}"))?
        .ok_or_else(|| format!("no active ECS service {name} in cluster {name}: check --name and --region"))?;
    let td_arn = service.task_definition.clone().ok_or("the service has no task definition")?;
    let td = api.describe_task_definition(&td_arn).await.map_err(|e| e.to_string())?;
    let value_from = td
        .containers
        .iter()
        .flat_map(|c| c.secrets.iter())
        .find(|(n, _)| n == "MB_DB_PASS")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            format!(
                "task definition {} injects no MB_DB_PASS secret: nothing to rotate (IAM database authentication \
                 has no password; a password in plain environment must move to Secrets Manager first)",
                task_id_of(&td_arn)
            )
        })?;
    let secret_id = secret_id_of(&value_from);
    let before = api.describe_secret(&secret_id).await.map_err(|e| e.to_string())?;
    let url = match &options.url {
        Some(u) => Some(u.clone()),
        None => match service.target_groups.first() {
            Some(tg) => {
                api.load_balancer_of(tg).await.map_err(|e| e.to_string())?.as_ref().and_then(crate::gather::base_url)
            }
            None => None,
        },
    };
    let url = url
        .map(|u| crate::health::health_url(&u))
        .ok_or("no load balancer found for the service, so Metabase's health cannot be checked: give --url")?;
    let old_current = before.version_with("AWSCURRENT").map(str::to_string);
    let rotator = match (&before.rotation_lambda, &before.owning_service) {
        (Some(l), _) => format!("rotation function {l}"),
        (None, Some(s)) => format!("managed by {s}"),
        (None, None) => "no rotation configured".into(),
    };
    say(&format!(
        "      secret {} ({rotator}), current version {}",
        before.name,
        old_current.as_deref().unwrap_or("?")
    ));
    say(&format!("      service {name}, task definition {}, health {url}", task_id_of(&td_arn)));
    if let Some(pending) = before
        .versions
        .iter()
        .find(|(_, s)| s.iter().any(|x| x == "AWSPENDING") && !s.iter().any(|x| x == "AWSCURRENT"))
    {
        return Ok(Outcome::Failed {
            step: 1,
            error: format!(
                "version {} of the secret is already AWSPENDING: a rotation is in progress or failed earlier",
                pending.0
            ),
            state: format!(
                "Nothing was changed. Wait for that rotation, or, if it failed, see the rotation function's logs and \
                 clear the stage: aws secretsmanager update-secret-version-stage --secret-id {} --version-stage \
                 AWSPENDING --remove-from-version-id {}",
                before.arn, pending.0
            ),
        });
    }
    if options.dry_run {
        say("dry run: would rotate the secret, wait for the new version to become AWSCURRENT, force a new deployment");
        say(&format!("         of {name}, wait for it to complete and for {url} to answer ok. Nothing was changed."));
        return Ok(Outcome::DryRun);
    }

    // 2. Rotate.
    say(&format!("{}…", step(2)));
    let new_version = match api.rotate_secret(&secret_id).await {
        Ok(v) => v,
        Err(e) => {
            return Ok(Outcome::Failed {
                step: 2,
                error: e.to_string(),
                state: "Nothing was changed: the secret keeps its current password and the service was not touched."
                    .into(),
            })
        }
    };
    say(&format!(
        "      rotation started{}",
        new_version.as_deref().map(|v| format!(", new version {v}")).unwrap_or_default()
    ));

    // 3. Wait for the rotation.
    say(&format!("{}…", step(3)));
    let mut done = false;
    let mut last = before.clone();
    for _ in 0..polls(options.rotation_timeout, options.poll) {
        match api.describe_secret(&secret_id).await {
            Ok(s) => last = s,
            Err(e) => say(&format!("      {e} (retrying)")),
        }
        let current = last.version_with("AWSCURRENT");
        let pending = last.version_with("AWSPENDING");
        let moved = match &new_version {
            Some(v) => current == Some(v.as_str()),
            None => current.is_some() && current != old_current.as_deref(),
        };
        if moved && (pending.is_none() || pending == current) {
            done = true;
            break;
        }
        sleep(options.poll).await;
    }
    if !done {
        let pending = last.version_with("AWSPENDING").map(str::to_string).or(new_version.clone());
        return Ok(Outcome::Failed {
            step: 3,
            error: format!(
                "the rotation did not finish within {} s (version {} is still {})",
                options.rotation_timeout.as_secs(),
                pending.as_deref().unwrap_or("?"),
                if last.version_with("AWSPENDING").is_some() { "AWSPENDING" } else { "not AWSCURRENT" }
            ),
            state: format!(
                "The service was NOT redeployed, and needs not be: the password still in use ({}, AWSCURRENT) is \
                 unchanged, so running tasks keep working. Find why the rotation failed (the rotation function's \
                 log group, or the RDS events for a managed secret), then clear the pending version before \
                 retrying: aws secretsmanager update-secret-version-stage --secret-id {} --version-stage AWSPENDING \
                 --remove-from-version-id {}",
                old_current.as_deref().unwrap_or("the current version"),
                last.arn,
                pending.as_deref().unwrap_or("<version>")
            ),
        });
    }
    say(&format!("      version {} is AWSCURRENT", last.version_with("AWSCURRENT").unwrap_or("?")));

    // 4. Redeploy.
    say(&format!("{}…", step(4)));
    let deployment = match api.force_new_deployment(name, name).await {
        Ok(d) => d,
        Err(e) => {
            return Ok(Outcome::Failed {
                step: 4,
                error: e.to_string(),
                state: format!(
                    "HALF DONE: the secret WAS rotated but the service was NOT redeployed. Running tasks hold the old \
                     password and will fail to connect to the database when their connections are renewed (within \
                     the hour). Redeploy now: aws ecs update-service --cluster {name} --service {name} \
                     --force-new-deployment"
                ),
            })
        }
    };
    say(&format!("      deployment {} started", deployment.as_deref().unwrap_or("?")));

    // 5. Wait for the deployment.
    say(&format!("{}…", step(5)));
    let mut outcome: Option<Result<(), String>> = None;
    for _ in 0..polls(options.deploy_timeout, options.poll) {
        match api.describe_service(name, name).await {
            Ok(Some(s)) => {
                let primary =
                    s.deployments.iter().find(|d| deployment.as_deref().map_or(d.status == "PRIMARY", |id| d.id == id));
                match primary {
                    Some(d) if d.rollout_state.as_deref() == Some("FAILED") => {
                        outcome = Some(Err(format!(
                            "deployment {} failed: {}",
                            d.id,
                            d.rollout_reason.as_deref().unwrap_or("no reason given")
                        )));
                        break;
                    }
                    Some(d)
                        if d.rollout_state.as_deref() == Some("COMPLETED")
                            || (d.rollout_state.is_none()
                                && s.deployments.len() == 1
                                && d.running >= d.desired
                                && d.desired > 0) =>
                    {
                        outcome = Some(Ok(()));
                        break;
                    }
                    None if deployment.is_some() => {
                        outcome = Some(Err(format!(
                            "deployment {} is gone from the service (rolled back or replaced)",
                            deployment.as_deref().unwrap_or("?")
                        )));
                        break;
                    }
                    Some(d) => say(&format!("      running {}/{}, pending {}", d.running, d.desired, d.pending)),
                    None => {}
                }
            }
            Ok(None) => {
                outcome = Some(Err("the service disappeared".into()));
                break;
            }
            Err(e) => say(&format!("      {e} (retrying)")),
        }
        sleep(options.poll).await;
    }
    let rotated_state = |what: &str| {
        format!(
            "The secret WAS rotated and a new deployment was started, but {what}. Tasks that started before it \
             hold the old password. See `mbdeploy doctor --name {name}` and `mbdeploy logs --name {name} --since 30m`; \
             once fixed, redeploy: aws ecs update-service --cluster {name} --service {name} --force-new-deployment"
        )
    };
    match outcome {
        Some(Ok(())) => say("      deployment completed"),
        Some(Err(e)) => return Ok(Outcome::Failed { step: 5, error: e, state: rotated_state("it did not complete") }),
        None => {
            return Ok(Outcome::Failed {
                step: 5,
                error: format!("the deployment did not complete within {} s", options.deploy_timeout.as_secs()),
                state: rotated_state("it has not completed yet"),
            })
        }
    }

    // 6. Wait for Metabase.
    say(&format!("{}…", step(6)));
    let mut answer = HealthAnswer::default();
    for _ in 0..polls(options.health_timeout, options.poll) {
        answer = probe.probe(&url);
        if answer.is_ok() {
            say(&format!("      {url}: ok"));
            say("rotation complete: the service runs on the new password");
            return Ok(Outcome::Done);
        }
        say(&format!("      {url}: {}", answer.summary()));
        sleep(options.poll).await;
    }
    Ok(Outcome::Failed {
        step: 6,
        error: format!(
            "Metabase did not answer ok within {} s (last answer: {})",
            options.health_timeout.as_secs(),
            answer.summary()
        ),
        state: rotated_state("Metabase is not answering ok through the load balancer"),
    })
}

/// The failure, as printed.
pub fn describe_failure(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Failed { step, error, state } => {
            Some(format!("rotate failed at step {step}/{} ({}): {error}\n{state}", STEPS.len(), STEPS[step - 1]))
        }
        _ => None,
    }
}
