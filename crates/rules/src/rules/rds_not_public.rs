//! MBD-RDS-004: RDS is not publicly accessible.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-004",
        name: "rds-not-public",
        title: "RDS must not be publicly accessible",
        severity: Severity::Critical,
        section: "§1 Network Security › VPC Configuration; §3 Data Protection",
        rationale:
            "A publicly accessible instance gets a public DNS name and IP; together with a permissive group the \
                    database faces the internet's password guessing.",
        remediation: "Set `publicly_accessible = false` (the default) and keep the instance in private subnets.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  publicly_accessible = true
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  publicly_accessible = false
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for db in &ctx.d.db_instances {
        if db.publicly_accessible.get() == Some(&true) {
            ctx.fail(&db.meta.address, &db.publicly_accessible.loc, "`publicly_accessible` is true");
        } else if db.publicly_accessible.is_unknown() {
            ctx.undetermined(
                &db.meta.address,
                &db.publicly_accessible.loc,
                "`publicly_accessible` is not known before apply",
            );
        }
    }
}
