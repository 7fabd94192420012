//! MBD-SUP-001 and MBD-SUP-002: suppressions must name a rule and give a reason.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static WITHOUT_REASON: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SUP-001",
        name: "suppression-without-reason",
        title: "An inline suppression must give a reason",
        severity: Severity::Medium,
        section: "§6 Terraform Security (audit regularly)",
        rationale: "A suppression hides a finding from every later review. The reason is what lets a reviewer decide \
                    whether it still holds; without one the suppression is ignored and reported.",
        remediation: "Write `# mbdeploy:ignore RULE-ID <why this is acceptable here>`.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
# mbdeploy:ignore MBD-RDS-004
resource "aws_db_instance" "metabase" {}
"#,
        good_example: r#"
# mbdeploy:ignore MBD-RDS-004 reporting replica, reachable only through the VPN's fixed range
resource "aws_db_instance" "metabase" {}
"#,
    },
    check: check_reason,
};

pub static UNKNOWN_RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-SUP-002",
        name: "suppression-unknown-rule",
        title: "An inline suppression must name an existing rule",
        severity: Severity::Low,
        section: "§6 Terraform Security (audit regularly)",
        rationale:
            "A suppression naming a rule that does not exist (a typo, a renamed rule) suppresses nothing, while \
                    its author believes otherwise.",
        remediation: "Use an id from `mbdeploy rules`, e.g. MBD-NET-010.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
# mbdeploy:ignore MBD-NOPE-999 typo
resource "aws_db_instance" "metabase" {}
"#,
        good_example: r#"
# mbdeploy:ignore MBD-RDS-004 reporting replica, reachable only through the VPN's fixed range
resource "aws_db_instance" "metabase" {}
"#,
    },
    check: check_known,
};

fn check_reason(ctx: &mut Ctx) {
    for s in ctx.d.suppressions.iter().filter(|s| s.reason.is_none()) {
        let resource = s.target_address.clone().unwrap_or_else(|| "(suppression)".into());
        ctx.fail(&resource, &s.loc, format!("suppression of {} gives no reason, so it is ignored", s.rule_id));
    }
}

fn check_known(ctx: &mut Ctx) {
    for s in ctx.d.suppressions.iter().filter(|s| !crate::engine::is_known_rule(&s.rule_id)) {
        let resource = s.target_address.clone().unwrap_or_else(|| "(suppression)".into());
        let shown = if s.rule_id.is_empty() { "(none)" } else { s.rule_id.as_str() };
        ctx.fail(&resource, &s.loc, format!("suppression names rule `{shown}`, which does not exist"));
    }
}
