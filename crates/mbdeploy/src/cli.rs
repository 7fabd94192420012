//! Command-line interface: flags and subcommands.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Secure Metabase on AWS ECS Fargate: audit Terraform source, plans and deployments against the
/// "Metabase Deployment Security" document.
#[derive(Parser, Debug)]
#[command(name = "mbdeploy", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Audit Terraform source (a directory) or a plan (`terraform show -json` output).
    ///
    /// Exit codes: 0 no failing finding at or above the threshold, 1 findings, 2 usage or input error.
    Audit(AuditArgs),
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown"])]
        format: String,
    },
    /// Explain one rule: why it matters, how to fix it, and examples.
    Explain {
        /// Rule id or name, e.g. MBD-NET-010 or ecs-no-public-ip.
        rule: String,
    },
    /// Write a root module that uses the bundled Metabase module (works offline).
    Init(InitArgs),
    /// Audit, terraform init/plan/apply, verify, and wait for Metabase to be healthy.
    ///
    /// Exit codes: 0 deployed, 1 stopped by findings (or not confirmed), 2 usage error, 3 a step failed.
    Up(UpArgs),
    /// Destroy the deployment (`--local`: the one in the local emulator).
    Down(DownArgs),
    /// Verify a running deployment: read it from the account and judge it with the same rules.
    ///
    /// Exit codes: 0 nothing at or above the threshold, 1 findings or a control not verified
    /// (a permission missing), 2 usage or input error (a call that failed after retries).
    Verify(VerifyArgs),
    /// Print the least-privilege, read-only IAM policy that `verify` needs.
    IamPolicy,
    /// Show the running deployment: service, deployments, events, tasks, targets, database and
    /// Metabase's /api/health.
    ///
    /// Exit codes: 0 serving (tasks running as desired, /api/health ok), 1 not serving, 2 usage or input error.
    Status(StatusArgs),
    /// Diagnose the known failures of a deployment, each with its evidence, cause and fix.
    ///
    /// Exit codes: 0 nothing wrong found, 1 problems found, 2 usage or input error.
    Doctor(DoctorArgs),
    /// Print the service's CloudWatch logs, each line prefixed with its task id.
    Logs(LogsArgs),
    /// Rotate the database secret now, redeploy the service and wait until Metabase is healthy.
    ///
    /// Exit codes: 0 done (or dry run), 2 usage or input error (nothing changed), 3 a step failed (it is named).
    Rotate(RotateArgs),
}

/// The deployment the operations commands look at, and how to reach its account.
#[derive(Args, Debug, Clone)]
pub struct OpsTarget {
    /// The deployment's name: its ECS cluster and service, RDS instance and log group /aws/ecs/<name>.
    #[arg(long, default_value = "metabase-prod")]
    pub name: String,
    /// AWS region. Default: AWS_REGION, or the profile's region.
    #[arg(long)]
    pub region: Option<String>,
    /// A named profile of ~/.aws/config (SSO profiles included). Default: the standard chain.
    #[arg(long)]
    pub profile: Option<String>,
    /// Send every AWS call to this URL (a local emulator such as moto_server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: OpsTarget,
    /// Output format: text or json.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Refresh every SECS seconds until interrupted.
    #[arg(long, value_name = "SECS")]
    pub watch: Option<u64>,
    /// Metabase's URL (default: the load balancer's DNS name); /api/health is asked there.
    #[arg(long)]
    pub url: Option<String>,
    /// Service events shown.
    #[arg(long, default_value_t = 5)]
    pub events: usize,
}

#[derive(Args, Debug, Clone)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub target: OpsTarget,
    /// Output format: text or json.
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Metabase's URL (default: the load balancer's DNS name).
    #[arg(long)]
    pub url: Option<String>,
    /// The root module directory: its state (`terraform show -json`) is checked for the ECR repository.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// How far back to read the logs (10m, 2h, 1d).
    #[arg(long, default_value = "1h")]
    pub since: String,
}

#[derive(Args, Debug, Clone)]
pub struct LogsArgs {
    #[command(flatten)]
    pub target: OpsTarget,
    /// From how long ago (30s, 10m, 2h, 1d).
    #[arg(long, default_value = "10m")]
    pub since: String,
    /// Keep printing new lines until interrupted.
    #[arg(long)]
    pub follow: bool,
    /// A CloudWatch Logs filter pattern, e.g. ERROR or '"migration lock"'.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// The log group (default /aws/ecs/<name>).
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct RotateArgs {
    #[command(flatten)]
    pub target: OpsTarget,
    /// Say what would be done, and change nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Metabase's URL (default: the load balancer's DNS name).
    #[arg(long)]
    pub url: Option<String>,
    /// Seconds to wait for each of: the rotation, the deployment, Metabase's health.
    #[arg(long = "wait-timeout", default_value_t = 900)]
    pub wait_timeout: u64,
    /// Seconds between two polls.
    #[arg(long = "poll", default_value_t = 10)]
    pub poll: u64,
}

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// Directory to write (created if missing). Default: the current directory.
    pub dir: Option<PathBuf>,
    /// A root module for the local AWS emulator (moto_server) instead of an AWS account.
    #[arg(long)]
    pub local: bool,
    /// Deployment name, prefixing every resource (default metabase-prod, or metabase-local).
    #[arg(long)]
    pub name: Option<String>,
    /// AWS region (default eu-west-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Domain name of Metabase; with --zone-id the certificate is requested and validated.
    #[arg(long)]
    pub domain: Option<String>,
    /// Route 53 hosted zone id of --domain.
    #[arg(long = "zone-id")]
    pub zone_id: Option<String>,
    /// An existing ACM certificate ARN, instead of --domain and --zone-id.
    #[arg(long = "certificate-arn")]
    pub certificate_arn: Option<String>,
    /// Metabase version (image tag); never latest.
    #[arg(long = "image-tag", default_value = "v0.50.0")]
    pub image_tag: String,
    /// Fargate CPU units.
    #[arg(long, default_value_t = 1024)]
    pub cpu: u32,
    /// Fargate memory in MiB.
    #[arg(long, default_value_t = 2048)]
    pub memory: u32,
    /// E-mail address for alarms.
    #[arg(long = "alarm-email")]
    pub alarm_email: Option<String>,
    /// S3 bucket for the Terraform state (create it with terraform/bootstrap).
    #[arg(long = "state-bucket")]
    pub state_bucket: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Never prompt, even on a terminal.
    #[arg(long = "no-input")]
    pub no_input: bool,
}

#[derive(Args, Debug, Clone)]
pub struct UpArgs {
    /// The root module directory (from `mbdeploy init`). Default: the current directory.
    pub dir: Option<PathBuf>,
    /// Deploy to the local AWS emulator: starts moto_server on a free loopback port.
    #[arg(long)]
    pub local: bool,
    /// Use this running emulator (a loopback URL) instead of starting one.
    #[arg(long = "endpoint-url", requires = "local")]
    pub endpoint_url: Option<String>,
    /// Leave the emulator running at the end.
    #[arg(long, requires = "local")]
    pub keep: bool,
    /// Apply without asking.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// Apply even if the audit finds something at or above the threshold.
    #[arg(long)]
    pub force: bool,
    /// Findings at or above this severity stop the deployment.
    #[arg(long, default_value = "low")]
    pub severity: String,
    /// Seconds to wait for Metabase's /api/health (start-up migrations take minutes).
    #[arg(long = "wait-timeout", default_value_t = 1200)]
    pub wait_timeout: u64,
}

#[derive(Args, Debug, Clone)]
pub struct DownArgs {
    /// The root module directory. Default: the current directory.
    pub dir: Option<PathBuf>,
    /// The deployment is in the local emulator.
    #[arg(long)]
    pub local: bool,
    /// The running emulator holding it (from `up --local --keep`).
    #[arg(long = "endpoint-url", requires = "local")]
    pub endpoint_url: Option<String>,
    /// Destroy without asking.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
}

#[derive(Args, Debug, Clone)]
pub struct AuditArgs {
    /// A root module directory, a tree of them, or a plan JSON file. Default: the current directory.
    pub path: Option<PathBuf>,
    /// Audit this plan JSON (`terraform show -json plan.out > plan.json`) instead of source.
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub plan: Option<PathBuf>,
    /// Output format: text, json, sarif or junit.
    #[arg(long, short = 'f', default_value = "text")]
    pub format: String,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that fails the run (and is reported): low, medium, high or critical.
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<String>,
    /// Configuration file. Default: .mbdeploy.toml in the audited directory or the current one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings that are not in this earlier JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// A variables file, as `terraform -var-file` (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// A variable, as `terraform -var NAME=VALUE` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Do not run this rule (id or name; repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
    /// Never colour the text report (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// The deployment's name: its ECS cluster, ECS service and RDS instance identifier.
    #[arg(long, default_value = "metabase-prod")]
    pub name: String,
    /// AWS region. Default: AWS_REGION, or the profile's region.
    #[arg(long)]
    pub region: Option<String>,
    /// A named profile of ~/.aws/config (SSO profiles included). Default: the standard chain.
    #[arg(long)]
    pub profile: Option<String>,
    /// Send every AWS call to this URL (a local emulator such as moto_server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Output format: text, json, sarif or junit.
    #[arg(long, short = 'f', default_value = "text")]
    pub format: String,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that fails the run (and is reported): low, medium, high or critical.
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<String>,
    /// Configuration file. Default: .mbdeploy.toml in the current directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings that are not in this earlier JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Do not run this rule or live check (id or name; repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
    /// Never colour the text report (NO_COLOR is honoured too).
    #[arg(long)]
    pub no_color: bool,
    /// AWS calls in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Print the time taken and the API calls made (per operation) to stderr.
    #[arg(long)]
    pub stats: bool,
}
