//! The plan's `configuration` section, and turning its references into resource addresses.
//!
//! Terraform records, for every resource, the *expressions* it was written with: a constant, or
//! the list of things it references (`"references": ["aws_security_group.alb.id",
//! "aws_security_group.alb"]`). Values are not evaluated there, but this is what tells where an
//! unknown value will come from. References are relative to their module and may go through a
//! module's input variables or outputs; [`Resolver`] follows both, so that
//! `security_groups = [module.network.ecs_security_group_id]` ends at
//! `module.network.aws_security_group.ecs`, the address the adapter can match.

use crate::address::{module_names, module_prefix, parse_reference, ModulePath, ResourceAddr, Subject};
use serde_json::{Map, Value as J};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// How deep module calls, and references through variables and outputs, are followed.
/// Real configurations stay far below; a hostile plan cannot make the loader loop.
const MAX_DEPTH: usize = 32;

/// How many references one load may visit while following outputs and variables: that can
/// branch, and a hostile plan must not make it exponential. Past it, references are kept as
/// written (prefixed with their module).
const MAX_STEPS: usize = 2_000_000;

/// A reference to more instances than this stays one keyless reference instead of a list.
const MAX_INSTANCES: usize = 1024;

/// Every module's configuration, by module names (no instance keys: configuration is per call).
pub(crate) struct ConfigIndex<'a> {
    modules: HashMap<Vec<String>, &'a Map<String, J>>,
}

impl<'a> ConfigIndex<'a> {
    pub fn new(configuration: Option<&'a J>) -> Self {
        let mut modules = HashMap::new();
        if let Some(root) = configuration.and_then(|c| c.get("root_module")).and_then(J::as_object) {
            collect_modules(root, Vec::new(), &mut modules);
        }
        ConfigIndex { modules }
    }

    /// Whether the plan carried a configuration section at all.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Modules in a stable order (root first, then by path).
    pub fn modules(&self) -> Vec<(&Vec<String>, &'a Map<String, J>)> {
        let mut all: Vec<_> = self.modules.iter().map(|(k, v)| (k, *v)).collect();
        all.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(b.0)));
        all
    }

    pub fn module(&self, names: &[String]) -> Option<&'a Map<String, J>> {
        self.modules.get(names).copied()
    }

    /// The `expressions` of a resource's configuration block (an empty body when the block was
    /// written without arguments); `None` when the configuration does not have the resource.
    pub fn resource_expressions(&self, addr: &ResourceAddr) -> Option<&'a Map<String, J>> {
        let module = self.module(&module_names(&addr.module))?;
        let mode = if addr.data { "data" } else { "managed" };
        let resource = module.get("resources")?.as_array()?.iter().find(|r| {
            r.get("mode").and_then(J::as_str) == Some(mode)
                && r.get("type").and_then(J::as_str) == Some(addr.resource_type.as_str())
                && r.get("name").and_then(J::as_str) == Some(addr.name.as_str())
        })?;
        match resource.get("expressions") {
            Some(J::Object(m)) => Some(m),
            _ => Some(empty_body()),
        }
    }

    /// The references of a module output's expression.
    fn output_references(&self, module: &[String], output: &str) -> Option<Vec<String>> {
        let expr = self.module(module)?.get("outputs")?.get(output)?.get("expression")?;
        Some(references(expr))
    }

    /// The references of the expression a module call passes to one of its variables.
    fn input_references(&self, parent: &[String], call: &str, variable: &str) -> Option<Vec<String>> {
        let expr = self.module(parent)?.get("module_calls")?.get(call)?.get("expressions")?.get(variable)?;
        Some(references(expr))
    }
}

/// The body of a resource written without arguments.
fn empty_body() -> &'static Map<String, J> {
    static EMPTY: std::sync::OnceLock<Map<String, J>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn collect_modules<'a>(
    module: &'a Map<String, J>,
    path: Vec<String>,
    out: &mut HashMap<Vec<String>, &'a Map<String, J>>,
) {
    if path.len() > MAX_DEPTH {
        return;
    }
    if let Some(calls) = module.get("module_calls").and_then(J::as_object) {
        for (name, call) in calls {
            if let Some(child) = call.get("module").and_then(J::as_object) {
                let mut child_path = path.clone();
                child_path.push(name.clone());
                collect_modules(child, child_path, out);
            }
        }
    }
    out.insert(path, module);
}

/// The `references` of one expression (`[]` for a constant).
pub(crate) fn references(expr: &J) -> Vec<String> {
    expr.get("references")
        .and_then(J::as_array)
        .map(|refs| refs.iter().filter_map(J::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Turns configuration references into the addresses of the resource instances they name.
pub(crate) struct Resolver<'a> {
    pub config: &'a ConfigIndex<'a>,
    instances: Vec<ResourceAddr>,
    by_name: HashMap<(bool, String, String), Vec<usize>>,
    budget: Cell<usize>,
    cache: RefCell<HashMap<ResolveKey, Vec<String>>>,
}

type ResolveKey = (Vec<String>, ModulePath, Option<String>);

impl<'a> Resolver<'a> {
    pub fn new(config: &'a ConfigIndex<'a>, instances: Vec<ResourceAddr>) -> Self {
        let mut by_name: HashMap<(bool, String, String), Vec<usize>> = HashMap::new();
        for (i, a) in instances.iter().enumerate() {
            by_name.entry((a.data, a.resource_type.clone(), a.name.clone())).or_default().push(i);
        }
        Resolver { config, instances, by_name, budget: Cell::new(MAX_STEPS), cache: RefCell::new(HashMap::new()) }
    }

    /// The addresses behind `refs`, written in the module `module` by the resource instance with
    /// key `self_key` (used to narrow `aws_subnet.private[count.index]` to one instance).
    ///
    /// Resources become instance addresses (all instances when no key is written); module
    /// outputs and module input variables are followed to what they reference; root variables
    /// stay `var.NAME`, locals `local.NAME` (a plan does not record locals' expressions).
    pub fn resolve(&self, refs: &[String], module: &ModulePath, self_key: Option<&str>) -> Vec<String> {
        let key: ResolveKey = (refs.to_vec(), module.clone(), self_key.map(str::to_string));
        if let Some(hit) = self.cache.borrow().get(&key) {
            return hit.clone();
        }
        let mut out = Vec::new();
        self.resolve_into(refs, module, self_key, 0, &mut out);
        let mut seen = std::collections::HashSet::new();
        out.retain(|r| seen.insert(r.clone()));
        self.cache.borrow_mut().insert(key, out.clone());
        out
    }

    fn resolve_into(
        &self,
        refs: &[String],
        module: &ModulePath,
        self_key: Option<&str>,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let prefix = module_prefix(module);
        let budget = self.budget.get().saturating_sub(refs.len().max(1));
        self.budget.set(budget);
        if depth > MAX_DEPTH || budget == 0 {
            out.extend(refs.iter().map(|r| format!("{prefix}{r}")));
            return;
        }
        let subjects = prune(refs.iter().filter_map(|r| parse_reference(r)).collect());
        let per_instance = subjects.iter().any(|s| matches!(s, Subject::Meta(m) if m == "count" || m == "each"));
        for subject in subjects {
            match subject {
                Subject::Resource { data, resource_type, name, key } => {
                    let pattern = ResourceAddr { module: module.clone(), data, resource_type, name, key };
                    out.extend(self.instances_of(&pattern, self_key.filter(|_| per_instance)));
                }
                Subject::ModuleOutput { name, key, output } => {
                    let mut child = module.clone();
                    child.push((name.clone(), key.clone()));
                    let before = out.len();
                    if let Some(refs) = self.config.output_references(&module_names(&child), &output) {
                        self.resolve_into(&refs, &child, None, depth + 1, out);
                    }
                    if out.len() == before {
                        out.push(format!("{prefix}module.{name}{}.{output}", key.as_deref().unwrap_or("")));
                    }
                }
                Subject::Module { name, key } => {
                    out.push(format!("{prefix}module.{name}{}", key.as_deref().unwrap_or("")));
                }
                Subject::Var(name) => {
                    let before = out.len();
                    if let Some(((call, call_key), parent)) = module.split_last() {
                        let parent: ModulePath = parent.to_vec();
                        if let Some(refs) = self.config.input_references(&module_names(&parent), call, &name) {
                            self.resolve_into(&refs, &parent, call_key.as_deref(), depth + 1, out);
                        }
                    }
                    if out.len() == before {
                        out.push(format!("{prefix}var.{name}"));
                    }
                }
                Subject::Local(name) => out.push(format!("{prefix}local.{name}")),
                Subject::Meta(_) => {}
                Subject::Other(text) => out.push(format!("{prefix}{text}")),
            }
        }
    }

    /// The instances a pattern names; the pattern itself when the plan has none of them.
    fn instances_of(&self, pattern: &ResourceAddr, self_key: Option<&str>) -> Vec<String> {
        let key = (pattern.data, pattern.resource_type.clone(), pattern.name.clone());
        let mut found: Vec<&ResourceAddr> = self
            .by_name
            .get(&key)
            .map(|ids| ids.iter().filter_map(|&i| self.instances.get(i)).filter(|a| pattern.matches(a)).collect())
            .unwrap_or_default();
        if pattern.key.is_none() && found.len() > 1 {
            if let Some(k) = self_key {
                let same: Vec<&ResourceAddr> = found.iter().copied().filter(|a| a.key.as_deref() == Some(k)).collect();
                if !same.is_empty() {
                    found = same;
                }
            }
        }
        if found.is_empty() || found.len() > MAX_INSTANCES {
            vec![pattern.render()]
        } else {
            found.into_iter().map(ResourceAddr::render).collect()
        }
    }
}

/// Terraform lists a reference at every level (`aws_subnet.private[0].id`,
/// `aws_subnet.private[0]`, `aws_subnet.private`); keep only the most precise, so that a keyed
/// reference does not widen to every instance.
fn prune(subjects: Vec<Subject>) -> Vec<Subject> {
    let mut unique: Vec<Subject> = Vec::new();
    for s in subjects {
        if !unique.contains(&s) {
            unique.push(s);
        }
    }
    let keep = |s: &Subject| match s {
        Subject::Resource { data, resource_type, name, key: None } => !unique.iter().any(|o| {
            matches!(o, Subject::Resource { data: d, resource_type: t, name: n, key: Some(_) }
                if d == data && t == resource_type && n == name)
        }),
        Subject::Module { name, key } => !unique.iter().any(|o| match o {
            Subject::ModuleOutput { name: n, key: k, .. } => n == name && (key.is_none() || k == key),
            Subject::Module { name: n, key: Some(_) } => key.is_none() && n == name,
            _ => false,
        }),
        _ => true,
    };
    unique.iter().filter(|s| keep(s)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::parse_resource_address;
    use serde_json::json;

    fn resolver_for<'a>(config: &'a ConfigIndex<'a>, addrs: &[&str]) -> Resolver<'a> {
        Resolver::new(config, addrs.iter().map(|a| parse_resource_address(a).unwrap()).collect())
    }

    #[test]
    fn keyed_references_do_not_widen() {
        let config = ConfigIndex::new(None);
        let r = resolver_for(&config, &["aws_subnet.a[0]", "aws_subnet.a[1]"]);
        let refs = vec!["aws_subnet.a[1].id".to_string(), "aws_subnet.a[1]".to_string(), "aws_subnet.a".to_string()];
        assert_eq!(r.resolve(&refs, &vec![], None), vec!["aws_subnet.a[1]"]);
        // A splat names every instance; count.index narrows to the referencing instance's own.
        assert_eq!(
            r.resolve(&["aws_subnet.a".to_string()], &vec![], Some("[0]")),
            vec!["aws_subnet.a[0]", "aws_subnet.a[1]"]
        );
        assert_eq!(
            r.resolve(&["aws_subnet.a".to_string(), "count.index".to_string()], &vec![], Some("[1]")),
            vec!["aws_subnet.a[1]"]
        );
    }

    #[test]
    fn outputs_and_variables_are_followed_across_modules() {
        let cfg = json!({"root_module": {
            "resources": [],
            "module_calls": {"app": {
                "expressions": {"sg": {"references": ["module.net.sg_id", "module.net"]}},
                "module": {"variables": {"sg": {}}}
            },
            "net": {"module": {"outputs": {"sg_id": {"expression": {"references": ["aws_security_group.x.id", "aws_security_group.x"]}}}}}}
        }});
        let config = ConfigIndex::new(Some(&cfg));
        let r = resolver_for(&config, &["module.net.aws_security_group.x"]);
        let app: ModulePath = vec![("app".into(), None)];
        assert_eq!(r.resolve(&["var.sg".to_string()], &app, None), vec!["module.net.aws_security_group.x"]);
        // Unresolvable: kept, with the module's prefix.
        assert_eq!(
            r.resolve(&["var.other".to_string(), "local.l".to_string()], &app, None),
            vec!["module.app.var.other", "module.app.local.l"]
        );
    }

    #[test]
    fn cycles_through_modules_end() {
        let cfg = json!({"root_module": {"module_calls": {"a": {
            "expressions": {"v": {"references": ["module.a.o"]}},
            "module": {"outputs": {"o": {"expression": {"references": ["var.v"]}}}}
        }}}});
        let config = ConfigIndex::new(Some(&cfg));
        let r = resolver_for(&config, &[]);
        let out = r.resolve(&["module.a.o".to_string()], &vec![], None);
        assert!(!out.is_empty());
    }
}
