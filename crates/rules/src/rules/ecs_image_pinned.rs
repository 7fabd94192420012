//! MBD-ECS-003: the image is pinned to a version tag or digest.

use super::common::containers;
use crate::{Applies, Ctx, Rule, RuleMeta, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MBD-ECS-003",
        name: "image-pinned",
        title: "Container images must be pinned to a version tag or digest, never `latest` or untagged",
        severity: Severity::High,
        section: "Best Practices › Use specific image tags instead of latest",
        rationale: "With `latest` (or no tag), every task start may run a different Metabase: an unreviewed upgrade \
                    migrates the application database without warning and cannot be rolled back by redeploying.",
        remediation:
            "Use an explicit version, e.g. `<account>.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0`, \
                      or a digest `@sha256:...`.",
        applies: Applies::Everywhere,
        bad_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{ name = "metabase", image = "metabase/metabase:latest" }])
}
"#,
        good_example: r#"
resource "aws_ecs_task_definition" "metabase" {
  container_definitions = jsonencode([{ name = "metabase", image = "${aws_ecr_repository.metabase.repository_url}:v0.50.0" }])
}
"#,
    },
    check,
};

/// The tag of an image reference: `None` when untagged; digests count as pinned.
pub enum Pin {
    Digest,
    Tag(String),
    Untagged,
    Unknown,
}

pub fn pin_of(image: &str) -> Pin {
    if image.contains("@sha256:") {
        return Pin::Digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag.contains("${") => Pin::Unknown,
        Some((_, tag)) => Pin::Tag(tag.to_string()),
        None if last.contains("${") => Pin::Unknown,
        None => Pin::Untagged,
    }
}

fn check(ctx: &mut Ctx) {
    for t in ctx.d.task_definitions.iter().filter(|t| t.containers.is_unknown()) {
        ctx.undetermined(
            &t.meta.address,
            &t.containers.loc,
            "the container definitions are not known before apply: the image cannot be checked",
        );
    }
    for (task, c) in containers(ctx.d) {
        let Some(image) = c.image.get() else {
            if c.image.is_unknown() {
                ctx.undetermined(
                    task,
                    &c.image.loc,
                    format!("container `{}`'s image is not known before apply", c.name),
                );
            }
            continue;
        };
        match pin_of(image) {
            Pin::Digest => {}
            Pin::Tag(t) if t.eq_ignore_ascii_case("latest") => {
                ctx.fail(task, &c.image.loc, format!("container `{}` uses the `latest` tag", c.name))
            }
            Pin::Tag(_) => {}
            Pin::Untagged => {
                ctx.fail(task, &c.image.loc, format!("container `{}`'s image has no tag (means `latest`)", c.name))
            }
            Pin::Unknown => ctx.undetermined(
                task,
                &c.image.loc,
                format!("container `{}`'s image tag is not known before apply", c.name),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn registry_ports_are_not_tags() {
        assert!(matches!(pin_of("registry:5000/metabase"), Pin::Untagged));
        assert!(matches!(pin_of("registry:5000/metabase:v1"), Pin::Tag(t) if t == "v1"));
    }

    #[test]
    fn a_variable_tag_is_evaluated() {
        let hcl = "variable \"tag\" { default = \"latest\" }\nresource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = jsonencode([{ name = \"m\", image = \"${aws_ecr_repository.r.repository_url}:${var.tag}\" }])\n}\n";
        let f = fails_once(&RULE, hcl);
        assert!(f.message.contains("latest"));
    }
}
