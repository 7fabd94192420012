//! MBD-RDS-005: automated backups kept at least 7 days.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-005",
        name: "rds-backup-retention",
        title: "RDS automated backups must be kept for at least 7 days",
        severity: Severity::Medium,
        section: "Best Practices › Enable automated RDS backups",
        rationale: "The document sets `backup_retention_period = 7`. Shorter retention (the default is 1 day, 0 \
                    disables backups) leaves no point-in-time restore for a mistake noticed after a weekend.",
        remediation: "Set `backup_retention_period = 7` or more.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  backup_retention_period = 1
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  backup_retention_period = 7
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for db in &ctx.d.db_instances {
        match db.backup_retention_period.or_default(1) {
            Some(days) if days >= 7 => {}
            Some(days) if db.backup_retention_period.is_unset() => ctx.fail(
                &db.meta.address,
                &db.backup_retention_period.loc,
                format!("`backup_retention_period` is not set (RDS keeps {days} day)"),
            ),
            Some(days) => ctx.fail(
                &db.meta.address,
                &db.backup_retention_period.loc,
                format!("`backup_retention_period` is {days} days, under 7"),
            ),
            None => ctx.undetermined(
                &db.meta.address,
                &db.backup_retention_period.loc,
                "`backup_retention_period` is not known before apply",
            ),
        }
    }
}
