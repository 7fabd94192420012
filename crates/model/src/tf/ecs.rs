//! ECS clusters, services and task definitions (container definitions decoded from JSON).

use super::*;

pub(super) fn build(rs: &[&TfResource], d: &mut Deployment) {
    for r in of_type(rs, &["aws_ecs_cluster"]) {
        let insights = r
            .values
            .blocks("setting")
            .into_iter()
            .find(|s| field(s, "name").and_then(Value::as_str) == Some("containerInsights"))
            .map(|s| attr_string(s, "value", &s.loc))
            .unwrap_or_else(|| Attr::unset(r.loc.clone()));
        d.ecs_clusters.push(EcsCluster {
            meta: r.meta(),
            name: attr_string(&r.values, "name", &r.loc),
            container_insights: insights,
        });
    }
    for r in of_type(rs, &["aws_ecs_service"]) {
        d.ecs_services.push(service(r));
    }
    for r in of_type(rs, &["aws_ecs_task_definition"]) {
        let v = &r.values;
        d.task_definitions.push(TaskDefinition {
            meta: r.meta(),
            family: attr_string(v, "family", &r.loc),
            execution_role: key_of(field(v, "execution_role_arn")),
            task_role: key_of(field(v, "task_role_arn")),
            cpu: attr_string(v, "cpu", &r.loc),
            memory: attr_string(v, "memory", &r.loc),
            containers: containers(field(v, "container_definitions"), &r.loc),
            definitions_refs: field(v, "container_definitions").map(Value::refs).unwrap_or_default(),
            definitions_sensitive: field(v, "container_definitions").map(Value::contains_sensitive).unwrap_or(false),
        });
    }
}

fn service(r: &TfResource) -> EcsService {
    let v = &r.values;
    let net = first_block(v, "network_configuration");
    let breaker = first_block(v, "deployment_circuit_breaker");
    let (circuit_breaker, rollback) = match breaker {
        Some(b) => (attr_bool(b, "enable", &b.loc), attr_bool(b, "rollback", &b.loc)),
        None => (Attr::unset(r.loc.clone()), Attr::unset(r.loc.clone())),
    };
    let load_balancers = v
        .blocks("load_balancer")
        .into_iter()
        .map(|b| ServiceLoadBalancer {
            target_group: key_of(field(b, "target_group_arn")),
            container_name: attr_string(b, "container_name", &b.loc),
            container_port: attr_i64(b, "container_port", &b.loc),
        })
        .collect();
    EcsService {
        meta: r.meta(),
        name: attr_string(v, "name", &r.loc),
        cluster: key_of(field(v, "cluster")),
        task_definition: key_of(field(v, "task_definition")),
        launch_type: attr_string(v, "launch_type", &r.loc),
        subnets: net.map(|n| keys_of(field(n, "subnets"))).unwrap_or_default(),
        subnets_unknown: net.map(|n| has_opaque_unknown(field(n, "subnets"))).unwrap_or(false),
        security_groups: net.map(|n| keys_of(field(n, "security_groups"))).unwrap_or_default(),
        assign_public_ip: net
            .map(|n| attr_bool(n, "assign_public_ip", &n.loc))
            .unwrap_or_else(|| Attr::unset(r.loc.clone())),
        network_configuration: net
            .map(|n| Attr::set(true, n.loc.clone()))
            .unwrap_or_else(|| Attr::unset(r.loc.clone())),
        circuit_breaker,
        circuit_breaker_rollback: rollback,
        health_check_grace_period: attr_i64(v, "health_check_grace_period_seconds", &r.loc),
        load_balancers,
        enable_execute_command: attr_bool(v, "enable_execute_command", &r.loc),
        desired_count: attr_i64(v, "desired_count", &r.loc),
        minimum_healthy_percent: attr_i64(v, "deployment_minimum_healthy_percent", &r.loc),
        maximum_percent: attr_i64(v, "deployment_maximum_percent", &r.loc),
    }
}

/// Decodes `container_definitions`, whether written with `jsonencode()` (structure and locations
/// kept), as a JSON string or heredoc, or unknown until apply.
pub(crate) fn containers(value: Option<&Value>, header: &Location) -> Attr<Vec<Container>> {
    let Some(v) = value else {
        return Attr::unset(header.clone());
    };
    if v.is_unknown() {
        return Attr::unknown(v.loc.clone());
    }
    let Some(decoded) = v.decoded() else {
        return Attr::unknown(v.loc.clone());
    };
    let Some(items) = decoded.as_list() else {
        return Attr::unknown(v.loc.clone());
    };
    Attr::set(items.iter().filter(|c| c.as_object().is_some()).map(container).collect(), v.loc.clone())
}

fn container(c: &Value) -> Container {
    let loc = field(c, "name").map(|n| n.loc.clone()).unwrap_or_else(|| c.loc.clone());
    let environment = field(c, "environment")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let name = field(e, "name")?.to_template_string()?;
            let value = field(e, "value");
            Some(EnvVar {
                name,
                loc: value.map(|x| x.loc.clone()).unwrap_or_else(|| e.loc.clone()),
                // A partly known value keeps its known text (`postgres://${…}:5432/db?sslmode=require`).
                value: match value {
                    None => Field::Unset,
                    Some(x) => match (&x.kind, x.partial_text()) {
                        (Kind::Partial { .. }, Some(text)) => Field::Set(text),
                        (_, Some(s)) if !x.contains_unknown() => Field::Set(s),
                        _ => Field::Unknown,
                    },
                },
                sensitive: value.map(Value::contains_sensitive).unwrap_or(false),
            })
        })
        .collect();
    let secrets = field(c, "secrets")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let name = field(e, "name")?.to_template_string()?;
            let from = field(e, "valueFrom");
            Some(SecretVar {
                name,
                loc: from.map(|x| x.loc.clone()).unwrap_or_else(|| e.loc.clone()),
                value_from: match from {
                    Some(x) if !x.contains_unknown() => {
                        x.to_template_string().map(Field::Set).unwrap_or(Field::Unknown)
                    }
                    Some(_) => Field::Unknown,
                    None => Field::Unset,
                },
                refs: from.map(Value::refs).unwrap_or_default(),
            })
        })
        .collect();
    let health = field(c, "healthCheck");
    let health_check = match health.and_then(|h| field(h, "command")) {
        None => Attr::unset(health.map(|h| h.loc.clone()).unwrap_or_else(|| loc.clone())),
        Some(cmd) if cmd.contains_unknown() => Attr::unknown(cmd.loc.clone()),
        Some(cmd) => Attr::set(strings(Some(cmd)), cmd.loc.clone()),
    };
    let log = field(c, "logConfiguration");
    let options = log.and_then(|l| field(l, "options"));
    let log_group_value = options.and_then(|o| field(o, "awslogs-group"));
    Container {
        name: field(c, "name").and_then(Value::to_template_string).unwrap_or_default(),
        loc: loc.clone(),
        image: image(c, &loc),
        environment,
        secrets,
        health_check,
        health_check_start_period: health
            .map(|h| attr_i64(h, "startPeriod", &h.loc))
            .unwrap_or_else(|| Attr::unset(loc.clone())),
        log_driver: log.map(|l| attr_string(l, "logDriver", &l.loc)).unwrap_or_else(|| Attr::unset(loc.clone())),
        log_group: options.map(|o| attr_string(o, "awslogs-group", &o.loc)).unwrap_or_else(|| Attr::unset(loc.clone())),
        log_group_refs: log_group_value.map(Value::refs).unwrap_or_default(),
        ports: field(c, "portMappings")
            .and_then(Value::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| field(p, "containerPort").and_then(Value::as_i64))
            .collect(),
        essential: attr_bool(c, "essential", &loc),
    }
}

/// The image reference; a partly known one keeps its known text, so the tag can still be judged.
fn image(c: &Value, header: &Location) -> Attr<String> {
    match field(c, "image") {
        Some(v) if matches!(v.kind, Kind::Partial { .. }) => {
            Attr::set(v.partial_text().unwrap_or_default(), v.loc.clone())
        }
        _ => attr_string(c, "image", header),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::json_resource;
    use super::*;
    use serde_json::json;

    #[test]
    fn container_definitions_in_a_json_string_are_decoded() {
        let defs = json!([{"name": "metabase", "image": "metabase/metabase:v0.50.0",
            "environment": [{"name": "MB_DB_PASS", "value": "hunter2"}],
            "secrets": [{"name": "MB_ENCRYPTION_SECRET_KEY", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:k"}],
            "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:3000/api/health"]},
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/aws/ecs/metabase-prod"}}}]);
        let r = json_resource("aws_ecs_task_definition.t", json!({"container_definitions": defs.to_string()}));
        let refs = vec![&r];
        let mut d = Deployment::default();
        build(&refs, &mut d);
        let containers = d.task_definitions[0].containers.get().unwrap();
        let c = &containers[0];
        assert_eq!(c.image.get().unwrap(), "metabase/metabase:v0.50.0");
        assert_eq!(c.env("MB_DB_PASS").unwrap().value, Field::Set("hunter2".into()));
        assert!(c.secret("MB_ENCRYPTION_SECRET_KEY").is_some());
        assert_eq!(c.log_driver.get().unwrap(), "awslogs");
        assert_eq!(c.health_check.get().unwrap().len(), 2);
    }
}
