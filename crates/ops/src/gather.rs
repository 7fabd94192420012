//! Asking the account: the facts `status` and `doctor` judge. A call that fails is recorded in
//! [`Facts::unread`] and the rest goes on: a partial picture is still worth showing.

use crate::api::{HealthProbe, OpsApi};
use crate::facts::*;

/// What to gather.
#[derive(Clone, Debug, Default)]
pub struct GatherOptions {
    /// The deployment's name: its ECS cluster and service, its RDS instance, `/aws/ecs/<name>`.
    pub name: String,
    /// The health URL; default: the load balancer's DNS name (https when it has a 443 listener).
    pub url: Option<String>,
    /// Log lines from this many seconds back (0: none; `doctor` reads the last hour).
    pub log_window_secs: i64,
    /// Now, in seconds since the epoch.
    pub now: i64,
}

/// The log group of the deployment: the task definition's awslogs group, or `/aws/ecs/<name>`.
pub fn log_group(facts: &Facts) -> String {
    facts
        .task_definition
        .as_ref()
        .and_then(|t| t.containers.iter().find_map(|c| c.log_group.clone()))
        .unwrap_or_else(|| format!("/aws/ecs/{}", facts.name))
}

/// The base URL Metabase is served at, through the load balancer.
pub fn base_url(lb: &LoadBalancerFacts) -> Option<String> {
    let dns = lb.dns_name.as_ref()?;
    if lb.listeners.iter().any(|(port, proto, _)| *port == 443 && proto == "HTTPS") {
        Some(format!("https://{dns}"))
    } else {
        let port = lb.listeners.iter().find(|(_, p, _)| p == "HTTP").map(|(p, _, _)| *p).unwrap_or(80);
        Some(if port == 80 { format!("http://{dns}") } else { format!("http://{dns}:{port}") })
    }
}

pub async fn gather<A: OpsApi, P: HealthProbe>(api: &A, probe: &P, options: &GatherOptions) -> Facts {
    let name = options.name.clone();
    let mut facts = Facts { name: name.clone(), cluster: name.clone(), ..Default::default() };
    match api.describe_service(&name, &name).await {
        Ok(s) => facts.service = s,
        Err(e) => facts.unread.push(e.to_string()),
    }
    let td_arn = facts.service.as_ref().and_then(|s| s.task_definition.clone());
    if let Some(arn) = td_arn {
        match api.describe_task_definition(&arn).await {
            Ok(td) => facts.task_definition = Some(td),
            Err(e) => facts.unread.push(e.to_string()),
        }
    }
    if facts.service.is_some() {
        let mut arns = Vec::new();
        for stopped in [false, true] {
            match api.list_tasks(&name, &name, stopped).await {
                Ok(a) => arns.extend(a),
                Err(e) => facts.unread.push(e.to_string()),
            }
        }
        if !arns.is_empty() {
            match api.describe_tasks(&name, &arns).await {
                Ok(t) => facts.tasks = t,
                Err(e) => facts.unread.push(e.to_string()),
            }
        }
    }
    let groups = facts.service.as_ref().map(|s| s.target_groups.clone()).unwrap_or_default();
    for tg in &groups {
        match api.target_health(tg).await {
            Ok(t) => facts.targets.extend(t),
            Err(e) => facts.unread.push(e.to_string()),
        }
    }
    if let Some(tg) = groups.first() {
        match api.load_balancer_of(tg).await {
            Ok(lb) => facts.load_balancer = lb,
            Err(e) => facts.unread.push(e.to_string()),
        }
    }
    let cert_arns: Vec<String> =
        facts.load_balancer.iter().flat_map(|lb| lb.listeners.iter().flat_map(|(_, _, c)| c.iter().cloned())).collect();
    for arn in cert_arns {
        match api.certificate(&arn).await {
            Ok(Some(c)) => facts.certificates.push(c),
            Ok(None) => {}
            Err(e) => facts.unread.push(e.to_string()),
        }
    }
    match api.db_instance(&name).await {
        Ok(d) => facts.db = d,
        Err(e) => facts.unread.push(e.to_string()),
    }
    let image = facts.task_definition.as_ref().and_then(|t| t.containers.first()).and_then(|c| c.image.clone());
    if let Some((repo, tag)) = image.as_deref().and_then(ecr_image) {
        let mut check = RepoCheck { name: repo.clone(), tag: tag.clone(), ..Default::default() };
        match api.repository_exists(&repo).await {
            Ok(b) => check.exists = Some(b),
            Err(e) => facts.unread.push(e.to_string()),
        }
        if let (Some(true), Some(tag)) = (check.exists, &tag) {
            match api.image_exists(&repo, tag).await {
                Ok(b) => check.tag_exists = Some(b),
                Err(e) => facts.unread.push(e.to_string()),
            }
        }
        facts.repository = Some(check);
    }
    let url = options.url.clone().or_else(|| facts.load_balancer.as_ref().and_then(base_url));
    if let Some(url) = url {
        facts.health = Some(probe.probe(&crate::health::health_url(&url)));
    }
    if options.log_window_secs > 0 {
        let group = log_group(&facts);
        let start = (options.now - options.log_window_secs) * 1000;
        match read_logs(api, &group, start, None, 5).await {
            Ok(lines) => facts.log_lines = lines,
            Err(e) => facts.unread.push(e.to_string()),
        }
    }
    facts
}

/// Up to `pages` pages of log events from `start_ms` on.
pub async fn read_logs<A: OpsApi>(
    api: &A,
    group: &str,
    start_ms: i64,
    filter: Option<&str>,
    pages: usize,
) -> crate::api::Res<Vec<LogLine>> {
    let mut lines = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..pages.max(1) {
        let page = api.filter_log_events(group, start_ms, filter, token.as_deref()).await?;
        lines.extend(page.lines);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(lines)
}

/// The ECR repositories in the Terraform state of `dir` (`terraform show -json`).
pub fn read_state(dir: &std::path::Path) -> Result<StateFacts, String> {
    let out = std::process::Command::new("terraform")
        .arg(format!("-chdir={}", dir.display()))
        .args(["show", "-json", "-no-color"])
        .output()
        .map_err(|e| format!("cannot run terraform: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("terraform show -json in {} failed: {}", dir.display(), err.trim()));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("terraform show -json in {}: not JSON: {e}", dir.display()))?;
    Ok(state_facts(&dir.display().to_string(), &json))
}

/// The ECR repositories of a `terraform show -json` document.
pub fn state_facts(dir: &str, json: &serde_json::Value) -> StateFacts {
    let mut repos = Vec::new();
    fn walk(module: &serde_json::Value, repos: &mut Vec<(String, String)>) {
        for r in module.get("resources").and_then(|r| r.as_array()).into_iter().flatten() {
            if r.get("type").and_then(|t| t.as_str()) == Some("aws_ecr_repository")
                && r.get("mode").and_then(|m| m.as_str()) == Some("managed")
            {
                let address = r.get("address").and_then(|a| a.as_str()).unwrap_or_default().to_string();
                let name = r.pointer("/values/name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
                repos.push((address, name));
            }
        }
        for child in module.get("child_modules").and_then(|c| c.as_array()).into_iter().flatten() {
            walk(child, repos);
        }
    }
    if let Some(root) = json.pointer("/values/root_module") {
        walk(root, &mut repos);
    }
    StateFacts { dir: dir.to_string(), ecr_repositories: repos }
}
