//! MBD-ALB-004: the ALB drops invalid HTTP headers.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ALB-004",
        name: "alb-drop-invalid-headers",
        title: "The ALB must drop invalid HTTP header fields",
        severity: Severity::Medium,
        section: "§4 Application Security",
        rationale: "Headers with invalid names are a vector for request smuggling and header injection against the \
                    application behind the ALB. The ALB forwards them unless told otherwise.",
        remediation: "Set `drop_invalid_header_fields = true` on the `aws_lb`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_lb" "metabase" {
  load_balancer_type = "application"
}
"#,
        good_example: r#"
resource "aws_lb" "metabase" {
  load_balancer_type         = "application"
  drop_invalid_header_fields = true
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for lb in &ctx.d.load_balancers {
        if lb.lb_type.get().map(|t| t != "application").unwrap_or(false) {
            continue;
        }
        match lb.drop_invalid_header_fields.get() {
            Some(true) => {}
            _ if lb.drop_invalid_header_fields.is_unknown() => ctx.undetermined(
                &lb.meta.address,
                &lb.drop_invalid_header_fields.loc,
                "`drop_invalid_header_fields` is not known before apply",
            ),
            _ => ctx.fail(
                &lb.meta.address,
                &lb.drop_invalid_header_fields.loc,
                "`drop_invalid_header_fields` is not true",
            ),
        }
    }
}
