//! MBD-NET-001: ECS tasks run in private subnets.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-001",
        name: "ecs-private-subnets",
        title: "ECS tasks must run in private subnets",
        severity: Severity::High,
        section: "§1 Network Security › VPC Configuration",
        rationale:
            "The document places ECS tasks in the private subnets (10.0.1-3.0/24) with no direct internet access. \
                    A subnet whose route table sends traffic to an internet gateway is public: a task there is one \
                    setting away from being reachable from the internet.",
        remediation:
            "Use the private subnets for the service's `network_configuration.subnets`: subnets whose default \
                      route goes to a NAT gateway, not an internet gateway.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_internet_gateway" "gw" {}
resource "aws_subnet" "public" { cidr_block = "10.0.101.0/24" }
resource "aws_route_table" "public" {
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.public.id]
  }
}
"#,
        good_example: r#"
resource "aws_nat_gateway" "nat" {}
resource "aws_subnet" "private" { cidr_block = "10.0.1.0/24" }
resource "aws_route_table" "private" {
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.private.id]
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for s in &d.ecs_services {
        let mut undecided = Vec::new();
        for key in &s.subnets {
            match d.subnet_is_public(key) {
                Some(true) => ctx.fail(
                    &s.meta.address,
                    &s.network_configuration.loc,
                    format!("subnet `{key}` routes to an internet gateway: it is public"),
                ),
                Some(false) => {}
                None => undecided.push(key.clone()),
            }
        }
        if s.subnets_unknown || !undecided.is_empty() {
            let what = if undecided.is_empty() { "some subnets".to_string() } else { undecided.join(", ") };
            ctx.undetermined(
                &s.meta.address,
                &s.network_configuration.loc,
                format!("cannot tell whether {what} are private: their route tables are not in this configuration"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn names_the_public_subnet() {
        let f = fails_once(&RULE, RULE.meta.bad_example);
        assert!(f.message.contains("aws_subnet.public"));
        assert_eq!(f.line, 15);
    }

    #[test]
    fn subnets_passed_in_by_id_are_undetermined() {
        let f = findings_of(&RULE, "resource \"aws_ecs_service\" \"s\" {\n  network_configuration {\n    subnets = [\"subnet-0abc\"]\n  }\n}\n");
        assert_eq!(statuses(&f), vec![crate::Status::Undetermined]);
    }
}
