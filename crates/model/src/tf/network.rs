//! VPC, subnets, routes, gateways, endpoints and security groups.

use super::*;

pub(super) fn build(rs: &[&TfResource], d: &mut Deployment) {
    for r in of_type(rs, &["aws_vpc", "aws_default_vpc"]) {
        d.vpcs.push(Vpc { meta: r.meta(), cidr: attr_string(&r.values, "cidr_block", &r.loc) });
    }
    for r in of_type(rs, &["aws_subnet", "aws_default_subnet"]) {
        d.subnets.push(Subnet {
            meta: r.meta(),
            vpc: key_of(field(&r.values, "vpc_id")),
            cidr: attr_string(&r.values, "cidr_block", &r.loc),
            availability_zone: attr_string(&r.values, "availability_zone", &r.loc),
            map_public_ip_on_launch: attr_bool(&r.values, "map_public_ip_on_launch", &r.loc),
        });
    }
    for r in of_type(rs, &["aws_internet_gateway", "aws_egress_only_internet_gateway"]) {
        if r.resource_type == "aws_internet_gateway" {
            d.internet_gateways.push(InternetGateway { meta: r.meta(), vpc: key_of(field(&r.values, "vpc_id")) });
        }
    }
    for r in of_type(rs, &["aws_nat_gateway"]) {
        d.nat_gateways.push(NatGateway { meta: r.meta(), subnet: key_of(field(&r.values, "subnet_id")) });
    }
    build_routes(rs, d);
    for r in of_type(rs, &["aws_vpc_endpoint"]) {
        d.vpc_endpoints.push(VpcEndpoint {
            meta: r.meta(),
            vpc: key_of(field(&r.values, "vpc_id")),
            // `com.amazonaws.${region}.ecr.api` may be partly unknown; its suffix is what matters.
            service_name: match field(&r.values, "service_name") {
                Some(v) if matches!(v.kind, Kind::Partial { .. }) => {
                    Attr::set(v.partial_text().unwrap_or_default(), v.loc.clone())
                }
                _ => attr_string(&r.values, "service_name", &r.loc),
            },
            endpoint_type: attr_string(&r.values, "vpc_endpoint_type", &r.loc),
            private_dns: attr_bool(&r.values, "private_dns_enabled", &r.loc),
        });
    }
    build_security_groups(rs, d);
}

fn is_internet_gateway(key: &str, d: &Deployment) -> bool {
    key.starts_with("igw-") || d.internet_gateways.iter().any(|g| g.meta.answers_to(key))
}

fn route_from(values: &Value, loc: &Location, d: &Deployment) -> Route {
    let destination = field(values, "cidr_block")
        .or_else(|| field(values, "destination_cidr_block"))
        .or_else(|| field(values, "ipv6_cidr_block"))
        .or_else(|| field(values, "destination_ipv6_cidr_block"))
        .and_then(Value::to_template_string);
    let gateway = field(values, "gateway_id");
    let mut route = Route { loc: loc.clone(), destination, ..Route::default() };
    if let Some(g) = gateway {
        let keys = keys_of(Some(g));
        if keys.is_empty() {
            // An empty string (what providers write for "none") is no target; only an unknown is.
            route.target_unknown = g.contains_unknown();
        } else if keys.iter().any(|k| is_internet_gateway(k, d)) {
            route.internet_gateway = keys.into_iter().next();
        } else if keys.iter().any(|k| k.starts_with("vpce-")) {
            route.vpc_endpoint = keys.into_iter().next();
        }
    }
    if let Some(n) = field(values, "nat_gateway_id") {
        route.nat_gateway = key_of(Some(n));
        route.target_unknown |= route.nat_gateway.is_none() && n.contains_unknown();
    }
    if let Some(e) = field(values, "vpc_endpoint_id") {
        route.vpc_endpoint = key_of(Some(e));
    }
    route
}

fn build_routes(rs: &[&TfResource], d: &mut Deployment) {
    let mut tables = Vec::new();
    for r in of_type(rs, &["aws_route_table", "aws_default_route_table"]) {
        let routes = r.values.blocks("route").into_iter().map(|b| route_from(b, &b.loc, d)).collect();
        tables.push(RouteTable {
            meta: r.meta(),
            vpc: key_of(field(&r.values, "vpc_id")),
            routes,
            subnets: Vec::new(),
            main: r.resource_type == "aws_default_route_table",
        });
    }
    for r in of_type(rs, &["aws_route"]) {
        let route = route_from(&r.values, &r.loc, d);
        let table_keys = keys_of(field(&r.values, "route_table_id"));
        if let Some(t) = tables.iter_mut().find(|t| table_keys.iter().any(|k| t.meta.answers_to(k))) {
            t.routes.push(route);
        }
    }
    for r in of_type(rs, &["aws_route_table_association"]) {
        let table_keys = keys_of(field(&r.values, "route_table_id"));
        let subnets = keys_of(field(&r.values, "subnet_id"));
        if let Some(t) = tables.iter_mut().find(|t| table_keys.iter().any(|k| t.meta.answers_to(k))) {
            t.subnets.extend(subnets);
        }
    }
    for r in of_type(rs, &["aws_main_route_table_association"]) {
        let table_keys = keys_of(field(&r.values, "route_table_id"));
        if let Some(t) = tables.iter_mut().find(|t| table_keys.iter().any(|k| t.meta.answers_to(k))) {
            t.main = true;
        }
    }
    d.route_tables = tables;
}

fn normalize_protocol(p: Option<String>) -> String {
    match p.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => "-1".into(),
        Some("-1") | Some("all") => "-1".into(),
        Some("6") | Some("tcp") => "tcp".into(),
        Some("17") | Some("udp") => "udp".into(),
        Some(other) => other.to_string(),
    }
}

fn port(values: &Value, key: &str, unknown: &mut bool) -> Option<i64> {
    match field(values, key) {
        Some(v) if v.is_unknown() => {
            *unknown = true;
            None
        }
        Some(v) => v.as_i64(),
        None => None,
    }
}

/// A rule in the classic shape (inline block or `aws_security_group_rule`).
fn classic_rule(values: &Value, loc: &Location, direction: Direction, address: Option<String>) -> SgRule {
    let mut ports_unknown = false;
    let protocol = normalize_protocol(field(values, "protocol").and_then(Value::to_template_string));
    let mut from_port = port(values, "from_port", &mut ports_unknown);
    let mut to_port = port(values, "to_port", &mut ports_unknown);
    if protocol == "-1" {
        from_port = None;
        to_port = None;
    }
    let mut cidrs = strings(field(values, "cidr_blocks"));
    cidrs.extend(strings(field(values, "ipv6_cidr_blocks")));
    let mut peer_groups = keys_of(field(values, "security_groups"));
    peer_groups.extend(keys_of(field(values, "source_security_group_id")));
    let peer_unknown = has_opaque_unknown(field(values, "cidr_blocks"))
        || has_opaque_unknown(field(values, "security_groups"))
        || has_opaque_unknown(field(values, "source_security_group_id"));
    SgRule {
        loc: loc.clone(),
        address,
        direction,
        protocol,
        from_port,
        to_port,
        cidrs,
        peer_groups,
        self_referencing: field(values, "self").and_then(Value::as_bool).unwrap_or(false),
        prefix_lists: strings(field(values, "prefix_list_ids")),
        peer_unknown,
        ports_unknown,
    }
}

/// A rule in the `aws_vpc_security_group_{ingress,egress}_rule` shape.
fn vpc_rule(r: &TfResource, direction: Direction) -> SgRule {
    let v = &r.values;
    let mut ports_unknown = false;
    let protocol = normalize_protocol(field(v, "ip_protocol").and_then(Value::to_template_string));
    let (from_port, to_port) = if protocol == "-1" {
        (None, None)
    } else {
        (port(v, "from_port", &mut ports_unknown), port(v, "to_port", &mut ports_unknown))
    };
    let mut cidrs = strings(field(v, "cidr_ipv4"));
    cidrs.extend(strings(field(v, "cidr_ipv6")));
    let peer_groups = keys_of(field(v, "referenced_security_group_id"));
    let peer_unknown =
        ["cidr_ipv4", "cidr_ipv6", "referenced_security_group_id"].iter().any(|k| has_opaque_unknown(field(v, k)));
    SgRule {
        loc: r.loc.clone(),
        address: Some(r.address.clone()),
        direction,
        protocol,
        from_port,
        to_port,
        cidrs,
        peer_groups,
        self_referencing: false,
        prefix_lists: strings(field(v, "prefix_list_id")),
        peer_unknown,
        ports_unknown,
    }
}

fn build_security_groups(rs: &[&TfResource], d: &mut Deployment) {
    for r in of_type(rs, &["aws_security_group", "aws_default_security_group"]) {
        let mut rules = Vec::new();
        for (key, direction) in [("ingress", Direction::Ingress), ("egress", Direction::Egress)] {
            for b in r.values.blocks(key) {
                rules.push(classic_rule(b, &b.loc, direction, None));
            }
        }
        d.security_groups.push(SecurityGroup {
            meta: r.meta(),
            name: attr_string(&r.values, "name", &r.loc),
            vpc: key_of(field(&r.values, "vpc_id")),
            rules,
            is_default: r.resource_type == "aws_default_security_group",
        });
    }
    let mut standalone: Vec<(Vec<String>, SgRule)> = Vec::new();
    for r in of_type(rs, &["aws_security_group_rule"]) {
        let direction = match field(&r.values, "type").and_then(Value::as_str) {
            Some("egress") => Direction::Egress,
            _ => Direction::Ingress,
        };
        let rule = classic_rule(&r.values, &r.loc, direction, Some(r.address.clone()));
        standalone.push((keys_of(field(&r.values, "security_group_id")), rule));
    }
    for (ty, direction) in [
        ("aws_vpc_security_group_ingress_rule", Direction::Ingress),
        ("aws_vpc_security_group_egress_rule", Direction::Egress),
    ] {
        for r in rs.iter().filter(|r| r.resource_type == ty) {
            standalone.push((keys_of(field(&r.values, "security_group_id")), vpc_rule(r, direction)));
        }
    }
    for (keys, rule) in standalone {
        match d.security_groups.iter_mut().find(|g| keys.iter().any(|k| g.meta.answers_to(k))) {
            Some(group) => group.rules.push(rule),
            None => {
                // A rule on a group this configuration does not define (passed in by id): keep it
                // on a stand-in group so the rules still see it.
                let address = keys.first().cloned().unwrap_or_else(|| "(unknown security group)".into());
                let meta = Meta {
                    address: address.clone(),
                    resource_type: "aws_security_group".into(),
                    keys,
                    loc: rule.loc.clone(),
                };
                d.security_groups.push(SecurityGroup { meta, rules: vec![rule], ..SecurityGroup::default() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::json_resource;
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_in_every_form_land_on_their_group() {
        let rs = vec![
            json_resource(
                "aws_security_group.ecs",
                json!({"name": "ecs", "ingress": [{"from_port": 3000, "to_port": 3000, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"]}]}),
            ),
            json_resource(
                "aws_security_group_rule.a",
                json!({"type": "egress", "security_group_id": "aws_security_group.ecs", "from_port": 5432, "to_port": 5432, "protocol": "tcp"}),
            ),
            json_resource(
                "aws_vpc_security_group_ingress_rule.b",
                json!({"security_group_id": "aws_security_group.ecs", "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}),
            ),
        ];
        let refs: Vec<&TfResource> = rs.iter().collect();
        let mut d = Deployment::default();
        build(&refs, &mut d);
        let g = &d.security_groups[0];
        assert_eq!(g.rules.len(), 3);
        assert!(g.rules[2].all_ports() && g.rules[2].open_to_world());
        assert!(g.rules[1].is_exactly_port(5432));
        assert_eq!(g.rules[1].direction, Direction::Egress);
    }

    #[test]
    fn a_subnet_routed_to_an_internet_gateway_is_public() {
        let rs = vec![
            json_resource("aws_internet_gateway.gw", json!({})),
            json_resource("aws_subnet.pub", json!({})),
            json_resource("aws_subnet.priv", json!({})),
            json_resource(
                "aws_route_table.pub",
                json!({"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "aws_internet_gateway.gw"}]}),
            ),
            json_resource(
                "aws_route_table.priv",
                json!({"route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "aws_nat_gateway.n"}]}),
            ),
            json_resource(
                "aws_route_table_association.a",
                json!({"route_table_id": "aws_route_table.pub", "subnet_id": "aws_subnet.pub"}),
            ),
            json_resource(
                "aws_route_table_association.b",
                json!({"route_table_id": "aws_route_table.priv", "subnet_id": "aws_subnet.priv"}),
            ),
        ];
        let refs: Vec<&TfResource> = rs.iter().collect();
        let mut d = Deployment::default();
        build(&refs, &mut d);
        assert_eq!(d.subnet_is_public("aws_subnet.pub"), Some(true));
        assert_eq!(d.subnet_is_public("aws_subnet.priv"), Some(false));
    }
}
