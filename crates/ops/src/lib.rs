//! Operating a running Metabase deployment: `status`, `doctor`, `logs` and `rotate`.
//!
//! The same layering as the rest of mbdeploy, on a running system: *AWS answers → facts →
//! diagnoses → report*.
//!
//! * [`api`]: every AWS call, behind the [`api::OpsApi`] trait; [`sdk::SdkOps`] is the account,
//!   [`testing::Recorded`] answers recorded data (the emulator cannot produce the failures the
//!   diagnoses are about).
//! * [`facts`]: what was learnt, as plain data with no secret value in it.
//! * [`gather`]: asks the account and fills the facts; a failed call is noted, not fatal.
//! * [`doctor`]: one small function per known failure, each naming its evidence, cause and fix.
//! * [`status`], [`logs`]: reports of the facts and of the log group.
//! * [`rotate`]: the database-secret rotation procedure, step by step.
//! * [`health`]: Metabase's `/api/health`, over plain HTTP or curl.

pub mod api;
pub mod doctor;
pub mod facts;
pub mod gather;
pub mod health;
pub mod logs;
pub mod rotate;
pub mod sdk;
pub mod status;
pub mod testing;

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A one-thread runtime: the work is waiting on the network.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}
