//! The Terraform adapter: resource instances with evaluated attributes → the typed model.
//!
//! Both Terraform loaders (source and plan) produce a [`TfConfig`] whose resources carry their
//! attributes the way Terraform's JSON shows them (nested blocks as lists of objects). This module
//! is the one place that knows which AWS provider argument means what.

mod ecs;
mod iam;
mod lb;
mod network;
mod storage;

use crate::deployment::*;
use crate::{Kind, Location, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// One resource instance (a `count`/`for_each` instance is one each).
#[derive(Clone, Debug)]
pub struct TfResource {
    /// Full address, with module path and instance key: `module.m.aws_subnet.private[0]`.
    pub address: String,
    pub mode: Mode,
    pub resource_type: String,
    /// The evaluated attributes and nested blocks (an object).
    pub values: Value,
    /// The block header.
    pub loc: Location,
    /// Last line of the block, for suppressions.
    pub end_line: u32,
}

impl TfResource {
    fn meta(&self) -> Meta {
        let mut keys = vec![self.address.clone()];
        // A resource without an instance key also answers to its address with `[*]`-free forms
        // used by references; computed ids are added when the source knows them (plans, state).
        for field in ["id", "arn", "name"] {
            if let Some(s) = self.values.get(field).and_then(Value::as_str) {
                if !s.is_empty() {
                    keys.push(s.to_string());
                }
            }
        }
        Meta { address: self.address.clone(), resource_type: self.resource_type.clone(), keys, loc: self.loc.clone() }
    }
}

/// Everything a Terraform loader read.
#[derive(Clone, Debug, Default)]
pub struct TfConfig {
    pub source: SourceKind,
    pub resources: Vec<TfResource>,
    pub outputs: Vec<Output>,
    pub variables: Vec<Variable>,
    pub backend: Option<Backend>,
    pub settings_loc: Option<Location>,
    pub tfvars: Vec<TfvarsEntry>,
    pub suppressions: Vec<Suppression>,
    pub load_issues: Vec<LoadIssue>,
    pub errors: Vec<LoadError>,
}

/// Builds the typed model from Terraform-shaped resources.
pub fn build(config: TfConfig) -> Deployment {
    let mut d = Deployment {
        source: config.source,
        outputs: config.outputs,
        variables: config.variables,
        backend: config.backend,
        settings_loc: config.settings_loc,
        tfvars: config.tfvars,
        suppressions: config.suppressions,
        load_issues: config.load_issues,
        errors: config.errors,
        ..Deployment::default()
    };
    let managed: Vec<&TfResource> = config.resources.iter().filter(|r| r.mode == Mode::Managed).collect();
    let data: Vec<&TfResource> = config.resources.iter().filter(|r| r.mode == Mode::Data).collect();
    network::build(&managed, &mut d);
    lb::build(&managed, &mut d);
    ecs::build(&managed, &mut d);
    storage::build(&managed, &mut d);
    iam::build(&managed, &data, &mut d);
    d
}

// ---------------------------------------------------------------- attribute helpers

/// The value of an attribute, treating `null` as absent.
pub(crate) fn field<'a>(values: &'a Value, key: &str) -> Option<&'a Value> {
    values.get(key).filter(|v| !v.is_null())
}

fn attr_with<T>(values: &Value, key: &str, header: &Location, convert: impl Fn(&Value) -> Option<T>) -> Attr<T> {
    match field(values, key) {
        None => Attr::unset(header.clone()),
        Some(v) if v.contains_unknown() => Attr::unknown(v.loc.clone()),
        Some(v) => match convert(v) {
            Some(x) => Attr::set(x, v.loc.clone()),
            None => Attr::unknown(v.loc.clone()),
        },
    }
}

pub(crate) fn attr_bool(values: &Value, key: &str, header: &Location) -> Attr<bool> {
    attr_with(values, key, header, Value::as_bool)
}

pub(crate) fn attr_i64(values: &Value, key: &str, header: &Location) -> Attr<i64> {
    attr_with(values, key, header, Value::as_i64)
}

pub(crate) fn attr_string(values: &Value, key: &str, header: &Location) -> Attr<String> {
    attr_with(values, key, header, Value::to_template_string)
}

/// A nested block's presence as an attribute: set (at the block) when present.
pub(crate) fn first_block<'a>(values: &'a Value, key: &str) -> Option<&'a Value> {
    values.blocks(key).into_iter().next()
}

/// The keys a reference-valued attribute points at: known strings as they are, unknown values by
/// the addresses they derive from.
pub(crate) fn keys_of(value: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = value {
        collect_keys(v, &mut out);
    }
    out
}

fn collect_keys(v: &Value, out: &mut Vec<String>) {
    match &v.kind {
        Kind::String(s) if !s.is_empty() => out.push(s.clone()),
        Kind::Unknown(refs) | Kind::Partial { refs, .. } => out.extend(refs.iter().cloned()),
        Kind::List(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

pub(crate) fn key_of(value: Option<&Value>) -> Option<String> {
    keys_of(value).into_iter().next()
}

/// Whether a list-valued attribute has parts that are unknown and reference nothing.
pub(crate) fn has_opaque_unknown(value: Option<&Value>) -> bool {
    fn walk(v: &Value) -> bool {
        match &v.kind {
            Kind::Unknown(refs) | Kind::Partial { refs, .. } => refs.is_empty(),
            Kind::List(items) => items.iter().any(walk),
            _ => false,
        }
    }
    value.map(walk).unwrap_or(false)
}

/// Known strings in a list attribute (unknown items skipped).
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    match value.map(|v| &v.kind) {
        Some(Kind::List(items)) => items.iter().filter_map(Value::to_template_string).collect(),
        Some(Kind::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

pub(crate) fn of_type<'a>(
    resources: &'a [&'a TfResource],
    types: &'a [&str],
) -> impl Iterator<Item = &'a TfResource> + 'a {
    resources.iter().copied().filter(move |r| types.contains(&r.resource_type.as_str()))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use std::sync::Arc;

    pub fn loc(line: u32) -> Location {
        Location::source(Arc::from("main.tf"), line, 1)
    }

    pub fn json_resource(address: &str, json: serde_json::Value) -> TfResource {
        let resource_type = address.split('.').find(|p| p.starts_with("aws_")).unwrap_or("").to_string();
        let mode = if address.starts_with("data.") { Mode::Data } else { Mode::Managed };
        TfResource {
            address: address.to_string(),
            mode,
            resource_type,
            values: Value::from_json(&json, &loc(2)),
            loc: loc(1),
            end_line: 10,
        }
    }
}
