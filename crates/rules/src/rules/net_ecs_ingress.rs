//! MBD-NET-007: ECS tasks accept traffic only from the ALB's group, on the container port.

use super::common::{alb_groups, container_port, group_name, is_one_of};
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
            for r in g.ingress() {
                if !r.cidrs.is_empty() {
                    ctx.fail(
                        &g.meta.address,
                        &r.loc,
                        format!(
                            "admits {} from CIDR {}: only the ALB's group may reach the tasks",
                            r.describe_ports(),
                            r.cidrs.join(", ")
                        ),
                    );
                    continue;
                }
                if r.self_referencing || !r.prefix_lists.is_empty() {
                    ctx.fail(
                        &g.meta.address,
                        &r.loc,
                        format!("admits {} from a source other than the ALB's group", r.describe_ports()),
                    );
                    continue;
                }
                for peer in r.peer_groups.iter().filter(|p| !is_one_of(&albs, p)) {
                    if albs.is_empty() && d.security_group(peer).is_none() {
                        ctx.undetermined(
                            &g.meta.address,
                            &r.loc,
                            format!("cannot tell whether `{peer}` is the ALB's group"),
                        );
                    } else {
                        ctx.fail(
                            &g.meta.address,
                            &r.loc,
                            format!("admits traffic from `{}`, which is not the ALB's group", group_name(d, peer)),
                        );
                    }
                }
                if r.ports_unknown || r.peer_unknown {
                    ctx.undetermined(
                        &g.meta.address,
                        &r.loc,
                        "an ingress rule's ports or source are not known before apply",
                    );
                } else if !r.is_exactly_port(port) {
                    ctx.fail(
                        &g.meta.address,
                        &r.loc,
                        format!("admits {}; only TCP {port} (Metabase) is needed", r.describe_ports()),
                    );
                }
            }
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
