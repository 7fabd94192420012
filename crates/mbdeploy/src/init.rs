//! `mbdeploy init`: writes a root module that uses the bundled Metabase module.

use crate::cli::InitArgs;
use crate::ExitCode;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

pub use bundled::CLI_TFRC;

/// What the generated root module is for.
#[derive(Clone, Debug)]
pub struct Settings {
    pub name: String,
    pub region: String,
    pub domain_name: Option<String>,
    pub route53_zone_id: Option<String>,
    pub certificate_arn: Option<String>,
    pub image_tag: String,
    pub task_cpu: u32,
    pub task_memory: u32,
    pub alarm_email: Option<String>,
    pub state_bucket: Option<String>,
    pub local: bool,
}

pub fn run(args: &InitArgs) -> Result<ExitCode, String> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let interactive = std::io::stdin().is_terminal() && !args.no_input;
    let settings = settings(args, interactive)?;
    let files = render(&settings);
    write(&dir, &files, args.force)?;
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    if settings.local {
        eprintln!("next: mbdeploy up --local {}", dir.display());
    } else {
        eprintln!("next: create the state bucket (terraform/bootstrap), then: mbdeploy up {}", dir.display());
    }
    Ok(ExitCode::Clean)
}

fn prompt(question: &str, default: Option<&str>) -> Result<Option<String>, String> {
    let mut err = std::io::stderr();
    match default {
        Some(d) => write!(err, "{question} [{d}]: "),
        None => write!(err, "{question} (empty to skip): "),
    }
    .and_then(|_| err.flush())
    .map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    let line = line.trim();
    Ok(if line.is_empty() { default.map(String::from) } else { Some(line.to_string()) })
}

fn settings(args: &InitArgs, interactive: bool) -> Result<Settings, String> {
    let mut s = Settings {
        name: args.name.clone().unwrap_or_default(),
        region: args.region.clone().unwrap_or_default(),
        domain_name: args.domain.clone(),
        route53_zone_id: args.zone_id.clone(),
        certificate_arn: args.certificate_arn.clone(),
        image_tag: args.image_tag.clone(),
        task_cpu: args.cpu,
        task_memory: args.memory,
        alarm_email: args.alarm_email.clone(),
        state_bucket: args.state_bucket.clone(),
        local: args.local,
    };
    let default_name = if s.local { "metabase-local" } else { "metabase-prod" };
    if s.name.is_empty() {
        s.name = if interactive {
            prompt("Deployment name", Some(default_name))?.unwrap_or_default()
        } else {
            default_name.into()
        };
    }
    if s.region.is_empty() {
        s.region = if interactive && !s.local {
            prompt("AWS region", Some("eu-west-1"))?.unwrap_or_default()
        } else {
            "eu-west-1".into()
        };
    }
    if !s.local && s.certificate_arn.is_none() && s.domain_name.is_none() && interactive {
        s.domain_name = prompt(
            "Domain name for Metabase (a Route 53 zone of this account), or empty to give a certificate ARN",
            None,
        )?;
        if s.domain_name.is_some() {
            s.route53_zone_id = prompt("Route 53 hosted zone id of that domain", None)?;
        } else {
            s.certificate_arn = prompt("ACM certificate ARN", None)?;
        }
    }
    if !s.local && s.state_bucket.is_none() && interactive {
        s.state_bucket = prompt(
            "S3 bucket for the Terraform state (see terraform/bootstrap)",
            Some(&format!("{}-tfstate", s.name)),
        )?;
    }
    if !s.local && s.alarm_email.is_none() && interactive {
        s.alarm_email = prompt("E-mail address for alarms", None)?;
    }
    validate(&s)?;
    Ok(s)
}

/// Checks the settings the way the module's variable validations would, but before any file is
/// written, naming the flag to fix.
pub fn validate(s: &Settings) -> Result<(), String> {
    let name_ok = !s.name.is_empty()
        && s.name.len() <= 28
        && s.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && s.name.starts_with(|c: char| c.is_ascii_lowercase());
    if !name_ok {
        return Err(format!(
            "--name `{}`: use 1-28 lowercase letters, digits and hyphens, starting with a letter",
            s.name
        ));
    }
    let region_ok = s.region.split('-').count() >= 3
        && s.region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !region_ok {
        return Err(format!("--region `{}`: expected an AWS region such as eu-west-1", s.region));
    }
    if s.image_tag.is_empty() || s.image_tag.eq_ignore_ascii_case("latest") {
        return Err("--image-tag: pin a Metabase version such as v0.50.0, never `latest`".into());
    }
    if !s.local {
        match (&s.certificate_arn, &s.domain_name, &s.route53_zone_id) {
            (Some(arn), None, _) if arn.starts_with("arn:aws") && arn.contains(":acm:") => {}
            (Some(_), None, _) => {
                return Err("--certificate-arn: expected an ACM certificate ARN (arn:aws:acm:...)".into())
            }
            (None, Some(_), Some(_)) => {}
            (None, Some(_), None) => {
                return Err("--domain needs --zone-id (the Route 53 zone where the certificate is validated)".into())
            }
            (Some(_), Some(_), _) => {
                return Err("give either --certificate-arn or --domain with --zone-id, not both".into())
            }
            (None, None, _) => {
                return Err("HTTPS needs a certificate: pass --certificate-arn, or --domain and --zone-id".into())
            }
        }
        if s.state_bucket.is_none() {
            return Err(
                "--state-bucket: the S3 bucket that keeps the Terraform state (create it with terraform/bootstrap)"
                    .into(),
            );
        }
    }
    if ![512, 1024, 2048, 4096, 8192, 16384].contains(&s.task_cpu) {
        return Err(format!("--cpu {}: one of 512, 1024, 2048, 4096, 8192, 16384", s.task_cpu));
    }
    if s.task_memory < 2048 || s.task_memory % 1024 != 0 {
        return Err(format!("--memory {}: at least 2048 MiB, in whole GiB", s.task_memory));
    }
    Ok(())
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(quoted).unwrap_or_else(|| "null".into())
}

/// The files of the root module, by relative path.
pub fn render(s: &Settings) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> =
        bundled::MODULE_FILES.iter().map(|(n, c)| (Path::new("modules/metabase").join(n), c.to_string())).collect();
    let versions = if s.local {
        format!(
            r#"# mbdeploy:ignore MBD-TF-001 local emulator: the state describes throw-away resources in moto_server and holds no real secret
terraform {{
  required_version = ">= 1.11"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }}
  }}
}}
"#
        )
    } else {
        let bucket = s.state_bucket.clone().unwrap_or_default();
        format!(
            r#"terraform {{
  required_version = ">= 1.11"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }}
  }}

  # State is encrypted at rest and locked with a lock file next to it (no DynamoDB table needed).
  backend "s3" {{
    bucket       = {bucket}
    key          = {key}
    region       = {region}
    encrypt      = true
    use_lockfile = true
  }}
}}
"#,
            bucket = quoted(&bucket),
            key = quoted(&format!("{}/terraform.tfstate", s.name)),
            region = quoted(&s.region)
        )
    };
    files.push(("versions.tf".into(), versions));
    let provider = if s.local {
        r#"# Every endpoint points at the local emulator; the credentials are dummies.
provider "aws" {
  region     = var.region
  access_key = "testing"
  secret_key = "testing"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    acm            = var.endpoint
    cloudwatch     = var.endpoint
    ec2            = var.endpoint
    ecr            = var.endpoint
    ecs            = var.endpoint
    elbv2          = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    logs           = var.endpoint
    rds            = var.endpoint
    route53        = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sfn            = var.endpoint
    sns            = var.endpoint
    sts            = var.endpoint
    wafv2          = var.endpoint
  }
}

# Stands in for an ACM certificate: `mbdeploy up --local` makes a self-signed one with openssl.
resource "aws_acm_certificate" "local" {
  certificate_body = file(var.certificate_body_file)
  private_key      = file(var.private_key_file)

  lifecycle {
    create_before_destroy = true
  }
}
"#
        .to_string()
    } else {
        r#"provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}
"#
        .to_string()
    };
    let certificate = if s.local {
        "  certificate_arn = aws_acm_certificate.local.arn\n".to_string()
    } else {
        "  certificate_arn = var.certificate_arn\n  domain_name     = var.domain_name\n  route53_zone_id = var.route53_zone_id\n".to_string()
    };
    let local_only = if s.local {
        r#"
  # Deletion protection stays on, as in production; `mbdeploy down --local` turns it off first.
  db_deletion_protection  = var.deletion_protection
  alb_deletion_protection = var.deletion_protection

  # Throw-away stack: let destroy empty the log buckets and the repository.
  force_destroy_log_buckets   = true
  force_delete_ecr_repository = true

  # moto 5.2 cannot create Step Functions state machines through the AWS provider (it lacks
  # ValidateStateMachineDefinition), so the redeploy-after-rotation wiring stays off here.
  redeploy_on_rotation = false
"#
    } else {
        "\n  db_multi_az = true\n"
    };
    let module_comment = if s.local {
        "# mbdeploy:ignore MBD-SEC-008 local emulator only: moto cannot create the state machine that redeploys after a rotation\n"
    } else {
        ""
    };
    files.push((
        "main.tf".into(),
        format!(
            r#"{provider}
{module_comment}module "metabase" {{
  source = "./modules/metabase"

  name = var.name

{certificate}  image_tag   = var.image_tag
  task_cpu    = var.task_cpu
  task_memory = var.task_memory
  alarm_email = var.alarm_email
{local_only}
  tags = var.tags
}}
"#
        ),
    ));
    let mut variables = String::from(
        r#"variable "name" {
  description = "Name of the deployment: prefixes every resource (cluster, service, roles, log group)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,27}$", var.name))
    error_message = "name must be 1-28 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the deployment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as eu-west-1."
  }
}

variable "image_tag" {
  description = "Metabase version to run (an image tag in the ECR repository). Never latest."
  type        = string

  validation {
    condition     = length(var.image_tag) > 0 && lower(var.image_tag) != "latest"
    error_message = "image_tag must name a specific version such as v0.50.0, never latest."
  }
}

variable "task_cpu" {
  description = "Fargate task CPU units."
  type        = number
}

variable "task_memory" {
  description = "Fargate task memory in MiB (at least 2048 for Metabase)."
  type        = number
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
"#,
    );
    if s.local {
        variables.push_str(
            r#"
variable "endpoint" {
  description = "URL of the local AWS emulator (moto_server). Only loopback addresses are accepted."
  type        = string

  validation {
    condition     = can(regex("^http://(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|localhost):[0-9]+$", var.endpoint))
    error_message = "endpoint must be a loopback URL such as http://127.0.0.1:5000."
  }
}

variable "certificate_body_file" {
  description = "Self-signed PEM certificate imported into the emulator's ACM."
  type        = string
}

variable "private_key_file" {
  description = "PEM private key of certificate_body_file (throw-away)."
  type        = string
}

variable "deletion_protection" {
  description = "Deletion protection of the database and the load balancer."
  type        = bool
  default     = true
}
"#,
        );
    } else {
        variables.push_str(
            r#"
variable "domain_name" {
  description = "Host name of Metabase; with route53_zone_id the certificate is requested and validated."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone of domain_name."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ARN of an existing ACM certificate, instead of domain_name and route53_zone_id."
  type        = string
  default     = null
}
"#,
        );
    }
    files.push(("variables.tf".into(), variables));
    files.push((
        "outputs.tf".into(),
        r#"output "url" {
  description = "URL of Metabase."
  value       = module.metabase.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.metabase.alb_dns_name
}
"#
        .into(),
    ));
    let mut tfvars = format!(
        "# Written by `mbdeploy init`. No secret belongs here: RDS keeps the database password in\n# Secrets Manager, and the module generates MB_ENCRYPTION_SECRET_KEY into Secrets Manager.\n\nname        = {}\nregion      = {}\nimage_tag   = {}\ntask_cpu    = {}\ntask_memory = {}\nalarm_email = {}\n",
        quoted(&s.name),
        quoted(&s.region),
        quoted(&s.image_tag),
        s.task_cpu,
        s.task_memory,
        opt(&s.alarm_email)
    );
    if !s.local {
        tfvars.push_str(&format!(
            "\ndomain_name     = {}\nroute53_zone_id = {}\ncertificate_arn = {}\n",
            opt(&s.domain_name),
            opt(&s.route53_zone_id),
            opt(&s.certificate_arn)
        ));
    }
    files.push(("terraform.tfvars".into(), tfvars));
    files.push((".gitignore".into(), ".terraform/\n*.tfstate\n*.tfstate.*\n.mbdeploy/\n".into()));
    files
}

fn write(dir: &Path, files: &[(PathBuf, String)], force: bool) -> Result<(), String> {
    if !force {
        let existing: Vec<String> =
            files.iter().filter(|(p, _)| dir.join(p).exists()).map(|(p, _)| p.display().to_string()).collect();
        if !existing.is_empty() {
            return Err(format!(
                "{}: would overwrite {} (pass --force to replace them)",
                dir.display(),
                existing.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> Settings {
        Settings {
            name: "metabase-local".into(),
            region: "eu-west-1".into(),
            domain_name: None,
            route53_zone_id: None,
            certificate_arn: None,
            image_tag: "v0.50.0".into(),
            task_cpu: 1024,
            task_memory: 2048,
            alarm_email: None,
            state_bucket: None,
            local: true,
        }
    }

    #[test]
    fn the_module_is_bundled() {
        let files = render(&local());
        assert!(files.iter().any(|(p, c)| p.ends_with("modules/metabase/ecs.tf") && c.contains("aws_ecs_service")));
    }

    #[test]
    fn settings_are_checked_before_writing() {
        let mut s = local();
        s.image_tag = "latest".into();
        assert!(validate(&s).unwrap_err().contains("latest"));
        let mut s = local();
        s.local = false;
        assert!(validate(&s).unwrap_err().contains("certificate"));
        s.domain_name = Some("metabase.example.com".into());
        assert!(validate(&s).unwrap_err().contains("--zone-id"));
        s.route53_zone_id = Some("Z123".into());
        assert!(validate(&s).unwrap_err().contains("--state-bucket"));
        s.state_bucket = Some("b".into());
        validate(&s).unwrap();
    }
}
