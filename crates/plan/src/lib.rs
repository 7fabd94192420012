//! The Terraform plan loader.
//!
//! Reads the JSON of `terraform show -json plan.out` and returns the same
//! [`TfConfig`] the source loader (`mbdeploy-hcl`) returns, with
//! `source: SourceKind::Plan`. [`mbdeploy_model::tf::build`] then makes the typed `Deployment`, so
//! the one adapter and the one set of rules judge source and plan alike.
//!
//! # What is read
//!
//! * `resource_changes`: every resource instance that will exist after apply (instances whose
//!   only action is `delete` or `forget`, and deposed objects, are left out), with its planned
//!   values (`change.after`), which of them are unknown (`after_unknown`) and sensitive
//!   (`after_sensitive`). `planned_values` fills in a resource that has no usable change, and data
//!   sources read while planning come from `prior_state`.
//! * `configuration`: for each resource the expressions it was written with, which give unknown
//!   values their provenance; the outputs (`sensitive`, references) and variables (`sensitive`,
//!   `default`, `description`) of the root module and of every module call.
//! * `variables`: only to learn the clear text of sensitive variables, so it can be hidden.
//!
//! # Unknown values
//!
//! A fresh plan knows little that AWS assigns: ids, ARNs, addresses. Each unknown part becomes
//! [`Kind::Unknown`](mbdeploy_model::Kind::Unknown) with the addresses the configuration says it
//! derives from: `security_groups = [aws_security_group.alb.id]` is unknown, but refers to
//! `aws_security_group.alb`, so the adapter still attaches the service to the ALB's group, exactly
//! as the source loader does. References are rewritten to full instance addresses: a reference
//! inside a module gets the module's address (`module.network.aws_security_group.alb`),
//! `module.network.ecs_security_group_id` and a module's `var.x` are followed to what they name,
//! `aws_subnet.private[*].id` becomes every instance, and `aws_subnet.private[count.index].id`
//! the referencing instance's own. A root variable stays `var.NAME` (so a rule can see that
//! `var.db_password` flows into an unknown `container_definitions`), a local `local.NAME`.
//!
//! An unknown attribute the configuration does not set at all is one the provider computes
//! (`kms_key_id`, `port`, `multi_az` left to their defaults): it is read as absent (null), as the
//! source loader reads it, so a rule judges the provider's default instead of giving up.
//!
//! # Sensitive values
//!
//! Terraform writes sensitive values in the plan in clear text. Every value marked in
//! `after_sensitive` (or `sensitive_values`) is replaced by a
//! [`Kind::Partial`](mbdeploy_model::Kind::Partial) whose text is [`REDACTED`] and which keeps
//! the value's references, with `sensitive = true`. It is a partial
//! value rather than the plain string so that the adapter reads it as not determinable, never as
//! the literal text `(sensitive)`. As a second line of defence, the clear text of every sensitive
//! variable, attribute and output is collected, and any other string that equals it (for a secret
//! of four characters or more) or contains it (six or more) is hidden the same way, with a
//! `plan-value-hidden` load issue naming the resource: that catches a secret copied out with
//! `nonsensitive()`. No value Terraform marks sensitive reaches the returned `TfConfig`; the tests
//! plant one and look for it in the `Debug` output of the `TfConfig` and of the built model.
//!
//! # What a plan cannot tell
//!
//! Rules must answer "undetermined" for these, not pass or fail:
//!
//! * Anything only known after apply whose source is not in the configuration either: ids,
//!   ARNs and addresses of new resources, and every part of a value built from one. In a fresh
//!   plan a task definition's whole `container_definitions` is unknown as soon as it mentions,
//!   say, the RDS address or a new secret's ARN; then its image, environment, secrets and log
//!   settings cannot be read at all, only the references it derives from (including
//!   `var.db_password`). A plan made after the first apply usually knows them.
//! * A sensitive value's content: a sensitive `container_definitions` (one that uses a sensitive
//!   variable) is unreadable even when known. The source audit can still read it.
//! * Which element of a list comes from which reference: the plan records references per
//!   argument, so each unknown element of `resources = [a.arn, b.arn]` derives from both `a`
//!   and `b` (the source loader knows each element's own).
//! * Locals: the plan records that an expression used `local.x`, not what `local.x` is, so a
//!   reference through a local cannot be followed to a resource.
//! * Values of arguments written in a `dynamic` block: the plan's configuration has no
//!   expressions for them, so their unknown parts carry no references. A `dynamic` block whose
//!   `for_each` is itself unknown reads as absent, like a block the provider computes.
//! * Whether an argument was written or left to its default, when the provider knows the
//!   default: a plan shows `deployment_maximum_percent = 200` where the source shows nothing.
//!   The meaning is the same; only a rule that insists on an explicit setting could tell.
//! * Where anything was written: plans carry no source positions. Every location is the plan file
//!   with line 0; the resource address identifies the resource.
//! * The backend (`backend` is `None`: a plan does not record it), `.tfvars` files and
//!   `# mbdeploy:ignore` comments: run the source audit for those.

mod address;
mod config;
mod secrets;
mod values;

#[cfg(test)]
mod tests;

use address::{module_prefix, parse_module_address, parse_resource_address, without_keys, ResourceAddr};
use config::{references, ConfigIndex, Resolver};
use mbdeploy_model::deployment::{LoadError, LoadIssue, Output, SourceKind, Variable};
use mbdeploy_model::tf::{Mode, TfConfig, TfResource};
use mbdeploy_model::Location;
use secrets::Secrets;
use serde_json::{Map, Value as J};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use values::ValueBuilder;

pub use values::REDACTED;

/// Larger plans are refused: a real plan of one deployment is a few megabytes.
pub const MAX_PLAN_BYTES: u64 = 256 * 1024 * 1024;

const HELP_SHOW: &str =
    "save a plan with `terraform plan -out plan.out`, then run `terraform show -json plan.out > plan.json` and pass plan.json";

/// Loads the JSON of `terraform show -json PLANFILE` from a file.
///
/// Errors name the file (in `loc`) and say how to make a readable plan. The file is not read past
/// [`MAX_PLAN_BYTES`]. A plan written by PowerShell's `>` (UTF-16 with a byte order mark) is
/// accepted.
pub fn load_plan(path: &Path) -> Result<TfConfig, LoadError> {
    let shown: Arc<str> = Arc::from(path.display().to_string().as_str());
    let fail = |message: String, help: &str| error(&shown, 0, 0, message, help);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read the plan: {e}"), "check the path"))?;
    if meta.is_dir() {
        return Err(fail("is a directory, not a plan file".into(), HELP_SHOW));
    }
    if meta.len() > MAX_PLAN_BYTES {
        return Err(too_large(&shown, meta.len()));
    }
    let file =
        std::fs::File::open(path).map_err(|e| fail(format!("cannot read the plan: {e}"), "check its permissions"))?;
    let mut bytes = Vec::new();
    file.take(MAX_PLAN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read the plan: {e}"), "check the file"))?;
    if bytes.len() as u64 > MAX_PLAN_BYTES {
        return Err(too_large(&shown, bytes.len() as u64));
    }
    let text = decode(bytes, &shown)?;
    load(&text, shown)
}

/// Loads plan JSON from a string; `shown_name` names it in locations and errors. Never panics.
pub fn load_plan_str(text: &str, shown_name: &str) -> Result<TfConfig, LoadError> {
    let shown: Arc<str> = Arc::from(shown_name);
    if text.len() as u64 > MAX_PLAN_BYTES {
        return Err(too_large(&shown, text.len() as u64));
    }
    load(text, shown)
}

fn error(file: &Arc<str>, line: u32, column: u32, message: String, help: &str) -> LoadError {
    LoadError {
        loc: if line > 0 { Location::source(file.clone(), line, column) } else { Location::file_only(file.clone()) },
        message,
        help: help.to_string(),
    }
}

fn too_large(file: &Arc<str>, len: u64) -> LoadError {
    error(
        file,
        0,
        0,
        format!("is {} MiB, larger than the {} MiB a plan may be", len / (1024 * 1024), MAX_PLAN_BYTES / (1024 * 1024)),
        "check that this is the JSON of one plan; a plan of one deployment is a few megabytes",
    )
}

fn binary_plan(file: &Arc<str>) -> LoadError {
    error(
        file,
        0,
        0,
        "is a binary plan file (from `terraform plan -out`), not its JSON".into(),
        &format!("run `terraform show -json {file} > plan.json` and pass plan.json"),
    )
}

/// Bytes to text: UTF-8 (with or without a byte order mark) or UTF-16 with one.
fn decode(bytes: Vec<u8>, file: &Arc<str>) -> Result<String, LoadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(binary_plan(file));
    }
    let utf16 = |big_endian: bool| -> Option<String> {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| match (c, big_endian) {
                ([a, b], false) => u16::from_le_bytes([*a, *b]),
                ([a, b], true) => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            })
            .collect();
        char::decode_utf16(units).collect::<Result<String, _>>().ok()
    };
    let decoded = if bytes.starts_with(&[0xFF, 0xFE]) {
        utf16(false)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        utf16(true)
    } else {
        String::from_utf8(bytes).ok()
    };
    decoded.ok_or_else(|| {
        error(file, 0, 0, "is not text (neither UTF-8 nor UTF-16), so it is not a plan's JSON".into(), HELP_SHOW)
    })
}

fn load(text: &str, file: Arc<str>) -> Result<TfConfig, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with("PK\u{3}\u{4}") {
        return Err(binary_plan(&file));
    }
    if text.trim().is_empty() {
        return Err(error(&file, 0, 0, "is empty".into(), HELP_SHOW));
    }
    let doc: J = serde_json::from_str(text).map_err(|e| {
        let (line, column) = (e.line() as u32, e.column() as u32);
        if text.trim_start().starts_with("{\"@level\"") {
            error(&file, 0, 0, "is the log of `terraform plan -json`, not a saved plan".into(), HELP_SHOW)
        } else if e.is_eof() {
            error(
                &file,
                line,
                column,
                "ends in the middle of its JSON: the file is truncated".into(),
                &format!("write it again in full: {HELP_SHOW}"),
            )
        } else {
            error(&file, line, column, format!("is not valid JSON: {e}"), HELP_SHOW)
        }
    })?;
    let root = match &doc {
        J::Object(m) => m,
        other => {
            return Err(error(
                &file,
                0,
                0,
                format!("holds a JSON {}, not a Terraform plan", json_type(other)),
                HELP_SHOW,
            ))
        }
    };
    check_kind(root, &file)?;
    Ok(build(root, file))
}

fn json_type(j: &J) -> &'static str {
    match j {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

/// Refuses what is not a plan, saying what it is instead.
fn check_kind(root: &Map<String, J>, file: &Arc<str>) -> Result<(), LoadError> {
    let fail = |message: &str, help: &str| Err(error(file, 0, 0, message.to_string(), help));
    if root.contains_key("@level") || root.contains_key("@message") {
        return fail("is the log of `terraform plan -json`, not a saved plan", HELP_SHOW);
    }
    if root.contains_key("lineage") || root.contains_key("serial") {
        return fail(
            "is a Terraform state file, not a plan",
            &format!("a plan says what will change and how it is configured; {HELP_SHOW}"),
        );
    }
    let is_plan =
        ["planned_values", "resource_changes", "configuration", "output_changes"].iter().any(|k| root.contains_key(*k));
    if !is_plan {
        if root.contains_key("values") {
            return fail(
                "is `terraform show -json` of the current state, not of a plan",
                &format!("give `terraform show -json` a saved plan: {HELP_SHOW}"),
            );
        }
        if root.contains_key("provider_schemas") {
            return fail("is `terraform providers schema -json` output, not a plan", HELP_SHOW);
        }
        return fail(
            "is JSON but not a Terraform plan: it has no planned_values, resource_changes or configuration",
            HELP_SHOW,
        );
    }
    let Some(version) = root.get("format_version").and_then(J::as_str) else {
        return fail("has no format_version, so it is not the output of `terraform show -json`", HELP_SHOW);
    };
    match version.split('.').next().and_then(|m| m.parse::<u64>().ok()) {
        Some(1) => Ok(()),
        Some(0) => fail(
            &format!("uses plan format {version} (Terraform before 1.0); mbdeploy reads format 1.x"),
            "show the plan with Terraform 1.0 or later: older plans do not mark every sensitive value, so they cannot be read safely",
        ),
        Some(_) => fail(
            &format!("uses plan format {version}; mbdeploy reads format 1.x"),
            "update mbdeploy, or show the plan with a Terraform that writes format 1.x",
        ),
        None => fail(
            &format!("has format_version {version:?}, which is not a version"),
            HELP_SHOW,
        ),
    }
}

/// One resource instance to load, with the parts of the plan that describe it.
struct Entry<'a> {
    address: String,
    addr: ResourceAddr,
    mode: Mode,
    resource_type: String,
    after: Option<&'a J>,
    unknown: Option<&'a J>,
    sensitive: Option<&'a J>,
}

fn build(doc: &Map<String, J>, file: Arc<str>) -> TfConfig {
    let loc = Location::file_only(file);
    let mut out = TfConfig { source: SourceKind::Plan, ..TfConfig::default() };
    let issue = |code: &str, address: &str, message: String| LoadIssue {
        code: code.to_string(),
        loc: loc.clone(),
        address: address.to_string(),
        message,
    };
    let config = ConfigIndex::new(doc.get("configuration"));
    if config.is_empty() {
        out.load_issues.push(issue(
            "plan-no-configuration",
            "",
            "the plan has no configuration section: unknown values cannot be traced to the resources they come from, and variables and outputs are not known".into(),
        ));
    }
    if doc.get("errored").and_then(J::as_bool) == Some(true) {
        out.errors.push(LoadError {
            loc: loc.clone(),
            message: "Terraform reported errors while planning: this plan is incomplete".into(),
            help: "fix the errors `terraform plan` printed, then save and show the plan again".into(),
        });
    }
    if doc.get("complete").and_then(J::as_bool) == Some(false) {
        out.load_issues.push(issue(
            "plan-incomplete",
            "",
            "the plan is not complete (Terraform deferred some changes): resources it left out are not audited".into(),
        ));
    }
    let secrets = collect_secrets(doc, &config);
    let planned = module_resources(doc.get("planned_values").and_then(|p| p.get("root_module")));
    let prior =
        module_resources(doc.get("prior_state").and_then(|p| p.get("values")).and_then(|v| v.get("root_module")));
    let planned_by_address: HashMap<&str, &J> =
        planned.iter().filter_map(|r| Some((r.get("address")?.as_str()?, *r))).collect();

    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    match doc.get("resource_changes") {
        None | Some(J::Null) => {}
        Some(J::Array(changes)) => {
            for rc in changes {
                let Some(address) = rc.get("address").and_then(J::as_str) else {
                    out.load_issues.push(issue(
                        "plan-malformed",
                        "",
                        "a resource change has no address; it was skipped".into(),
                    ));
                    continue;
                };
                if rc.get("deposed").is_some_and(|d| !d.is_null()) {
                    continue; // an old object being destroyed
                }
                let change = rc.get("change");
                let actions: Vec<&str> = change
                    .and_then(|c| c.get("actions"))
                    .and_then(J::as_array)
                    .map(|a| a.iter().filter_map(J::as_str).collect())
                    .unwrap_or_default();
                if !actions.is_empty() && actions.iter().all(|a| *a == "delete" || *a == "forget") {
                    seen.insert(address.to_string());
                    continue;
                }
                if !seen.insert(address.to_string()) {
                    continue;
                }
                let Some(entry) = entry(rc, address, &mut out.load_issues, &issue) else {
                    continue;
                };
                let after = change.and_then(|c| c.get("after")).filter(|a| a.is_object());
                let entry = match after {
                    Some(after) => Entry {
                        after: Some(after),
                        unknown: change.and_then(|c| c.get("after_unknown")),
                        sensitive: change.and_then(|c| c.get("after_sensitive")),
                        ..entry
                    },
                    None => {
                        let p = planned_by_address.get(address);
                        Entry {
                            after: p.and_then(|p| p.get("values")),
                            unknown: None,
                            sensitive: p.and_then(|p| p.get("sensitive_values")),
                            ..entry
                        }
                    }
                };
                entries.push(entry);
            }
        }
        Some(_) => {
            out.load_issues.push(issue("plan-malformed", "", "resource_changes is not a list; it was ignored".into()))
        }
    }
    // Resources the changes do not cover: planned values, then data sources read while planning.
    let extra = planned.iter().map(|r| (*r, false)).chain(prior.iter().map(|r| (*r, true)));
    for (r, from_prior) in extra {
        let Some(address) = r.get("address").and_then(J::as_str) else {
            continue;
        };
        if from_prior && r.get("mode").and_then(J::as_str) != Some("data") {
            continue;
        }
        if !seen.insert(address.to_string()) {
            continue;
        }
        if let Some(e) = entry(r, address, &mut out.load_issues, &issue) {
            entries.push(Entry { after: r.get("values"), unknown: None, sensitive: r.get("sensitive_values"), ..e });
        }
    }

    let resolver = Resolver::new(&config, entries.iter().map(|e| e.addr.clone()).collect());
    for e in &entries {
        let mut builder = ValueBuilder {
            resolver: &resolver,
            secrets: &secrets,
            module: &e.addr.module,
            self_key: e.addr.key.as_deref(),
            loc: loc.clone(),
            hidden: 0,
            depth: 0,
        };
        let values = builder.resource(e.after, e.unknown, e.sensitive, config.resource_expressions(&e.addr));
        if builder.hidden > 0 {
            out.load_issues.push(issue(
                "plan-value-hidden",
                &e.address,
                format!(
                    "{} value(s) of this resource hold the text of a sensitive value without being marked sensitive (e.g. through nonsensitive()); they were hidden",
                    builder.hidden
                ),
            ));
        }
        out.resources.push(TfResource {
            address: e.address.clone(),
            mode: e.mode,
            resource_type: e.resource_type.clone(),
            values,
            loc: loc.clone(),
            end_line: 0,
        });
    }
    outputs_and_variables(doc, &config, &secrets, &loc, &mut out);
    out
}

/// The identity of a resource (a change, or a planned or prior resource).
fn entry<'a>(
    r: &'a J,
    address: &str,
    issues: &mut Vec<LoadIssue>,
    issue: &dyn Fn(&str, &str, String) -> LoadIssue,
) -> Option<Entry<'a>> {
    let mode = match r.get("mode").and_then(J::as_str) {
        Some("managed") => Mode::Managed,
        Some("data") => Mode::Data,
        // Ephemeral resources, or a kind newer than this loader: nothing to audit.
        Some(_) => return None,
        None => {
            issues.push(issue("plan-malformed", address, "this resource has no mode; it was skipped".into()));
            return None;
        }
    };
    let Some(addr) = parse_resource_address(address) else {
        issues.push(issue("plan-malformed", address, "this resource's address cannot be read; it was skipped".into()));
        return None;
    };
    if let Some(module) = r.get("module_address").and_then(J::as_str) {
        if parse_module_address(module).as_ref() != Some(&addr.module) {
            issues.push(issue(
                "plan-malformed",
                address,
                format!("module_address `{module}` does not match the address; the address was used"),
            ));
        }
    }
    let resource_type = r.get("type").and_then(J::as_str).unwrap_or(&addr.resource_type).to_string();
    Some(Entry { address: address.to_string(), mode, resource_type, addr, after: None, unknown: None, sensitive: None })
}

/// The resources of a `root_module` and of its `child_modules`, recursively.
fn module_resources(module: Option<&J>) -> Vec<&J> {
    fn walk<'a>(module: &'a J, out: &mut Vec<&'a J>) {
        if let Some(rs) = module.get("resources").and_then(J::as_array) {
            out.extend(rs.iter());
        }
        if let Some(children) = module.get("child_modules").and_then(J::as_array) {
            children.iter().for_each(|c| walk(c, out));
        }
    }
    let mut out = Vec::new();
    if let Some(m) = module {
        walk(m, &mut out);
    }
    out
}

/// The clear text of everything the plan marks sensitive, wherever it appears.
fn collect_secrets(doc: &Map<String, J>, config: &ConfigIndex) -> Secrets {
    let mut s = Secrets::default();
    let values = doc.get("variables");
    for (path, module) in config.modules() {
        let Some(vars) = module.get("variables").and_then(J::as_object) else {
            continue;
        };
        for (name, v) in vars {
            if v.get("sensitive").and_then(J::as_bool) != Some(true) {
                continue;
            }
            if let Some(default) = v.get("default") {
                s.add_all(default);
            }
            if path.is_empty() {
                if let Some(value) = values.and_then(|vs| vs.get(name)).and_then(|v| v.get("value")) {
                    s.add_all(value);
                }
            }
        }
    }
    for key in ["resource_changes", "resource_drift"] {
        for rc in doc.get(key).and_then(J::as_array).into_iter().flatten() {
            if let Some(c) = rc.get("change") {
                s.add_marked(c.get("before"), c.get("before_sensitive"));
                s.add_marked(c.get("after"), c.get("after_sensitive"));
            }
        }
    }
    let planned = doc.get("planned_values");
    let prior = doc.get("prior_state").and_then(|p| p.get("values"));
    for section in [planned, prior].into_iter().flatten() {
        for r in module_resources(section.get("root_module")) {
            s.add_marked(r.get("values"), r.get("sensitive_values"));
        }
        for o in section.get("outputs").and_then(J::as_object).into_iter().flat_map(|m| m.values()) {
            if o.get("sensitive").and_then(J::as_bool) == Some(true) {
                if let Some(v) = o.get("value") {
                    s.add_all(v);
                }
            }
        }
    }
    for o in doc.get("output_changes").and_then(J::as_object).into_iter().flat_map(|m| m.values()) {
        s.add_marked(o.get("before"), o.get("before_sensitive"));
        s.add_marked(o.get("after"), o.get("after_sensitive"));
    }
    s
}

fn outputs_and_variables(
    doc: &Map<String, J>,
    config: &ConfigIndex,
    secrets: &Secrets,
    loc: &Location,
    out: &mut TfConfig,
) {
    let planned_outputs = doc.get("planned_values").and_then(|p| p.get("outputs")).and_then(J::as_object);
    let flag = |j: &J| j.get("sensitive").and_then(J::as_bool) == Some(true);
    if config.is_empty() {
        for (name, o) in planned_outputs.into_iter().flatten() {
            out.outputs.push(Output {
                name: name.clone(),
                loc: loc.clone(),
                sensitive: flag(o),
                references: Vec::new(),
            });
        }
        return;
    }
    let clean = |s: &str| -> String {
        if secrets.exposes(s) {
            REDACTED.to_string()
        } else {
            s.to_string()
        }
    };
    for (path, module) in config.modules() {
        let prefix = module_prefix(&path.iter().map(|n| (n.clone(), None)).collect());
        for (name, o) in module.get("outputs").and_then(J::as_object).into_iter().flatten() {
            let planned_sensitive =
                path.is_empty() && planned_outputs.and_then(|p| p.get(name)).map(flag).unwrap_or(false);
            out.outputs.push(Output {
                name: format!("{prefix}{name}"),
                loc: loc.clone(),
                sensitive: flag(o) || planned_sensitive,
                references: output_references(o.get("expression")),
            });
        }
        for (name, v) in module.get("variables").and_then(J::as_object).into_iter().flatten() {
            let default = v.get("default").filter(|d| !d.is_null());
            out.variables.push(Variable {
                name: format!("{prefix}{name}"),
                loc: loc.clone(),
                sensitive: flag(v),
                default_loc: default.map(|_| loc.clone()),
                has_string_default: matches!(default, Some(J::String(s)) if !s.is_empty()),
                description: v.get("description").and_then(J::as_str).map(clean),
            });
        }
    }
}

/// An output's references as the source loader writes them: the most precise of Terraform's
/// (it lists `aws_db_instance.m.endpoint` and `aws_db_instance.m`), without instance keys.
fn output_references(expr: Option<&J>) -> Vec<String> {
    let raw = expr.map(references).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for r in &raw {
        let is_prefix = raw.iter().any(|o| {
            o.len() > r.len()
                && o.starts_with(r.as_str())
                && matches!(o.as_bytes().get(r.len()), Some(b'.') | Some(b'['))
        });
        if is_prefix {
            continue;
        }
        let r = without_keys(r);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}
