//! MBD-NET-002: RDS runs in private subnets.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-002",
        name: "rds-private-subnets",
        title: "RDS must be placed in private subnets",
        severity: Severity::High,
        section: "§1 Network Security › VPC Configuration",
        rationale: "The document keeps RDS in the private subnets. A DB subnet group with a public subnet (or none, \
                    which means the default VPC's public subnets) lets a later `publicly_accessible = true` expose \
                    the database to the internet.",
        remediation: "Give the instance a `db_subnet_group_name` whose subnets are the private ones (routed through \
                      NAT, not an internet gateway).",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  engine = "postgres"
}
"#,
        good_example: r#"
resource "aws_subnet" "private" { cidr_block = "10.0.1.0/24" }
resource "aws_route_table" "private" {}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_db_subnet_group" "metabase" {
  subnet_ids = [aws_subnet.private.id]
}
resource "aws_db_instance" "metabase" {
  engine               = "postgres"
  db_subnet_group_name = aws_db_subnet_group.metabase.name
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for db in &d.db_instances {
        let Some(key) = &db.subnet_group else {
            ctx.fail(
                &db.meta.address,
                &db.meta.loc,
                "no `db_subnet_group_name`: the database goes into the default VPC, whose subnets are public",
            );
            continue;
        };
        let Some(group) = d.db_subnet_group(key) else {
            ctx.undetermined(
                &db.meta.address,
                &db.meta.loc,
                format!("DB subnet group `{key}` is not in this configuration"),
            );
            continue;
        };
        let mut undecided = group.subnets_unknown;
        for s in &group.subnets {
            match d.subnet_is_public(s) {
                Some(true) => ctx.fail(
                    &group.meta.address,
                    &group.meta.loc,
                    format!("subnet `{s}` routes to an internet gateway: it is public"),
                ),
                Some(false) => {}
                None => undecided = true,
            }
        }
        if undecided {
            ctx.undetermined(
                &group.meta.address,
                &group.meta.loc,
                "cannot tell whether all subnets of the DB subnet group are private",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn a_public_subnet_in_the_group_is_named() {
        let hcl = r#"
resource "aws_internet_gateway" "gw" {}
resource "aws_subnet" "pub" {}
resource "aws_route_table" "pub" {
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table_association" "pub" {
  subnet_id      = aws_subnet.pub.id
  route_table_id = aws_route_table.pub.id
}
resource "aws_db_subnet_group" "g" { subnet_ids = [aws_subnet.pub.id] }
resource "aws_db_instance" "db" { db_subnet_group_name = aws_db_subnet_group.g.id }
"#;
        let f = fails_once(&RULE, hcl);
        assert_eq!(f.resource, "aws_db_subnet_group.g");
    }
}
