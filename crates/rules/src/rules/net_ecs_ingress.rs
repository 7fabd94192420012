//! MBD-NET-007: ECS tasks accept traffic only from the ALB's group, on the container port.

use super::common::{alb_groups, container_port, ingress_only_from};
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-007",
        name: "ecs-ingress-from-alb-only",
        title: "ECS tasks must accept traffic only from the ALB's security group on port 3000",
        severity: Severity::High,
        section: "§1 Network Security › Security Groups (ECS Tasks)",
        rationale: "The document admits traffic to the tasks only from the ALB on port 3000. A CIDR source, another \
                    group or another port lets traffic reach Metabase without passing the ALB (and its TLS, header \
                    checks and WAF).",
        remediation: "Replace the ECS group's ingress with one rule: TCP 3000 with the ALB's security group as source \
                      (`referenced_security_group_id` / `source_security_group_id`), no CIDR blocks.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_security_group" "alb" {}
resource "aws_security_group" "ecs" {
  ingress {
    from_port   = 3000
    to_port     = 3000
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
resource "aws_lb" "metabase" { security_groups = [aws_security_group.alb.id] }
resource "aws_ecs_service" "metabase" {
  network_configuration { security_groups = [aws_security_group.ecs.id] }
}
"#,
        good_example: r#"
resource "aws_security_group" "alb" {}
resource "aws_security_group" "ecs" {}
resource "aws_vpc_security_group_ingress_rule" "ecs_from_alb" {
  security_group_id            = aws_security_group.ecs.id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 3000
  to_port                      = 3000
}
resource "aws_lb" "metabase" { security_groups = [aws_security_group.alb.id] }
resource "aws_ecs_service" "metabase" {
  network_configuration { security_groups = [aws_security_group.ecs.id] }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    let albs = alb_groups(d);
    for s in &d.ecs_services {
        let port = container_port(s);
        for key in &s.security_groups {
            let Some(g) = d.security_group(key) else {
                continue;
            };
            ingress_only_from(ctx, g, &albs, "the ALB's group", port);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn all_ports_from_the_alb_is_too_much() {
        let hcl = RULE.meta.good_example.replace("ip_protocol                  = \"tcp\"", "ip_protocol = \"-1\"");
        let f = fails_once(&RULE, &hcl);
        assert!(f.message.contains("all ports"), "{}", f.message);
    }
}
