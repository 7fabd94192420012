//! `doctor`: facts → diagnoses. Each diagnosis is one small function with its metadata beside
//! it (see [`DIAGNOSES`]); it names the evidence it saw (the event, the stop reason, the log
//! line), the cause and the fix. Every one is tested on recorded answers in `tests/doctor.rs`.

use crate::facts::*;
use serde::Serialize;

/// One thing found wrong.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Diagnosis {
    pub id: &'static str,
    pub title: String,
    /// What was seen, quoted: an event, a stop reason, a log line, an API answer.
    pub evidence: Vec<String>,
    pub cause: String,
    /// What to do, in order; commands are given whole.
    pub fix: Vec<String>,
}

/// A diagnosis's metadata and check.
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&Facts, i64) -> Option<Diagnosis>,
}

/// Every check, in the order a problem should be fixed (the image before the tasks, the tasks
/// before the targets).
pub const DIAGNOSES: &[Check] = &[
    Check { id: "OPS-001", title: "service not found", run: service_missing },
    Check { id: "OPS-002", title: "ECR repository exists but is not in the Terraform state", run: ecr_not_in_state },
    Check { id: "OPS-003", title: "pinned image tag missing from ECR", run: image_tag_missing },
    Check { id: "OPS-004", title: "tasks cannot pull the image or read their secrets", run: pull_failures },
    Check { id: "OPS-005", title: "out of memory", run: out_of_memory },
    Check { id: "OPS-006", title: "stuck database migration lock", run: migration_lock },
    Check { id: "OPS-007", title: "health checks kill tasks during start-up migrations", run: grace_too_short },
    Check { id: "OPS-008", title: "deployment rolled back by the circuit breaker", run: circuit_breaker },
    Check { id: "OPS-009", title: "unhealthy targets", run: unhealthy_targets },
    Check { id: "OPS-010", title: "certificate close to expiry", run: certificate_expiry },
    Check { id: "OPS-011", title: "Metabase does not answer ok on /api/health", run: not_healthy },
];

/// Days before expiry that a certificate is reported.
pub const CERT_WARN_DAYS: i64 = 30;

/// Runs every check at time `now` (seconds since the epoch).
pub fn diagnose(facts: &Facts, now: i64) -> Vec<Diagnosis> {
    DIAGNOSES.iter().filter_map(|c| (c.run)(facts, now)).collect()
}

fn title(id: &str) -> String {
    DIAGNOSES.iter().find(|c| c.id == id).map(|c| c.title.to_string()).unwrap_or_default()
}

fn stopped_tasks(facts: &Facts) -> impl Iterator<Item = &TaskFacts> {
    facts.tasks.iter().filter(|t| t.last_status == "STOPPED" || t.stopped_reason.is_some())
}

/// The reasons a task stopped: its own and its containers'.
fn reasons(t: &TaskFacts) -> Vec<String> {
    let mut r: Vec<String> = t.stopped_reason.iter().cloned().collect();
    r.extend(t.containers.iter().filter_map(|c| c.reason.clone()));
    r
}

fn task_evidence(t: &TaskFacts, reason: &str) -> String {
    format!("task {} stopped: {}", t.id, reason)
}

fn log_evidence(l: &LogLine) -> String {
    format!("log {} [{}]: {}", iso_time(l.at / 1000), l.task, mask_secrets(&l.message))
}

fn event_evidence(e: &EventFacts) -> String {
    match e.at {
        Some(at) => format!("event {}: {}", iso_time(at), e.message),
        None => format!("event: {}", e.message),
    }
}

fn service_missing(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    if facts.service.is_some() || facts.unread.iter().any(|u| u.starts_with("ecs:DescribeServices")) {
        return None;
    }
    Some(Diagnosis {
        id: "OPS-001",
        title: title("OPS-001"),
        evidence: vec![format!("ecs:DescribeServices: no active service {} in cluster {}", facts.name, facts.cluster)],
        cause: "The stack was never applied, was destroyed, or failed before creating the service (an ECR repository \
                conflict stops `terraform apply` before ecs.tf: see OPS-002)."
            .into(),
        fix: vec![
            "Check the name and region (--name, --region).".into(),
            "Apply the stack: `mbdeploy up` (or `terraform apply`), after resolving any ECR conflict.".into(),
        ],
    })
}

fn ecr_not_in_state(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let repo = facts.repository.as_ref()?;
    let state = facts.state.as_ref()?;
    if repo.exists != Some(true) || state.ecr_repositories.iter().any(|(_, n)| n == &repo.name) {
        return None;
    }
    let name = &repo.name;
    Some(Diagnosis {
        id: "OPS-002",
        title: title("OPS-002"),
        evidence: vec![
            format!("ecr:DescribeRepositories: repository {name} exists in the account"),
            format!("terraform show -json in {}: no aws_ecr_repository named {name} in the state", state.dir),
        ],
        cause: "The repository was created outside this state (by hand, or by an earlier stack). `terraform apply` \
                fails with RepositoryAlreadyExistsException and stops before the ECS resources, so tasks never start."
            .into(),
        fix: vec![
            format!(
                "Import it instead of creating it. With Terraform 1.5 or later, add to the root module and apply:\n\
                 import {{\n  to = aws_ecr_repository.metabase\n  id = \"{name}\"\n}}"
            ),
            format!("Or, once: terraform import aws_ecr_repository.metabase {name}"),
            format!(
                "With the bundled module the address is module.metabase.aws_ecr_repository.this[0]; or set \
                 create_ecr_repository = false and ecr_repository_name = \"{name}\" to use it as it is."
            ),
        ],
    })
}

fn image_tag_missing(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let repo = facts.repository.as_ref()?;
    let tag = repo.tag.as_ref()?;
    if repo.tag_exists != Some(false) {
        return None;
    }
    let image = facts
        .task_definition
        .as_ref()
        .and_then(|t| t.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    Some(Diagnosis {
        id: "OPS-003",
        title: title("OPS-003"),
        evidence: vec![
            format!("task definition image: {image}"),
            format!("ecr:DescribeImages: no image tagged {tag} in {}", repo.name),
        ],
        cause: "The task definition pins a tag nobody pushed (or a lifecycle policy expired it): every task fails \
                with CannotPullContainerError."
            .into(),
        fix: vec![format!(
            "Push it: docker pull metabase/metabase:{tag} && docker tag metabase/metabase:{tag} <registry>/{name}:{tag} \
             && docker push <registry>/{name}:{tag} (or pin a tag that exists: aws ecr list-images --repository-name {name})",
            name = repo.name
        )],
    })
}

fn pull_failures(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let mut evidence = Vec::new();
    let mut all = String::new();
    for t in stopped_tasks(facts) {
        for r in reasons(t) {
            if r.contains("CannotPullContainerError") || r.contains("ResourceInitializationError") {
                evidence.push(task_evidence(t, &r));
                all.push_str(&r);
                all.push('\n');
            }
        }
    }
    if evidence.is_empty() {
        return None;
    }
    evidence.dedup();
    let lower = all.to_ascii_lowercase();
    let mut causes = Vec::new();
    let mut fix = Vec::new();
    if lower.contains("accessdenied") || lower.contains("not authorized") || lower.contains("forbidden") {
        causes.push("the task execution role lacks a permission it needs at start");
        fix.push(
            "Give the execution role (<name>-ecs-task-execution-role) ecr:GetAuthorizationToken, \
             ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, secretsmanager:GetSecretValue on the task's secrets \
             and kms:Decrypt on their key (the bundled module's role has them)."
                .to_string(),
        );
    }
    if ["timeout", "deadline exceeded", "dial tcp", "i/o timeout", "unable to pull secrets", "failed to fetch"]
        .iter()
        .any(|w| lower.contains(w))
    {
        causes.push("the private subnets cannot reach ECR or Secrets Manager");
        fix.push(
            "Give the private subnets a route out: a NAT gateway, or VPC endpoints for ecr.api, ecr.dkr, \
             secretsmanager, logs and an S3 gateway endpoint (enable_nat_gateway / enable_vpc_endpoints)."
                .to_string(),
        );
        fix.push(
            "Let the task security group send HTTPS (TCP 443) to them (egress to 0.0.0.0/0 through NAT, or to the \
             endpoints' security group)."
                .to_string(),
        );
    }
    if lower.contains("not found") || lower.contains("manifest unknown") {
        causes.push("the image reference does not exist (see OPS-003)");
        fix.push("Push the pinned tag, or pin one that exists.".to_string());
    }
    if causes.is_empty() {
        causes.push("registry authentication or secrets were unreachable when the task started");
        fix.push(
            "Check, in order: a route to ECR and Secrets Manager (NAT gateway or VPC endpoints), TCP 443 open in \
             the task security group's egress, and the execution role's ECR, Secrets Manager and KMS permissions."
                .to_string(),
        );
    }
    Some(Diagnosis {
        id: "OPS-004",
        title: title("OPS-004"),
        evidence,
        cause: format!("Tasks stopped before Metabase started: {}.", causes.join("; ")),
        fix,
    })
}

fn out_of_memory(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let mut evidence = Vec::new();
    for t in stopped_tasks(facts) {
        let oom_reason = reasons(t).into_iter().find(|r| r.contains("OutOfMemory"));
        // Exit 137 is SIGKILL: out of memory, but also a task stopped for failing health checks
        // (ECS kills what ignores SIGTERM). Count it only when the container exited on its own.
        let exited_137 = t.containers.iter().any(|c| c.exit_code == Some(137))
            && t.stop_code.as_deref() == Some("EssentialContainerExited");
        if let Some(r) = oom_reason {
            evidence.push(task_evidence(t, &r));
        } else if exited_137 {
            evidence.push(task_evidence(t, "essential container exited with code 137 (killed)"));
        }
    }
    for l in facts.log_lines.iter().filter(|l| l.message.contains("OutOfMemoryError")).take(3) {
        evidence.push(log_evidence(l));
    }
    if evidence.is_empty() {
        return None;
    }
    let td = facts.task_definition.as_ref();
    let memory = td.and_then(|t| t.memory.clone()).unwrap_or_else(|| "?".into());
    let java_opts = td.and_then(|t| t.containers.first()).and_then(|c| c.java_opts.clone());
    Some(Diagnosis {
        id: "OPS-005",
        title: title("OPS-005"),
        evidence,
        cause: format!(
            "Metabase ran out of memory (task memory {memory} MiB, JAVA_OPTS {}): the JVM heap, plus what the JVM \
             needs beside it, does not fit.",
            java_opts.as_deref().unwrap_or("not set")
        ),
        fix: vec![
            "Raise the task memory (memory = 4096 with cpu = 1024 or more) and apply.".into(),
            "Size the heap to the task: JAVA_OPTS=\"-XX:MaxRAMPercentage=75\" (or -Xmx at about three quarters of \
             the task memory); an -Xmx larger than the task gets the container killed (exit 137)."
                .into(),
        ],
    })
}

const LOCK_MARKERS: &[&str] = &[
    "Database has migration lock",
    "Waiting for changelog lock",
    "Could not acquire change log lock",
    "release-locks",
];

fn migration_lock(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let lines: Vec<&LogLine> =
        facts.log_lines.iter().filter(|l| LOCK_MARKERS.iter().any(|m| l.message.contains(m))).collect();
    if lines.is_empty() {
        return None;
    }
    let mut evidence: Vec<String> = lines.iter().take(3).map(|l| log_evidence(l)).collect();
    if let Some(h) = facts.health.as_ref().filter(|h| !h.is_ok()) {
        evidence.push(format!("{}: {}", h.url, h.summary()));
    }
    let name = &facts.name;
    Some(Diagnosis {
        id: "OPS-006",
        title: title("OPS-006"),
        evidence,
        cause: "A Metabase start-up was killed in the middle of its database migrations and left the Liquibase \
                lock (table databasechangeloglock) taken: every new task waits for it forever and never becomes \
                healthy."
            .into(),
        fix: vec![
            format!(
                "Stop the service so nothing migrates meanwhile: aws ecs update-service --cluster {name} --service \
                 {name} --desired-count 0"
            ),
            format!(
                "Release the lock with Metabase's own command, as a one-off task of the same task definition: \
                 aws ecs run-task --cluster {name} --task-definition <family:revision> --launch-type FARGATE \
                 --network-configuration <the service's> --overrides \
                 '{{\"containerOverrides\":[{{\"name\":\"metabase\",\"command\":[\"migrate\",\"release-locks\"]}}]}}' \
                 (the image runs `java -jar metabase.jar migrate release-locks`)"
            ),
            "Or, from a host that reaches the database: UPDATE databasechangeloglock SET locked = false, \
             lockgranted = NULL, lockedby = NULL WHERE id = 1;"
                .into(),
            format!(
                "Start it again (--desired-count 1), and make sure the grace period covers the migrations (OPS-007) \
                 so it is not killed again; watch with `mbdeploy status --name {name} --watch 15`."
            ),
        ],
    })
}

const MIGRATION_MARKERS: &[&str] = &[
    "Running Database migrations",
    "Database has migrations to run",
    "Setting up Liquibase",
    "Migrating",
    "changesets",
    "Running migrations",
];

fn grace_too_short(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let mut evidence = Vec::new();
    for t in stopped_tasks(facts) {
        if let Some(r) = reasons(t).into_iter().find(|r| r.contains("health checks")) {
            evidence.push(task_evidence(t, &r));
        }
    }
    if evidence.is_empty() {
        return None;
    }
    evidence.truncate(3);
    let migrating: Vec<&LogLine> =
        facts.log_lines.iter().filter(|l| MIGRATION_MARKERS.iter().any(|m| l.message.contains(m))).take(2).collect();
    let initializing = facts.health.as_ref().filter(|h| h.status.as_deref() == Some("initializing"));
    if migrating.is_empty() && initializing.is_none() {
        return None;
    }
    evidence.extend(migrating.iter().map(|l| log_evidence(l)));
    if let Some(h) = initializing {
        evidence.push(format!("{}: {}", h.url, h.summary()));
    }
    let grace = facts.service.as_ref().and_then(|s| s.grace_period_seconds);
    Some(Diagnosis {
        id: "OPS-007",
        title: title("OPS-007"),
        evidence,
        cause: format!(
            "Metabase answers 503 on /api/health while it migrates its database, which takes minutes on a first \
             start or an upgrade; the health check grace period ({}) ends first, so ECS replaces the task, the \
             migration starts over (or leaves its lock: OPS-006) and the service never becomes healthy.",
            match grace {
                Some(g) => format!("{g} s"),
                None => "not set".into(),
            }
        ),
        fix: vec![
            "Raise the service's health_check_grace_period_seconds to 600 or more (the bundled module's variable \
             has a minimum of 300) and the container health check's startPeriod to 300, then apply."
                .into(),
            "Keep the target group's health check on /api/health: it is the right check once Metabase is up.".into(),
        ],
    })
}

fn circuit_breaker(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let service = facts.service.as_ref()?;
    let mut evidence = Vec::new();
    for d in &service.deployments {
        let reason = d.rollout_reason.as_deref().unwrap_or("");
        if d.rollout_state.as_deref() == Some("FAILED") || reason.contains("circuit breaker") {
            evidence.push(format!(
                "deployment {} ({}): rollout {}: {}",
                d.id,
                d.task_definition.as_deref().map(task_id_of).unwrap_or_default(),
                d.rollout_state.as_deref().unwrap_or("?"),
                reason
            ));
        }
    }
    for e in service.events.iter().take(50) {
        let m = e.message.to_ascii_lowercase();
        if m.contains("circuit breaker") || m.contains("rolling back") || m.contains("rolled back") {
            evidence.push(event_evidence(e));
        }
    }
    if evidence.is_empty() {
        return None;
    }
    evidence.truncate(4);
    Some(Diagnosis {
        id: "OPS-008",
        title: title("OPS-008"),
        evidence,
        cause: "The new task definition's tasks kept failing to start or to become healthy, so ECS rolled the \
                service back to the last deployment that worked. The service runs the old version; the change you \
                applied is not live."
            .into(),
        fix: vec![
            "Find why the new tasks failed: the other diagnoses here, the stopped tasks in `mbdeploy status`, \
             and `mbdeploy logs --since 1h`."
                .into(),
            "Fix it and apply again; the rollback itself needs nothing.".into(),
        ],
    })
}

fn unhealthy_targets(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let bad: Vec<&TargetFacts> = facts.targets.iter().filter(|t| t.state == "unhealthy").collect();
    if bad.is_empty() {
        return None;
    }
    let evidence = bad
        .iter()
        .map(|t| {
            format!(
                "target {}:{} unhealthy: {} {}",
                t.id,
                t.port.map(|p| p.to_string()).unwrap_or_default(),
                t.reason.as_deref().unwrap_or(""),
                t.description.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string()
        })
        .collect();
    let reasons: Vec<&str> = bad.iter().filter_map(|t| t.reason.as_deref()).collect();
    let mut fix = Vec::new();
    if reasons.contains(&"Target.Timeout") {
        fix.push(
            "Target.Timeout: the load balancer cannot reach the task: allow TCP 3000 from the ALB security group \
             in the task security group (and the ALB's egress to it)."
                .to_string(),
        );
    }
    if reasons.contains(&"Target.ResponseCodeMismatch") {
        fix.push(
            "Target.ResponseCodeMismatch: Metabase answered but not 200: during start-up migrations it answers 503 \
             (see OPS-007); otherwise check the health check path is /api/health and the matcher 200."
                .to_string(),
        );
    }
    if fix.is_empty() {
        fix.push(
            "Check the target group's health check (path /api/health, port 3000, matcher 200) and the task \
             security group's ingress from the ALB."
                .to_string(),
        );
    }
    Some(Diagnosis {
        id: "OPS-009",
        title: title("OPS-009"),
        evidence,
        cause: "The load balancer's health checks fail on these targets, so it sends them no traffic and ECS will \
                replace their tasks."
            .into(),
        fix,
    })
}

fn certificate_expiry(facts: &Facts, now: i64) -> Option<Diagnosis> {
    let mut evidence = Vec::new();
    let mut imported = false;
    for c in &facts.certificates {
        let Some(not_after) = c.not_after else { continue };
        let days = (not_after - now).div_euclid(86_400);
        if days < CERT_WARN_DAYS {
            let when = if not_after <= now { "expired".to_string() } else { format!("expires in {days} day(s)") };
            evidence.push(format!(
                "certificate {} ({}): {when}, on {}",
                c.domain.as_deref().unwrap_or("?"),
                c.arn,
                iso_time(not_after)
            ));
            imported |= c.kind.as_deref() == Some("IMPORTED");
        }
    }
    if evidence.is_empty() {
        return None;
    }
    Some(Diagnosis {
        id: "OPS-010",
        title: title("OPS-010"),
        evidence,
        cause: if imported {
            "An imported certificate is never renewed by ACM.".into()
        } else {
            "ACM renews a DNS-validated certificate on its own about 60 days before expiry; one this close has not \
             been renewed, usually because its validation CNAME record is gone."
                .into()
        },
        fix: vec![
            "Imported: re-import the renewed certificate under the same ARN (aws acm import-certificate \
             --certificate-arn ...)."
                .into(),
            "ACM-issued: restore the validation CNAME (aws acm describe-certificate shows it) in the hosted zone, \
             or request a new certificate and point the HTTPS listener at it."
                .into(),
        ],
    })
}

fn not_healthy(facts: &Facts, _now: i64) -> Option<Diagnosis> {
    let h = facts.health.as_ref().filter(|h| !h.is_ok())?;
    let initializing = h.status.as_deref() == Some("initializing");
    Some(Diagnosis {
        id: "OPS-011",
        title: title("OPS-011"),
        evidence: vec![format!("{}: {}", h.url, h.summary())],
        cause: if initializing {
            "Metabase is starting: it migrates its database first (minutes on a first start or an upgrade). If \
             the progress does not move, look for OPS-006 (a stuck migration lock)."
                .into()
        } else if h.error.is_some() {
            "Nothing answered: no running task behind the load balancer, or the load balancer is not reachable \
             from here."
                .into()
        } else {
            "Metabase answered, but not ok.".into()
        },
        fix: vec![
            format!("Watch it: mbdeploy status --name {} --watch 15", facts.name),
            format!("Read what it says: mbdeploy logs --name {} --since 30m", facts.name),
        ],
    })
}

/// The doctor's text report.
pub fn render_text(facts: &Facts, diagnoses: &[Diagnosis]) -> String {
    let mut s = String::new();
    if diagnoses.is_empty() {
        s.push_str(&format!("doctor {}: nothing wrong found\n", facts.name));
    } else {
        s.push_str(&format!("doctor {}: {} problem(s) found\n", facts.name, diagnoses.len()));
    }
    for d in diagnoses {
        s.push_str(&format!("\n{} {}\n", d.id, d.title));
        s.push_str("  evidence:\n");
        for e in &d.evidence {
            s.push_str(&format!("    {}\n", e.replace('\n', "\n    ")));
        }
        s.push_str(&format!("  cause: {}\n", d.cause));
        s.push_str("  fix:\n");
        for f in &d.fix {
            s.push_str(&format!("    - {}\n", f.replace('\n', "\n      ")));
        }
    }
    if facts.state.is_none() && facts.repository.as_ref().is_some_and(|r| r.exists == Some(true)) {
        s.push_str("\nnote: give --dir <root module> to check the ECR repository against the Terraform state\n");
    }
    if !facts.unread.is_empty() {
        s.push_str(&format!(
            "\nnot checked ({} call(s) failed; what depends on them was not diagnosed):\n",
            facts.unread.len()
        ));
        for u in &facts.unread {
            s.push_str(&format!("  {u}\n"));
        }
    }
    s
}

/// The doctor's JSON report.
pub fn render_json(facts: &Facts, diagnoses: &[Diagnosis]) -> String {
    let v = serde_json::json!({
        "name": facts.name,
        "problems": diagnoses,
        "not_checked": facts.unread,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
