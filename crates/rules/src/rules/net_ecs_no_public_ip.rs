//! MBD-NET-010: ECS tasks get no public IP.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-010",
        name: "ecs-no-public-ip",
        title: "ECS tasks must not get a public IP",
        severity: Severity::High,
        section: "§1 Network Security › ECS IP Management",
        rationale: "A task with a public IP can be reached from the internet directly, bypassing the ALB \
                    and its security group. The document requires `assign_public_ip = false`.",
        remediation: "Set `assign_public_ip = false` in the service's `network_configuration` and place \
                      the tasks in private subnets that reach the internet through a NAT gateway.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_service" "metabase" {
  name = "metabase-prod"
  network_configuration {
    subnets          = ["subnet-1"]
    assign_public_ip = true
  }
}
"#,
        good_example: r#"
resource "aws_ecs_service" "metabase" {
  name = "metabase-prod"
  network_configuration {
    subnets          = ["subnet-1"]
    assign_public_ip = false
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for s in &ctx.d.ecs_services {
        match s.assign_public_ip.get() {
            Some(true) => ctx.fail(
                &s.meta.address,
                &s.assign_public_ip.loc,
                "`assign_public_ip` is true: every task gets a public IP",
            ),
            Some(false) => {}
            None if s.assign_public_ip.is_unknown() => ctx.undetermined(
                &s.meta.address,
                &s.assign_public_ip.loc,
                "`assign_public_ip` is not known before apply",
            ),
            // Unset defaults to false for awsvpc services.
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn points_at_the_attribute() {
        let f = fails_once(&RULE, RULE.meta.bad_example);
        assert_eq!((f.line, f.resource.as_str()), (6, "aws_ecs_service.metabase"));
    }

    #[test]
    fn unset_is_the_secure_default() {
        passes(&RULE, "resource \"aws_ecs_service\" \"s\" {\n network_configuration {\n subnets = [\"a\"]\n }\n}\n");
    }

    #[test]
    fn a_variable_is_evaluated() {
        let f = fails_once(
            &RULE,
            "variable \"public\" {\n default = true\n}\nresource \"aws_ecs_service\" \"s\" {\n network_configuration {\n subnets = [\"a\"]\n assign_public_ip = var.public\n }\n}\n",
        );
        assert_eq!(f.line, 7);
    }
}
