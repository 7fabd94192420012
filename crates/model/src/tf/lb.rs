//! Load balancers, listeners, listener rules and target groups.

use super::*;

pub(super) fn build(rs: &[&TfResource], d: &mut Deployment) {
    for r in of_type(rs, &["aws_lb", "aws_alb"]) {
        let v = &r.values;
        let access_logs = match first_block(v, "access_logs") {
            None => Attr::unset(r.loc.clone()),
            Some(b) => match field(b, "enabled") {
                Some(e) => attr_bool(b, "enabled", &b.loc).or_set_loc(&e.loc),
                None => Attr::set(true, b.loc.clone()),
            },
        };
        d.load_balancers.push(LoadBalancer {
            meta: r.meta(),
            name: attr_string(v, "name", &r.loc),
            internal: attr_bool(v, "internal", &r.loc),
            lb_type: attr_string(v, "load_balancer_type", &r.loc),
            security_groups: keys_of(field(v, "security_groups")),
            subnets: keys_of(field(v, "subnets")),
            drop_invalid_header_fields: attr_bool(v, "drop_invalid_header_fields", &r.loc),
            deletion_protection: attr_bool(v, "enable_deletion_protection", &r.loc),
            access_logs,
        });
    }
    for r in of_type(rs, &["aws_lb_listener", "aws_alb_listener"]) {
        let v = &r.values;
        d.listeners.push(Listener {
            meta: r.meta(),
            load_balancer: key_of(field(v, "load_balancer_arn")),
            port: attr_i64(v, "port", &r.loc),
            protocol: attr_string(v, "protocol", &r.loc),
            ssl_policy: attr_string(v, "ssl_policy", &r.loc),
            certificate: attr_string(v, "certificate_arn", &r.loc),
            default_actions: v.blocks("default_action").into_iter().map(action).collect(),
        });
    }
    for r in of_type(rs, &["aws_lb_listener_rule", "aws_alb_listener_rule"]) {
        d.listener_rules.push(ListenerRule {
            meta: r.meta(),
            listener: key_of(field(&r.values, "listener_arn")),
            actions: r.values.blocks("action").into_iter().map(action).collect(),
        });
    }
    for r in of_type(rs, &["aws_lb_target_group", "aws_alb_target_group"]) {
        let v = &r.values;
        let (path, matcher, enabled) = match first_block(v, "health_check") {
            Some(h) => {
                (attr_string(h, "path", &h.loc), attr_string(h, "matcher", &h.loc), attr_bool(h, "enabled", &h.loc))
            }
            None => (Attr::unset(r.loc.clone()), Attr::unset(r.loc.clone()), Attr::unset(r.loc.clone())),
        };
        d.target_groups.push(TargetGroup {
            meta: r.meta(),
            port: attr_i64(v, "port", &r.loc),
            protocol: attr_string(v, "protocol", &r.loc),
            target_type: attr_string(v, "target_type", &r.loc),
            health_check_path: path,
            health_check_matcher: matcher,
            health_check_enabled: enabled,
        });
    }
}

fn action(b: &Value) -> Action {
    let mut target_groups = keys_of(field(b, "target_group_arn"));
    if let Some(fwd) = first_block(b, "forward") {
        for tg in fwd.blocks("target_group") {
            target_groups.extend(keys_of(field(tg, "arn")));
        }
    }
    let redirect = first_block(b, "redirect");
    let text = |v: Option<&Value>, key: &str| v.and_then(|r| field(r, key)).and_then(Value::to_template_string);
    Action {
        loc: b.loc.clone(),
        action_type: field(b, "type").and_then(Value::to_template_string).unwrap_or_default(),
        target_groups,
        redirect_protocol: text(redirect, "protocol"),
        redirect_port: text(redirect, "port"),
        redirect_status: text(redirect, "status_code"),
    }
}

trait OrSetLoc {
    fn or_set_loc(self, loc: &Location) -> Self;
}

impl<T> OrSetLoc for Attr<T> {
    fn or_set_loc(mut self, loc: &Location) -> Self {
        if !self.loc.is_known() {
            self.loc = loc.clone();
        }
        self
    }
}
