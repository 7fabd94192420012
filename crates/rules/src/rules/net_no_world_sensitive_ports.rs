//! MBD-NET-009: no group opens SSH, RDP, PostgreSQL or Metabase's port to the internet.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-009",
        name: "no-world-sensitive-ports",
        title: "No security group may open 22, 3389, 5432 or 3000 to the internet",
        severity: Severity::Critical,
        section: "§1 Network Security › Security Groups",
        rationale: "SSH, RDP, PostgreSQL and Metabase's own port (3000, which bypasses the ALB) open to 0.0.0.0/0 or \
                    ::/0 are scanned and attacked within minutes of creation.",
        remediation: "Remove the world-open rule; admit these ports only from the security group that needs them \
                      (ECS → RDS on 5432, ALB → ECS on 3000) and use SSM Session Manager instead of SSH/RDP.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_security_group" "rds" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#,
        good_example: r#"
resource "aws_security_group" "alb" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#,
    },
    check,
};

const SENSITIVE_PORTS: &[(i64, &str)] = &[(22, "SSH"), (3389, "RDP"), (5432, "PostgreSQL"), (3000, "Metabase")];

fn check(ctx: &mut Ctx) {
    for g in &ctx.d.security_groups {
        for r in g.ingress().filter(|r| r.open_to_world()) {
            let exposed: Vec<String> =
                SENSITIVE_PORTS.iter().filter(|(p, _)| r.covers_port(*p)).map(|(p, n)| format!("{p} ({n})")).collect();
            if !exposed.is_empty() {
                ctx.fail(
                    &g.meta.address,
                    &r.loc,
                    format!(
                        "{} open to {} exposes {}",
                        r.describe_ports(),
                        r.world_cidrs().cloned().collect::<Vec<_>>().join(", "),
                        exposed.join(", ")
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
    fn all_traffic_from_ipv6_anywhere_is_caught() {
        let f = fails_once(&RULE, "resource \"aws_security_group\" \"g\" {}\nresource \"aws_vpc_security_group_ingress_rule\" \"all\" {\n  security_group_id = aws_security_group.g.id\n  ip_protocol = \"-1\"\n  cidr_ipv6 = \"::/0\"\n}\n");
        assert!(f.message.contains("22 (SSH)") && f.message.contains("::/0"));
    }
}
