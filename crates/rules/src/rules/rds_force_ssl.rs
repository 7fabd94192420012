//! MBD-RDS-002: the database refuses unencrypted connections.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::deployment::Field;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-RDS-002",
        name: "rds-force-ssl",
        title: "RDS must require TLS (`rds.force_ssl = 1` in its parameter group)",
        severity: Severity::High,
        section: "§3 Data Protection › RDS Encryption (SSL/TLS in transit)",
        rationale: "The document requires TLS in transit. Without `rds.force_ssl`, a client that does not ask for TLS \
                    (a misconfigured Metabase, a debugging session) sends credentials and data in clear text inside \
                    the VPC.",
        remediation: "Create an `aws_db_parameter_group` for the engine family with parameter `rds.force_ssl = 1` and \
                      set it as the instance's `parameter_group_name`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_parameter_group" "metabase" {
  family = "postgres16"
}
resource "aws_db_instance" "metabase" {
  engine               = "postgres"
  parameter_group_name = aws_db_parameter_group.metabase.name
}
"#,
        good_example: r#"
resource "aws_db_parameter_group" "metabase" {
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
resource "aws_db_instance" "metabase" {
  engine               = "postgres"
  parameter_group_name = aws_db_parameter_group.metabase.name
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for db in &d.db_instances {
        let engine = db.engine.get().map(|e| e.to_ascii_lowercase()).unwrap_or_default();
        if !engine.is_empty() && !engine.contains("postgres") {
            continue;
        }
        let Some(key) = &db.parameter_group else {
            ctx.fail(
                &db.meta.address,
                &db.meta.loc,
                "no parameter group: TLS is not enforced explicitly (set `rds.force_ssl = 1`)",
            );
            continue;
        };
        let Some(group) = d.db_parameter_group(key) else {
            ctx.undetermined(
                &db.meta.address,
                &db.meta.loc,
                format!("parameter group `{key}` is not in this configuration"),
            );
            continue;
        };
        match group.parameters.iter().rev().find(|p| p.name == "rds.force_ssl") {
            Some(p) => match &p.value {
                Field::Set(v) if v == "1" => {}
                Field::Unknown => {
                    ctx.undetermined(&group.meta.address, &p.loc, "`rds.force_ssl` is not known before apply")
                }
                _ => ctx.fail(&group.meta.address, &p.loc, "`rds.force_ssl` is not 1"),
            },
            None => {
                ctx.fail(&group.meta.address, &group.meta.loc, "the parameter group does not set `rds.force_ssl = 1`")
            }
        }
    }
}
