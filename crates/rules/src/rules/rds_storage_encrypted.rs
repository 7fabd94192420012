//! MBD-RDS-001: RDS storage is encrypted.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-001",
        name: "rds-storage-encrypted",
        title: "RDS storage must be encrypted at rest",
        severity: Severity::High,
        section: "§3 Data Protection › RDS Encryption",
        rationale: "Metabase's application database holds users, saved questions and the connection details of every \
                    data source. The document requires encryption at rest; it can only be enabled when the instance \
                    is created (the provider default is off).",
        remediation: "Set `storage_encrypted = true` (and `kms_key_id` for a customer-managed key). For an existing \
                      instance: snapshot, copy the snapshot with encryption, restore.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  engine = "postgres"
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  engine            = "postgres"
  storage_encrypted = true
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for db in &ctx.d.db_instances {
        match db.storage_encrypted.get() {
            Some(true) => {}
            Some(false) => ctx.fail(&db.meta.address, &db.storage_encrypted.loc, "`storage_encrypted` is false"),
            None if db.storage_encrypted.is_unknown() => ctx.undetermined(
                &db.meta.address,
                &db.storage_encrypted.loc,
                "`storage_encrypted` is not known before apply",
            ),
            None => ctx.fail(
                &db.meta.address,
                &db.storage_encrypted.loc,
                "`storage_encrypted` is not set (the default is unencrypted)",
            ),
        }
    }
}
