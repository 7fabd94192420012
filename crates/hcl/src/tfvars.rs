//! Variable values: `terraform.tfvars`, `*.auto.tfvars`, `--var-file`, `--var`, in Terraform's
//! order of precedence (later wins). Every `.tfvars` file in the directory is also scanned for
//! secret literals, loaded or not: a committed `prod.tfvars` leaks as surely as an auto-loaded one.

use crate::config::ModuleConfig;
use crate::eval::{Evaluator, Instance, Scope};
use crate::parse::{dedupe_key, parse};
use crate::source::{read_text, SourceFile};
use hcl_edit::Span;
use mbdeploy_model::deployment::{LoadError, TfvarsEntry};
use mbdeploy_model::tf::TfConfig;
use mbdeploy_model::{Location, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

pub fn load(dir: &Path, options: &crate::LoadOptions, out: &mut TfConfig) -> HashMap<String, Value> {
    let mut in_dir: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    in_dir.retain(|p| {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        n.ends_with(".tfvars") || n.ends_with(".tfvars.json")
    });
    in_dir.sort();
    let name_of = |p: &Path| p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
    let auto_loaded = |n: &str| {
        n == "terraform.tfvars"
            || n == "terraform.tfvars.json"
            || n.ends_with(".auto.tfvars")
            || n.ends_with(".auto.tfvars.json")
    };
    let mut order: Vec<(PathBuf, String, bool)> = Vec::new();
    // terraform.tfvars first, then *.auto.tfvars in lexical order; others are only scanned.
    for p in in_dir.iter().filter(|p| name_of(p).starts_with("terraform.tfvars")) {
        order.push((p.clone(), name_of(p), true));
    }
    for p in in_dir.iter().filter(|p| !name_of(p).starts_with("terraform.tfvars")) {
        order.push((p.clone(), name_of(p), auto_loaded(&name_of(p))));
    }
    for p in &options.var_files {
        order.push((p.clone(), p.display().to_string(), true));
    }
    let mut values = HashMap::new();
    for (path, shown, use_values) in order {
        let shown: Arc<str> = Arc::from(shown.as_str());
        let text = match read_text(&path, &shown) {
            Ok(t) => t,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        match read_file(dir, &shown, text, out) {
            Ok(file_values) if use_values => values.extend(file_values),
            Ok(_) => {}
            Err(e) => out.errors.push(e),
        }
    }
    for (name, raw) in &options.vars {
        let loc = Location::file_only(Arc::from("--var"));
        let value = crate::parse_cli_value(raw, loc);
        values.insert(name.clone(), value);
    }
    values
}

fn read_file(
    dir: &Path,
    shown: &Arc<str>,
    text: String,
    out: &mut TfConfig,
) -> Result<HashMap<String, Value>, LoadError> {
    let mut values = HashMap::new();
    if shown.ends_with(".json") {
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| LoadError {
            loc: Location::source(shown.clone(), e.line() as u32, e.column() as u32),
            message: format!("invalid JSON: {e}"),
            help: "fix the JSON syntax".into(),
        })?;
        let loc = Location::source(shown.clone(), 1, 1);
        for (k, v) in json.as_object().into_iter().flatten() {
            out.tfvars.push(TfvarsEntry {
                name: k.clone(),
                loc: loc.clone(),
                is_string_literal: v.as_str().map(|s| !s.is_empty()).unwrap_or(false),
                committed: true,
            });
            values.insert(k.clone(), Value::from_json(v, &loc));
        }
        return Ok(values);
    }
    let parsed = parse(SourceFile::new(shown.clone(), text))?;
    let mut cfg = ModuleConfig::empty(dir);
    cfg.files.push(parsed.file);
    let cfg = Rc::new(cfg);
    let inst = Instance::new(cfg.clone(), String::new(), String::new(), HashMap::new(), Vec::new());
    let ev = Evaluator::new(dir);
    let sc = Scope::new(&inst, 0);
    for a in parsed.body.attributes() {
        let name = dedupe_key(a.key.as_str()).to_string();
        let loc = sc.loc(a.span());
        out.tfvars.push(TfvarsEntry {
            name: name.clone(),
            loc,
            is_string_literal: crate::is_nonempty_string_literal(&a.value),
            committed: true,
        });
        let v = ev.eval(&a.value, &sc).unwrap_or_else(|_| Value::unknown(sc.loc(a.value.span())));
        values.insert(name, v);
    }
    Ok(values)
}
