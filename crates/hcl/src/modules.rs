//! Module sources and paths.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Reads `.terraform/modules/modules.json`, written by `terraform init`, so that registry and git
/// modules already downloaded are audited like local ones. Key: the call path (`vpc`, `app.db`).
pub fn read_manifest(root: &Path) -> HashMap<String, PathBuf> {
    let path = root.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return HashMap::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    for m in json.get("Modules").and_then(|m| m.as_array()).into_iter().flatten() {
        if let (Some(key), Some(dir)) = (m.get("Key").and_then(|k| k.as_str()), m.get("Dir").and_then(|d| d.as_str())) {
            if !key.is_empty() {
                out.insert(key.to_string(), root.join(dir));
            }
        }
    }
    out
}

/// `path` relative to `base`, with `/` separators (`.` when equal). Both are made absolute first.
pub fn relative(base: &Path, path: &Path) -> String {
    let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let b: Vec<Component> = base.components().collect();
    let p: Vec<Component> = path.components().collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".into());
    }
    for c in &p[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b/c")), "c");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/d")), "../d");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), ".");
    }
}
