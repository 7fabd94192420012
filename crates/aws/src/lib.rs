//! The live source: one Metabase deployment read from an AWS account into the deployment model.
//!
//! *sources → model → rules → reports*: this crate is a source, like the Terraform and plan
//! loaders, and the only crate that compiles the AWS SDK. It produces the same
//! [`mbdeploy_model::Deployment`] they do (with `SourceKind::Live`), so the same rules judge it.
//!
//! * [`actions`]: the one list of operations called and the IAM actions they need (the
//!   `iam-policy` command prints it).
//! * [`api`]: the calls, behind the [`api::Aws`] trait; [`api::SdkAws`] is the real account.
//! * [`read`]: discovery by name, phase by phase, with bounded concurrency.
//! * [`map`]: what was read → the model, mirroring the Terraform adapter's semantics.
//! * [`checks`]: controls that only exist live (running image, target health, certificate
//!   expiry, rotation that happened, scan findings).
//!
//! A call that is denied or fails is never a pass: it is recorded as [`NotVerified`] and the
//! caller reports the controls that needed it as not verified.

pub mod actions;
pub mod api;
pub mod checks;
mod client;
pub mod map;
pub mod policy;
pub mod read;
pub mod testing;

pub use checks::{LiveCheck, LiveFinding, CHECKS};
pub use client::{connect, CallStats, ConnectOptions, Counter};
pub use read::{NotVerified, Raw, Reason};

use mbdeploy_model::Deployment;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What to read and how.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The deployment's name: its ECS cluster, ECS service and RDS instance identifier.
    pub name: String,
    pub connect: ConnectOptions,
    /// Calls in flight at once.
    pub concurrency: usize,
}

/// A deployment read from an account, and how it went.
#[derive(Debug)]
pub struct LiveRead {
    pub deployment: Deployment,
    /// Inputs that could not be read: the controls that need them are not verified.
    pub not_verified: Vec<NotVerified>,
    /// Results of the live-only checks.
    pub findings: Vec<LiveFinding>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub stats: CallStats,
    pub elapsed: Duration,
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Reads with any [`api::Aws`] (the SDK, or a test double) and builds the result.
pub async fn read_with<A: api::Aws>(api: &A, name: &str, concurrency: usize, progress: read::Progress<'_>) -> Raw {
    read::read(api, name, concurrency, progress).await
}

/// Turns what was read into the model and the live findings, at time `now`.
pub fn assemble(raw: Raw, now: i64, stats: CallStats, elapsed: Duration) -> LiveRead {
    let deployment = map::build(&raw);
    let findings = checks::run(&raw, now);
    LiveRead {
        deployment,
        not_verified: raw.not_verified,
        findings,
        account: raw.account,
        region: raw.region,
        stats,
        elapsed,
    }
}

/// Connects and reads one deployment.
pub async fn read_live(options: &ReadOptions, progress: read::Progress<'_>) -> LiveRead {
    let started = Instant::now();
    let counter = Counter::default();
    progress("connecting");
    let sdk = connect(&options.connect, &counter).await;
    let mut raw = read::read(&sdk, &options.name, options.concurrency, progress).await;
    raw.region = client::region_of(&sdk);
    assemble(raw, now(), counter.snapshot(), started.elapsed())
}

/// [`read_live`] on a runtime of its own (one thread: the work is waiting on the network).
pub fn read_live_blocking(options: &ReadOptions, progress: read::Progress<'_>) -> Result<LiveRead, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(runtime.block_on(read_live(options, progress)))
}
