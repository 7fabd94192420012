//! Reading files safely and turning byte offsets into lines and columns.

use mbdeploy_model::deployment::LoadError;
use mbdeploy_model::Location;
use std::path::Path;
use std::sync::Arc;

/// Larger files are refused with a clear error instead of being parsed: real Terraform files are
/// far smaller, and a huge file is almost always generated or misplaced.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// A source file's text and its line index.
pub struct SourceFile {
    /// The path as shown to users (relative to the audited directory where possible).
    pub name: Arc<str>,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: Arc<str>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { name, text, line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(offset - start);
        (line as u32 + 1, column as u32 + 1)
    }

    pub fn loc(&self, offset: usize) -> Location {
        let (line, column) = self.line_col(offset);
        Location::source(self.name.clone(), line, column)
    }

    pub fn line_of(&self, offset: usize) -> u32 {
        self.line_col(offset).0
    }

    /// The text of a 1-based line, without its newline.
    #[allow(dead_code)]
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self.line_starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Reads a file as UTF-8 text, refusing binary, oversized and unreadable files with an error a
/// user can act on.
pub fn read_text(path: &Path, shown: &Arc<str>) -> Result<String, LoadError> {
    let err = |message: String, help: &str| LoadError {
        loc: Location::file_only(shown.clone()),
        message,
        help: help.to_string(),
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| err(format!("cannot read: {}", io_reason(&e)), "check that the file exists and is readable"))?;
    if meta.is_dir() {
        return Err(err("is a directory, not a file".into(), "pass a file, or the directory's parent"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            format!("is {:.1} MB, over the {} MiB limit for a Terraform file", meta.len() as f64 / 1e6, MAX_FILE_BYTES / 1024 / 1024),
            "a Terraform file this large is generated or misplaced: exclude its directory (`exclude` in .mbdeploy.toml)",
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| err(format!("cannot read: {}", io_reason(&e)), "check that the file is readable"))?;
    if bytes.contains(&0) {
        return Err(err(
            "is a binary file, not Terraform text".into(),
            "remove it, or rename it so it does not end in .tf",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        LoadError {
            loc: Location::source(shown.clone(), line as u32, 0),
            message: format!("is not valid UTF-8 (first bad byte on line {line})"),
            help: "Terraform files must be UTF-8: re-save the file as UTF-8".into(),
        }
    })
}

fn io_reason(e: &std::io::Error) -> String {
    // ELOOP has no stable ErrorKind; name it so a symlink loop reads as one.
    if e.raw_os_error() == Some(40) {
        return "too many levels of symbolic links (a symlink loop)".into();
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let f = SourceFile::new(Arc::from("a.tf"), "ab\né x = 1\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(6), (2, 3)); // after 'é' (2 bytes) and ' '
        assert_eq!(f.line_text(2), "é x = 1");
    }
}
