//! Finding the root modules under a path.
//!
//! A directory holding `.tf` files is a root module unless another directory in the tree calls
//! it as a local module (`source = "./..."` or `"../..."`): those are audited through their
//! callers, with the inputs the callers give them.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Directories never searched: tool caches and VCS metadata.
const SKIPPED: &[&str] = &[".terraform", ".git", "target", "node_modules", ".venv"];
/// Deeper trees are not searched (and symlink loops end here too).
const MAX_DEPTH: usize = 32;

pub fn build_excludes(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("exclude pattern `{p}`: {e}"))?);
        // `dir` also excludes everything below it.
        b.add(
            Glob::new(&format!("{}/**", p.trim_end_matches('/'))).map_err(|e| format!("exclude pattern `{p}`: {e}"))?,
        );
    }
    b.build().map_err(|e| e.to_string())
}

fn has_tf_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                (n.ends_with(".tf") || n.ends_with(".tf.json")) && !n.starts_with('.')
            })
        })
        .unwrap_or(false)
}

/// Root modules under `path` (itself, if it holds `.tf` files), sorted.
pub fn roots(path: &Path, excludes: &GlobSet) -> Vec<PathBuf> {
    if has_tf_files(path) {
        return vec![path.to_path_buf()];
    }
    let mut dirs = Vec::new();
    let mut seen = HashSet::new();
    walk(path, path, excludes, 0, &mut dirs, &mut seen);
    let called: HashSet<PathBuf> = dirs.iter().flat_map(|d| local_module_sources(d)).collect();
    let mut out: Vec<PathBuf> = dirs.into_iter().filter(|d| !called.contains(&canonical(d))).collect();
    out.sort();
    out
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn walk(
    base: &Path,
    dir: &Path,
    excludes: &GlobSet,
    depth: usize,
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
) {
    if depth > MAX_DEPTH || !seen.insert(canonical(dir)) {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut children: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    children.sort();
    if has_tf_files(dir) {
        out.push(dir.to_path_buf());
    }
    for child in children {
        let name = child.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if SKIPPED.contains(&name.as_str()) || name.starts_with('.') {
            continue;
        }
        let rel = child.strip_prefix(base).unwrap_or(&child);
        if excludes.is_match(rel) {
            continue;
        }
        walk(base, &child, excludes, depth + 1, out, seen);
    }
}

/// The directories a module calls as local modules (a quick text scan, no evaluation).
fn local_module_sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.extension().map(|x| x != "tf").unwrap_or(true) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else { continue };
        for line in text.lines() {
            let t = line.trim();
            if let Some(rest) = t.strip_prefix("source") {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=') {
                    let v = v.trim().trim_matches('"');
                    if v.starts_with("./") || v.starts_with("../") {
                        out.push(canonical(&dir.join(v)));
                    }
                }
            }
        }
    }
    out
}

/// `a/b/../c` → `a/c`, lexically, with `/` separators.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().map(|l| *l != "..").unwrap_or(false) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn called_modules_are_not_roots() {
        let dir = std::env::temp_dir().join(format!("mbdeploy-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["examples/prod", "modules/app", "other", ".terraform/modules/x", "legacy"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
            std::fs::write(dir.join(d).join("main.tf"), "").unwrap();
        }
        std::fs::write(dir.join("examples/prod/main.tf"), "module \"app\" {\n  source = \"../../modules/app\"\n}\n")
            .unwrap();
        let ex = build_excludes(&["legacy".to_string()]).unwrap();
        let found: Vec<String> =
            roots(&dir, &ex).iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
        assert_eq!(found, vec!["examples/prod", "other"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn normalize_paths() {
        assert_eq!(
            normalize("terraform/examples/production/../../modules/metabase/ecs.tf"),
            "terraform/modules/metabase/ecs.tf"
        );
        assert_eq!(normalize("./main.tf"), "main.tf");
        assert_eq!(normalize("../x.tf"), "../x.tf");
    }
}
