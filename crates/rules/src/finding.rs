//! Findings: what reporters read.

use crate::{RuleMeta, Severity};
use mbdeploy_model::Location;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The control is not met.
    Fail,
    /// The control could not be decided (unknown before apply, not readable live).
    Undetermined,
}

/// One finding. The JSON schema of `--format json` is this struct (see docs/output-formats.md);
/// fields are only ever added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub status: Status,
    pub title: String,
    /// The section of the deployment document the control comes from.
    pub section: String,
    /// The resource address (source, plan) or ARN (live).
    pub resource: String,
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
    pub arn: Option<String>,
    pub message: String,
    pub rationale: String,
    pub remediation: String,
    /// Set when an inline suppression or the baseline covers this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

impl Finding {
    pub(crate) fn new(meta: &RuleMeta, resource: &str, loc: &Location, message: String, status: Status) -> Self {
        Finding {
            rule_id: meta.id.to_string(),
            rule_name: meta.name.to_string(),
            severity: meta.severity,
            status,
            title: meta.title.to_string(),
            section: meta.section.to_string(),
            resource: resource.to_string(),
            file: loc.file.as_ref().map(|f| f.to_string()),
            line: loc.line,
            column: loc.column,
            arn: loc.arn.clone(),
            message,
            rationale: meta.rationale.to_string(),
            remediation: meta.remediation.to_string(),
            suppressed: None,
        }
    }

    /// A key that survives edits elsewhere in a file (no line numbers): used by baselines.
    pub fn fingerprint(&self) -> String {
        format!("{}|{}|{}|{}", self.rule_id, self.resource, self.file.as_deref().unwrap_or(""), self.message)
    }

    /// `file:line:column`, or the ARN, for humans.
    pub fn location_text(&self) -> String {
        match (&self.file, &self.arn) {
            (Some(f), _) if self.line > 0 => format!("{f}:{}:{}", self.line, self.column.max(1)),
            (Some(f), _) => f.clone(),
            (None, Some(a)) => a.clone(),
            _ => String::new(),
        }
    }
}
