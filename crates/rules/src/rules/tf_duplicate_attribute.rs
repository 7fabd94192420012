//! MBD-TF-002: an attribute set twice in one block.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-TF-002",
        name: "duplicate-attribute",
        title: "An attribute must not be set twice in one block",
        severity: Severity::Medium,
        section: "§6 Terraform Security",
        rationale:
            "When an argument appears twice, only one value takes effect; a reviewer reading the first line (say \
                    `publicly_accessible = false`) can be misled about what is deployed.",
        remediation: "Delete the duplicate line, keeping the value you mean.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
resource "aws_db_instance" "metabase" {
  publicly_accessible = false
  publicly_accessible = true
}
"#,
        good_example: r#"
resource "aws_db_instance" "metabase" {
  publicly_accessible = false
}
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for issue in ctx.d.load_issues.iter().filter(|i| i.code == "duplicate-attribute") {
        let resource = if issue.address.is_empty() {
            issue.loc.file.as_deref().unwrap_or("").to_string()
        } else {
            issue.address.clone()
        };
        ctx.fail(&resource, &issue.loc, issue.message.clone());
    }
}
