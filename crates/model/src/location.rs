//! Where a fact came from: a file position for source, a resource in a plan, an ARN when live.

use std::fmt;
use std::sync::Arc;

/// A position a finding can point at. `line` and `column` are 1-based; 0 means "not known".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file, relative to the audited directory where possible (or the plan file).
    pub file: Option<Arc<str>>,
    pub line: u32,
    pub column: u32,
    /// For a live resource: its ARN (or id where it has no ARN).
    pub arn: Option<String>,
}

impl Location {
    pub fn source(file: Arc<str>, line: u32, column: u32) -> Self {
        Location { file: Some(file), line, column, arn: None }
    }
    pub fn file_only(file: Arc<str>) -> Self {
        Location { file: Some(file), line: 0, column: 0, arn: None }
    }
    pub fn arn(arn: impl Into<String>) -> Self {
        Location { file: None, line: 0, column: 0, arn: Some(arn.into()) }
    }
    pub fn is_known(&self) -> bool {
        self.file.is_some() || self.arn.is_some()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.arn) {
            (Some(file), _) if self.line > 0 => {
                write!(f, "{}:{}:{}", file, self.line, self.column.max(1))
            }
            (Some(file), _) => write!(f, "{file}"),
            (None, Some(arn)) => write!(f, "{arn}"),
            (None, None) => write!(f, "(unknown location)"),
        }
    }
}
