//! MBD-NET-005: VPC endpoints for the AWS services the tasks use.

use super::net_private_egress::missing_endpoints;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-NET-005",
        name: "vpc-endpoints",
        title: "VPC endpoints for ECR, S3, CloudWatch Logs and Secrets Manager",
        severity: Severity::Low,
        section: "§1 Network Security › Connectivity (VPC Endpoints) and Best Practices",
        rationale:
            "The document recommends VPC endpoints so that image pulls, secret reads and log writes stay on the \
                    AWS network instead of crossing the internet through NAT.",
        remediation: "Add interface endpoints (private DNS on) for ecr.api, ecr.dkr, logs and secretsmanager, and a \
                      gateway endpoint for s3 on the private route tables.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_ecs_service" "metabase" {}
"#,
        good_example: r#"
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_ecs_service" "metabase" {}
resource "aws_vpc_endpoint" "ecr_api" { service_name = "com.amazonaws.eu-west-1.ecr.api" }
resource "aws_vpc_endpoint" "ecr_dkr" { service_name = "com.amazonaws.eu-west-1.ecr.dkr" }
resource "aws_vpc_endpoint" "s3" { service_name = "com.amazonaws.eu-west-1.s3" }
resource "aws_vpc_endpoint" "logs" { service_name = "com.amazonaws.eu-west-1.logs" }
resource "aws_vpc_endpoint" "secretsmanager" { service_name = "com.amazonaws.eu-west-1.secretsmanager" }
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    let d = ctx.d;
    // Only a configuration that manages the VPC can add endpoints to it.
    let Some(vpc) = d.vpcs.first() else { return };
    if d.ecs_services.is_empty() {
        return;
    }
    let unknown = d.vpc_endpoints.iter().any(|e| e.service_name.is_unknown());
    let missing = missing_endpoints(d);
    if missing.is_empty() {
        return;
    }
    let message = format!("no VPC endpoint for {}", missing.join(", "));
    if unknown {
        ctx.undetermined(
            &vpc.meta.address,
            &vpc.meta.loc,
            format!("{message} (some endpoint service names are not known before apply)"),
        );
    } else {
        ctx.fail(&vpc.meta.address, &vpc.meta.loc, message);
    }
}
