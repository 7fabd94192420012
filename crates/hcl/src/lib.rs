//! The Terraform source loader.
//!
//! Reads a root module directory (its `.tf` and `.tf.json` files, `terraform.tfvars`,
//! `*.auto.tfvars`, `--var-file` and `--var`), evaluates it the way Terraform would before apply
//! (variables, locals, `count`/`for_each`, `dynamic` blocks, local modules, functions), and returns
//! a [`TfConfig`]: resource instances whose attribute values keep their file, line and column.
//! Parsing is hcl-edit's; this crate adds evaluation and error tolerance: one bad file is
//! reported and the rest is still loaded.

mod config;
mod eval;
mod functions;
mod json;
mod modules;
mod parse;
mod source;
mod suppress;
mod tfvars;
mod types;

use config::{attribute, ModuleConfig};
use eval::{Evaluator, Instance, Scope};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::Span;
use mbdeploy_model::deployment::*;
use mbdeploy_model::tf::{TfConfig, TfResource};
use mbdeploy_model::{Location, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

pub use source::MAX_FILE_BYTES;

/// Inputs a user gives besides the directory.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--var-file` paths, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<(String, String)>,
}

/// Evaluation recursion is bounded, but frames are large: run on a thread with room to spare.
const EVAL_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Loads a root module directory. Returns an error only when there is nothing to audit (the
/// directory is missing or holds no Terraform file); problems with single files are returned in
/// [`TfConfig::errors`] while the rest is loaded.
pub fn load_dir(dir: &Path, options: &LoadOptions) -> Result<TfConfig, LoadError> {
    let shown: Arc<str> = Arc::from(dir.display().to_string().as_str());
    let fatal = |message: String, help: &str| LoadError {
        loc: Location::file_only(shown.clone()),
        message,
        help: help.to_string(),
    };
    let meta = std::fs::metadata(dir).map_err(|e| fatal(format!("cannot open directory: {e}"), "check the path"))?;
    if !meta.is_dir() {
        return Err(fatal("is not a directory".into(), "pass the directory that holds the root module's .tf files"));
    }
    let files = config::terraform_files(dir)
        .map_err(|e| fatal(format!("cannot list directory: {e}"), "check its permissions"))?;
    if files.is_empty() {
        return Err(fatal("holds no .tf or .tf.json file".into(), "pass the directory of a Terraform root module"));
    }
    let dir = dir.to_path_buf();
    let options = options.clone();
    run_on_big_stack(move || {
        let cfg = ModuleConfig::load(&dir, "").map_err(|e| LoadError {
            loc: Location::default(),
            message: format!("cannot read {}: {e}", dir.display()),
            help: "check the directory's permissions".into(),
        })?;
        Ok(evaluate(&dir, cfg, &options))
    })
}

/// Loads in-memory files as one root module (names are shown as given). For tests and fuzzing.
pub fn load_files(files: Vec<(String, String)>, options: &LoadOptions) -> TfConfig {
    let options = options.clone();
    run_on_big_stack(move || {
        let dir = std::env::temp_dir();
        let mut cfg = ModuleConfig::empty(&dir);
        for (name, text) in files {
            cfg.add_text(Arc::from(name.as_str()), text);
        }
        evaluate(&dir, cfg, &options)
    })
}

/// Loads one `main.tf` from a string and builds the model. For tests.
pub fn load_str_for_tests(hcl: &str) -> Deployment {
    mbdeploy_model::tf::build(load_files(vec![("main.tf".into(), hcl.to_string())], &LoadOptions::default()))
}

fn run_on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("mbdeploy-eval".into())
        .stack_size(EVAL_STACK_BYTES)
        .spawn(f)
        .expect("spawning the evaluation thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn evaluate(dir: &Path, cfg: ModuleConfig, options: &LoadOptions) -> TfConfig {
    let mut out = TfConfig::default();
    out.errors.extend(cfg.errors.iter().cloned());
    out.load_issues.extend(cfg.issues.iter().cloned());
    let ev = Evaluator::new(dir);
    let cfg = Rc::new(cfg);
    ev.register_config(cfg.clone());
    let inputs = tfvars::load(dir, options, &mut out);
    let root = Instance::new(
        cfg.clone(),
        String::new(),
        String::new(),
        inputs,
        vec![dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())],
    );
    out.backend = backend(&ev, &root);
    out.settings_loc = root.cfg.terraform_blocks.first().map(|d| root.cfg.block_loc(d));
    let mut seen_dirs = HashSet::new();
    collect(&ev, &root, &mut out, &mut seen_dirs);
    out.errors.extend(ev.errors.borrow().iter().cloned());
    out.load_issues.extend(ev.issues.borrow().iter().cloned());
    out
}

fn collect(ev: &Evaluator, inst: &Instance, out: &mut TfConfig, seen_dirs: &mut HashSet<PathBuf>) {
    let cfg = &inst.cfg;
    let first_visit = seen_dirs.insert(cfg.dir.clone());
    for (local, decl) in &cfg.resources {
        let exp = ev.expansion(inst, local, &decl.decl.block.body, decl.decl.file);
        let loc = cfg.block_loc(&decl.decl);
        for key in exp.instances() {
            let values = ev
                .resource_object(inst, decl, &exp, key.clone(), loc.clone())
                .unwrap_or_else(|_| Value::new(mbdeploy_model::Kind::Object(Default::default()), loc.clone()));
            out.resources.push(TfResource {
                address: Evaluator::instance_address(inst, decl, &key),
                mode: decl.mode,
                resource_type: decl.resource_type.clone(),
                values,
                loc: loc.clone(),
                end_line: cfg.block_end_line(&decl.decl),
            });
        }
    }
    for (name, decl) in &cfg.outputs {
        let body = &decl.block.body;
        let sensitive = attribute(body, "sensitive")
            .map(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
            .unwrap_or(false);
        let mut references = Vec::new();
        if let Some(a) = attribute(body, "value") {
            references_in(&a.value, &mut references);
        }
        out.outputs.push(Output {
            name: format!("{}{name}", inst.path),
            loc: cfg.block_loc(decl),
            sensitive,
            references,
        });
    }
    if first_visit {
        for (name, decl) in &cfg.variables {
            let body = &decl.block.body;
            let default = attribute(body, "default");
            let sc = Scope::new(inst, decl.file);
            out.variables.push(Variable {
                name: format!("{}{name}", inst.path),
                loc: cfg.block_loc(decl),
                sensitive: attribute(body, "sensitive")
                    .map(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
                    .unwrap_or(false),
                default_loc: default.filter(|a| !a.value.is_null()).map(|a| sc.loc(a.value.span())),
                has_string_default: default.map(|a| is_nonempty_string_literal(&a.value)).unwrap_or(false),
                description: attribute(body, "description").and_then(|a| match &a.value {
                    Expression::String(s) => Some(s.value().clone()),
                    _ => None,
                }),
            });
        }
        out.suppressions.extend(cfg.suppressions.iter().cloned());
    }
    for name in cfg.module_calls.keys() {
        if let Some(children) = ev.children(inst, name) {
            for (_, child) in children.iter() {
                collect(ev, child, out, seen_dirs);
            }
        }
    }
}

pub(crate) fn is_nonempty_string_literal(e: &Expression) -> bool {
    match e {
        Expression::String(s) => !s.value().is_empty(),
        Expression::StringTemplate(t) => t.iter().all(|el| el.is_literal()) && t.iter().count() > 0,
        Expression::HeredocTemplate(h) => h.template.iter().all(|el| el.is_literal()),
        _ => false,
    }
}

/// The references an expression makes, as dotted paths (`aws_db_instance.main.endpoint`).
fn references_in(e: &Expression, out: &mut Vec<String>) {
    match e {
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let mut path = v.as_str().to_string();
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::GetAttr(a) => {
                            path.push('.');
                            path.push_str(a.as_str());
                        }
                        TraversalOperator::Index(_)
                        | TraversalOperator::LegacyIndex(_)
                        | TraversalOperator::AttrSplat(_)
                        | TraversalOperator::FullSplat(_) => {}
                    }
                }
                out.push(path);
            } else {
                references_in(&t.expr, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(i) = op.value() {
                    references_in(i, out);
                }
            }
        }
        Expression::Variable(v) => out.push(v.as_str().to_string()),
        Expression::Array(a) => a.iter().for_each(|x| references_in(x, out)),
        Expression::Object(o) => o.iter().for_each(|(_, v)| references_in(v.expr(), out)),
        Expression::StringTemplate(t) => t.iter().for_each(|el| {
            if let Some(i) = el.as_interpolation() {
                references_in(&i.expr, out)
            }
        }),
        Expression::HeredocTemplate(h) => h.template.iter().for_each(|el| {
            if let Some(i) = el.as_interpolation() {
                references_in(&i.expr, out)
            }
        }),
        Expression::Parenthesis(p) => references_in(p.inner(), out),
        Expression::Conditional(c) => {
            references_in(&c.cond_expr, out);
            references_in(&c.true_expr, out);
            references_in(&c.false_expr, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| references_in(a, out)),
        Expression::UnaryOp(u) => references_in(&u.expr, out),
        Expression::BinaryOp(b) => {
            references_in(&b.lhs_expr, out);
            references_in(&b.rhs_expr, out);
        }
        Expression::ForExpr(f) => {
            references_in(&f.intro.collection_expr, out);
            references_in(&f.value_expr, out);
        }
        _ => {}
    }
}

/// The backend (or `cloud` block) of the root module.
fn backend(ev: &Evaluator, root: &Instance) -> Option<Backend> {
    for decl in &root.cfg.terraform_blocks {
        for b in decl.block.body.blocks() {
            let sc = Scope::new(root, decl.file);
            let loc = sc.loc(b.span());
            match b.ident.as_str() {
                "cloud" => {
                    return Some(Backend {
                        loc: loc.clone(),
                        kind: "cloud".into(),
                        encrypt: Attr::set(true, loc.clone()),
                        locking: Attr::set(true, loc.clone()),
                        kms_key: Attr::unset(loc),
                    })
                }
                "backend" => {
                    let kind = b.labels.first().map(config::label).unwrap_or("").to_string();
                    let values = ev.eval_body(&b.body, &sc, loc.clone()).unwrap_or_else(|_| Value::null(loc.clone()));
                    let attr_bool = |k: &str| match values.get(k) {
                        Some(v) if !v.is_null() => match v.as_bool() {
                            Some(x) => Attr::set(x, v.loc.clone()),
                            None => Attr::unknown(v.loc.clone()),
                        },
                        _ => Attr::unset(loc.clone()),
                    };
                    let (encrypt, locking) = match kind.as_str() {
                        "s3" => {
                            let lockfile = attr_bool("use_lockfile");
                            let locking = match (lockfile.get(), values.get("dynamodb_table").filter(|v| !v.is_null()))
                            {
                                (Some(true), _) => lockfile,
                                (_, Some(t)) => Attr::set(true, t.loc.clone()),
                                _ => lockfile,
                            };
                            (attr_bool("encrypt"), locking)
                        }
                        // These encrypt at rest and lock by design.
                        "gcs" | "azurerm" | "remote" | "consul" | "kubernetes" | "oss" | "cos" => {
                            (Attr::set(true, loc.clone()), Attr::set(true, loc.clone()))
                        }
                        _ => (Attr::set(false, loc.clone()), Attr::set(kind != "http", loc.clone())),
                    };
                    let kms_key = match values.get("kms_key_id").and_then(Value::to_template_string) {
                        Some(k) => Attr::set(k, values.get("kms_key_id").unwrap().loc.clone()),
                        None => Attr::unset(loc.clone()),
                    };
                    return Some(Backend { loc, kind, encrypt, locking, kms_key });
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;

/// A `--var` value: HCL for lists, maps, numbers and bools, a plain string otherwise (as
/// Terraform reads it for a string variable).
pub(crate) fn parse_cli_value(raw: &str, loc: Location) -> Value {
    let t = raw.trim();
    let looks_structured =
        t.starts_with('[') || t.starts_with('{') || t == "true" || t == "false" || t.parse::<f64>().is_ok();
    if looks_structured {
        if let Ok(e) = hcl_edit::parser::parse_expr(t) {
            let mut cfg = ModuleConfig::empty(Path::new("."));
            cfg.files.push(source::SourceFile::new(Arc::from("--var"), t.to_string()));
            let inst = Instance::new(Rc::new(cfg), String::new(), String::new(), Default::default(), Vec::new());
            let ev = Evaluator::new(Path::new("."));
            if let Ok(mut v) = ev.eval(&e, &Scope::new(&inst, 0)) {
                v.loc = loc;
                return v;
            }
        }
    }
    Value::string(raw, loc)
}
