//! Runs the rules over a deployment: disabled rules, inline suppressions, load issues.

use crate::rules;
use crate::{Ctx, Finding, Rule, RuleMeta, Severity, Status};
use mbdeploy_model::{Deployment, SourceKind, Suppression};

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rule ids (or names) not to run.
    pub disabled: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Findings that stand (not suppressed), sorted by severity then location.
    pub findings: Vec<Finding>,
    /// Findings an inline suppression covers, with its reason.
    pub suppressed: Vec<Finding>,
    /// Rules that ran.
    pub rules_run: usize,
}

/// Meta-rules the engine itself reports: they are in the registry so they can be listed,
/// explained and disabled like any other.
pub static SUPPRESSION_WITHOUT_REASON: &str = "MBD-SUP-001";
pub static SUPPRESSION_UNKNOWN_RULE: &str = "MBD-SUP-002";

fn rule_matches(rule: &RuleMeta, key: &str) -> bool {
    rule.id.eq_ignore_ascii_case(key) || rule.name.eq_ignore_ascii_case(key)
}

/// Runs every enabled rule that applies to this kind of source.
pub fn run(d: &Deployment, options: &Options) -> Outcome {
    let mut raw = Vec::new();
    let mut rules_run = 0;
    for rule in rules::all() {
        if options.disabled.iter().any(|k| rule_matches(&rule.meta, k)) {
            continue;
        }
        if d.source == SourceKind::Live && rule.meta.applies == crate::Applies::TerraformOnly {
            continue;
        }
        rules_run += 1;
        run_one(rule, d, &mut raw);
    }
    let mut outcome = Outcome { rules_run, ..Outcome::default() };
    for mut finding in raw {
        match covering_suppression(&d.suppressions, &finding) {
            Some(s) => {
                finding.suppressed = s.reason.clone();
                outcome.suppressed.push(finding);
            }
            None => outcome.findings.push(finding),
        }
    }
    sort(&mut outcome.findings);
    sort(&mut outcome.suppressed);
    outcome
}

fn run_one(rule: &'static Rule, d: &Deployment, out: &mut Vec<Finding>) {
    let mut ctx = Ctx::new(d, &rule.meta, out);
    (rule.check)(&mut ctx);
}

/// A suppression covers a finding of its rule on the block it stands on or above. One without a
/// reason covers nothing (and is itself reported by MBD-SUP-001).
fn covering_suppression<'a>(suppressions: &'a [Suppression], f: &Finding) -> Option<&'a Suppression> {
    if f.rule_id == SUPPRESSION_WITHOUT_REASON || f.rule_id == SUPPRESSION_UNKNOWN_RULE {
        return None;
    }
    suppressions.iter().find(|s| {
        s.reason.is_some()
            && (s.rule_id.eq_ignore_ascii_case(&f.rule_id) || s.rule_id.eq_ignore_ascii_case(&f.rule_name))
            && (s.target_address.as_deref().map(|a| covers_address(a, &f.resource)).unwrap_or(false)
                || (s.loc.file.as_deref() == f.file.as_deref()
                    && f.line >= s.target_first_line
                    && f.line <= s.target_last_line))
    })
}

/// `aws_lb.x` covers `aws_lb.x` and its instances (`aws_lb.x[0]`); `module.m` covers everything
/// in that module call.
fn covers_address(target: &str, resource: &str) -> bool {
    match resource.strip_prefix(target) {
        Some(rest) => {
            rest.is_empty() || rest.starts_with('[') || (target.starts_with("module.") && rest.starts_with('.'))
        }
        None => false,
    }
}

/// Whether `id` names a rule (by id or name).
pub fn is_known_rule(id: &str) -> bool {
    rules::all().iter().any(|r| rule_matches(&r.meta, id))
}

/// Looks a rule up by id or name.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    rules::all().iter().copied().find(|r| rule_matches(&r.meta, id))
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((a.status == Status::Undetermined).cmp(&(b.status == Status::Undetermined)))
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
            .then(a.rule_id.cmp(&b.rule_id))
    });
}

/// Counts findings per severity (for summaries).
pub fn counts(findings: &[Finding]) -> [(Severity, usize); 4] {
    Severity::ALL.map(|s| (s, findings.iter().filter(|f| f.severity == s && f.status == Status::Fail).count()))
}

#[cfg(test)]
mod tests {
    use super::covers_address;

    #[test]
    fn suppression_targets() {
        assert!(covers_address("aws_lb.x", "aws_lb.x"));
        assert!(covers_address("aws_lb.x", "aws_lb.x[0]"));
        assert!(!covers_address("aws_lb.x", "aws_lb.xy"));
        assert!(covers_address("module.m", "module.m.aws_lb.x"));
        assert!(covers_address("module.m", "module.m[\"a\"].aws_lb.x"));
        assert!(!covers_address("module.m", "module.mm.aws_lb.x"));
        assert!(!covers_address("aws_lb.x", "aws_lb.x.y"));
    }
}
