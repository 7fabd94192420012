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

/// Whether an output's name says it holds a database address or a secret: judged by its last
/// words (`rds_endpoint`, `db_password`, `encryption_key_secret_arn`; not `db_secret_rotation_schedule`).
fn name_exposes(name: &str) -> bool {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let Some(last) = words.last() else { return false };
    let before = if words.len() >= 2 { words[words.len() - 2] } else { "" };
    let db = words.iter().any(|w| ["db", "rds", "database", "postgres"].contains(w));
    match *last {
        "endpoint" | "password" | "secret" | "token" | "credentials" | "credential" | "passwd" => true,
        "address" | "host" | "hostname" => db,
        "arn" | "id" => before == "secret",
        "string" => before == "connection",
        _ => super::common::looks_secret(name),
    }
}

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
        let by_name = name_exposes(&short);
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

#[cfg(test)]
mod tests {
    use super::name_exposes;

    #[test]
    fn output_names() {
        for yes in ["rds_endpoint", "db_address", "encryption_key_secret_arn", "db_password", "connection_string"] {
            assert!(name_exposes(yes), "{yes}");
        }
        for no in
            ["alb_dns_name", "url", "db_secret_rotation_schedule", "rds_identifier", "sns_topic_arn", "alb_address"]
        {
            assert!(!name_exposes(no), "{no}");
        }
    }
}
