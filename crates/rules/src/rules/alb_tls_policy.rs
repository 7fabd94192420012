//! MBD-ALB-003: the HTTPS listener allows nothing older than TLS 1.2.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ALB-003",
        name: "alb-tls-policy",
        title: "The HTTPS listener's TLS policy must not allow TLS 1.0 or 1.1",
        severity: Severity::High,
        section: "§4 Application Security › HTTPS Access",
        rationale: "The document's example uses `ELBSecurityPolicy-2016-08`, which still accepts TLS 1.0 and 1.1 and \
                    CBC ciphers, deprecated by RFC 8996. It is also the provider's default when `ssl_policy` is unset.",
        remediation:
            "Set `ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"` (TLS 1.3 and 1.2 only), or a stricter \
                      TLS13 policy.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_lb_listener" "metabase_https" {
  port            = "443"
  protocol        = "HTTPS"
  ssl_policy      = "ELBSecurityPolicy-2016-08"
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
}
"#,
        good_example: r#"
resource "aws_lb_listener" "metabase_https" {
  port            = "443"
  protocol        = "HTTPS"
  ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
}
"#,
    },
    check,
};

/// Policies whose minimum protocol is TLS 1.2 or later.
pub fn is_modern(policy: &str) -> bool {
    ["TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"].iter().any(|m| policy.contains(m))
}

fn check(ctx: &mut Ctx) {
    for l in &ctx.d.listeners {
        if !l.protocol.get().map(|p| p.eq_ignore_ascii_case("HTTPS")).unwrap_or(false) {
            continue;
        }
        match l.ssl_policy.get() {
            Some(p) if is_modern(p) => {}
            Some(p) => ctx.fail(&l.meta.address, &l.ssl_policy.loc, format!("{p} allows TLS versions older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06")),
            None if l.ssl_policy.is_unknown() => ctx.undetermined(&l.meta.address, &l.ssl_policy.loc, "`ssl_policy` is not known before apply"),
            None => ctx.fail(&l.meta.address, &l.ssl_policy.loc, "no `ssl_policy`: the default ELBSecurityPolicy-2016-08 allows TLS 1.0; use ELBSecurityPolicy-TLS13-1-2-2021-06"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn names_the_replacement_and_points_at_the_policy() {
        let f = fails_once(&RULE, RULE.meta.bad_example);
        assert!(f.message.contains("ELBSecurityPolicy-TLS13-1-2-2021-06"));
        assert_eq!(f.line, 5);
    }
}
