//! `status`: the facts, shown. No judgement beyond the one-word verdict of the exit code.

use crate::facts::*;

/// Whether the deployment is serving: as many tasks running as desired, and `/api/health` ok
/// (when it was asked).
pub fn is_serving(facts: &Facts) -> bool {
    let service_ok = facts.service.as_ref().is_some_and(|s| s.desired > 0 && s.running >= s.desired);
    let health_ok = match &facts.health {
        Some(h) => h.is_ok(),
        None => true,
    };
    service_ok && health_ok
}

fn short(arn: &str) -> String {
    task_id_of(arn)
}

/// The text report. `events` last service events are shown.
pub fn render_text(facts: &Facts, events: usize) -> String {
    let mut s = String::new();
    s.push_str(&format!("{} (cluster {})\n", facts.name, facts.cluster));
    match &facts.service {
        None => s.push_str("service    not found\n"),
        Some(svc) => {
            s.push_str(&format!(
                "service    {}  desired {}  running {}  pending {}  task definition {}\n",
                svc.status,
                svc.desired,
                svc.running,
                svc.pending,
                svc.task_definition.as_deref().map(short).unwrap_or_else(|| "?".into())
            ));
            if !svc.deployments.is_empty() {
                s.push_str("deployments\n");
                for d in &svc.deployments {
                    s.push_str(&format!(
                        "  {:<8} {}  {}  rollout {}  running {}/{}  pending {}  failed {}{}\n",
                        d.status,
                        d.id,
                        d.task_definition.as_deref().map(short).unwrap_or_default(),
                        d.rollout_state.as_deref().unwrap_or("-"),
                        d.running,
                        d.desired,
                        d.pending,
                        d.failed_tasks,
                        d.rollout_reason.as_deref().map(|r| format!("  ({r})")).unwrap_or_default()
                    ));
                }
            }
            if !svc.events.is_empty() {
                s.push_str(&format!("events (last {})\n", events.min(svc.events.len())));
                for e in svc.events.iter().take(events) {
                    s.push_str(&format!("  {}  {}\n", e.at.map(iso_time).unwrap_or_default(), e.message));
                }
            }
        }
    }
    if !facts.tasks.is_empty() {
        s.push_str("tasks\n");
        for t in &facts.tasks {
            let mut line = format!("  {}  {}  health {}", t.id, t.last_status, t.health.as_deref().unwrap_or("-"));
            if let Some(r) = &t.stopped_reason {
                line.push_str(&format!("  stopped: {r}"));
            }
            for c in &t.containers {
                if c.exit_code.is_some() || c.reason.is_some() {
                    line.push_str(&format!(
                        "  [{}: exit {}{}]",
                        c.name,
                        c.exit_code.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
                        c.reason.as_deref().map(|r| format!(", {r}")).unwrap_or_default()
                    ));
                }
            }
            s.push_str(&line);
            s.push('\n');
        }
    }
    if !facts.targets.is_empty() {
        s.push_str("targets\n");
        for t in &facts.targets {
            s.push_str(&format!(
                "  {}:{}  {}{}\n",
                t.id,
                t.port.map(|p| p.to_string()).unwrap_or_default(),
                t.state,
                match (&t.reason, &t.description) {
                    (Some(r), Some(d)) => format!("  {r}: {d}"),
                    (Some(r), None) => format!("  {r}"),
                    _ => String::new(),
                }
            ));
        }
    }
    match &facts.db {
        Some(db) => s.push_str(&format!(
            "database   {}  {}  {} {}\n",
            db.id,
            db.status,
            db.engine.as_deref().unwrap_or(""),
            db.engine_version.as_deref().unwrap_or("")
        )),
        None => s.push_str("database   not found\n"),
    }
    if let Some(r) = &facts.repository {
        let tag = match (&r.tag, r.tag_exists) {
            (Some(t), Some(true)) => format!("  tag {t} present"),
            (Some(t), Some(false)) => format!("  tag {t} MISSING"),
            (Some(t), None) => format!("  tag {t}"),
            (None, _) => String::new(),
        };
        let exists = match r.exists {
            Some(true) => "exists",
            Some(false) => "MISSING",
            None => "?",
        };
        s.push_str(&format!("image      ECR {} {exists}{tag}\n", r.name));
    }
    for c in &facts.certificates {
        s.push_str(&format!(
            "cert       {}  {}  until {}\n",
            c.domain.as_deref().unwrap_or("?"),
            c.status.as_deref().unwrap_or("?"),
            c.not_after.map(iso_time).unwrap_or_else(|| "?".into())
        ));
    }
    match &facts.health {
        Some(h) => s.push_str(&format!("health     {}  {}\n", h.url, h.summary())),
        None => s.push_str("health     not asked (no load balancer found; give --url)\n"),
    }
    for u in &facts.unread {
        s.push_str(&format!("not read   {u}\n"));
    }
    s.push_str(if is_serving(facts) { "verdict    serving\n" } else { "verdict    NOT serving\n" });
    s
}

/// The JSON report: the facts, as they are (they hold no secret value).
pub fn render_json(facts: &Facts) -> String {
    let mut v = serde_json::to_value(facts).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("serving".into(), serde_json::Value::Bool(is_serving(facts)));
    }
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
