//! `.mbdeploy.toml`: disabled rules, the severity threshold, excluded paths.

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".mbdeploy.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Lowest severity that fails the run.
    pub severity: Option<String>,
    /// Rules (ids or names) not to run.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Glob patterns (relative to the audited directory) of paths not to audit.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Finds and reads the configuration: the explicit file, else `.mbdeploy.toml` in the audited
/// directory, else in the current directory. A file that exists but is invalid is an error.
pub fn load(explicit: Option<&Path>, audited_dir: &Path) -> Result<(Config, Option<PathBuf>), String> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => vec![audited_dir.join(FILE_NAME), PathBuf::from(FILE_NAME)],
    };
    for path in candidates {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let cfg: Config =
                    toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
                return Ok((cfg, Some(path)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => continue,
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        }
    }
    Ok((Config::default(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected_with_the_file_named() {
        let dir = std::env::temp_dir().join(format!("mbdeploy-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "severty = \"high\"\n").unwrap();
        let err = load(None, &dir).unwrap_err();
        assert!(err.contains(".mbdeploy.toml") && err.contains("severty"), "{err}");
        std::fs::write(dir.join(FILE_NAME), "severity = \"high\"\ndisabled_rules = [\"MBD-NET-004\"]\n").unwrap();
        let (cfg, path) = load(None, &dir).unwrap();
        assert_eq!(cfg.severity.as_deref(), Some("high"));
        assert_eq!(cfg.disabled_rules, vec!["MBD-NET-004"]);
        assert!(path.is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
