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
    /// Verify a running deployment: read it from the account and judge it with the same rules.
    ///
    /// Exit codes: 0 nothing at or above the threshold, 1 findings or a control not verified
    /// (a permission missing), 2 usage or input error (a call that failed after retries).
    Verify(VerifyArgs),
    /// Print the least-privilege, read-only IAM policy that `verify` needs.
    IamPolicy,
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
