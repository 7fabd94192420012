//! The document's controls as rules.
//!
//! A rule is one file under `rules/`: its metadata (id, title, severity, the document section it
//! enforces, rationale, remediation, a bad and a good example), its check, and its tests. Rules
//! read only the [`Deployment`] model, so the same rule judges Terraform source, a plan and a
//! live account. The [`engine`] runs them, applies suppressions and reports load issues.

pub mod engine;
mod finding;
pub mod rules;

pub use engine::{run, Options, Outcome};
pub use finding::{Finding, Status};
pub use mbdeploy_model::{Deployment, Location, SourceKind};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!("unknown severity '{other}': expected one of low, medium, high, critical")),
        }
    }
}

/// Which kinds of source a rule can judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Source, plan and live account.
    Everywhere,
    /// Only Terraform source and plans (outputs, variables, tfvars, the backend).
    TerraformOnly,
}

/// What a rule is, apart from its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, e.g. `MBD-NET-001`.
    pub id: &'static str,
    /// Short kebab-case name, e.g. `ecs-no-public-ip`.
    pub name: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// The section of the deployment document this control comes from.
    pub section: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
    pub applies: Applies,
    /// HCL that this rule flags (documentation and test fixture at once).
    pub bad_example: &'static str,
    /// HCL that passes this rule.
    pub good_example: &'static str,
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&mut Ctx),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.meta.id).finish()
    }
}

/// What a check sees and where it writes.
pub struct Ctx<'a> {
    pub d: &'a Deployment,
    meta: &'static RuleMeta,
    out: &'a mut Vec<Finding>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(d: &'a Deployment, meta: &'static RuleMeta, out: &'a mut Vec<Finding>) -> Self {
        Ctx { d, meta, out }
    }
    /// The control is not met.
    pub fn fail(&mut self, resource: &str, loc: &Location, message: impl Into<String>) {
        self.push(resource, loc, message.into(), Status::Fail);
    }
    /// The control cannot be decided from this source (values unknown before apply, a permission
    /// missing live). Reported, never silently passed.
    pub fn undetermined(&mut self, resource: &str, loc: &Location, message: impl Into<String>) {
        self.push(resource, loc, message.into(), Status::Undetermined);
    }
    fn push(&mut self, resource: &str, loc: &Location, message: String, status: Status) {
        self.out.push(Finding::new(self.meta, resource, loc, message, status));
    }
}
