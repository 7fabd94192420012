//! The AWS calls `status`, `doctor`, `logs` and `rotate` make, behind one trait.
//!
//! [`OpsApi`] answers with [`crate::facts`] types, not SDK types: the diagnoses and the rotation
//! procedure are tested on recorded answers ([`crate::testing::Recorded`]) because the emulator
//! cannot give the interesting ones (moto starts no tasks, keeps no service events, and its
//! `DescribeTasks` answer does not decode in the Rust SDK). [`crate::sdk`] is the real account;
//! its conversions from SDK output structs are unit-tested on hand-built SDK structs.

#![allow(async_fn_in_trait)]

use crate::facts::*;
use std::fmt;

/// Why a call gave no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Denied,
    NotFound,
    Other,
}

/// A failed call, named by its IAM action (`ecs:UpdateService`).
#[derive(Clone, Debug)]
pub struct OpsError {
    pub action: &'static str,
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
}

impl OpsError {
    pub fn new(action: &'static str, kind: ErrorKind, code: &str, message: &str) -> Self {
        OpsError { action, kind, code: code.into(), message: message.into() }
    }
}

impl fmt::Display for OpsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.code.is_empty()) {
            (ErrorKind::Denied, _) => write!(f, "{}: access denied ({}): {}", self.action, self.code, self.message),
            (_, true) => write!(f, "{}: {}", self.action, self.message),
            (_, false) => write!(f, "{}: {}: {}", self.action, self.code, self.message),
        }
    }
}

pub type Res<T> = Result<T, OpsError>;

/// One page of `logs:FilterLogEvents`.
#[derive(Clone, Debug, Default)]
pub struct LogPage {
    pub lines: Vec<LogLine>,
    pub next_token: Option<String>,
}

/// Everything the operations commands ask of an account.
pub trait OpsApi {
    async fn describe_service(&self, cluster: &str, service: &str) -> Res<Option<ServiceFacts>>;
    async fn describe_task_definition(&self, arn: &str) -> Res<TaskDefFacts>;
    /// Task ARNs of the service, running ones or (`stopped`) recently stopped ones.
    async fn list_tasks(&self, cluster: &str, service: &str, stopped: bool) -> Res<Vec<String>>;
    async fn describe_tasks(&self, cluster: &str, arns: &[String]) -> Res<Vec<TaskFacts>>;
    async fn target_health(&self, target_group: &str) -> Res<Vec<TargetFacts>>;
    /// The load balancer in front of a target group, with its listeners.
    async fn load_balancer_of(&self, target_group: &str) -> Res<Option<LoadBalancerFacts>>;
    async fn db_instance(&self, id: &str) -> Res<Option<DbFacts>>;
    async fn repository_exists(&self, name: &str) -> Res<bool>;
    async fn image_exists(&self, repository: &str, tag: &str) -> Res<bool>;
    async fn certificate(&self, arn: &str) -> Res<Option<CertFacts>>;
    /// Log events from `start_ms` on, oldest first.
    async fn filter_log_events(
        &self,
        group: &str,
        start_ms: i64,
        filter: Option<&str>,
        token: Option<&str>,
    ) -> Res<LogPage>;
    async fn describe_secret(&self, id: &str) -> Res<SecretFacts>;
    /// Starts a rotation now; answers the new version id.
    async fn rotate_secret(&self, id: &str) -> Res<Option<String>>;
    /// `UpdateService --force-new-deployment`; answers the new primary deployment's id.
    async fn force_new_deployment(&self, cluster: &str, service: &str) -> Res<Option<String>>;
}

/// Metabase's `/api/health`, asked over HTTP (a trait so tests can script the answers).
pub trait HealthProbe {
    fn probe(&self, url: &str) -> HealthAnswer;
}
