//! MBD-RDS-006: deletion protection and a final snapshot.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-006",
        name: "rds-deletion-protection",
        title: "RDS must have deletion protection and take a final snapshot",
        severity: Severity::Medium,
        section: "§3 Data Protection; Best Practices › automated RDS backups",
        rationale: "Automated backups are deleted with the instance. Deletion protection stops an accidental \
                    `terraform destroy` or a replacement; a final snapshot keeps the data if deletion is intended.",
        remediation: "Set `deletion_protection = true`, `skip_final_snapshot = false` and a \
                      `final_snapshot_identifier`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  skip_final_snapshot = true
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "metabase-prod-final"
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for db in &ctx.d.db_instances {
        match db.deletion_protection.get() {
            Some(true) => {}
            _ if db.deletion_protection.is_unknown() => ctx.undetermined(
                &db.meta.address,
                &db.deletion_protection.loc,
                "`deletion_protection` is not known before apply",
            ),
            _ => ctx.fail(&db.meta.address, &db.deletion_protection.loc, "`deletion_protection` is not enabled"),
        }
        if db.skip_final_snapshot.get() == Some(&true) {
            ctx.fail(
                &db.meta.address,
                &db.skip_final_snapshot.loc,
                "`skip_final_snapshot` is true: deleting the instance keeps no copy",
            );
        }
    }
}
