//! Recorded answers: an [`OpsApi`] and a [`HealthProbe`] that answer from data, for the tests of
//! every diagnosis and of the rotation procedure. Sequences ([`Seq`]) answer their items in
//! order and then keep answering the last one, as a polled API would.

use crate::api::*;
use crate::facts::*;
use std::collections::VecDeque;
use std::sync::Mutex;

/// Answers in order, then repeats the last.
#[derive(Debug)]
pub struct Seq<T>(Mutex<VecDeque<T>>);

impl<T> Default for Seq<T> {
    fn default() -> Self {
        Seq(Mutex::new(VecDeque::new()))
    }
}

impl<T: Clone> Seq<T> {
    pub fn of(items: Vec<T>) -> Self {
        Seq(Mutex::new(items.into()))
    }

    pub fn next(&self) -> Option<T> {
        let mut q = self.0.lock().unwrap();
        if q.len() > 1 {
            q.pop_front()
        } else {
            q.front().cloned()
        }
    }
}

/// An account, recorded.
#[derive(Debug, Default)]
pub struct Recorded {
    pub services: Seq<Res<Option<ServiceFacts>>>,
    pub task_definition: Option<TaskDefFacts>,
    pub running_tasks: Vec<String>,
    pub stopped_tasks: Vec<String>,
    pub tasks: Vec<TaskFacts>,
    /// Answers `ecs:DescribeTasks` with this error (as moto's undecodable answer does).
    pub describe_tasks_error: Option<OpsError>,
    pub targets: Vec<TargetFacts>,
    pub load_balancer: Option<LoadBalancerFacts>,
    pub db: Option<DbFacts>,
    pub repositories: Vec<String>,
    /// `(repository, tag)` pairs that exist.
    pub images: Vec<(String, String)>,
    pub certificates: Vec<CertFacts>,
    pub logs: Vec<LogLine>,
    pub secrets: Seq<Res<SecretFacts>>,
    pub rotate: Seq<Res<Option<String>>>,
    pub deploy: Seq<Res<Option<String>>>,
    /// Every call made, by IAM action, in order.
    pub calls: Mutex<Vec<String>>,
}

impl Recorded {
    fn log(&self, action: &str) {
        self.calls.lock().unwrap().push(action.to_string());
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    pub fn called(&self, action: &str) -> bool {
        self.calls().iter().any(|c| c == action)
    }
}

fn missing(action: &'static str) -> OpsError {
    OpsError::new(action, ErrorKind::Other, "NotRecorded", "no recorded answer")
}

impl OpsApi for Recorded {
    async fn describe_service(&self, _cluster: &str, _service: &str) -> Res<Option<ServiceFacts>> {
        self.log("ecs:DescribeServices");
        self.services.next().unwrap_or(Ok(None))
    }

    async fn describe_task_definition(&self, _arn: &str) -> Res<TaskDefFacts> {
        self.log("ecs:DescribeTaskDefinition");
        self.task_definition.clone().ok_or_else(|| missing("ecs:DescribeTaskDefinition"))
    }

    async fn list_tasks(&self, _cluster: &str, _service: &str, stopped: bool) -> Res<Vec<String>> {
        self.log("ecs:ListTasks");
        Ok(if stopped { self.stopped_tasks.clone() } else { self.running_tasks.clone() })
    }

    async fn describe_tasks(&self, _cluster: &str, _arns: &[String]) -> Res<Vec<TaskFacts>> {
        self.log("ecs:DescribeTasks");
        match &self.describe_tasks_error {
            Some(e) => Err(e.clone()),
            None => Ok(self.tasks.clone()),
        }
    }

    async fn target_health(&self, target_group: &str) -> Res<Vec<TargetFacts>> {
        self.log("elasticloadbalancing:DescribeTargetHealth");
        Ok(self.targets.iter().filter(|t| t.target_group == target_group).cloned().collect())
    }

    async fn load_balancer_of(&self, _target_group: &str) -> Res<Option<LoadBalancerFacts>> {
        self.log("elasticloadbalancing:DescribeTargetGroups");
        Ok(self.load_balancer.clone())
    }

    async fn db_instance(&self, _id: &str) -> Res<Option<DbFacts>> {
        self.log("rds:DescribeDBInstances");
        Ok(self.db.clone())
    }

    async fn repository_exists(&self, name: &str) -> Res<bool> {
        self.log("ecr:DescribeRepositories");
        Ok(self.repositories.iter().any(|r| r == name))
    }

    async fn image_exists(&self, repository: &str, tag: &str) -> Res<bool> {
        self.log("ecr:DescribeImages");
        Ok(self.images.iter().any(|(r, t)| r == repository && t == tag))
    }

    async fn certificate(&self, arn: &str) -> Res<Option<CertFacts>> {
        self.log("acm:DescribeCertificate");
        Ok(self.certificates.iter().find(|c| c.arn == arn).cloned())
    }

    async fn filter_log_events(
        &self,
        _group: &str,
        start_ms: i64,
        filter: Option<&str>,
        _token: Option<&str>,
    ) -> Res<LogPage> {
        self.log("logs:FilterLogEvents");
        let lines = self
            .logs
            .iter()
            .filter(|l| {
                l.at >= start_ms
                    && match filter {
                        Some(f) => l.message.contains(f.trim_matches('"')),
                        None => true,
                    }
            })
            .cloned()
            .collect();
        Ok(LogPage { lines, next_token: None })
    }

    async fn describe_secret(&self, _id: &str) -> Res<SecretFacts> {
        self.log("secretsmanager:DescribeSecret");
        self.secrets.next().unwrap_or_else(|| Err(missing("secretsmanager:DescribeSecret")))
    }

    async fn rotate_secret(&self, _id: &str) -> Res<Option<String>> {
        self.log("secretsmanager:RotateSecret");
        self.rotate.next().unwrap_or_else(|| Err(missing("secretsmanager:RotateSecret")))
    }

    async fn force_new_deployment(&self, _cluster: &str, _service: &str) -> Res<Option<String>> {
        self.log("ecs:UpdateService");
        self.deploy.next().unwrap_or_else(|| Err(missing("ecs:UpdateService")))
    }
}

/// `/api/health`, scripted.
#[derive(Debug, Default)]
pub struct ScriptedProbe(pub Seq<HealthAnswer>);

impl ScriptedProbe {
    pub fn of(answers: Vec<HealthAnswer>) -> Self {
        ScriptedProbe(Seq::of(answers))
    }
}

impl HealthProbe for ScriptedProbe {
    fn probe(&self, url: &str) -> HealthAnswer {
        let mut a = self.0.next().unwrap_or_default();
        a.url = url.to_string();
        a
    }
}

/// `200 {"status":"ok"}`.
pub fn ok() -> HealthAnswer {
    HealthAnswer { http_status: Some(200), status: Some("ok".into()), ..Default::default() }
}

/// `503 {"status":"initializing","progress":p}`.
pub fn initializing(progress: f64) -> HealthAnswer {
    HealthAnswer {
        http_status: Some(503),
        status: Some("initializing".into()),
        progress: Some(progress),
        ..Default::default()
    }
}

/// Runs a future to completion on a one-thread runtime (tests and the binary).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    crate::runtime().block_on(f)
}
