//! What was learnt about a running deployment: plain data, built from the AWS answers (see
//! [`crate::sdk`]) or by hand in tests. Diagnoses and reports read only these types.
//!
//! Secret values have no place here: a task definition's environment is kept as names only
//! (`JAVA_OPTS`, which the out-of-memory fix needs, is the one value kept), secrets as the
//! names of the variables and the ARNs they come from, and a Secrets Manager secret as its
//! versions and stages. Nothing ever calls `GetSecretValue`.

use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `status` and `doctor` know about one deployment.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Facts {
    pub name: String,
    pub cluster: String,
    /// `None` when the service does not exist (or could not be read: see `unread`).
    pub service: Option<ServiceFacts>,
    pub task_definition: Option<TaskDefFacts>,
    /// Running and recently stopped tasks (ECS keeps stopped tasks for about an hour).
    pub tasks: Vec<TaskFacts>,
    pub targets: Vec<TargetFacts>,
    pub load_balancer: Option<LoadBalancerFacts>,
    pub db: Option<DbFacts>,
    pub repository: Option<RepoCheck>,
    pub certificates: Vec<CertFacts>,
    pub health: Option<HealthAnswer>,
    /// Recent log lines, scanned by `doctor` (not shown by `status`).
    #[serde(skip)]
    pub log_lines: Vec<LogLine>,
    /// The Terraform state of `--dir`, when given.
    pub state: Option<StateFacts>,
    /// Calls that failed: what depends on them was not checked.
    pub unread: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ServiceFacts {
    pub name: String,
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub task_definition: Option<String>,
    pub grace_period_seconds: Option<i32>,
    /// Deployment circuit breaker: (enabled, rollback).
    pub circuit_breaker: Option<(bool, bool)>,
    pub deployments: Vec<DeploymentFacts>,
    /// Newest first, as ECS returns them.
    pub events: Vec<EventFacts>,
    pub target_groups: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DeploymentFacts {
    pub id: String,
    /// PRIMARY, ACTIVE or INACTIVE.
    pub status: String,
    pub task_definition: Option<String>,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    /// IN_PROGRESS, COMPLETED or FAILED.
    pub rollout_state: Option<String>,
    pub rollout_reason: Option<String>,
    /// Seconds since the epoch.
    pub created_at: Option<i64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct EventFacts {
    pub at: Option<i64>,
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct TaskDefFacts {
    pub arn: String,
    pub cpu: Option<String>,
    /// Task memory in MiB, as ECS returns it.
    pub memory: Option<String>,
    pub containers: Vec<ContainerDefFacts>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ContainerDefFacts {
    pub name: String,
    pub image: Option<String>,
    /// `(variable, valueFrom)`: where a secret comes from, never its value.
    pub secrets: Vec<(String, String)>,
    /// Names of the plain environment variables; values are not kept.
    pub environment_names: Vec<String>,
    /// The value of `JAVA_OPTS` (heap settings), the one environment value kept.
    pub java_opts: Option<String>,
    pub log_group: Option<String>,
    pub log_stream_prefix: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct TaskFacts {
    /// The last part of the task ARN.
    pub id: String,
    pub last_status: String,
    pub desired_status: String,
    pub health: Option<String>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    pub started_at: Option<i64>,
    pub stopped_at: Option<i64>,
    pub task_definition: Option<String>,
    pub containers: Vec<ContainerFacts>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ContainerFacts {
    pub name: String,
    pub last_status: Option<String>,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub health: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct TargetFacts {
    pub target_group: String,
    pub id: String,
    pub port: Option<i32>,
    /// healthy, unhealthy, initial, draining, unused, unavailable.
    pub state: String,
    pub reason: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LoadBalancerFacts {
    pub arn: String,
    pub dns_name: Option<String>,
    /// `(port, protocol, certificate ARNs)`.
    pub listeners: Vec<(i32, String, Vec<String>)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DbFacts {
    pub id: String,
    pub status: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
}

/// The image the task definition pins, and whether ECR has it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RepoCheck {
    pub name: String,
    pub exists: Option<bool>,
    /// The pinned tag (`None` for a digest).
    pub tag: Option<String>,
    pub tag_exists: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CertFacts {
    pub arn: String,
    pub domain: Option<String>,
    pub status: Option<String>,
    /// Seconds since the epoch.
    pub not_after: Option<i64>,
    /// AMAZON_ISSUED or IMPORTED.
    pub kind: Option<String>,
}

/// Metabase's `/api/health` answer.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct HealthAnswer {
    pub url: String,
    pub http_status: Option<u16>,
    /// `ok`, `initializing`, or another status Metabase gave.
    pub status: Option<String>,
    /// Start-up progress (0 to 1, or a percentage), while initializing.
    pub progress: Option<f64>,
    /// Why there was no answer (connection refused, timeout).
    pub error: Option<String>,
}

impl HealthAnswer {
    pub fn is_ok(&self) -> bool {
        self.http_status == Some(200) && self.status.as_deref() == Some("ok")
    }

    /// One line: `200 ok`, `503 initializing (42%)`, `no answer: ...`.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return format!("no answer: {e}");
        }
        let mut s = match self.http_status {
            Some(code) => code.to_string(),
            None => "?".into(),
        };
        s.push(' ');
        s.push_str(self.status.as_deref().unwrap_or("(no status in the answer)"));
        if let Some(p) = self.progress {
            let pct = if p <= 1.0 { p * 100.0 } else { p };
            s.push_str(&format!(" ({pct:.0}%)"));
        }
        s
    }
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LogLine {
    /// Milliseconds since the epoch.
    pub at: i64,
    pub stream: String,
    /// The task id: the last part of the awslogs stream name (`prefix/container/task-id`).
    pub task: String,
    pub message: String,
    pub event_id: Option<String>,
}

/// Secrets Manager's description of a secret: never its value.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SecretFacts {
    pub arn: String,
    pub name: String,
    pub rotation_enabled: bool,
    pub rotation_lambda: Option<String>,
    /// RDS for an RDS-managed master secret.
    pub owning_service: Option<String>,
    /// Version id → stages (AWSCURRENT, AWSPENDING, AWSPREVIOUS).
    pub versions: BTreeMap<String, Vec<String>>,
    pub last_rotated: Option<i64>,
}

impl SecretFacts {
    /// The version that holds `stage`.
    pub fn version_with(&self, stage: &str) -> Option<&str> {
        self.versions.iter().find(|(_, s)| s.iter().any(|x| x == stage)).map(|(v, _)| v.as_str())
    }
}

/// ECR repositories in the Terraform state: `(address, repository name)`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StateFacts {
    pub dir: String,
    pub ecr_repositories: Vec<(String, String)>,
}

/// The task id of an awslogs stream (`metabase/metabase/0123abcd...`) or a task ARN.
pub fn task_id_of(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).to_string()
}

/// A Secrets Manager ARN without the JSON key suffix ECS allows in `valueFrom`
/// (`arn:aws:secretsmanager:r:a:secret:name-AbCdEf:password::` → `...:secret:name-AbCdEf`).
pub fn secret_id_of(value_from: &str) -> String {
    if value_from.starts_with("arn:") {
        let parts: Vec<&str> = value_from.split(':').collect();
        if parts.len() > 7 {
            return parts[..7].join(":");
        }
    }
    value_from.to_string()
}

/// `(repository, tag)` of an ECR image reference; `None` for images outside ECR. A digest
/// reference gives no tag.
pub fn ecr_image(image: &str) -> Option<(String, Option<String>)> {
    let (host, rest) = image.split_once('/')?;
    if !(host.contains(".dkr.ecr.") && host.contains(".amazonaws.com")) {
        return None;
    }
    if let Some((repo, _digest)) = rest.split_once('@') {
        return Some((repo.to_string(), None));
    }
    match rest.rsplit_once(':') {
        Some((repo, tag)) => Some((repo.to_string(), Some(tag.to_string()))),
        None => Some((rest.to_string(), Some("latest".into()))),
    }
}

/// `2026-12-03T18:20:00Z` from seconds since the epoch.
pub fn iso_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Masks what looks like a credential in a log line (`password=...`, `"password":"..."`) before
/// it is printed. Metabase does not log its database password, but a driver error or a user's
/// JDBC option might.
pub fn mask_secrets(line: &str) -> String {
    const KEYS: &[&str] = &["password", "passwd", "pwd", "secret", "token", "mb_db_pass"];
    let lower = line.to_ascii_lowercase();
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        let hit = KEYS.iter().find(|k| lower[i..].starts_with(*k) && (i == 0 || !bytes[i - 1].is_ascii_alphabetic()));
        let Some(key) = hit else {
            let ch = line[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        // The key (and the rest of its word: `password_hash`, `secretKey`).
        let mut j = i + key.len();
        while j < line.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        out.push_str(&line[i..j]);
        // Separator: optional quote, spaces, `=` or `:`, spaces, optional quote.
        let mut k = j;
        while k < line.len() && matches!(bytes[k], b'"' | b'\'' | b' ') {
            k += 1;
        }
        if k < line.len() && matches!(bytes[k], b'=' | b':') {
            k += 1;
            while k < line.len() && matches!(bytes[k], b' ' | b'"' | b'\'') {
                k += 1;
            }
            let mut end = k;
            while end < line.len() && !matches!(bytes[end], b' ' | b'"' | b'\'' | b'&' | b',' | b';' | b'}' | b')') {
                end += 1;
            }
            if end > k {
                out.push_str(&line[j..k]);
                out.push_str("****");
                i = end;
                continue;
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_arn_loses_the_json_key() {
        let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
        assert_eq!(secret_id_of(&format!("{arn}:password::")), arn);
        assert_eq!(secret_id_of(arn), arn);
        assert_eq!(secret_id_of("my-secret"), "my-secret");
    }

    #[test]
    fn ecr_images_are_recognised() {
        let img = "182399707265.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0";
        assert_eq!(ecr_image(img), Some(("metabase_repo".into(), Some("v0.50.0".into()))));
        assert_eq!(ecr_image("metabase/metabase:v0.50.0"), None);
        let digest = "1.dkr.ecr.eu-west-1.amazonaws.com/a/b@sha256:abc";
        assert_eq!(ecr_image(digest), Some(("a/b".into(), None)));
    }

    #[test]
    fn times_are_iso() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn credentials_in_log_lines_are_masked() {
        let l = mask_secrets("jdbc:postgresql://db:5432/metabase?user=mb&password=hunter2&ssl=true");
        assert!(!l.contains("hunter2"), "{l}");
        assert!(l.contains("password=****&ssl=true"), "{l}");
        let j = mask_secrets(r#"{"username":"mb","password":"hunter2"}"#);
        assert!(!j.contains("hunter2"), "{j}");
        assert_eq!(mask_secrets("Metabase Initialization COMPLETE"), "Metabase Initialization COMPLETE");
        assert!(!mask_secrets("MB_DB_PASS: s3cr3t").contains("s3cr3t"));
    }
}
