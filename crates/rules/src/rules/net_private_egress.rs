//! MBD-NET-003: private subnets reach ECR, logs and secrets (through NAT or endpoints).

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};
use mbdeploy_model::Deployment;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-003",
        name: "private-egress",
        title: "Private subnets need egress through NAT (or VPC endpoints) for ECR, logs and secrets",
        severity: Severity::Medium,
        section: "§1 Network Security › Connectivity",
        rationale:
            "Tasks in private subnets pull images from ECR, fetch secrets and write logs over AWS APIs. Without \
                    a NAT gateway route or VPC endpoints for those services, tasks fail to start with \
                    CannotPullContainerError or ResourceInitializationError: the document's \"Container \
                    Provisioning Failures\".",
        remediation: "Add a default route (0.0.0.0/0) to a NAT gateway in the private subnets' route tables, or \
                      interface endpoints for ecr.api, ecr.dkr, logs and secretsmanager plus the S3 gateway endpoint.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_subnet" "private" {}
resource "aws_route_table" "private" {}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.private.id]
  }
}
"#,
        good_example: r#"
resource "aws_nat_gateway" "nat" {}
resource "aws_subnet" "private" {}
resource "aws_route_table" "private" {}
resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_ecs_service" "metabase" {
  network_configuration {
    subnets = [aws_subnet.private.id]
  }
}
"#,
    },
    check,
};

/// The endpoints that replace NAT for a Fargate task that pulls from ECR and reads secrets.
pub const NEEDED_ENDPOINTS: &[&str] = &["ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager"];

pub fn missing_endpoints(d: &Deployment) -> Vec<&'static str> {
    NEEDED_ENDPOINTS
        .iter()
        .copied()
        .filter(|svc| {
            !d.vpc_endpoints
                .iter()
                .any(|e| e.service_name.get().map(|n| n.ends_with(&format!(".{svc}"))).unwrap_or(false))
        })
        .collect()
}

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    let endpoints_cover = missing_endpoints(d).is_empty();
    for s in &d.ecs_services {
        for key in &s.subnets {
            if d.subnet_is_public(key) != Some(false) {
                continue;
            }
            let Some(subnet) = d.subnet(key) else {
                continue;
            };
            let tables: Vec<_> =
                d.route_tables.iter().filter(|t| t.subnets.iter().any(|k| subnet.meta.answers_to(k))).collect();
            let nat = tables.iter().any(|t| {
                t.routes
                    .iter()
                    .any(|r| r.nat_gateway.is_some() && matches!(r.destination.as_deref(), Some("0.0.0.0/0") | None))
            });
            let unknown = tables.iter().any(|t| t.routes.iter().any(|r| r.target_unknown));
            if nat || endpoints_cover {
                continue;
            }
            if unknown {
                ctx.undetermined(
                    &s.meta.address,
                    &s.network_configuration.loc,
                    format!("the routes of subnet `{key}` are not known before apply"),
                );
            } else {
                ctx.fail(
                    &s.meta.address,
                    &s.network_configuration.loc,
                    format!("subnet `{key}` has no route to a NAT gateway and the VPC lacks endpoints for {}: tasks cannot pull images or read secrets", missing_endpoints(d).join(", ")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::*;

    #[test]
    fn endpoints_replace_nat() {
        let mut hcl = RULE.meta.bad_example.to_string();
        for svc in super::NEEDED_ENDPOINTS {
            hcl.push_str(&format!(
                "resource \"aws_vpc_endpoint\" \"{}\" {{ service_name = \"com.amazonaws.eu-west-1.{svc}\" }}\n",
                svc.replace('.', "_")
            ));
        }
        passes(&RULE, &hcl);
    }
}
