//! MBD-ALB-001: the ALB serves HTTPS on 443 with a certificate.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ALB-001",
        name: "alb-https-listener",
        title: "The internet-facing ALB must have an HTTPS listener on 443 with an ACM certificate",
        severity: Severity::High,
        section: "§4 Application Security › HTTPS Access",
        rationale: "Over plain HTTP, Metabase session cookies, passwords typed at login and every query result cross \
                    the internet in clear text. The document requires HTTPS on 443 with ACM for production.",
        remediation: "Add an `aws_lb_listener` with port 443, protocol HTTPS, `certificate_arn` (ACM) and a TLS 1.2+ \
                      `ssl_policy`, forwarding to the target group; make port 80 redirect to it.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_lb" "metabase" {}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.metabase.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.metabase.arn
  }
}
"#,
        good_example: r#"
resource "aws_lb" "metabase" {}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.metabase.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate.metabase.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.metabase.arn
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for lb in &d.load_balancers {
        if lb.internal.get() == Some(&true) {
            continue;
        }
        if lb.lb_type.get().map(|t| t != "application").unwrap_or(false) {
            continue;
        }
        let listeners: Vec<_> = d
            .listeners
            .iter()
            .filter(|l| l.load_balancer.as_deref().map(|k| lb.meta.answers_to(k)).unwrap_or(false))
            .collect();
        let https =
            listeners.iter().find(|l| l.protocol.get().map(|p| p.eq_ignore_ascii_case("HTTPS")).unwrap_or(false));
        match https {
            None if listeners.iter().any(|l| l.protocol.is_unknown()) => {
                ctx.undetermined(&lb.meta.address, &lb.meta.loc, "a listener's protocol is not known before apply")
            }
            None => ctx.fail(&lb.meta.address, &lb.meta.loc, "no HTTPS listener: Metabase is served over plain HTTP"),
            Some(l) => {
                if l.port.get().map(|p| *p != 443).unwrap_or(false) {
                    ctx.fail(
                        &l.meta.address,
                        &l.port.loc,
                        format!("the HTTPS listener is on port {}, not 443", l.port.get().unwrap()),
                    );
                }
                if l.certificate.is_unset() {
                    ctx.fail(&l.meta.address, &l.meta.loc, "the HTTPS listener has no `certificate_arn`");
                }
            }
        }
    }
}
