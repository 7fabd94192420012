//! Controls that only exist in a running account: what runs, whether it is healthy, whether
//! what was promised (rotation, scanning, a valid certificate) actually happens.
//!
//! They judge what was read ([`Raw`]) rather than the model, because the model has no fields for
//! running tasks, target health, certificate dates or scan results yet; each check says which
//! fields would let it move into the rules crate (see docs/verify.md).

use crate::read::{ecr_image, secret_id, Raw};

/// What a live check is, apart from its logic (the same facts as a rule's metadata).
#[derive(Debug, PartialEq, Eq)]
pub struct LiveCheck {
    pub id: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: &'static str,
    pub section: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
}

/// One result of a live check.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveFinding {
    pub check: &'static LiveCheck,
    /// The resource's ARN.
    pub resource: String,
    pub message: String,
    /// The check could not decide (nothing running to compare, no scan result).
    pub undetermined: bool,
}

pub static RUNNING_IMAGE: LiveCheck = LiveCheck {
    id: "MBD-LIVE-001",
    name: "running-image-matches-pin",
    title: "Running tasks run the image the task definition pins",
    severity: "high",
    section: "Best Practices › Use specific image tags instead of latest",
    rationale: "A pinned tag only helps if the tasks actually run the bytes it named. A tag moved in a mutable \
                repository, or tasks left over from an earlier deployment, run code nobody reviewed.",
    remediation: "Make the repository's tags immutable and pin the image by digest (`image_digest`), then force \
                  a new deployment (`aws ecs update-service --force-new-deployment`).",
};

pub static TARGETS_HEALTHY: LiveCheck = LiveCheck {
    id: "MBD-LIVE-002",
    name: "targets-healthy",
    title: "Every target of the load balancer is healthy",
    severity: "high",
    section: "§4 Application Security › Health Checks",
    rationale: "The health check exists so that only healthy containers receive traffic. Unhealthy or missing \
                targets mean Metabase is down or flapping, which the ALB turns into 502/503 answers.",
    remediation: "Read the service events and the task logs in /aws/ecs/<name> (`aws ecs describe-services`); \
                  the usual causes are database connectivity, migrations longer than the grace period, or \
                  image pull errors.",
};

pub static CERTIFICATE_VALID: LiveCheck = LiveCheck {
    id: "MBD-LIVE-003",
    name: "certificate-not-expiring",
    title: "The HTTPS certificate is issued and valid for at least 30 more days",
    severity: "high",
    section: "§4 Application Security › HTTPS Access",
    rationale: "An expired certificate takes Metabase off line for every browser, and teaches users to click \
                through warnings. ACM renews DNS-validated certificates on its own, but not imported ones or \
                ones whose validation record was removed.",
    remediation: "Renew or re-import the certificate (prefer an ACM certificate validated by DNS, which renews \
                  itself) and update the listener's `certificate_arn`.",
};

pub static ROTATION_HAPPENED: LiveCheck = LiveCheck {
    id: "MBD-LIVE-004",
    name: "secret-rotated-within-period",
    title: "Rotated secrets were actually rotated within their period",
    severity: "medium",
    section: "§2 Access Control › Database Credentials (Recommendation: store and rotate)",
    rationale: "Rotation that is enabled but failing (a broken rotation Lambda, a network path it lacks) looks \
                compliant in source and in the console's switch, while the password never changes.",
    remediation: "Check the rotation function's logs and the secret's versions (`aws secretsmanager \
                  describe-secret`), fix the cause, then `aws secretsmanager rotate-secret`.",
};

pub static NO_CRITICAL_FINDINGS: LiveCheck = LiveCheck {
    id: "MBD-LIVE-005",
    name: "image-no-critical-findings",
    title: "The image in use has no CRITICAL vulnerability findings",
    severity: "high",
    section: "§3 Data Protection › ECR Image Security",
    rationale: "Scan on push only helps if someone acts on the result. An image with known CRITICAL \
                vulnerabilities running in production is the gap the scan was meant to close.",
    remediation: "Rebuild the image on a patched base (or move to a newer Metabase release), push it under a \
                  new tag, and deploy it.",
};

/// Every live check.
pub static CHECKS: &[&LiveCheck] =
    &[&RUNNING_IMAGE, &TARGETS_HEALTHY, &CERTIFICATE_VALID, &ROTATION_HAPPENED, &NO_CRITICAL_FINDINGS];

const DAY: i64 = 86_400;

struct Out(Vec<LiveFinding>);

impl Out {
    fn fail(&mut self, check: &'static LiveCheck, resource: &str, message: String) {
        self.0.push(LiveFinding { check, resource: resource.to_string(), message, undetermined: false });
    }
    fn undetermined(&mut self, check: &'static LiveCheck, resource: &str, message: String) {
        self.0.push(LiveFinding { check, resource: resource.to_string(), message, undetermined: true });
    }
}

/// Runs every live check at time `now` (seconds since the epoch).
pub fn run(raw: &Raw, now: i64) -> Vec<LiveFinding> {
    let mut out = Out(Vec::new());
    running_image(raw, &mut out);
    targets_healthy(raw, &mut out);
    certificates(raw, now, &mut out);
    rotation(raw, now, &mut out);
    scan_findings(raw, &mut out);
    out.0
}

/// The image each container of the service's task definition names, with the digest it pins
/// (by digest, or the tag's current digest in ECR).
fn expected_images(raw: &Raw) -> Vec<(String, String, Option<String>)> {
    let Some(td) = &raw.task_definition else {
        return Vec::new();
    };
    td.container_definitions()
        .iter()
        .filter_map(|c| {
            let image = c.image()?;
            let digest = match ecr_image(image) {
                Some((_, _, reference)) if reference.starts_with("sha256:") => Some(reference),
                Some((_, repo, reference)) => raw
                    .images
                    .iter()
                    .find(|(r, t, _)| *r == repo && *t == reference)
                    .and_then(|(_, _, d)| d.as_ref())
                    .and_then(|d| d.image_digest())
                    .map(str::to_string),
                None => image.split_once('@').map(|(_, d)| d.to_string()),
            };
            Some((c.name().unwrap_or_default().to_string(), image.to_string(), digest))
        })
        .collect()
}

fn running_image(raw: &Raw, out: &mut Out) {
    let Some(service) = &raw.service else { return };
    if !raw.tasks_read || raw.task_definition.is_none() {
        return; // Reported as not verified.
    }
    let arn = service.service_arn().unwrap_or_default();
    if raw.tasks.is_empty() {
        out.undetermined(
            &RUNNING_IMAGE,
            arn,
            format!("no task is running (desired {}): there is no running image to compare", service.desired_count()),
        );
        return;
    }
    let expected = expected_images(raw);
    for task in &raw.tasks {
        let task_arn = task.task_arn().unwrap_or(arn);
        for c in task.containers() {
            let name = c.name().unwrap_or_default();
            let Some((_, image, want)) = expected.iter().find(|(n, _, _)| n == name) else {
                continue;
            };
            match (c.image_digest(), want) {
                (Some(have), Some(want)) if have == want => {}
                (Some(have), Some(want)) => out.fail(
                    &RUNNING_IMAGE,
                    task_arn,
                    format!("container `{name}` runs {have}, but {image} now resolves to {want}"),
                ),
                (None, _) => out.undetermined(
                    &RUNNING_IMAGE,
                    task_arn,
                    format!("container `{name}` reports no image digest (still starting?)"),
                ),
                (Some(_), None) => out.undetermined(
                    &RUNNING_IMAGE,
                    task_arn,
                    format!("cannot resolve {image} to a digest in ECR, so the running digest cannot be compared"),
                ),
            }
        }
    }
}

fn targets_healthy(raw: &Raw, out: &mut Out) {
    let desired = raw.service.as_ref().map(|s| s.desired_count()).unwrap_or(0);
    for (tg, health) in &raw.target_health {
        if health.is_empty() {
            if desired > 0 {
                let running = raw.service.as_ref().map(|s| s.running_count()).unwrap_or(0);
                out.fail(
                    &TARGETS_HEALTHY,
                    tg,
                    format!(
                        "no target is registered ({running} of {desired} tasks running): the load balancer has nothing healthy to send traffic to"
                    ),
                );
            }
            continue;
        }
        let bad: Vec<String> = health
            .iter()
            .filter_map(|h| {
                let state = h.target_health().and_then(|t| t.state()).map(|s| s.as_str()).unwrap_or("unknown");
                if state == "healthy" {
                    return None;
                }
                let id = h.target().and_then(|t| t.id()).unwrap_or("?");
                let reason = h.target_health().and_then(|t| t.description()).unwrap_or("");
                Some(if reason.is_empty() { format!("{id} {state}") } else { format!("{id} {state} ({reason})") })
            })
            .collect();
        if !bad.is_empty() {
            out.fail(
                &TARGETS_HEALTHY,
                tg,
                format!("{} of {} targets not healthy: {}", bad.len(), health.len(), bad.join("; ")),
            );
        }
    }
}

fn certificates(raw: &Raw, now: i64, out: &mut Out) {
    for c in &raw.certificates {
        let arn = c.certificate_arn().unwrap_or_default();
        let status = c.status().map(|s| s.as_str()).unwrap_or("UNKNOWN");
        if status != "ISSUED" {
            out.fail(&CERTIFICATE_VALID, arn, format!("the certificate's status is {status}, not ISSUED"));
            continue;
        }
        match c.not_after() {
            None => out.undetermined(&CERTIFICATE_VALID, arn, "the certificate reports no expiry date".into()),
            Some(t) if t.secs() <= now => out.fail(&CERTIFICATE_VALID, arn, "the certificate has expired".into()),
            Some(t) if t.secs() - now < 30 * DAY => out.fail(
                &CERTIFICATE_VALID,
                arn,
                format!("the certificate expires in {} days (under 30)", (t.secs() - now) / DAY),
            ),
            Some(_) => {}
        }
    }
}

/// A rotation period in days: `N days`, `rate(N days)`, `rate(N hours)`; cron schedules at most
/// monthly are taken as 31 days.
pub fn period_days(days: Option<i64>, schedule: Option<&str>) -> Option<i64> {
    if let Some(d) = days {
        return Some(d);
    }
    let s = schedule?.trim();
    if let Some(inner) = s.strip_prefix("rate(").and_then(|x| x.strip_suffix(')')) {
        let mut parts = inner.split_whitespace();
        let n: i64 = parts.next()?.parse().ok()?;
        return match parts.next()? {
            "day" | "days" => Some(n),
            "hour" | "hours" => Some((n + 23) / 24),
            _ => None,
        };
    }
    if s.starts_with("cron(") {
        return Some(31);
    }
    None
}

fn rotation(raw: &Raw, now: i64, out: &mut Out) {
    let Some(td) = &raw.task_definition else { return };
    let mut seen: Vec<String> = Vec::new();
    for c in td.container_definitions() {
        for s in c.secrets().iter().filter(|s| s.name() != "MB_ENCRYPTION_SECRET_KEY") {
            let Some(id) = secret_id(s.value_from()) else { continue };
            let Some(secret) =
                raw.secrets.iter().find(|x| x.arn() == Some(id.as_str()) || x.name() == Some(id.as_str()))
            else {
                continue;
            };
            let arn = secret.arn().unwrap_or_default().to_string();
            if seen.contains(&arn) || secret.rotation_enabled() != Some(true) {
                continue; // Rotation off is MBD-SEC-006's finding.
            }
            seen.push(arn.clone());
            let rules = secret.rotation_rules();
            let Some(period) = period_days(
                rules.and_then(|r| r.automatically_after_days()),
                rules.and_then(|r| r.schedule_expression()),
            ) else {
                out.undetermined(&ROTATION_HAPPENED, &arn, "the rotation schedule cannot be read as a period".into());
                continue;
            };
            // A day of grace: rotation runs in a window, not at an exact time.
            let limit = (period + 1) * DAY;
            match (secret.last_rotated_date(), secret.created_date()) {
                (Some(last), _) if now - last.secs() > limit => out.fail(
                    &ROTATION_HAPPENED,
                    &arn,
                    format!(
                        "{} was last rotated {} days ago; its period is {period} days",
                        s.name(),
                        (now - last.secs()) / DAY
                    ),
                ),
                (Some(_), _) => {}
                (None, Some(created)) if now - created.secs() > limit => out.fail(
                    &ROTATION_HAPPENED,
                    &arn,
                    format!(
                        "{} has never been rotated, though created {} days ago with a {period}-day period",
                        s.name(),
                        (now - created.secs()) / DAY
                    ),
                ),
                (None, Some(_)) => {}
                (None, None) => out.undetermined(
                    &ROTATION_HAPPENED,
                    &arn,
                    format!("{}: neither a last rotation nor a creation date is reported", s.name()),
                ),
            }
        }
    }
}

fn scan_findings(raw: &Raw, out: &mut Out) {
    for (repo, reference, detail) in &raw.images {
        let resource = raw
            .repositories
            .iter()
            .find(|r| r.repository_name() == Some(repo.as_str()))
            .and_then(|r| r.repository_arn())
            .unwrap_or(repo.as_str());
        let Some(detail) = detail else {
            out.undetermined(
                &NO_CRITICAL_FINDINGS,
                resource,
                format!("image {repo}:{reference} is not in the repository: no scan result to read"),
            );
            continue;
        };
        let counts = detail.image_scan_findings_summary().and_then(|s| s.finding_severity_counts());
        match counts {
            Some(counts) => {
                let critical: i32 = counts.iter().filter(|(k, _)| k.as_str() == "CRITICAL").map(|(_, v)| *v).sum();
                if critical > 0 {
                    out.fail(
                        &NO_CRITICAL_FINDINGS,
                        resource,
                        format!("image {repo}:{reference} has {critical} CRITICAL finding(s)"),
                    );
                }
            }
            None => {
                let status = detail
                    .image_scan_status()
                    .and_then(|s| s.status())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "no scan".into());
                if status != "COMPLETE" {
                    out.undetermined(
                        &NO_CRITICAL_FINDINGS,
                        resource,
                        format!("image {repo}:{reference} has no scan result ({status})"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(period_days(Some(7), None), Some(7));
        assert_eq!(period_days(None, Some("rate(30 days)")), Some(30));
        assert_eq!(period_days(None, Some("rate(12 hours)")), Some(1));
        assert_eq!(period_days(None, Some("cron(0 3 ? * SUN *)")), Some(31));
        assert_eq!(period_days(None, Some("whenever")), None);
    }
}
