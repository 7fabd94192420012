//! What was read → the deployment model, with the semantics of the Terraform adapter
//! (`mbdeploy_model::tf`): the same field means the same thing whichever source filled it.
//!
//! Live, every fact is located at its resource's ARN (or id). A value AWS reports as absent is
//! *unset* (the default applies, as in Terraform); a value that could not be read (a call denied
//! or failed) is *unknown*, which rules report as undetermined, never as a pass.

use crate::policy;
use crate::read::{arn_name, secret_id, Raw};
use aws_sdk_ec2::types::IpPermission;
use aws_sdk_elasticloadbalancingv2::types::Action as ElbAction;
use mbdeploy_model::deployment::*;
use mbdeploy_model::Location;

fn loc(arn: &str) -> Location {
    Location::arn(arn)
}

fn meta(address: &str, resource_type: &str, keys: impl IntoIterator<Item = Option<String>>) -> Meta {
    let mut all = vec![address.to_string()];
    for k in keys.into_iter().flatten() {
        if !k.is_empty() && !all.contains(&k) {
            all.push(k);
        }
    }
    Meta { address: address.to_string(), resource_type: resource_type.into(), keys: all, loc: loc(address) }
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn opt<T>(value: Option<T>, at: &Location) -> Attr<T> {
    match value {
        Some(v) => Attr::set(v, at.clone()),
        None => Attr::unset(at.clone()),
    }
}

/// Builds the model from what was read.
pub fn build(raw: &Raw) -> Deployment {
    let mut d = Deployment { source: SourceKind::Live, ..Deployment::default() };
    network(raw, &mut d);
    load_balancing(raw, &mut d);
    ecs(raw, &mut d);
    storage(raw, &mut d);
    iam(raw, &mut d);
    events(raw, &mut d);
    for n in &raw.not_verified {
        d.load_issues.push(LoadIssue {
            code: "not-verified".into(),
            loc: Location::arn(n.resource.clone()),
            address: n.resource.clone(),
            message: format!("{} {}: {}", n.action, n.reason.as_str(), n.message),
        });
    }
    d.errors.extend(raw.errors.iter().cloned());
    d
}

// ---------------------------------------------------------------- network

fn network(raw: &Raw, d: &mut Deployment) {
    for v in &raw.vpcs {
        let id = v.vpc_id().unwrap_or_default();
        d.vpcs.push(Vpc { meta: meta(id, "aws_vpc", []), cidr: opt(s(v.cidr_block()), &loc(id)) });
    }
    for sn in &raw.subnets {
        let id = sn.subnet_id().unwrap_or_default();
        let at = loc(id);
        d.subnets.push(Subnet {
            meta: meta(id, "aws_subnet", [s(sn.subnet_arn())]),
            vpc: s(sn.vpc_id()),
            cidr: opt(s(sn.cidr_block()), &at),
            availability_zone: opt(s(sn.availability_zone()), &at),
            map_public_ip_on_launch: opt(sn.map_public_ip_on_launch(), &at),
        });
    }
    for g in &raw.internet_gateways {
        let id = g.internet_gateway_id().unwrap_or_default();
        d.internet_gateways.push(InternetGateway {
            meta: meta(id, "aws_internet_gateway", []),
            vpc: g.attachments().first().and_then(|a| s(a.vpc_id())),
        });
    }
    for n in &raw.nat_gateways {
        let id = n.nat_gateway_id().unwrap_or_default();
        d.nat_gateways.push(NatGateway { meta: meta(id, "aws_nat_gateway", []), subnet: s(n.subnet_id()) });
    }
    for t in &raw.route_tables {
        let id = t.route_table_id().unwrap_or_default();
        let routes = t
            .routes()
            .iter()
            .map(|r| {
                let mut route = Route {
                    loc: loc(id),
                    destination: s(r.destination_cidr_block().or(r.destination_ipv6_cidr_block())),
                    ..Route::default()
                };
                match r.gateway_id() {
                    Some(g) if g.starts_with("igw-") => route.internet_gateway = Some(g.to_string()),
                    Some(g) if g.starts_with("vpce-") => route.vpc_endpoint = Some(g.to_string()),
                    _ => {}
                }
                route.nat_gateway = s(r.nat_gateway_id());
                route
            })
            .collect();
        d.route_tables.push(RouteTable {
            meta: meta(id, "aws_route_table", []),
            vpc: s(t.vpc_id()),
            routes,
            subnets: t.associations().iter().filter_map(|a| s(a.subnet_id())).collect(),
            main: t.associations().iter().any(|a| a.main() == Some(true)),
        });
    }
    for e in &raw.vpc_endpoints {
        let id = e.vpc_endpoint_id().unwrap_or_default();
        let at = loc(id);
        d.vpc_endpoints.push(VpcEndpoint {
            meta: meta(id, "aws_vpc_endpoint", []),
            vpc: s(e.vpc_id()),
            service_name: opt(s(e.service_name()), &at),
            endpoint_type: opt(e.vpc_endpoint_type().map(|t| t.as_str().to_string()), &at),
            private_dns: opt(e.private_dns_enabled(), &at),
        });
    }
    for g in &raw.security_groups {
        let id = g.group_id().unwrap_or_default();
        let arn = match (&raw.region, &raw.account) {
            (Some(r), Some(a)) => Some(format!("arn:aws:ec2:{r}:{a}:security-group/{id}")),
            _ => None,
        };
        let mut rules = Vec::new();
        for p in g.ip_permissions() {
            rules.push(sg_rule(id, p, Direction::Ingress));
        }
        for p in g.ip_permissions_egress() {
            rules.push(sg_rule(id, p, Direction::Egress));
        }
        d.security_groups.push(SecurityGroup {
            meta: meta(id, "aws_security_group", [arn, s(g.group_name())]),
            name: opt(s(g.group_name()), &loc(id)),
            vpc: s(g.vpc_id()),
            rules,
            is_default: g.group_name() == Some("default"),
        });
    }
}

fn sg_rule(group: &str, p: &IpPermission, direction: Direction) -> SgRule {
    let protocol = match p.ip_protocol().map(str::to_ascii_lowercase).as_deref() {
        None | Some("-1") | Some("all") => "-1".to_string(),
        Some("6") | Some("tcp") => "tcp".into(),
        Some("17") | Some("udp") => "udp".into(),
        Some(other) => other.to_string(),
    };
    let (from_port, to_port) =
        if protocol == "-1" { (None, None) } else { (p.from_port().map(i64::from), p.to_port().map(i64::from)) };
    let mut cidrs: Vec<String> = p.ip_ranges().iter().filter_map(|r| s(r.cidr_ip())).collect();
    cidrs.extend(p.ipv6_ranges().iter().filter_map(|r| s(r.cidr_ipv6())));
    let peers: Vec<String> = p.user_id_group_pairs().iter().filter_map(|g| s(g.group_id())).collect();
    let self_referencing = peers.iter().any(|g| g == group);
    SgRule {
        loc: loc(group),
        address: None,
        direction,
        protocol,
        from_port,
        to_port,
        cidrs,
        peer_groups: peers.into_iter().filter(|g| g != group).collect(),
        self_referencing,
        prefix_lists: p.prefix_list_ids().iter().filter_map(|x| s(x.prefix_list_id())).collect(),
        peer_unknown: false,
        ports_unknown: false,
    }
}

// ---------------------------------------------------------------- load balancing

fn action(a: &ElbAction, at: &Location) -> Action {
    let mut target_groups: Vec<String> = a.target_group_arn().map(str::to_string).into_iter().collect();
    if let Some(f) = a.forward_config() {
        for t in f.target_groups() {
            if let Some(arn) = t.target_group_arn() {
                if !target_groups.iter().any(|x| x == arn) {
                    target_groups.push(arn.to_string());
                }
            }
        }
    }
    let redirect = a.redirect_config();
    Action {
        loc: at.clone(),
        action_type: a.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        target_groups,
        redirect_protocol: redirect.and_then(|r| s(r.protocol())),
        redirect_port: redirect.and_then(|r| s(r.port())),
        redirect_status: redirect.and_then(|r| r.status_code()).map(|c| c.as_str().to_string()),
    }
}

fn load_balancing(raw: &Raw, d: &mut Deployment) {
    for lb in &raw.load_balancers {
        let arn = lb.load_balancer_arn().unwrap_or_default();
        let at = loc(arn);
        let attrs = raw.lb_attributes.iter().find(|(a, _)| a == arn).map(|(_, v)| v);
        let attr = |key: &str| -> Attr<bool> {
            match attrs {
                None => Attr::unknown(at.clone()),
                Some(list) => match list.iter().find(|x| x.key() == Some(key)).and_then(|x| x.value()) {
                    Some(v) => Attr::set(v == "true", at.clone()),
                    None => Attr::unset(at.clone()),
                },
            }
        };
        d.load_balancers.push(LoadBalancer {
            meta: meta(arn, "aws_lb", [s(lb.load_balancer_name()), s(lb.dns_name())]),
            name: opt(s(lb.load_balancer_name()), &at),
            internal: opt(lb.scheme().map(|x| x.as_str() == "internal"), &at),
            lb_type: opt(lb.r#type().map(|t| t.as_str().to_string()), &at),
            security_groups: lb.security_groups().to_vec(),
            subnets: lb.availability_zones().iter().filter_map(|z| s(z.subnet_id())).collect(),
            drop_invalid_header_fields: attr("routing.http.drop_invalid_header_fields.enabled"),
            deletion_protection: attr("deletion_protection.enabled"),
            access_logs: attr("access_logs.s3.enabled"),
        });
    }
    for l in &raw.listeners {
        let arn = l.listener_arn().unwrap_or_default();
        let at = loc(arn);
        d.listeners.push(Listener {
            meta: meta(arn, "aws_lb_listener", []),
            load_balancer: s(l.load_balancer_arn()),
            port: opt(l.port().map(i64::from), &at),
            protocol: opt(l.protocol().map(|p| p.as_str().to_string()), &at),
            ssl_policy: opt(s(l.ssl_policy()), &at),
            certificate: opt(l.certificates().first().and_then(|c| s(c.certificate_arn())), &at),
            default_actions: l.default_actions().iter().map(|a| action(a, &at)).collect(),
        });
    }
    for (listener, rules) in &raw.rules {
        // The default rule repeats the listener's default actions.
        for rule in rules.iter().filter(|r| r.is_default() != Some(true)) {
            let arn = rule.rule_arn().unwrap_or_default();
            let at = loc(arn);
            d.listener_rules.push(ListenerRule {
                meta: meta(arn, "aws_lb_listener_rule", []),
                listener: Some(listener.clone()),
                actions: rule.actions().iter().map(|a| action(a, &at)).collect(),
            });
        }
    }
    for tg in &raw.target_groups {
        let arn = tg.target_group_arn().unwrap_or_default();
        let at = loc(arn);
        d.target_groups.push(TargetGroup {
            meta: meta(arn, "aws_lb_target_group", [s(tg.target_group_name())]),
            port: opt(tg.port().map(i64::from), &at),
            protocol: opt(tg.protocol().map(|p| p.as_str().to_string()), &at),
            target_type: opt(tg.target_type().map(|t| t.as_str().to_string()), &at),
            health_check_path: opt(s(tg.health_check_path()), &at),
            health_check_matcher: opt(tg.matcher().and_then(|m| s(m.http_code())), &at),
            health_check_enabled: opt(tg.health_check_enabled(), &at),
        });
    }
}

// ---------------------------------------------------------------- ECS

fn ecs(raw: &Raw, d: &mut Deployment) {
    if let Some(c) = &raw.cluster {
        let arn = c.cluster_arn().unwrap_or_default();
        let at = loc(arn);
        let insights = c
            .settings()
            .iter()
            .find(|x| x.name().map(|n| n.as_str()) == Some("containerInsights"))
            .and_then(|x| s(x.value()));
        d.ecs_clusters.push(EcsCluster {
            meta: meta(arn, "aws_ecs_cluster", [s(c.cluster_name())]),
            name: opt(s(c.cluster_name()), &at),
            container_insights: opt(insights, &at),
        });
    }
    if let Some(svc) = &raw.service {
        let arn = svc.service_arn().unwrap_or_default();
        let at = loc(arn);
        let net = svc.network_configuration().and_then(|n| n.awsvpc_configuration());
        let deployment = svc.deployment_configuration();
        let breaker = deployment.and_then(|x| x.deployment_circuit_breaker());
        d.ecs_services.push(EcsService {
            meta: meta(arn, "aws_ecs_service", [s(svc.service_name())]),
            name: opt(s(svc.service_name()), &at),
            cluster: s(svc.cluster_arn()),
            task_definition: s(svc.task_definition()),
            launch_type: opt(svc.launch_type().map(|l| l.as_str().to_string()), &at),
            subnets: net.map(|n| n.subnets().to_vec()).unwrap_or_default(),
            subnets_unknown: false,
            security_groups: net.map(|n| n.security_groups().to_vec()).unwrap_or_default(),
            assign_public_ip: opt(net.and_then(|n| n.assign_public_ip()).map(|a| a.as_str() == "ENABLED"), &at),
            network_configuration: opt(net.map(|_| true), &at),
            circuit_breaker: opt(breaker.map(|b| b.enable()), &at),
            circuit_breaker_rollback: opt(breaker.map(|b| b.rollback()), &at),
            health_check_grace_period: opt(svc.health_check_grace_period_seconds().map(i64::from), &at),
            load_balancers: svc
                .load_balancers()
                .iter()
                .map(|l| ServiceLoadBalancer {
                    target_group: s(l.target_group_arn()),
                    container_name: opt(s(l.container_name()), &at),
                    container_port: opt(l.container_port().map(i64::from), &at),
                })
                .collect(),
            enable_execute_command: Attr::set(svc.enable_execute_command(), at.clone()),
            desired_count: Attr::set(i64::from(svc.desired_count()), at.clone()),
            minimum_healthy_percent: opt(deployment.and_then(|x| x.minimum_healthy_percent()).map(i64::from), &at),
            maximum_percent: opt(deployment.and_then(|x| x.maximum_percent()).map(i64::from), &at),
        });
    }
    if let Some(t) = &raw.task_definition {
        let arn = t.task_definition_arn().unwrap_or_default();
        let at = loc(arn);
        let family = t.family().unwrap_or_default();
        let containers = t.container_definitions().iter().map(|c| container(c, &at)).collect();
        d.task_definitions.push(TaskDefinition {
            meta: meta(arn, "aws_ecs_task_definition", [Some(format!("{family}:{}", t.revision())), s(t.family())]),
            family: opt(s(t.family()), &at),
            execution_role: s(t.execution_role_arn()),
            task_role: s(t.task_role_arn()),
            cpu: opt(s(t.cpu()), &at),
            memory: opt(s(t.memory()), &at),
            containers: Attr::set(containers, at.clone()),
            ..TaskDefinition::default()
        });
    }
}

fn container(c: &aws_sdk_ecs::types::ContainerDefinition, at: &Location) -> Container {
    let log = c.log_configuration();
    let group = log.and_then(|l| l.options()).and_then(|o| o.get("awslogs-group")).cloned();
    Container {
        name: c.name().unwrap_or_default().to_string(),
        loc: at.clone(),
        image: opt(s(c.image()), at),
        environment: c
            .environment()
            .iter()
            .filter_map(|e| {
                Some(EnvVar {
                    name: e.name()?.to_string(),
                    loc: at.clone(),
                    value: match e.value() {
                        Some(v) => Field::Set(v.to_string()),
                        None => Field::Unset,
                    },
                    sensitive: false,
                })
            })
            .collect(),
        secrets: c
            .secrets()
            .iter()
            .map(|x| SecretVar {
                name: x.name().to_string(),
                loc: at.clone(),
                value_from: Field::Set(x.value_from().to_string()),
                refs: secret_id(x.value_from()).into_iter().collect(),
            })
            .collect(),
        health_check: opt(c.health_check().map(|h| h.command().to_vec()), at),
        health_check_start_period: opt(c.health_check().and_then(|h| h.start_period()).map(i64::from), at),
        log_driver: opt(log.map(|l| l.log_driver().as_str().to_string()), at),
        log_group: opt(group.clone(), at),
        log_group_refs: group.into_iter().collect(),
        ports: c.port_mappings().iter().filter_map(|p| p.container_port()).map(i64::from).collect(),
        essential: opt(c.essential(), at),
    }
}

// ---------------------------------------------------------------- RDS, ECR, secrets, logs, alarms

fn storage(raw: &Raw, d: &mut Deployment) {
    let master_secret = raw.db.as_ref().and_then(|db| db.master_user_secret()).and_then(|x| s(x.secret_arn()));
    if let Some(db) = &raw.db {
        let arn = db.db_instance_arn().unwrap_or_default();
        let at = loc(arn);
        d.db_instances.push(DbInstance {
            meta: meta(arn, "aws_db_instance", [s(db.db_instance_identifier()), s(db.dbi_resource_id())]),
            is_cluster: false,
            engine: opt(s(db.engine()), &at),
            storage_encrypted: opt(db.storage_encrypted(), &at),
            kms_key: opt(s(db.kms_key_id()), &at),
            publicly_accessible: opt(db.publicly_accessible(), &at),
            backup_retention_period: opt(db.backup_retention_period().map(i64::from), &at),
            deletion_protection: opt(db.deletion_protection(), &at),
            // Terraform-only settings: nothing live says whether a destroy would snapshot.
            skip_final_snapshot: Attr::unset(at.clone()),
            final_snapshot_identifier: Attr::unset(at.clone()),
            password: if master_secret.is_some() { PasswordSource::Managed } else { PasswordSource::None },
            parameter_group: db.db_parameter_groups().first().and_then(|g| s(g.db_parameter_group_name())),
            subnet_group: db.db_subnet_group().and_then(|g| s(g.db_subnet_group_name())),
            security_groups: db.vpc_security_groups().iter().filter_map(|g| s(g.vpc_security_group_id())).collect(),
            iam_authentication: opt(db.iam_database_authentication_enabled(), &at),
            multi_az: opt(db.multi_az(), &at),
            port: opt(db.endpoint().and_then(|e| e.port()).or(db.db_instance_port()).map(i64::from), &at),
        });
        if let Some(g) = db.db_subnet_group() {
            let name = g.db_subnet_group_name().unwrap_or_default();
            let address = g.db_subnet_group_arn().unwrap_or(name);
            d.db_subnet_groups.push(DbSubnetGroup {
                meta: meta(address, "aws_db_subnet_group", [s(g.db_subnet_group_name())]),
                subnets: g.subnets().iter().filter_map(|x| s(x.subnet_identifier())).collect(),
                subnets_unknown: false,
            });
        }
        if let Some(name) = db.db_parameter_groups().first().and_then(|g| g.db_parameter_group_name()) {
            let at = loc(name);
            let parameters = match &raw.db_parameters {
                Some((group, params)) if group == name => params
                    .iter()
                    .filter_map(|p| {
                        Some(DbParameter {
                            name: p.parameter_name()?.to_string(),
                            value: match p.parameter_value() {
                                Some(v) => Field::Set(v.to_string()),
                                None => Field::Unset,
                            },
                            loc: at.clone(),
                        })
                    })
                    .collect(),
                // Not readable: every parameter the rules look for is unknown.
                _ => vec![DbParameter { name: "rds.force_ssl".into(), value: Field::Unknown, loc: at.clone() }],
            };
            d.db_parameter_groups.push(DbParameterGroup {
                meta: meta(name, "aws_db_parameter_group", []),
                family: Attr::unset(at.clone()),
                parameters,
            });
        }
    }
    for r in &raw.repositories {
        let arn = r.repository_arn().unwrap_or_default();
        let at = loc(arn);
        d.ecr_repositories.push(EcrRepository {
            meta: meta(arn, "aws_ecr_repository", [s(r.repository_name()), s(r.repository_uri())]),
            name: opt(s(r.repository_name()), &at),
            scan_on_push: opt(r.image_scanning_configuration().map(|c| c.scan_on_push()), &at),
            tag_mutability: opt(r.image_tag_mutability().map(|m| m.as_str().to_string()), &at),
            encryption_type: opt(r.encryption_configuration().map(|e| e.encryption_type().as_str().to_string()), &at),
        });
    }
    if let Some(c) = &raw.registry_scanning {
        let enhanced = c.scan_type().map(|t| t.as_str() == "ENHANCED").unwrap_or(false);
        let on_push =
            c.rules().iter().any(|r| matches!(r.scan_frequency().as_str(), "SCAN_ON_PUSH" | "CONTINUOUS_SCAN"));
        d.ecr_registry_scan_on_push = enhanced || on_push;
    }
    for x in &raw.secrets {
        let arn = x.arn().unwrap_or_default();
        let at = loc(arn);
        let schedule = x.rotation_rules().and_then(|r| {
            s(r.schedule_expression()).or_else(|| r.automatically_after_days().map(|d| format!("{d} days")))
        });
        d.secrets.push(Secret {
            meta: meta(arn, "aws_secretsmanager_secret", [s(x.name())]),
            name: opt(s(x.name()), &at),
            kms_key: opt(s(x.kms_key_id()), &at),
            // Absent means never enabled (moto omits it rather than sending false; so does AWS).
            rotation: Attr::set(x.rotation_enabled() == Some(true), at.clone()),
            rotation_schedule: schedule,
            managed_by_rds: x.owning_service() == Some("rds") || master_secret.as_deref() == Some(arn),
        });
    }
    for g in &raw.log_groups {
        let name = g.log_group_name().unwrap_or_default();
        let arn =
            g.log_group_arn().map(str::to_string).or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()));
        let address = arn.clone().unwrap_or_else(|| name.to_string());
        let at = loc(&address);
        d.log_groups.push(LogGroup {
            meta: meta(&address, "aws_cloudwatch_log_group", [s(g.log_group_name()), s(g.arn())]),
            name: opt(s(g.log_group_name()), &at),
            // Absent: the group never expires its events (Terraform's retention_in_days = 0).
            retention_days: opt(g.retention_in_days().map(i64::from), &at),
            kms_key: opt(s(g.kms_key_id()), &at),
        });
    }
    for a in &raw.alarms {
        let arn = a.alarm_arn().unwrap_or_default();
        let at = loc(arn);
        d.alarms.push(Alarm {
            meta: meta(arn, "aws_cloudwatch_metric_alarm", [s(a.alarm_name())]),
            namespace: opt(s(a.namespace()), &at),
            metric_name: opt(s(a.metric_name()), &at),
            query_namespaces: a
                .metrics()
                .iter()
                .filter_map(|m| m.metric_stat().and_then(|x| x.metric()).and_then(|x| s(x.namespace())))
                .collect(),
            alarm_actions: a.alarm_actions().to_vec(),
            actions_enabled: opt(a.actions_enabled(), &at),
        });
    }
}

// ---------------------------------------------------------------- IAM

fn iam(raw: &Raw, d: &mut Deployment) {
    for rr in &raw.roles {
        let Some(role) = &rr.role else {
            continue;
        };
        let arn = role.arn();
        let at = loc(arn);
        let trust = match role.assume_role_policy_document() {
            Some(doc) => {
                Attr::set(policy::document(doc, &format!("{} (trust policy)", role.role_name()), &at), at.clone())
            }
            None => Attr::unset(at.clone()),
        };
        let mut inline_policies: Vec<PolicyDocument> = rr
            .inline
            .iter()
            .map(|(name, doc)| match doc {
                Some(doc) => policy::document(doc, &format!("{}/{name}", role.role_name()), &at),
                None => PolicyDocument {
                    loc: at.clone(),
                    origin: format!("{}/{name} (not readable)", role.role_name()),
                    statements: Vec::new(),
                    unknown: true,
                },
            })
            .collect();
        if rr.inline_unknown {
            inline_policies.push(PolicyDocument {
                loc: at.clone(),
                origin: format!("{} inline policies (not listable)", role.role_name()),
                statements: Vec::new(),
                unknown: true,
            });
        }
        let attached = rr
            .attached
            .iter()
            .filter_map(|a| a.policy_arn())
            .map(|p| AttachedPolicy { loc: at.clone(), policy: p.to_string(), origin: role.role_name().to_string() })
            .collect();
        d.iam_roles.push(IamRole {
            meta: meta(arn, "aws_iam_role", [Some(role.role_name().to_string()), Some(role.role_id().to_string())]),
            name: Attr::set(role.role_name().to_string(), at.clone()),
            trust_policy: trust,
            inline_policies,
            attached,
        });
    }
    for (p, doc) in &raw.policies {
        let arn = p.arn().unwrap_or_default();
        let at = loc(arn);
        let document = match doc {
            Some(doc) => Attr::set(policy::document(doc, arn_name(arn), &at), at.clone()),
            None => Attr::unknown(at.clone()),
        };
        d.iam_policies.push(IamPolicy { meta: meta(arn, "aws_iam_policy", [s(p.policy_name())]), document });
    }
}

// ---------------------------------------------------------------- EventBridge, Step Functions

/// The ARNs written in a JSON text (an event pattern, a state machine definition).
fn arns_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices("arn:") {
        let arn: String = text[i..].chars().take_while(|c| !matches!(c, '"' | '\\' | ' ' | ',' | ']' | '}')).collect();
        if !out.contains(&arn) {
            out.push(arn);
        }
    }
    out
}

fn events(raw: &Raw, d: &mut Deployment) {
    for r in &raw.event_rules {
        let arn = r.arn().unwrap_or_default();
        let pattern = r.event_pattern().unwrap_or_default().to_string();
        d.event_rules.push(EventRule {
            meta: meta(arn, "aws_cloudwatch_event_rule", [s(r.name())]),
            pattern_refs: arns_in(&pattern),
            pattern,
        });
    }
    for (rule, targets) in &raw.event_targets {
        for t in targets {
            let address = format!("{rule}/{}", t.id());
            d.event_targets.push(EventTarget {
                meta: meta(&address, "aws_cloudwatch_event_target", []),
                rule: Some(rule.clone()),
                target: Some(t.arn().to_string()),
            });
        }
    }
    for (arn, definition) in &raw.state_machines {
        d.state_machines.push(StateMachine {
            meta: meta(arn, "aws_sfn_state_machine", [Some(arn_name(arn).to_string())]),
            definition: definition.clone(),
            definition_refs: arns_in(definition),
        });
    }
}
