//! MBD-NET-006: the ALB's group is open to the world only on 80 and 443.

use super::common::alb_groups;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-006",
        name: "alb-world-only-web",
        title: "The ALB security group may be open to the internet only on ports 80 and 443",
        severity: Severity::High,
        section: "§1 Network Security › Security Groups (ALB)",
        rationale: "The ALB is the only internet-facing component: it needs 80 (to redirect) and 443 from anywhere, \
                    nothing else. Any other port open to 0.0.0.0/0 or ::/0 exposes whatever listens there.",
        remediation:
            "Limit the ALB group's world-open ingress to TCP 80 and 443; reach anything else through a VPN or \
                      a bastion-free path such as SSM.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_security_group" "alb" {
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_lb" "metabase" { security_groups = [aws_security_group.alb.id] }
"#,
        good_example: r#"
resource "aws_security_group" "alb" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}
resource "aws_lb" "metabase" { security_groups = [aws_security_group.alb.id] }
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for g in alb_groups(ctx.d) {
        for r in g.ingress().filter(|r| r.open_to_world()) {
            if r.ports_unknown {
                ctx.undetermined(
                    &g.meta.address,
                    &r.loc,
                    "a rule open to the internet has ports not known before apply",
                );
            } else if !(r.is_exactly_port(80) || r.is_exactly_port(443)) {
                ctx.fail(
                    &g.meta.address,
                    &r.loc,
                    format!(
                        "{} is open to {}",
                        r.describe_ports(),
                        r.world_cidrs().cloned().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn port_80_open_to_the_world_is_the_intended_design() {
        passes(&RULE, "resource \"aws_security_group\" \"alb\" {}\nresource \"aws_vpc_security_group_ingress_rule\" \"http\" {\n  security_group_id = aws_security_group.alb.id\n  ip_protocol = \"tcp\"\n  from_port = 80\n  to_port = 80\n  cidr_ipv4 = \"0.0.0.0/0\"\n}\nresource \"aws_lb\" \"l\" { security_groups = [aws_security_group.alb.id] }\n");
    }

    #[test]
    fn a_standalone_rule_is_located_at_its_resource() {
        let f = fails_once(&RULE, "resource \"aws_security_group\" \"alb\" {}\nresource \"aws_security_group_rule\" \"ssh\" {\n  type = \"ingress\"\n  security_group_id = aws_security_group.alb.id\n  protocol = \"tcp\"\n  from_port = 22\n  to_port = 22\n  cidr_blocks = [\"0.0.0.0/0\"]\n}\nresource \"aws_lb\" \"l\" { security_groups = [aws_security_group.alb.id] }\n");
        assert_eq!(f.line, 2);
        assert!(f.message.contains("port 22"));
    }
}
