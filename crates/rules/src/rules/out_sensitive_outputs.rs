//! MBD-OUT-001: outputs exposing endpoints or secrets are sensitive.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-OUT-001",
        name: "sensitive-outputs",
        title: "Outputs that expose database endpoints, secrets or passwords must be `sensitive = true`",
        severity: Severity::Medium,
        section: "§3 Data Protection › Sensitive Outputs; §6 Terraform Security",
        rationale: "The document marks `rds_endpoint` sensitive so that it is not printed by `terraform apply` and \
                    `terraform output` into terminals and CI logs.",
        remediation: "Add `sensitive = true` to the output; read it deliberately with `terraform output -raw NAME`.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
resource "aws_db_instance" "metabase" {}
output "rds_endpoint" {
  value = aws_db_instance.metabase.endpoint
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {}
output "rds_endpoint" {
  value     = aws_db_instance.metabase.endpoint
  sensitive = true
}
"#,
    },
    check,
};

const NAME_MARKERS: &[&str] = &[
    "endpoint",
    "db_address",
    "database_address",
    "db_host",
    "password",
    "secret",
    "credential",
    "token",
    "private_key",
    "connection_string",
];

/// A reference that reads a database address or a secret (ARNs of secrets included).
fn exposes(reference: &str) -> bool {
    let db = reference.starts_with("aws_db_instance.")
        || reference.starts_with("aws_rds_cluster.")
        || reference.contains(".aws_db_instance.")
        || reference.contains(".aws_rds_cluster.");
    (db && (reference.ends_with(".endpoint")
        || reference.ends_with(".address")
        || reference.ends_with(".reader_endpoint")))
        || reference.contains("master_user_secret")
        || reference.contains("password")
        || reference.contains("aws_secretsmanager_secret")
}

fn check(ctx: &mut Ctx) {
    for o in &ctx.d.outputs {
        if o.sensitive {
            continue;
        }
        let short = o.name.rsplit('.').next().unwrap_or(&o.name).to_ascii_lowercase();
        let by_name =
            NAME_MARKERS.iter().any(|m| short.contains(m)) && !short.ends_with("_url") && !short.contains("alb");
        let by_reference = o.references.iter().any(|r| exposes(r));
        if by_name || by_reference {
            ctx.fail(
                &output_address(&o.name),
                &o.loc,
                format!("output `{short}` exposes database or secret details and is not sensitive"),
            );
        }
    }
}

/// `output.x`, or `module.m.output.x` inside a module.
fn output_address(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((module, short)) => format!("{module}.output.{short}"),
        None => format!("output.{name}"),
    }
}
