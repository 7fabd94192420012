//! MBD-ALB-002: plain HTTP only redirects to HTTPS.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::Action;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ALB-002",
        name: "alb-http-redirects",
        title: "HTTP listeners must only redirect to HTTPS",
        severity: Severity::High,
        section: "§4 Application Security › HTTPS Access",
        rationale:
            "Port 80 stays open to the world so browsers typing the bare name find the site, but it must answer \
                    nothing except a redirect: a forward on port 80 serves Metabase unencrypted.",
        remediation: "Make the port-80 listener's `default_action` a `redirect` to protocol HTTPS, port 443, status \
                      HTTP_301, and remove forwarding rules from it.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_lb_listener" "http" {
  port     = 80
  protocol = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.metabase.arn
  }
}
"#,
        good_example: r#"
resource "aws_lb_listener" "http" {
  port     = 80
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
"#,
    },
    check,
};

fn redirects_to_https(a: &Action) -> bool {
    a.action_type == "redirect"
        && a.redirect_protocol.as_deref().map(|p| p.eq_ignore_ascii_case("HTTPS")).unwrap_or(false)
}

/// Responses that serve no application content (e.g. a fixed 403) are harmless on HTTP.
fn serves_nothing(a: &Action) -> bool {
    a.action_type == "fixed-response"
}

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    for l in &d.listeners {
        if !l.protocol.get().map(|p| p.eq_ignore_ascii_case("HTTP")).unwrap_or(false) {
            continue;
        }
        for a in &l.default_actions {
            if a.action_type.is_empty() {
                ctx.undetermined(&l.meta.address, &a.loc, "the default action's type is not known before apply");
            } else if !(redirects_to_https(a) || serves_nothing(a)) {
                ctx.fail(
                    &l.meta.address,
                    &a.loc,
                    format!("the HTTP listener's default action is `{}`, not a redirect to HTTPS", a.action_type),
                );
            }
        }
        for rule in
            d.listener_rules.iter().filter(|r| r.listener.as_deref().map(|k| l.meta.answers_to(k)).unwrap_or(false))
        {
            for a in rule
                .actions
                .iter()
                .filter(|a| !(redirects_to_https(a) || serves_nothing(a) || a.action_type.is_empty()))
            {
                ctx.fail(
                    &rule.meta.address,
                    &a.loc,
                    format!("a rule on the HTTP listener does `{}` instead of redirecting to HTTPS", a.action_type),
                );
            }
        }
    }
}
