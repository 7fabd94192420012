//! MBD-NET-004: one NAT gateway serving several availability zones.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-004",
        name: "nat-per-az",
        title: "A single NAT gateway serves tasks in several availability zones",
        severity: Severity::Low,
        section: "§1 Network Security › Connectivity",
        rationale: "With one NAT gateway, an outage of its availability zone cuts every task's egress (ECR pulls, \
                    secrets, logs) even in healthy zones. It is a valid cost choice for non-production.",
        remediation:
            "Create one NAT gateway per availability zone and route each private subnet to the one in its zone \
                      (the module's `single_nat_gateway = false`), or accept the risk with a suppression.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_nat_gateway" "nat" {}
resource "aws_subnet" "a" { availability_zone = "eu-west-1a" }
resource "aws_subnet" "b" { availability_zone = "eu-west-1b" }
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
"#,
        good_example: r#"
resource "aws_nat_gateway" "a" {}
resource "aws_nat_gateway" "b" {}
resource "aws_subnet" "a" { availability_zone = "eu-west-1a" }
resource "aws_subnet" "b" { availability_zone = "eu-west-1b" }
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    if d.nat_gateways.len() != 1 {
        return;
    }
    let zones: BTreeSet<&String> = d
        .ecs_services
        .iter()
        .flat_map(|s| s.subnets.iter())
        .filter_map(|k| d.subnet(k))
        .filter_map(|s| s.availability_zone.get())
        .collect();
    let subnets: BTreeSet<&str> = d
        .ecs_services
        .iter()
        .flat_map(|s| s.subnets.iter())
        .filter_map(|k| d.subnet(k))
        .map(|s| s.meta.address.as_str())
        .collect();
    // Zones computed from a data source are unknown; count subnets instead, which is what a
    // per-AZ layout produces.
    if zones.len() > 1 || (zones.is_empty() && subnets.len() > 1) {
        let nat = &d.nat_gateways[0];
        ctx.fail(
            &nat.meta.address,
            &nat.meta.loc,
            format!("one NAT gateway serves ECS subnets in {} availability zones", zones.len().max(subnets.len())),
        );
    }
}
