//! MBD-TF-003: a module whose source is not available locally.

use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-TF-003",
        name: "module-not-audited",
        title: "Every module must be available to audit",
        severity: Severity::Low,
        section: "§6 Terraform Security",
        rationale:
            "A registry or git module that has not been downloaded cannot be read; its resources are not judged, \
                    and a pass would be a false one. This is reported as undetermined, not as a failure.",
        remediation: "Run `terraform init` (which downloads modules into .terraform/modules) before auditing.",
        applies: Applies::TerraformOnly,
        bad_example: r#"
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "aws_lb" "x" { name = "x" }
"#,
        good_example: r#"
resource "aws_lb" "x" { name = "x" }
"#,
    },
    check,
};

fn check(ctx: &mut Ctx) {
    for issue in ctx.d.load_issues.iter().filter(|i| i.code == "module-not-loaded") {
        ctx.undetermined(&issue.address, &issue.loc, issue.message.clone());
    }
}
