//! MBD-NET-008: RDS accepts traffic only from the ECS tasks' group, on the database port.

use super::common::{ecs_groups, ingress_only_from};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-008",
        name: "rds-ingress-from-ecs-only",
        title: "RDS must accept traffic only from the ECS tasks' security group on port 5432",
        severity: Severity::High,
        section: "§1 Network Security › Security Groups (RDS)",
        rationale: "The document's RDS group admits only the ECS tasks on 5432. A CIDR range or another group widens \
                    who can try the database's credentials.",
        remediation: "Give the RDS group one ingress rule: TCP 5432 with the ECS tasks' security group as source, no \
                      CIDR blocks.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_security_group" "rds" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
resource "aws_db_instance" "metabase" { vpc_security_group_ids = [aws_security_group.rds.id] }
"#,
        good_example: r#"
resource "aws_security_group" "ecs" {}
resource "aws_security_group" "rds" {}
resource "aws_vpc_security_group_ingress_rule" "rds_from_ecs" {
  security_group_id            = aws_security_group.rds.id
  referenced_security_group_id = aws_security_group.ecs.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}
resource "aws_ecs_service" "metabase" {
  network_configuration { security_groups = [aws_security_group.ecs.id] }
}
resource "aws_db_instance" "metabase" { vpc_security_group_ids = [aws_security_group.rds.id] }
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    let ecs = ecs_groups(d);
    for db in &d.db_instances {
        let port = db.port.get().copied().unwrap_or(5432);
        for key in &db.security_groups {
            let Some(g) = d.security_group(key) else {
                continue;
            };
            ingress_only_from(ctx, g, &ecs, "the ECS tasks' group", port);
        }
    }
}
