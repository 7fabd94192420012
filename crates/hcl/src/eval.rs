//! The expression evaluator.
//!
//! Terraform evaluates a module as a graph; we evaluate lazily with memoisation, which gives the
//! same values for every configuration Terraform accepts and never loops (a reference that would
//! recurse yields an unknown value). Values that Terraform only learns at apply time (computed
//! attributes, data sources) stay [`Kind::Unknown`] and remember which resource they came from.

use crate::config::{attribute, label, Decl, ModuleConfig, ResourceDecl};
use crate::types::{convert, TypeSpec};
use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use indexmap::IndexMap;
use mbdeploy_model::deployment::{LoadError, LoadIssue};
use mbdeploy_model::tf::Mode;
use mbdeploy_model::{Kind, Location, Value};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// `count` larger than this is not expanded further (each instance would be audited alike).
const MAX_INSTANCES: usize = 256;
/// Deepest chain of nested module calls followed.
const MAX_MODULE_DEPTH: usize = 24;
/// Deepest evaluation recursion (references through locals, functions, templates).
const MAX_EVAL_DEPTH: usize = 1000;

/// Why an expression could not be evaluated (Terraform would reject it). Callers fall back to an
/// unknown value, except `try()` and `can()`, which act on it.
#[derive(Debug)]
pub struct EvalError(#[allow(dead_code)] pub String);

pub type R = Result<Value, EvalError>;

fn err<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(msg.into()))
}

/// A resource or module instance key.
#[derive(Clone, Debug, PartialEq)]
pub enum InstKey {
    Int(usize),
    Str(String),
}

impl InstKey {
    pub fn suffix(&self) -> String {
        match self {
            InstKey::Int(i) => format!("[{i}]"),
            InstKey::Str(s) => format!("[\"{s}\"]"),
        }
    }
}

/// How a block with `count` or `for_each` expands.
#[derive(Clone, Debug)]
pub enum Expansion {
    Single,
    Count(usize),
    Keys(Vec<(String, Value)>),
    /// Not known before apply: audited as one instance whose `count.index`/`each` are unknown.
    Unknown,
}

impl Expansion {
    pub fn instances(&self) -> Vec<Option<(InstKey, Value)>> {
        match self {
            Expansion::Single | Expansion::Unknown => vec![None],
            Expansion::Count(n) => (0..*n)
                .map(|i| Some((InstKey::Int(i), Value::new(Kind::Number(i as f64), Location::default()))))
                .collect(),
            Expansion::Keys(keys) => keys.iter().map(|(k, v)| Some((InstKey::Str(k.clone()), v.clone()))).collect(),
        }
    }
}

/// One instance of a module (the root, or a module call's instance).
pub struct Instance {
    pub cfg: Rc<ModuleConfig>,
    /// Address prefix: `""` for the root, `module.db.` or `module.app["a"].` below it.
    pub path: String,
    /// Key in `.terraform/modules/modules.json` (`db`, `db.inner`).
    pub manifest_key: String,
    pub inputs: HashMap<String, Value>,
    pub stack: Vec<PathBuf>,
    cache: RefCell<HashMap<String, Value>>,
    in_progress: RefCell<HashSet<String>>,
    expansions: RefCell<HashMap<String, Expansion>>,
    children: RefCell<HashMap<String, Rc<Vec<(Option<InstKey>, Rc<Instance>)>>>>,
}

impl Instance {
    pub fn new(
        cfg: Rc<ModuleConfig>,
        path: String,
        manifest_key: String,
        inputs: HashMap<String, Value>,
        stack: Vec<PathBuf>,
    ) -> Self {
        Instance {
            cfg,
            path,
            manifest_key,
            inputs,
            stack,
            cache: RefCell::default(),
            in_progress: RefCell::default(),
            expansions: RefCell::default(),
            children: RefCell::default(),
        }
    }
}

/// Names bound while evaluating: `count`, `each`, dynamic-block iterators, `for` variables.
#[derive(Clone)]
pub struct Scope<'a> {
    pub inst: &'a Instance,
    pub file: usize,
    pub vars: Vec<(String, Value)>,
}

impl<'a> Scope<'a> {
    pub fn new(inst: &'a Instance, file: usize) -> Self {
        Scope { inst, file, vars: Vec::new() }
    }
    pub fn with(&self, name: &str, value: Value) -> Scope<'a> {
        let mut s = self.clone();
        s.vars.push((name.to_string(), value));
        s
    }
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    pub fn loc(&self, span: Option<std::ops::Range<usize>>) -> Location {
        match span {
            Some(s) => self.inst.cfg.files[self.file].loc(s.start),
            None => Location::file_only(self.inst.cfg.files[self.file].name.clone()),
        }
    }
    /// A scope for an instance of a resource or module call.
    pub fn for_instance(&self, key: &Option<(InstKey, Value)>, exp: &Expansion) -> Scope<'a> {
        let loc = Location::default();
        match (key, exp) {
            (Some((InstKey::Int(i), _)), _) => {
                self.with("count", obj(vec![("index", Value::new(Kind::Number(*i as f64), loc.clone()))], loc))
            }
            (Some((InstKey::Str(k), v)), _) => {
                self.with("each", obj(vec![("key", Value::string(k.clone(), loc.clone())), ("value", v.clone())], loc))
            }
            (None, Expansion::Unknown) => {
                self.with("count", obj(vec![("index", Value::unknown(loc.clone()))], loc.clone())).with(
                    "each",
                    obj(vec![("key", Value::unknown(loc.clone())), ("value", Value::unknown(loc.clone()))], loc),
                )
            }
            (None, _) => self.clone(),
        }
    }
}

pub fn obj(fields: Vec<(&str, Value)>, loc: Location) -> Value {
    Value::new(Kind::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()), loc)
}

/// Merges the unknown-ness of several values into one unknown value.
pub fn unknown_from(values: &[&Value], loc: Location) -> Value {
    let mut refs = Vec::new();
    let mut sensitive = false;
    for v in values {
        refs.extend(v.refs());
        sensitive |= v.contains_sensitive();
    }
    refs.dedup();
    Value::new(Kind::Unknown(refs), loc).with_sensitive(sensitive)
}

/// Meta-arguments of resources and module calls: not attributes of the resource.
const META_ARGS: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "providers",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
    "source",
    "version",
];

/// The evaluator, shared by all module instances of one load.
pub struct Evaluator {
    pub root_dir: PathBuf,
    configs: RefCell<HashMap<PathBuf, Rc<ModuleConfig>>>,
    pub errors: RefCell<Vec<LoadError>>,
    pub issues: RefCell<Vec<LoadIssue>>,
    manifest: HashMap<String, PathBuf>,
    depth: Cell<usize>,
}

impl Evaluator {
    pub fn new(root_dir: &Path) -> Self {
        Evaluator {
            root_dir: root_dir.to_path_buf(),
            configs: RefCell::default(),
            errors: RefCell::default(),
            issues: RefCell::default(),
            manifest: crate::modules::read_manifest(root_dir),
            depth: Cell::new(0),
        }
    }

    pub fn register_config(&self, cfg: Rc<ModuleConfig>) {
        let key = cfg.dir.canonicalize().unwrap_or_else(|_| cfg.dir.clone());
        self.configs.borrow_mut().insert(key, cfg);
    }

    // ------------------------------------------------------------ expressions

    pub fn eval(&self, e: &Expression, sc: &Scope) -> R {
        let depth = self.depth.get();
        if depth > MAX_EVAL_DEPTH {
            return err("expression nests or references too deeply to evaluate");
        }
        self.depth.set(depth + 1);
        let result = self.eval_inner(e, sc);
        self.depth.set(depth);
        let mut v = result?;
        // The value points at the expression that produced it (nested parts keep their own).
        if let Some(span) = e.span() {
            v.loc = sc.loc(Some(span));
        }
        Ok(v)
    }

    fn eval_inner(&self, e: &Expression, sc: &Scope) -> R {
        let loc = sc.loc(e.span());
        Ok(match e {
            Expression::Null(_) => Value::null(loc),
            Expression::Bool(b) => Value::new(Kind::Bool(*b.value()), loc),
            Expression::Number(n) => Value::new(Kind::Number(n.value().as_f64().unwrap_or(0.0)), loc),
            Expression::String(s) => Value::string(s.value().clone(), loc),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item, sc)?);
                }
                Value::new(Kind::List(out), loc)
            }
            Expression::Object(o) => {
                let mut map = IndexMap::new();
                let mut unknown_keys = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(ke) => {
                            let kv = self.eval(ke, sc)?;
                            match kv.to_template_string() {
                                Some(s) => s,
                                None => {
                                    unknown_keys.push(kv);
                                    continue;
                                }
                            }
                        }
                    };
                    map.insert(key, self.eval(v.expr(), sc)?);
                }
                if !unknown_keys.is_empty() {
                    return Ok(unknown_from(&unknown_keys.iter().collect::<Vec<_>>(), loc));
                }
                Value::new(Kind::Object(map), loc)
            }
            Expression::StringTemplate(t) => {
                let elements: Vec<&Element> = t.iter().collect();
                self.eval_template(&elements, sc, loc)?
            }
            Expression::HeredocTemplate(h) => {
                let mut h = (**h).clone();
                if h.indent().is_some() {
                    h.dedent();
                }
                let elements: Vec<&Element> = h.template.iter().collect();
                self.eval_template(&elements, sc, loc)?
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), sc)?,
            Expression::Variable(v) => match sc.lookup(v.as_str()) {
                Some(val) => val.clone(),
                None => match v.as_str() {
                    "count" | "each" | "self" => Value::unknown(loc),
                    other => return err(format!("unknown name `{other}`")),
                },
            },
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, sc)?;
                match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, sc)?,
                    Some(false) => self.eval(&c.false_expr, sc)?,
                    None if cond.is_unknown() => {
                        let t = self.eval(&c.true_expr, sc)?;
                        let f = self.eval(&c.false_expr, sc)?;
                        if t == f && !t.contains_unknown() {
                            t
                        } else {
                            unknown_from(&[&cond, &t, &f], loc)
                        }
                    }
                    None => return err(format!("condition is {}, not bool", cond.type_name())),
                }
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                if f.name.is_namespaced() {
                    // `provider::aws::arn_parse(...)`: provider functions are evaluated by the provider.
                    let mut args = Vec::new();
                    for a in f.args.iter() {
                        args.push(self.eval(a, sc)?);
                    }
                    return Ok(unknown_from(&args.iter().collect::<Vec<_>>(), loc));
                }
                let args: Vec<&Expression> = f.args.iter().collect();
                crate::functions::call(self, name, &args, f.args.expand_final(), sc, loc)?
            }
            Expression::Traversal(t) => {
                self.eval_traversal(&t.expr, &t.operators.iter().map(|o| o.value()).collect::<Vec<_>>(), sc)?
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, sc)?;
                if v.is_unknown() {
                    return Ok(unknown_from(&[&v], loc));
                }
                match u.operator.value() {
                    UnaryOperator::Neg => match v.as_f64() {
                        Some(n) => Value::new(Kind::Number(-n), loc),
                        None => return err("`-` needs a number"),
                    },
                    UnaryOperator::Not => match v.as_bool() {
                        Some(b) => Value::new(Kind::Bool(!b), loc),
                        None => return err("`!` needs a bool"),
                    },
                }
                .with_sensitive(v.sensitive)
            }
            Expression::BinaryOp(b) => self.eval_binary(b, sc, loc)?,
            Expression::ForExpr(f) => self.eval_for(f, sc, loc)?,
        })
    }

    fn eval_binary(&self, b: &hcl_edit::expr::BinaryOp, sc: &Scope, loc: Location) -> R {
        use BinaryOperator::*;
        let op = *b.operator.value();
        let l = self.eval(&b.lhs_expr, sc)?;
        // Short-circuit as Terraform does not, but safely: a known decisive left side decides.
        if op == And && l.as_bool() == Some(false) {
            return Ok(Value::new(Kind::Bool(false), loc));
        }
        if op == Or && l.as_bool() == Some(true) {
            return Ok(Value::new(Kind::Bool(true), loc));
        }
        let r = self.eval(&b.rhs_expr, sc)?;
        let sensitive = l.contains_sensitive() || r.contains_sensitive();
        if l.contains_unknown() || r.contains_unknown() {
            if matches!(op, And) && r.as_bool() == Some(false) {
                return Ok(Value::new(Kind::Bool(false), loc));
            }
            if matches!(op, Or) && r.as_bool() == Some(true) {
                return Ok(Value::new(Kind::Bool(true), loc));
            }
            return Ok(unknown_from(&[&l, &r], loc));
        }
        let num =
            |v: &Value| v.as_f64().ok_or_else(|| EvalError(format!("expected a number, found {}", v.type_name())));
        let bool_ =
            |v: &Value| v.as_bool().ok_or_else(|| EvalError(format!("expected a bool, found {}", v.type_name())));
        let kind = match op {
            Eq => Kind::Bool(values_equal(&l, &r)),
            NotEq => Kind::Bool(!values_equal(&l, &r)),
            And => Kind::Bool(bool_(&l)? && bool_(&r)?),
            Or => Kind::Bool(bool_(&l)? || bool_(&r)?),
            Plus => Kind::Number(num(&l)? + num(&r)?),
            Minus => Kind::Number(num(&l)? - num(&r)?),
            Mul => Kind::Number(num(&l)? * num(&r)?),
            Div => {
                let d = num(&r)?;
                if d == 0.0 {
                    return err("division by zero");
                }
                Kind::Number(num(&l)? / d)
            }
            Mod => {
                let d = num(&r)?;
                if d == 0.0 {
                    return err("modulo by zero");
                }
                Kind::Number(num(&l)? % d)
            }
            Less => Kind::Bool(num(&l)? < num(&r)?),
            LessEq => Kind::Bool(num(&l)? <= num(&r)?),
            Greater => Kind::Bool(num(&l)? > num(&r)?),
            GreaterEq => Kind::Bool(num(&l)? >= num(&r)?),
        };
        Ok(Value::new(kind, loc).with_sensitive(sensitive))
    }

    fn eval_for(&self, f: &ForExpr, sc: &Scope, loc: Location) -> R {
        let coll = self.eval(&f.intro.collection_expr, sc)?;
        if coll.is_unknown() {
            return Ok(unknown_from(&[&coll], loc));
        }
        let pairs: Vec<(Value, Value)> = match &coll.kind {
            Kind::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::new(Kind::Number(i as f64), v.loc.clone()), v.clone()))
                .collect(),
            Kind::Object(map) => {
                map.iter().map(|(k, v)| (Value::string(k.clone(), v.loc.clone()), v.clone())).collect()
            }
            Kind::Null => return err("cannot iterate over null"),
            _ => return err(format!("cannot iterate over a {}", coll.type_name())),
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut map: IndexMap<String, Value> = IndexMap::new();
        let mut unknown: Vec<Value> = Vec::new();
        for (k, v) in pairs {
            let mut inner = sc.clone();
            if let Some(kv) = &key_var {
                inner = inner.with(kv, k);
            }
            inner = inner.with(&value_var, v);
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, &inner)?;
                match c.as_bool() {
                    Some(false) => continue,
                    Some(true) => {}
                    None => {
                        unknown.push(c);
                        continue;
                    }
                }
            }
            let value = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                Some(ke) => {
                    let key = self.eval(ke, &inner)?;
                    match key.to_template_string() {
                        Some(k) if f.grouping => {
                            let entry =
                                map.entry(k).or_insert_with(|| Value::new(Kind::List(Vec::new()), value.loc.clone()));
                            if let Kind::List(items) = &mut entry.kind {
                                items.push(value);
                            }
                        }
                        Some(k) => {
                            map.insert(k, value);
                        }
                        None => unknown.push(key),
                    }
                }
                None => list.push(value),
            }
        }
        if !unknown.is_empty() {
            return Ok(unknown_from(&unknown.iter().collect::<Vec<_>>(), loc));
        }
        Ok(match f.key_expr {
            Some(_) => Value::new(Kind::Object(map), loc),
            None => Value::new(Kind::List(list), loc),
        }
        .with_sensitive(coll.sensitive))
    }

    fn eval_template(&self, elements: &[&Element], sc: &Scope, loc: Location) -> R {
        // `"${x}"` alone is x itself, whatever its type.
        if let [Element::Interpolation(i)] = elements {
            return self.eval(&i.expr, sc);
        }
        let mut text = String::new();
        let mut refs = Vec::new();
        let mut unknown = false;
        let mut sensitive = false;
        self.render(elements, sc, &mut text, &mut refs, &mut unknown, &mut sensitive)?;
        let kind = if unknown {
            if text.replace("${…}", "").is_empty() {
                Kind::Unknown(refs)
            } else {
                Kind::Partial { text, refs }
            }
        } else {
            Kind::String(text)
        };
        Ok(Value::new(kind, loc).with_sensitive(sensitive))
    }

    fn render(
        &self,
        elements: &[&Element],
        sc: &Scope,
        text: &mut String,
        refs: &mut Vec<String>,
        unknown: &mut bool,
        sensitive: &mut bool,
    ) -> Result<(), EvalError> {
        for el in elements {
            match el {
                Element::Literal(s) => text.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, sc)?;
                    *sensitive |= v.contains_sensitive();
                    if v.is_unknown() {
                        *unknown = true;
                        refs.extend(v.refs());
                        match &v.kind {
                            Kind::Partial { text: t, .. } => text.push_str(t),
                            _ => text.push_str("${…}"),
                        }
                    } else {
                        match v.to_template_string() {
                            Some(s) => text.push_str(&s),
                            None if v.is_null() => return err("cannot include null in a string template"),
                            None => return err(format!("cannot include a {} in a string template", v.type_name())),
                        }
                    }
                }
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        let c = self.eval(&ifd.if_expr.cond_expr, sc)?;
                        let branch: Option<&Template> = match c.as_bool() {
                            Some(true) => Some(&ifd.if_expr.template),
                            Some(false) => ifd.else_expr.as_ref().map(|e| &e.template),
                            None => {
                                *unknown = true;
                                refs.extend(c.refs());
                                text.push_str("${…}");
                                None
                            }
                        };
                        if let Some(t) = branch {
                            let els: Vec<&Element> = t.iter().collect();
                            self.render(&els, sc, text, refs, unknown, sensitive)?;
                        }
                    }
                    Directive::For(ford) => {
                        let coll = self.eval(&ford.for_expr.collection_expr, sc)?;
                        let pairs: Vec<(Value, Value)> = match &coll.kind {
                            Kind::List(items) => items
                                .iter()
                                .enumerate()
                                .map(|(i, v)| (Value::new(Kind::Number(i as f64), v.loc.clone()), v.clone()))
                                .collect(),
                            Kind::Object(m) => {
                                m.iter().map(|(k, v)| (Value::string(k.clone(), v.loc.clone()), v.clone())).collect()
                            }
                            _ => {
                                *unknown = true;
                                refs.extend(coll.refs());
                                text.push_str("${…}");
                                continue;
                            }
                        };
                        let els: Vec<&Element> = ford.for_expr.template.iter().collect();
                        for (k, v) in pairs {
                            let mut inner = sc.clone();
                            if let Some(kv) = &ford.for_expr.key_var {
                                inner = inner.with(kv.as_str(), k);
                            }
                            inner = inner.with(ford.for_expr.value_var.as_str(), v);
                            self.render(&els, &inner, text, refs, unknown, sensitive)?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------ references

    pub fn eval_traversal(&self, root: &Expression, ops: &[&TraversalOperator], sc: &Scope) -> R {
        let Expression::Variable(v) = root else {
            let base = self.eval(root, sc)?;
            return self.apply_ops(base, ops, sc);
        };
        let name = v.as_str();
        if let Some(val) = sc.lookup(name) {
            return self.apply_ops(val.clone(), ops, sc);
        }
        let loc = sc.loc(root.span());
        let attr_at = |i: usize| -> Result<&str, EvalError> {
            match ops.get(i) {
                Some(TraversalOperator::GetAttr(a)) => Ok(a.as_str()),
                _ => err(format!("`{name}` must be followed by an attribute name")),
            }
        };
        match name {
            "var" => {
                let v = self.variable(sc.inst, attr_at(0)?)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            "local" => {
                let v = self.local(sc.inst, attr_at(0)?)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            "module" => self.module_ref(sc, attr_at(0)?, &ops[1..], loc),
            "data" => {
                let (t, n) = (attr_at(0)?, attr_at(1)?);
                self.resource_ref(sc, Mode::Data, t, n, &ops[2..], loc)
            }
            "path" => {
                let dir = match attr_at(0)? {
                    "module" => crate::modules::relative(&self.root_dir, &sc.inst.cfg.dir),
                    "root" | "cwd" => ".".to_string(),
                    other => return err(format!("unknown `path.{other}`")),
                };
                self.apply_ops(Value::string(dir, loc), &ops[1..], sc)
            }
            "terraform" => self.apply_ops(Value::string("default", loc), &ops[1..], sc),
            "count" | "each" | "self" => Ok(Value::unknown(loc)),
            resource_type => {
                let n = attr_at(0)?;
                self.resource_ref(sc, Mode::Managed, resource_type, n, &ops[1..], loc)
            }
        }
    }

    pub fn apply_ops(&self, mut v: Value, ops: &[&TraversalOperator], sc: &Scope) -> R {
        for (i, op) in ops.iter().enumerate() {
            if v.is_unknown() {
                return Ok(v);
            }
            v = match op {
                TraversalOperator::GetAttr(a) => match &v.kind {
                    Kind::Object(m) => match m.get(a.as_str()) {
                        Some(x) => x.clone().with_sensitive(v.sensitive),
                        None => return err(format!("object has no attribute `{}`", a.as_str())),
                    },
                    Kind::Null => return err(format!("cannot read `{}` of null", a.as_str())),
                    _ => return err(format!("cannot read `{}` of a {}", a.as_str(), v.type_name())),
                },
                TraversalOperator::Index(e) => {
                    let k = self.eval(e, sc)?;
                    index(&v, &k)?
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(&v, &Value::new(Kind::Number(*n.value() as f64), v.loc.clone()))?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match &v.kind {
                        Kind::List(items) => items.clone(),
                        Kind::Null => Vec::new(),
                        _ => vec![v.clone()],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, &ops[i + 1..], sc)?);
                    }
                    return Ok(Value::new(Kind::List(out), v.loc.clone()).with_sensitive(v.sensitive));
                }
            };
        }
        Ok(v)
    }

    /// Memoised evaluation with cycle protection: a value that would depend on itself is unknown.
    fn memo(&self, inst: &Instance, key: String, compute: impl FnOnce() -> R) -> R {
        if let Some(v) = inst.cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        if !inst.in_progress.borrow_mut().insert(key.clone()) {
            return Ok(Value::unknown(Location::default()));
        }
        let result = compute();
        inst.in_progress.borrow_mut().remove(&key);
        let v = result?;
        inst.cache.borrow_mut().insert(key, v.clone());
        Ok(v)
    }

    pub fn variable(&self, inst: &Instance, name: &str) -> R {
        self.memo(inst, format!("var.{name}"), || {
            let Some(decl) = inst.cfg.variables.get(name) else {
                return err(format!("no variable `{name}` is declared"));
            };
            let sc = Scope::new(inst, decl.file);
            let body = &decl.block.body;
            let default = match attribute(body, "default") {
                Some(a) => Some(self.eval(&a.value, &sc).unwrap_or_else(|_| Value::unknown(sc.loc(a.value.span())))),
                None => None,
            };
            let raw = match (inst.inputs.get(name), default.clone()) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d,
                // No value at all: Terraform would ask for one; we cannot know it.
                (None, None) => Value::unknown(self_loc(inst, decl)),
            };
            let value = match attribute(body, "type") {
                Some(t) => {
                    let spec = TypeSpec::parse(&t.value);
                    convert(raw, &spec, &|e: &Expression| self.eval(e, &sc).ok())
                }
                None => raw,
            };
            let sensitive = attribute(body, "sensitive")
                .map(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
                .unwrap_or(false);
            Ok(if sensitive { mark_sensitive(value) } else { value })
        })
    }

    pub fn local(&self, inst: &Instance, name: &str) -> R {
        self.memo(inst, format!("local.{name}"), || {
            let Some(decl) = inst.cfg.locals.get(name) else {
                return err(format!("no local value `{name}` is declared"));
            };
            let sc = Scope::new(inst, decl.file);
            Ok(self.eval(&decl.expr, &sc).unwrap_or_else(|_| Value::unknown(sc.loc(decl.expr.span()))))
        })
    }

    pub fn expansion(&self, inst: &Instance, key: &str, body: &hcl_edit::structure::Body, file: usize) -> Expansion {
        if let Some(e) = inst.expansions.borrow().get(key) {
            return e.clone();
        }
        let sc = Scope::new(inst, file);
        let exp = if let Some(c) = attribute(body, "count") {
            match self.eval(&c.value, &sc).ok().and_then(|v| if v.is_unknown() { None } else { v.as_i64() }) {
                Some(n) if n >= 0 => Expansion::Count((n as usize).min(MAX_INSTANCES)),
                _ => Expansion::Unknown,
            }
        } else if let Some(f) = attribute(body, "for_each") {
            match self.eval(&f.value, &sc) {
                Ok(v) => match &v.kind {
                    Kind::Object(m) => {
                        Expansion::Keys(m.iter().take(MAX_INSTANCES).map(|(k, v)| (k.clone(), v.clone())).collect())
                    }
                    Kind::List(items) if items.iter().all(|i| i.as_str().is_some()) => {
                        let mut seen = Vec::new();
                        for i in items.iter().take(MAX_INSTANCES) {
                            let s = i.as_str().unwrap().to_string();
                            if !seen.iter().any(|(k, _): &(String, Value)| k == &s) {
                                seen.push((s, i.clone()));
                            }
                        }
                        Expansion::Keys(seen)
                    }
                    _ => Expansion::Unknown,
                },
                Err(_) => Expansion::Unknown,
            }
        } else {
            Expansion::Single
        };
        inst.expansions.borrow_mut().insert(key.to_string(), exp.clone());
        exp
    }

    fn resource_ref(
        &self,
        sc: &Scope,
        mode: Mode,
        rtype: &str,
        name: &str,
        ops: &[&TraversalOperator],
        loc: Location,
    ) -> R {
        let inst = sc.inst;
        let local = match mode {
            Mode::Managed => format!("{rtype}.{name}"),
            Mode::Data => format!("data.{rtype}.{name}"),
        };
        let base = format!("{}{}", inst.path, local);
        let Some(decl) = inst.cfg.resources.get(&local) else {
            return Ok(Value::unknown_ref(base, loc));
        };
        let exp = self.expansion(inst, &local, &decl.decl.block.body, decl.decl.file);
        let first = ops.first().copied();
        match (&exp, first) {
            (Expansion::Single | Expansion::Unknown, Some(TraversalOperator::GetAttr(a))) => {
                let v = self.resource_attr(inst, decl, &exp, None, a.as_str(), loc)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            (Expansion::Count(_) | Expansion::Keys(_), Some(TraversalOperator::Index(e))) => {
                let k = self.eval(e, sc)?;
                if k.is_unknown() {
                    return Ok(Value::unknown_ref(base, loc));
                }
                let Some(key) = find_instance(&exp, &k) else {
                    return err(format!("`{base}` has no instance {}", k.to_template_string().unwrap_or_default()));
                };
                self.instance_then(inst, decl, &exp, key, &ops[1..], sc, loc)
            }
            (Expansion::Count(_), Some(TraversalOperator::LegacyIndex(n))) => {
                let k = Value::new(Kind::Number(*n.value() as f64), loc.clone());
                let Some(key) = find_instance(&exp, &k) else {
                    return err(format!("`{base}` has no instance {}", n.value()));
                };
                self.instance_then(inst, decl, &exp, key, &ops[1..], sc, loc)
            }
            (
                Expansion::Count(_) | Expansion::Keys(_),
                Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)),
            ) => {
                let mut out = Vec::new();
                for key in exp.instances().into_iter().flatten() {
                    out.push(self.instance_then(inst, decl, &exp, key, &ops[1..], sc, loc.clone())?);
                }
                Ok(Value::new(Kind::List(out), loc))
            }
            (Expansion::Unknown, Some(_)) => Ok(Value::unknown_ref(base, loc)),
            (Expansion::Single, None) | (Expansion::Unknown, None) => self.resource_object(inst, decl, &exp, None, loc),
            (Expansion::Count(_), None) => {
                let mut out = Vec::new();
                for key in exp.instances().into_iter().flatten() {
                    out.push(self.resource_object(inst, decl, &exp, Some(key), loc.clone())?);
                }
                Ok(Value::new(Kind::List(out), loc))
            }
            (Expansion::Keys(_), None) => {
                let mut map = IndexMap::new();
                for key in exp.instances().into_iter().flatten() {
                    let k = match &key.0 {
                        InstKey::Str(s) => s.clone(),
                        InstKey::Int(i) => i.to_string(),
                    };
                    map.insert(k, self.resource_object(inst, decl, &exp, Some(key), loc.clone())?);
                }
                Ok(Value::new(Kind::Object(map), loc))
            }
            (Expansion::Single, Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_))) => {
                let obj = self.resource_object(inst, decl, &exp, None, loc.clone())?;
                let list = Value::new(Kind::List(vec![obj]), loc);
                self.apply_ops(list, &ops[1..], sc).map(|v| match v.kind {
                    Kind::List(_) => v,
                    _ => v,
                })
            }
            (_, Some(_)) => {
                err(format!("cannot use `{base}` this way: it has count or for_each, so it needs an instance key"))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn instance_then(
        &self,
        inst: &Instance,
        decl: &ResourceDecl,
        exp: &Expansion,
        key: (InstKey, Value),
        ops: &[&TraversalOperator],
        sc: &Scope,
        loc: Location,
    ) -> R {
        match ops.first() {
            Some(TraversalOperator::GetAttr(a)) => {
                let v = self.resource_attr(inst, decl, exp, Some(key), a.as_str(), loc)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            _ => {
                let v = self.resource_object(inst, decl, exp, Some(key), loc)?;
                self.apply_ops(v, ops, sc)
            }
        }
    }

    pub fn instance_address(inst: &Instance, decl: &ResourceDecl, key: &Option<(InstKey, Value)>) -> String {
        format!("{}{}{}", inst.path, decl.local_address(), key.as_ref().map(|k| k.0.suffix()).unwrap_or_default())
    }

    /// One attribute of one resource instance: evaluated if written, unknown (computed) if not.
    fn resource_attr(
        &self,
        inst: &Instance,
        decl: &ResourceDecl,
        exp: &Expansion,
        key: Option<(InstKey, Value)>,
        attr: &str,
        loc: Location,
    ) -> R {
        let address = Self::instance_address(inst, decl, &key);
        let body = &decl.decl.block.body;
        if META_ARGS.contains(&attr) {
            return Ok(Value::unknown_ref(address, loc));
        }
        let memo_key = format!("{address}.{attr}");
        let unknown_ref = Value::unknown_ref(address.clone(), loc.clone());
        let v = self.memo(inst, memo_key, || {
            let sc = Scope::new(inst, decl.decl.file).for_instance(&key, exp);
            if let Some(a) = attribute(body, attr) {
                return Ok(self
                    .eval(&a.value, &sc)
                    .unwrap_or_else(|_| Value::unknown_ref(address.clone(), sc.loc(a.value.span()))));
            }
            let blocks = self.eval_blocks(body, attr, &sc)?;
            if blocks.is_empty() {
                Ok(Value::unknown_ref(address.clone(), loc.clone()))
            } else {
                Ok(Value::new(Kind::List(blocks), loc.clone()))
            }
        })?;
        // A cycle yields a bare unknown: give it the resource's address.
        Ok(if matches!(&v.kind, Kind::Unknown(r) if r.is_empty()) { unknown_ref } else { v })
    }

    /// A whole resource instance as an object (its written attributes and blocks).
    pub fn resource_object(
        &self,
        inst: &Instance,
        decl: &ResourceDecl,
        exp: &Expansion,
        key: Option<(InstKey, Value)>,
        loc: Location,
    ) -> R {
        let address = Self::instance_address(inst, decl, &key);
        self.memo(inst, format!("{address}#object"), || {
            let sc = Scope::new(inst, decl.decl.file).for_instance(&key, exp);
            let mut map = IndexMap::new();
            for a in decl.decl.block.body.attributes() {
                let name = crate::parse::dedupe_key(a.key.as_str());
                if META_ARGS.contains(&name) {
                    continue;
                }
                let v = self.resource_attr(inst, decl, exp, key.clone(), name, loc.clone())?;
                map.insert(name.to_string(), v);
            }
            self.add_blocks(&decl.decl.block.body, &sc, &mut map)?;
            Ok(Value::new(Kind::Object(map), sc.loc(decl.decl.block.span())))
        })
    }

    /// Nested blocks of a body, grouped by type (dynamic blocks expanded), added to `map`.
    pub fn add_blocks(
        &self,
        body: &hcl_edit::structure::Body,
        sc: &Scope,
        map: &mut IndexMap<String, Value>,
    ) -> Result<(), EvalError> {
        let mut idents: Vec<String> = Vec::new();
        for b in body.blocks() {
            let ident = if b.ident.as_str() == "dynamic" {
                b.labels.first().map(|l| label(l).to_string()).unwrap_or_default()
            } else {
                b.ident.as_str().to_string()
            };
            if !META_ARGS.contains(&ident.as_str()) && !idents.contains(&ident) {
                idents.push(ident);
            }
        }
        for ident in idents {
            let blocks = self.eval_blocks(body, &ident, sc)?;
            let loc = blocks.first().map(|b| b.loc.clone()).unwrap_or_default();
            map.insert(ident, Value::new(Kind::List(blocks), loc));
        }
        Ok(())
    }

    /// All blocks of type `ident` in a body, static and dynamic, in order.
    pub fn eval_blocks(
        &self,
        body: &hcl_edit::structure::Body,
        ident: &str,
        sc: &Scope,
    ) -> Result<Vec<Value>, EvalError> {
        let mut out = Vec::new();
        for b in body.blocks() {
            if b.ident.as_str() == ident {
                out.push(self.eval_body(&b.body, sc, sc.loc(b.span()))?);
            } else if b.ident.as_str() == "dynamic" && b.labels.first().map(label) == Some(ident) {
                self.expand_dynamic(b, ident, sc, &mut out)?;
            }
        }
        Ok(out)
    }

    fn expand_dynamic(
        &self,
        b: &hcl_edit::structure::Block,
        ident: &str,
        sc: &Scope,
        out: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        let iterator = attribute(&b.body, "iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| ident.to_string());
        let Some(content) = b.body.blocks().find(|c| c.ident.as_str() == "content") else {
            return Ok(());
        };
        let loc = sc.loc(b.span());
        let pairs: Vec<(Value, Value)> = match attribute(&b.body, "for_each").map(|a| self.eval(&a.value, sc)) {
            Some(Ok(coll)) => match &coll.kind {
                Kind::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::new(Kind::Number(i as f64), v.loc.clone()), v.clone()))
                    .collect(),
                Kind::Object(m) => {
                    m.iter().map(|(k, v)| (Value::string(k.clone(), v.loc.clone()), v.clone())).collect()
                }
                Kind::Null => Vec::new(),
                // Unknown: one block whose iterator values are unknown, so its other parts are still seen.
                _ => vec![(unknown_from(&[&coll], loc.clone()), unknown_from(&[&coll], loc.clone()))],
            },
            _ => vec![(Value::unknown(loc.clone()), Value::unknown(loc.clone()))],
        };
        for (k, v) in pairs {
            let it = obj(vec![("key", k), ("value", v)], loc.clone());
            let inner = sc.with(&iterator, it);
            out.push(self.eval_body(&content.body, &inner, loc.clone())?);
        }
        Ok(())
    }

    /// A block body as an object of its attributes and nested blocks.
    pub fn eval_body(&self, body: &hcl_edit::structure::Body, sc: &Scope, loc: Location) -> R {
        let mut map = IndexMap::new();
        for a in body.attributes() {
            let name = crate::parse::dedupe_key(a.key.as_str());
            let v = self.eval(&a.value, sc).unwrap_or_else(|_| Value::unknown(sc.loc(a.value.span())));
            map.insert(name.to_string(), v);
        }
        self.add_blocks(body, sc, &mut map)?;
        Ok(Value::new(Kind::Object(map), loc))
    }

    // ------------------------------------------------------------ modules

    fn module_ref(&self, sc: &Scope, name: &str, ops: &[&TraversalOperator], loc: Location) -> R {
        let Some(children) = self.children(sc.inst, name) else {
            return Ok(Value::unknown_ref(format!("{}module.{name}", sc.inst.path), loc));
        };
        let decl = &sc.inst.cfg.module_calls[name];
        let exp = self.expansion(sc.inst, &format!("module.{name}"), &decl.block.body, decl.file);
        match (&exp, ops.first()) {
            (Expansion::Count(_) | Expansion::Keys(_), Some(TraversalOperator::Index(e))) => {
                let k = self.eval(e, sc)?;
                if k.is_unknown() {
                    return Ok(unknown_from(&[&k], loc));
                }
                let Some(key) = find_instance(&exp, &k) else {
                    return err(format!("module.{name} has no such instance"));
                };
                let Some((_, child)) = children.iter().find(|(ck, _)| ck.as_ref() == Some(&key.0)) else {
                    return err(format!("module.{name} has no such instance"));
                };
                let v = self.module_object(child, loc)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            (
                Expansion::Count(_) | Expansion::Keys(_),
                Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)),
            ) => {
                let mut list = Vec::new();
                for (_, child) in children.iter() {
                    list.push(self.apply_ops(self.module_object(child, loc.clone())?, &ops[1..], sc)?);
                }
                Ok(Value::new(Kind::List(list), loc))
            }
            (_, Some(TraversalOperator::GetAttr(out)))
                if children.len() == 1 && matches!(exp, Expansion::Single | Expansion::Unknown) =>
            {
                let v = self.module_output(&children[0].1, out.as_str(), loc)?;
                self.apply_ops(v, &ops[1..], sc)
            }
            (Expansion::Single | Expansion::Unknown, None) if children.len() == 1 => {
                self.module_object(&children[0].1, loc)
            }
            _ => Ok(Value::unknown_ref(format!("{}module.{name}", sc.inst.path), loc)),
        }
    }

    fn module_object(&self, child: &Instance, loc: Location) -> R {
        let mut map = IndexMap::new();
        for name in child.cfg.outputs.keys() {
            map.insert(name.clone(), self.module_output(child, name, loc.clone())?);
        }
        Ok(Value::new(Kind::Object(map), loc))
    }

    pub fn module_output(&self, child: &Instance, name: &str, loc: Location) -> R {
        let Some(decl) = child.cfg.outputs.get(name) else {
            return err(format!("module has no output `{name}`"));
        };
        self.memo(child, format!("output.{name}"), || {
            let sc = Scope::new(child, decl.file);
            let v = match attribute(&decl.block.body, "value") {
                Some(a) => self
                    .eval(&a.value, &sc)
                    .unwrap_or_else(|_| Value::unknown_ref(format!("{}output.{name}", child.path), loc.clone())),
                None => Value::null(loc.clone()),
            };
            let sensitive = attribute(&decl.block.body, "sensitive")
                .map(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
                .unwrap_or(false);
            Ok(if sensitive { mark_sensitive(v) } else { v })
        })
    }

    /// The instances of a module call, loaded on first use. `None` if the module cannot be loaded.
    pub fn children(&self, inst: &Instance, name: &str) -> Option<Rc<Vec<(Option<InstKey>, Rc<Instance>)>>> {
        if let Some(c) = inst.children.borrow().get(name) {
            return Some(c.clone());
        }
        let decl = inst.cfg.module_calls.get(name)?;
        let loaded = self.load_children(inst, name, decl);
        let rc = Rc::new(loaded.unwrap_or_default());
        inst.children.borrow_mut().insert(name.to_string(), rc.clone());
        if rc.is_empty() {
            None
        } else {
            Some(rc)
        }
    }

    fn load_children(&self, inst: &Instance, name: &str, decl: &Decl) -> Option<Vec<(Option<InstKey>, Rc<Instance>)>> {
        let loc = inst.cfg.block_loc(decl);
        let source = attribute(&decl.block.body, "source").and_then(|a| match &a.value {
            Expression::String(s) => Some(s.value().clone()),
            _ => None,
        });
        let manifest_key =
            if inst.manifest_key.is_empty() { name.to_string() } else { format!("{}.{name}", inst.manifest_key) };
        let dir = match source.as_deref() {
            Some(s) if s.starts_with("./") || s.starts_with("../") => inst.cfg.dir.join(s),
            Some(s) => match self.manifest.get(&manifest_key) {
                Some(d) => d.clone(),
                None => {
                    self.issues.borrow_mut().push(LoadIssue {
                        code: "module-not-loaded".into(),
                        loc,
                        address: format!("{}module.{name}", inst.path),
                        message: format!("module source `{s}` is not local and was not found under .terraform/modules (run `terraform init`); its resources are not audited"),
                    });
                    return None;
                }
            },
            None => {
                self.errors.borrow_mut().push(LoadError {
                    loc,
                    message: format!("module \"{name}\" has no literal `source`"),
                    help: "set `source` to a string, e.g. \"./modules/app\"".into(),
                });
                return None;
            }
        };
        let canonical = match dir.canonicalize() {
            Ok(c) => c,
            Err(e) => {
                self.errors.borrow_mut().push(LoadError {
                    loc,
                    message: format!("module \"{name}\": cannot open {}: {e}", dir.display()),
                    help: "check the module's `source` path".into(),
                });
                return None;
            }
        };
        if inst.stack.contains(&canonical) || inst.stack.len() >= MAX_MODULE_DEPTH {
            let chain: Vec<String> = inst
                .stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| crate::modules::relative(&self.root_dir, p))
                .collect();
            self.errors.borrow_mut().push(LoadError {
                loc,
                message: format!("module cycle: {}", chain.join(" → ")),
                help: "a module must not call itself, directly or through others".into(),
            });
            return None;
        }
        let cfg = self.config(&canonical)?;
        let exp = self.expansion(inst, &format!("module.{name}"), &decl.block.body, decl.file);
        let mut out = Vec::new();
        for key in exp.instances() {
            let sc = Scope::new(inst, decl.file).for_instance(&key, &exp);
            let mut inputs = HashMap::new();
            for a in decl.block.body.attributes() {
                let k = crate::parse::dedupe_key(a.key.as_str());
                if META_ARGS.contains(&k) {
                    continue;
                }
                let v = self.eval(&a.value, &sc).unwrap_or_else(|_| Value::unknown(sc.loc(a.value.span())));
                inputs.insert(k.to_string(), v);
            }
            let suffix = key.as_ref().map(|k| k.0.suffix()).unwrap_or_default();
            let mut stack = inst.stack.clone();
            stack.push(canonical.clone());
            let child = Instance::new(
                cfg.clone(),
                format!("{}module.{name}{suffix}.", inst.path),
                manifest_key.clone(),
                inputs,
                stack,
            );
            out.push((key.map(|k| k.0), Rc::new(child)));
        }
        Some(out)
    }

    fn config(&self, canonical: &Path) -> Option<Rc<ModuleConfig>> {
        if let Some(c) = self.configs.borrow().get(canonical) {
            return Some(c.clone());
        }
        let prefix = crate::modules::relative(&self.root_dir, canonical);
        let prefix = if prefix == "." { String::new() } else { format!("{prefix}/") };
        match ModuleConfig::load(canonical, &prefix) {
            Ok(cfg) => {
                self.errors.borrow_mut().extend(cfg.errors.iter().cloned());
                self.issues.borrow_mut().extend(cfg.issues.iter().cloned());
                let rc = Rc::new(cfg);
                self.configs.borrow_mut().insert(canonical.to_path_buf(), rc.clone());
                Some(rc)
            }
            Err(e) => {
                self.errors.borrow_mut().push(LoadError {
                    loc: Location::default(),
                    message: format!("cannot read module directory {}: {e}", canonical.display()),
                    help: "check the module's `source` path".into(),
                });
                None
            }
        }
    }
}

fn self_loc(inst: &Instance, decl: &Decl) -> Location {
    inst.cfg.block_loc(decl)
}

/// Marks a value and everything in it as sensitive.
pub fn mark_sensitive(mut v: Value) -> Value {
    v.sensitive = true;
    match &mut v.kind {
        Kind::List(items) => {
            for i in items.iter_mut() {
                *i = mark_sensitive(i.clone());
            }
        }
        Kind::Object(m) => {
            for i in m.values_mut() {
                *i = mark_sensitive(i.clone());
            }
        }
        Kind::Encoded(inner) => **inner = mark_sensitive((**inner).clone()),
        _ => {}
    }
    v
}

fn find_instance(exp: &Expansion, k: &Value) -> Option<(InstKey, Value)> {
    exp.instances().into_iter().flatten().find(|(key, _)| match key {
        InstKey::Int(i) => k.as_i64() == Some(*i as i64),
        InstKey::Str(s) => k.to_template_string().as_deref() == Some(s.as_str()),
    })
}

/// Equality as Terraform's `==`: by value, ignoring locations and marks.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Number(x), Kind::Number(y)) => x == y,
        (Kind::String(x), Kind::String(y)) => x == y,
        (Kind::List(x), Kind::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q)),
        (Kind::Object(x), Kind::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).map(|w| values_equal(v, w)).unwrap_or(false))
        }
        (Kind::Encoded(x), Kind::Encoded(y)) => values_equal(x, y),
        (Kind::Encoded(_), Kind::String(_)) | (Kind::String(_), Kind::Encoded(_)) => {
            a.to_template_string() == b.to_template_string()
        }
        _ => false,
    }
}

pub fn index(v: &Value, k: &Value) -> R {
    if k.is_unknown() {
        return Ok(unknown_from(&[k], v.loc.clone()));
    }
    match &v.kind {
        Kind::List(items) => {
            let i = k.as_i64().ok_or_else(|| EvalError("list index must be a number".into()))?;
            if i < 0 || i as usize >= items.len() {
                return err(format!("index {i} is out of range for a list of {}", items.len()));
            }
            Ok(items[i as usize].clone().with_sensitive(v.sensitive))
        }
        Kind::Object(m) => {
            let key = k.to_template_string().ok_or_else(|| EvalError("map key must be a string".into()))?;
            m.get(&key)
                .cloned()
                .map(|x| x.with_sensitive(v.sensitive))
                .ok_or_else(|| EvalError(format!("no element with key \"{key}\"")))
        }
        Kind::Null => err("cannot index null"),
        _ => err(format!("cannot index a {}", v.type_name())),
    }
}
