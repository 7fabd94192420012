//! `mbdeploy audit`: sources → model → rules → report, plus thresholds, baselines and exit codes.

use crate::cli::AuditArgs;
use crate::{config, discover, ExitCode};
use mbdeploy_hcl::LoadOptions;
use mbdeploy_model::deployment::LoadError;
use mbdeploy_model::Deployment;
use mbdeploy_report::{Format, Report, TextOptions};
use mbdeploy_rules::{engine, Finding, Severity, Status};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One loaded deployment and the prefix that makes its file names relative to the audited path.
struct Loaded {
    deployment: Deployment,
    prefix: String,
}

/// What `audit` found, before it is rendered.
pub struct Audit {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<LoadError>,
    pub source_kind: &'static str,
}

pub fn run(args: &AuditArgs) -> Result<ExitCode, String> {
    let format: Format = args.format.parse().map_err(|e: String| e)?;
    let (plan, path) = target(args);
    let audited_dir = match &plan {
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")),
        None => path.clone(),
    };
    let (cfg, _cfg_path) = config::load(args.config.as_deref(), &audited_dir)?;
    let threshold: Severity = args.severity.as_deref().or(cfg.severity.as_deref()).unwrap_or("low").parse()?;
    let mut disabled = cfg.disabled_rules.clone();
    disabled.extend(args.disable.iter().cloned());
    for d in &disabled {
        if !engine::is_known_rule(d) {
            return Err(format!("unknown rule `{d}` in disabled rules: see `mbdeploy rules`"));
        }
    }
    let mut vars = Vec::new();
    for v in &args.vars {
        let (name, value) = v.split_once('=').ok_or_else(|| format!("--var `{v}`: expected NAME=VALUE"))?;
        vars.push((name.trim().to_string(), value.to_string()));
    }
    let options = LoadOptions { var_files: args.var_files.clone(), vars };

    let mut audit = match &plan {
        Some(p) => audit_plan(p, &disabled)?,
        None => audit_dir(&path, &options, &cfg.exclude, &disabled)?,
    };
    if let Some(b) = &args.baseline {
        apply_baseline(b, &mut audit)?;
    }
    audit.findings.retain(|f| f.severity >= threshold);
    audit.suppressed.retain(|f| f.severity >= threshold);

    let target = plan.as_ref().unwrap_or(&path).display().to_string();
    let out = Output {
        format,
        file: args.output.as_deref(),
        no_color: args.no_color,
        threshold,
        target: &target,
        source_root: Some(&audited_dir),
        disabled: &disabled,
    };
    render_and_exit(&audit, &out)
}

/// How and where a finished audit (source, plan or live) is reported.
pub struct Output<'a> {
    pub format: Format,
    pub file: Option<&'a Path>,
    pub no_color: bool,
    pub threshold: Severity,
    /// What was audited, as shown to the user.
    pub target: &'a str,
    /// Base directory of the files findings name (none for a live account).
    pub source_root: Option<&'a Path>,
    /// Rules that did not run (JUnit must not show them as passed).
    pub disabled: &'a [String],
}

/// Renders the report, writes it, and returns the exit code. Shared by `audit` and `verify`.
pub fn render_and_exit(audit: &Audit, out: &Output) -> Result<ExitCode, String> {
    let to_terminal = out.file.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && !out.no_color && std::env::var_os("NO_COLOR").map(|v| v.is_empty()).unwrap_or(true);
    let rules_run: Vec<&'static mbdeploy_rules::Rule> = mbdeploy_rules::rules::all()
        .iter()
        .copied()
        .filter(|r| {
            !out.disabled.iter().any(|d| d.eq_ignore_ascii_case(r.meta.id) || d.eq_ignore_ascii_case(r.meta.name))
        })
        .collect();
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        target: out.target,
        source_kind: audit.source_kind,
        findings: &audit.findings,
        suppressed: &audit.suppressed,
        errors: &audit.errors,
        rules: &rules_run,
        threshold: out.threshold,
        source_root: out.source_root,
    };
    let rendered = mbdeploy_report::render(out.format, &report, &TextOptions { color });
    write_output(out.file, &rendered)?;
    if out.format != Format::Text || out.file.is_some() {
        // Machine formats go to a file or a pipe: say on stderr why the exit code is what it is.
        for e in &audit.errors {
            eprintln!("error: {}: {}", e.loc, e.message);
        }
    }
    Ok(exit_code(audit))
}

fn target(args: &AuditArgs) -> (Option<PathBuf>, PathBuf) {
    if let Some(p) = &args.plan {
        return (Some(p.clone()), p.clone());
    }
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if path.is_file()
        && path.extension().map(|e| e == "json").unwrap_or(false)
        && !path.to_string_lossy().ends_with(".tf.json")
    {
        return (Some(path.clone()), path);
    }
    (None, path)
}

pub fn exit_code(audit: &Audit) -> ExitCode {
    if !audit.errors.is_empty() {
        ExitCode::InputError
    } else if audit.findings.iter().any(|f| f.status == Status::Fail) {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

fn audit_plan(path: &Path, disabled: &[String]) -> Result<Audit, String> {
    let cfg =
        mbdeploy_plan::load_plan(path).map_err(|e| format!("{}: {}\n  help: {}", path.display(), e.message, e.help))?;
    Ok(judge_one(mbdeploy_model::tf::build(cfg), disabled, "plan"))
}

fn audit_dir(path: &Path, options: &LoadOptions, exclude: &[String], disabled: &[String]) -> Result<Audit, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Err(format!("{}: not a directory or a plan JSON file", path.display()));
    }
    let excludes = discover::build_excludes(exclude)?;
    let roots = discover::roots(path, &excludes);
    if roots.is_empty() {
        return Err(format!(
            "{}: no .tf or .tf.json files here or below (pass a Terraform root module directory)",
            path.display()
        ));
    }
    let loaded = load_roots(path, &roots, options);
    Ok(judge(loaded, disabled, "terraform"))
}

/// The audit `up` runs before applying: the directory as one root module, with its config file.
pub fn audit_for_gate(dir: &Path) -> Result<Audit, String> {
    let (cfg, _) = config::load(None, dir)?;
    let cfg_tf = mbdeploy_hcl::load_dir(dir, &LoadOptions::default())
        .map_err(|e| format!("{}: {}\n  help: {}", dir.display(), e.message, e.help))?;
    Ok(judge_one(mbdeploy_model::tf::build(cfg_tf), &cfg.disabled_rules, "terraform"))
}

/// Loads the roots on all cores: each root is independent.
fn load_roots(base: &Path, roots: &[PathBuf], options: &LoadOptions) -> Vec<Loaded> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(roots.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(roots.len()));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(root) = roots.get(i) else { break };
                let prefix = match root.strip_prefix(base) {
                    Ok(rel) if rel.as_os_str().is_empty() => String::new(),
                    Ok(rel) => format!("{}/", rel.display()),
                    Err(_) => String::new(),
                };
                let deployment = match mbdeploy_hcl::load_dir(root, options) {
                    Ok(cfg) => mbdeploy_model::tf::build(cfg),
                    Err(e) => Deployment { errors: vec![e], ..Deployment::default() },
                };
                results.lock().unwrap().push((i, Loaded { deployment, prefix }));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, l)| l).collect()
}

/// Runs the rules over one deployment (a live account's, say) as `audit` does over source.
pub fn judge_one(deployment: Deployment, disabled: &[String], source_kind: &'static str) -> Audit {
    judge(vec![Loaded { deployment, prefix: String::new() }], disabled, source_kind)
}

fn judge(loaded: Vec<Loaded>, disabled: &[String], source_kind: &'static str) -> Audit {
    let options = engine::Options { disabled: disabled.to_vec() };
    let mut audit = Audit { findings: Vec::new(), suppressed: Vec::new(), errors: Vec::new(), source_kind };
    let mut seen = HashSet::new();
    for l in loaded {
        let outcome = engine::run(&l.deployment, &options);
        let fix = |mut f: Finding| {
            if let Some(file) = &f.file {
                f.file = Some(discover::normalize(&format!("{}{file}", l.prefix)));
            }
            f
        };
        // A module used by several roots is judged in each; report each finding once.
        for f in outcome.findings.into_iter().map(fix) {
            if seen.insert((f.fingerprint(), f.line)) {
                audit.findings.push(f);
            }
        }
        audit.suppressed.extend(outcome.suppressed.into_iter().map(fix));
        for mut e in l.deployment.errors {
            if let Some(file) = &e.loc.file {
                e.loc.file = Some(Arc::from(discover::normalize(&format!("{}{file}", l.prefix)).as_str()));
            }
            audit.errors.push(e);
        }
    }
    audit.findings.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(a.file.cmp(&b.file)).then(a.line.cmp(&b.line)).then(a.rule_id.cmp(&b.rule_id))
    });
    audit
}

pub fn apply_baseline(path: &Path, audit: &mut Audit) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--baseline {}: {e}", path.display()))?;
    let known = mbdeploy_report::read_baseline(&text).map_err(|e| format!("--baseline {}: {e}", path.display()))?;
    let known: HashSet<String> = known.iter().map(Finding::fingerprint).collect();
    let (old, new): (Vec<Finding>, Vec<Finding>) =
        std::mem::take(&mut audit.findings).into_iter().partition(|f| known.contains(&f.fingerprint()));
    audit.findings = new;
    audit.suppressed.extend(old.into_iter().map(|mut f| {
        f.suppressed = Some(format!("in baseline {}", path.display()));
        f
    }));
    Ok(())
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| format!("--output {}: {e}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            Ok(())
        }
    }
}
