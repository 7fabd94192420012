//! Terraform's built-in functions (the ones real configurations use).
//!
//! A function whose argument is unknown returns an unknown value that remembers where the
//! argument came from, except where the function can do better: `jsonencode` keeps the structure
//! of what it encodes, and `try`/`can` see their arguments unevaluated, as in Terraform.

use crate::eval::{unknown_from, values_equal, EvalError, Evaluator, Scope, R};
use base64::Engine;
use hcl_edit::expr::Expression;
use indexmap::IndexMap;
use mbdeploy_model::value::format_number;
use mbdeploy_model::{Kind, Location, Value};

fn err<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(msg.into()))
}

pub fn call(ev: &Evaluator, name: &str, arg_exprs: &[&Expression], expand_final: bool, sc: &Scope, loc: Location) -> R {
    match name {
        "try" => {
            for a in arg_exprs {
                if let Ok(v) = ev.eval(a, sc) {
                    return Ok(v);
                }
            }
            return err("no argument of try() could be evaluated");
        }
        "can" => {
            let Some(a) = arg_exprs.first() else {
                return err("can() takes one argument");
            };
            return Ok(match ev.eval(a, sc) {
                Ok(v) if v.is_unknown() => unknown_from(&[&v], loc),
                Ok(_) => Value::new(Kind::Bool(true), loc),
                Err(_) => Value::new(Kind::Bool(false), loc),
            });
        }
        "templatefile" => return templatefile(ev, arg_exprs, sc, loc),
        _ => {}
    }
    let mut args = Vec::with_capacity(arg_exprs.len());
    for a in arg_exprs {
        args.push(ev.eval(a, sc)?);
    }
    if expand_final {
        if let Some(last) = args.pop() {
            match last.kind {
                Kind::List(items) => args.extend(items),
                _ => return Ok(unknown_from(&[&last], loc)),
            }
        }
    }
    let sensitive = args.iter().any(Value::contains_sensitive);
    // Functions that cope with unknown parts themselves.
    match name {
        "jsonencode" => {
            let a = one(&args, name)?;
            return Ok(if a.is_unknown() {
                unknown_from(&[a], loc)
            } else {
                Value::new(Kind::Encoded(Box::new(a.clone())), loc)
            });
        }
        "sensitive" => return Ok(crate::eval::mark_sensitive(one(&args, name)?.clone())),
        "nonsensitive" => {
            let mut v = one(&args, name)?.clone();
            v.sensitive = false;
            return Ok(v);
        }
        "coalesce" => {
            for a in &args {
                if a.is_unknown() {
                    return Ok(unknown_from(&args.iter().collect::<Vec<_>>(), loc));
                }
                if !a.is_null() && a.as_str() != Some("") {
                    return Ok(a.clone());
                }
            }
            return err("coalesce() found no non-null, non-empty argument");
        }
        "uuid" | "timestamp" | "bcrypt" | "uuidv5" | "plantimestamp" => return Ok(Value::unknown(loc)),
        _ => {}
    }
    if args.iter().any(Value::is_unknown) {
        return Ok(unknown_from(&args.iter().collect::<Vec<_>>(), loc));
    }
    let v = builtin(ev, name, &args, sc, &loc)?;
    Ok(Value { loc, ..v }.with_sensitive(sensitive))
}

fn one<'a>(args: &'a [Value], name: &str) -> Result<&'a Value, EvalError> {
    args.first().ok_or_else(|| EvalError(format!("{name}() needs an argument")))
}

fn s(v: &Value) -> Result<String, EvalError> {
    v.to_template_string().ok_or_else(|| EvalError(format!("expected a string, found {}", v.type_name())))
}

fn n(v: &Value) -> Result<f64, EvalError> {
    v.as_f64().ok_or_else(|| EvalError(format!("expected a number, found {}", v.type_name())))
}

fn list(v: &Value) -> Result<Vec<Value>, EvalError> {
    match &v.kind {
        Kind::List(items) => Ok(items.clone()),
        Kind::Null => err("expected a list, found null"),
        _ => err(format!("expected a list, found {}", v.type_name())),
    }
}

fn map(v: &Value) -> Result<IndexMap<String, Value>, EvalError> {
    match &v.kind {
        Kind::Object(m) => Ok(m.clone()),
        _ => err(format!("expected a map, found {}", v.type_name())),
    }
}

fn arg(args: &[Value], i: usize) -> Result<&Value, EvalError> {
    args.get(i).ok_or_else(|| EvalError(format!("missing argument {}", i + 1)))
}

fn new(kind: Kind, loc: &Location) -> Value {
    Value::new(kind, loc.clone())
}
fn string(x: impl Into<String>, loc: &Location) -> Value {
    Value::string(x, loc.clone())
}
fn number(x: f64, loc: &Location) -> Value {
    new(Kind::Number(x), loc)
}
fn boolean(x: bool, loc: &Location) -> Value {
    new(Kind::Bool(x), loc)
}
fn list_of(items: Vec<Value>, loc: &Location) -> Value {
    new(Kind::List(items), loc)
}

fn builtin(_ev: &Evaluator, name: &str, args: &[Value], sc: &Scope, loc: &Location) -> R {
    Ok(match name {
        // ---- numbers
        "abs" => number(n(arg(args, 0)?)?.abs(), loc),
        "ceil" => number(n(arg(args, 0)?)?.ceil(), loc),
        "floor" => number(n(arg(args, 0)?)?.floor(), loc),
        "signum" => number(n(arg(args, 0)?)?.signum(), loc),
        "pow" => number(n(arg(args, 0)?)?.powf(n(arg(args, 1)?)?), loc),
        "log" => number(n(arg(args, 0)?)?.log(n(arg(args, 1)?)?), loc),
        "max" | "min" => {
            let nums: Result<Vec<f64>, _> = args.iter().map(n).collect();
            let nums = nums?;
            if nums.is_empty() {
                return err(format!("{name}() needs at least one number"));
            }
            let r = if name == "max" {
                nums.iter().cloned().fold(f64::MIN, f64::max)
            } else {
                nums.iter().cloned().fold(f64::MAX, f64::min)
            };
            number(r, loc)
        }
        "parseint" => {
            let base = n(arg(args, 1)?)? as u32;
            let text = s(arg(args, 0)?)?;
            match i64::from_str_radix(&text, base) {
                Ok(x) => number(x as f64, loc),
                Err(_) => return err(format!("cannot parse \"{text}\" in base {base}")),
            }
        }
        // ---- strings
        "chomp" => string(s(arg(args, 0)?)?.trim_end_matches(['\n', '\r']).to_string(), loc),
        "lower" => string(s(arg(args, 0)?)?.to_lowercase(), loc),
        "upper" => string(s(arg(args, 0)?)?.to_uppercase(), loc),
        "title" => {
            let t = s(arg(args, 0)?)?;
            let mut out = String::new();
            let mut start = true;
            for c in t.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            string(out, loc)
        }
        "trimspace" => string(s(arg(args, 0)?)?.trim().to_string(), loc),
        "trim" => {
            let chars: Vec<char> = s(arg(args, 1)?)?.chars().collect();
            string(s(arg(args, 0)?)?.trim_matches(|c| chars.contains(&c)).to_string(), loc)
        }
        "trimprefix" => {
            let t = s(arg(args, 0)?)?;
            let p = s(arg(args, 1)?)?;
            string(t.strip_prefix(&p).unwrap_or(&t).to_string(), loc)
        }
        "trimsuffix" => {
            let t = s(arg(args, 0)?)?;
            let p = s(arg(args, 1)?)?;
            string(t.strip_suffix(&p).unwrap_or(&t).to_string(), loc)
        }
        "startswith" => boolean(s(arg(args, 0)?)?.starts_with(&s(arg(args, 1)?)?), loc),
        "endswith" => boolean(s(arg(args, 0)?)?.ends_with(&s(arg(args, 1)?)?), loc),
        "strcontains" => boolean(s(arg(args, 0)?)?.contains(&s(arg(args, 1)?)?), loc),
        "strrev" => string(s(arg(args, 0)?)?.chars().rev().collect::<String>(), loc),
        "substr" => {
            let t: Vec<char> = s(arg(args, 0)?)?.chars().collect();
            let offset = n(arg(args, 1)?)? as i64;
            let length = n(arg(args, 2)?)? as i64;
            let start = if offset < 0 { (t.len() as i64 + offset).max(0) } else { offset.min(t.len() as i64) } as usize;
            let end = if length < 0 { t.len() } else { (start + length as usize).min(t.len()) };
            string(t[start..end].iter().collect::<String>(), loc)
        }
        "indent" => {
            let pad = " ".repeat(n(arg(args, 0)?)? as usize);
            let t = s(arg(args, 1)?)?;
            string(t.replace('\n', &format!("\n{pad}")), loc)
        }
        "join" => {
            let sep = s(arg(args, 0)?)?;
            let mut parts = Vec::new();
            for l in &args[1..] {
                for item in list(l)? {
                    parts.push(s(&item)?);
                }
            }
            string(parts.join(&sep), loc)
        }
        "split" => {
            let sep = s(arg(args, 0)?)?;
            let t = s(arg(args, 1)?)?;
            if t.is_empty() {
                list_of(Vec::new(), loc)
            } else {
                list_of(t.split(sep.as_str()).map(|p| string(p, loc)).collect(), loc)
            }
        }
        "replace" => {
            let t = s(arg(args, 0)?)?;
            let from = s(arg(args, 1)?)?;
            let to = s(arg(args, 2)?)?;
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = regex(&from[1..from.len() - 1])?;
                string(re.replace_all(&t, to.replace("$", "$$").as_str()).into_owned(), loc)
            } else {
                string(t.replace(&from, &to), loc)
            }
        }
        "regex" | "regexall" => {
            let re = regex(&s(arg(args, 0)?)?)?;
            let t = s(arg(args, 1)?)?;
            let capture = |c: regex::Captures| -> Value {
                let names: Vec<Option<&str>> = re.capture_names().collect();
                if names.iter().skip(1).any(Option::is_some) {
                    let mut m = IndexMap::new();
                    for (i, name) in names.iter().enumerate().skip(1) {
                        if let Some(name) = name {
                            m.insert(
                                name.to_string(),
                                c.get(i).map(|x| string(x.as_str(), loc)).unwrap_or_else(|| Value::null(loc.clone())),
                            );
                        }
                    }
                    new(Kind::Object(m), loc)
                } else if c.len() > 1 {
                    list_of(
                        (1..c.len())
                            .map(|i| {
                                c.get(i).map(|x| string(x.as_str(), loc)).unwrap_or_else(|| Value::null(loc.clone()))
                            })
                            .collect(),
                        loc,
                    )
                } else {
                    string(c.get(0).map(|x| x.as_str()).unwrap_or(""), loc)
                }
            };
            if name == "regex" {
                match re.captures(&t) {
                    Some(c) => capture(c),
                    None => return err("regex() found no match"),
                }
            } else {
                list_of(re.captures_iter(&t).map(capture).collect(), loc)
            }
        }
        "format" => string(format(&s(arg(args, 0)?)?, &args[1..])?, loc),
        "formatlist" => {
            let spec = s(arg(args, 0)?)?;
            let lists: Vec<Option<Vec<Value>>> = args[1..].iter().map(|a| a.as_list().map(|l| l.to_vec())).collect();
            let len = lists.iter().flatten().map(Vec::len).max().unwrap_or(0);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = args[1..]
                    .iter()
                    .zip(&lists)
                    .map(|(a, l)| l.as_ref().and_then(|l| l.get(i).cloned()).unwrap_or_else(|| a.clone()))
                    .collect();
                out.push(string(format(&spec, &row)?, loc));
            }
            list_of(out, loc)
        }
        // ---- collections
        "length" => {
            let a = arg(args, 0)?;
            number(
                match &a.kind {
                    Kind::List(i) => i.len(),
                    Kind::Object(m) => m.len(),
                    Kind::String(t) => t.chars().count(),
                    _ => return err(format!("length() of a {}", a.type_name())),
                } as f64,
                loc,
            )
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(list(a)?);
            }
            list_of(out, loc)
        }
        "merge" => {
            let mut out = IndexMap::new();
            for a in args {
                if a.is_null() {
                    continue;
                }
                out.extend(map(a)?);
            }
            new(Kind::Object(out), loc)
        }
        "lookup" => {
            let m = map(arg(args, 0)?)?;
            let k = s(arg(args, 1)?)?;
            match (m.get(&k), args.get(2)) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) => return err(format!("lookup(): no key \"{k}\"")),
            }
        }
        "element" => {
            let l = list(arg(args, 0)?)?;
            if l.is_empty() {
                return err("element() of an empty list");
            }
            let i = n(arg(args, 1)?)? as usize % l.len();
            l[i].clone()
        }
        "index" => {
            let l = list(arg(args, 0)?)?;
            let x = arg(args, 1)?;
            match l.iter().position(|v| values_equal(v, x)) {
                Some(i) => number(i as f64, loc),
                None => return err("index(): element not found"),
            }
        }
        "contains" => {
            let x = arg(args, 1)?;
            boolean(list(arg(args, 0)?)?.iter().any(|v| values_equal(v, x)), loc)
        }
        "keys" => list_of(map(arg(args, 0)?)?.keys().map(|k| string(k.clone(), loc)).collect(), loc),
        "values" => list_of(map(arg(args, 0)?)?.values().cloned().collect(), loc),
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>) {
                match &v.kind {
                    Kind::List(items) => items.iter().for_each(|i| flat(i, out)),
                    _ => out.push(v.clone()),
                }
            }
            let mut out = Vec::new();
            flat(arg(args, 0)?, &mut out);
            list_of(out, loc)
        }
        "compact" => {
            list_of(list(arg(args, 0)?)?.into_iter().filter(|v| !v.is_null() && v.as_str() != Some("")).collect(), loc)
        }
        "distinct" | "toset" => {
            let mut out: Vec<Value> = Vec::new();
            for v in list(arg(args, 0)?)? {
                if !out.iter().any(|o| values_equal(o, &v)) {
                    out.push(v);
                }
            }
            list_of(out, loc)
        }
        "reverse" => list_of(list(arg(args, 0)?)?.into_iter().rev().collect(), loc),
        "sort" => {
            let mut items: Vec<String> = list(arg(args, 0)?)?.iter().map(s).collect::<Result<_, _>>()?;
            items.sort();
            list_of(items.into_iter().map(|x| string(x, loc)).collect(), loc)
        }
        "slice" => {
            let l = list(arg(args, 0)?)?;
            let a = n(arg(args, 1)?)? as usize;
            let b = n(arg(args, 2)?)? as usize;
            if a > b || b > l.len() {
                return err("slice(): indices out of range");
            }
            list_of(l[a..b].to_vec(), loc)
        }
        "range" => {
            let nums: Vec<f64> = args.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums.as_slice() {
                [e] => (0.0, *e, 1.0),
                [a, b] => (*a, *b, if a <= b { 1.0 } else { -1.0 }),
                [a, b, c] => (*a, *b, *c),
                _ => return err("range() takes one to three numbers"),
            };
            if step == 0.0 {
                return err("range(): step must not be zero");
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(number(x, loc));
                x += step;
                if out.len() > 10_000 {
                    return err("range() is too long");
                }
            }
            list_of(out, loc)
        }
        "chunklist" => {
            let l = list(arg(args, 0)?)?;
            let size = (n(arg(args, 1)?)? as usize).max(1);
            list_of(l.chunks(size).map(|c| list_of(c.to_vec(), loc)).collect(), loc)
        }
        "zipmap" => {
            let k = list(arg(args, 0)?)?;
            let v = list(arg(args, 1)?)?;
            let mut out = IndexMap::new();
            for (a, b) in k.iter().zip(v) {
                out.insert(s(a)?, b);
            }
            new(Kind::Object(out), loc)
        }
        "one" => {
            let l = list(arg(args, 0)?)?;
            match l.len() {
                0 => Value::null(loc.clone()),
                1 => l[0].clone(),
                _ => return err("one() of a list with more than one element"),
            }
        }
        "alltrue" => boolean(list(arg(args, 0)?)?.iter().all(|v| v.as_bool() == Some(true)), loc),
        "anytrue" => boolean(list(arg(args, 0)?)?.iter().any(|v| v.as_bool() == Some(true)), loc),
        "sum" => number(list(arg(args, 0)?)?.iter().map(n).sum::<Result<f64, _>>()?, loc),
        "coalescelist" => args
            .iter()
            .find(|a| a.as_list().map(|l| !l.is_empty()).unwrap_or(false))
            .cloned()
            .unwrap_or_else(|| list_of(Vec::new(), loc)),
        "setunion" => {
            let mut out: Vec<Value> = Vec::new();
            for a in args {
                for v in list(a)? {
                    if !out.iter().any(|o| values_equal(o, &v)) {
                        out.push(v);
                    }
                }
            }
            list_of(out, loc)
        }
        "setintersection" => {
            let mut out = list(arg(args, 0)?)?;
            for a in &args[1..] {
                let other = list(a)?;
                out.retain(|v| other.iter().any(|o| values_equal(o, v)));
            }
            list_of(out, loc)
        }
        "setsubtract" => {
            let other = list(arg(args, 1)?)?;
            list_of(
                list(arg(args, 0)?)?.into_iter().filter(|v| !other.iter().any(|o| values_equal(o, v))).collect(),
                loc,
            )
        }
        "setproduct" => {
            let mut acc: Vec<Vec<Value>> = vec![Vec::new()];
            for a in args {
                let l = list(a)?;
                acc = acc
                    .into_iter()
                    .flat_map(|prefix| l.iter().map(move |x| [prefix.clone(), vec![x.clone()]].concat()))
                    .collect();
                if acc.len() > 10_000 {
                    return err("setproduct() is too large");
                }
            }
            list_of(acc.into_iter().map(|row| list_of(row, loc)).collect(), loc)
        }
        "transpose" => {
            let mut out: IndexMap<String, Vec<Value>> = IndexMap::new();
            for (k, v) in map(arg(args, 0)?)? {
                for item in list(&v)? {
                    out.entry(s(&item)?).or_default().push(string(k.clone(), loc));
                }
            }
            new(Kind::Object(out.into_iter().map(|(k, v)| (k, list_of(v, loc))).collect()), loc)
        }
        // ---- conversion and encoding
        "tostring" => {
            let a = arg(args, 0)?;
            if a.is_null() {
                a.clone()
            } else {
                string(s(a)?, loc)
            }
        }
        "tonumber" => {
            let a = arg(args, 0)?;
            if a.is_null() {
                a.clone()
            } else {
                number(n(a)?, loc)
            }
        }
        "tobool" => match arg(args, 0)?.as_bool() {
            Some(b) => boolean(b, loc),
            None if arg(args, 0)?.is_null() => Value::null(loc.clone()),
            None => return err("tobool(): not a bool"),
        },
        "tolist" | "tomap" | "type" => arg(args, 0)?.clone(),
        "jsondecode" => {
            let text = s(arg(args, 0)?)?;
            if let Kind::Encoded(inner) = &arg(args, 0)?.kind {
                return Ok((**inner).clone());
            }
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(j) => Value::from_json(&j, loc),
                Err(e) => return err(format!("jsondecode(): {e}")),
            }
        }
        "yamlencode" => string(arg(args, 0)?.to_json().to_string(), loc),
        "base64encode" => string(base64::engine::general_purpose::STANDARD.encode(s(arg(args, 0)?)?), loc),
        "base64decode" => match base64::engine::general_purpose::STANDARD.decode(s(arg(args, 0)?)?) {
            Ok(bytes) => string(String::from_utf8_lossy(&bytes).into_owned(), loc),
            Err(e) => return err(format!("base64decode(): {e}")),
        },
        "urlencode" => {
            let t = s(arg(args, 0)?)?;
            let mut out = String::new();
            for b in t.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            string(out, loc)
        }
        // ---- files
        "file" | "fileexists" | "filebase64" => {
            let path = sc.inst.cfg.dir.join(s(arg(args, 0)?)?);
            match name {
                "fileexists" => boolean(path.is_file(), loc),
                _ => match std::fs::metadata(&path) {
                    Ok(m) if m.len() <= crate::source::MAX_FILE_BYTES => match std::fs::read(&path) {
                        Ok(bytes) if name == "filebase64" => {
                            string(base64::engine::general_purpose::STANDARD.encode(bytes), loc)
                        }
                        Ok(bytes) => match String::from_utf8(bytes) {
                            Ok(t) => string(t, loc),
                            Err(_) => return err(format!("file(): {} is not UTF-8", path.display())),
                        },
                        Err(e) => return err(format!("file(): {e}")),
                    },
                    _ => return err(format!("file(): cannot read {}", path.display())),
                },
            }
        }
        "basename" => string(
            std::path::Path::new(&s(arg(args, 0)?)?)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            loc,
        ),
        "dirname" => {
            let p = s(arg(args, 0)?)?;
            string(
                std::path::Path::new(&p)
                    .parent()
                    .map(|f| f.to_string_lossy().into_owned())
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| ".".into()),
                loc,
            )
        }
        "abspath" | "pathexpand" => string(s(arg(args, 0)?)?, loc),
        // ---- networking
        "cidrsubnet" => {
            let (base, prefix) = parse_cidr(&s(arg(args, 0)?)?)?;
            let newbits = n(arg(args, 1)?)? as u32;
            let netnum = n(arg(args, 2)?)? as u64;
            let new_prefix = prefix + newbits;
            if new_prefix > 32 || (newbits < 64 && netnum >= (1u64 << newbits)) {
                return err("cidrsubnet(): not enough address space");
            }
            let addr = base | (netnum as u32).checked_shl(32 - new_prefix).unwrap_or(0);
            string(format!("{}/{}", ipv4(addr), new_prefix), loc)
        }
        "cidrsubnets" => {
            let (base, prefix) = parse_cidr(&s(arg(args, 0)?)?)?;
            let mut next: u64 = base as u64;
            let mut out = Vec::new();
            for nb in &args[1..] {
                let new_prefix = prefix + n(nb)? as u32;
                if new_prefix > 32 {
                    return err("cidrsubnets(): not enough address space");
                }
                let size = 1u64 << (32 - new_prefix);
                next = next.div_ceil(size) * size;
                out.push(string(format!("{}/{}", ipv4(next as u32), new_prefix), loc));
                next += size;
            }
            list_of(out, loc)
        }
        "cidrhost" => {
            let (base, prefix) = parse_cidr(&s(arg(args, 0)?)?)?;
            let host = n(arg(args, 1)?)? as i64;
            let size = 1i64 << (32 - prefix);
            let offset = if host < 0 { size + host } else { host };
            if offset < 0 || offset >= size {
                return err("cidrhost(): host number out of range");
            }
            string(ipv4(base.wrapping_add(offset as u32)), loc)
        }
        "cidrnetmask" => {
            let (_, prefix) = parse_cidr(&s(arg(args, 0)?)?)?;
            string(ipv4(if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) }), loc)
        }
        // Hashes and other values that matter to no control: unknown rather than wrong.
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "filemd5" | "filesha1"
        | "filesha256" | "filebase64sha256" | "filebase64sha512" | "base64gzip" | "textencodebase64"
        | "textdecodebase64" | "yamldecode" | "csvdecode" | "fileset" | "formatdate" | "timeadd" | "timecmp"
        | "ephemeralasnull" | "issensitive" => Value::unknown(loc.clone()),
        other => return err(format!("unknown function {other}()")),
    })
}

fn regex(pattern: &str) -> Result<regex::Regex, EvalError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| EvalError(format!("invalid regular expression: {e}")))
}

fn parse_cidr(c: &str) -> Result<(u32, u32), EvalError> {
    let (addr, prefix) = c.split_once('/').ok_or_else(|| EvalError(format!("\"{c}\" is not a CIDR block")))?;
    let prefix: u32 = prefix.parse().map_err(|_| EvalError(format!("\"{c}\" has an invalid prefix")))?;
    let octets: Vec<u32> = addr
        .split('.')
        .map(|o| o.parse::<u8>().map(u32::from))
        .collect::<Result<_, _>>()
        .map_err(|_| EvalError(format!("\"{c}\" is not an IPv4 CIDR block")))?;
    if octets.len() != 4 || prefix > 32 {
        return err(format!("\"{c}\" is not an IPv4 CIDR block"));
    }
    let addr = octets.iter().fold(0u32, |a, o| (a << 8) | o);
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    Ok((addr & mask, prefix))
}

fn ipv4(a: u32) -> String {
    format!("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
}

/// `format()` with the verbs configurations use: %s %d %f %v %q %t %%, width and precision.
fn format(spec: &str, args: &[Value]) -> Result<String, EvalError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f.is_ascii_digit() || f == '.' || f == '-' || f == '+' || f == '#' || f == ' ' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next().ok_or_else(|| EvalError("format(): unfinished verb".into()))?;
        let a = args.get(next).ok_or_else(|| EvalError("format(): not enough arguments".into()))?;
        next += 1;
        let text = match verb {
            's' | 'v' => match &a.kind {
                Kind::List(_) | Kind::Object(_) => a.to_json().to_string(),
                _ => s(a)?,
            },
            'q' => serde_json::Value::String(s(a)?).to_string(),
            'd' => format!("{}", n(a)? as i64),
            't' => a.as_bool().map(|b| b.to_string()).ok_or_else(|| EvalError("format(): %t needs a bool".into()))?,
            'f' | 'g' | 'e' => {
                let x = n(a)?;
                match flags.split_once('.') {
                    Some((_, p)) => format!("{:.*}", p.parse::<usize>().unwrap_or(6), x),
                    None if verb == 'f' => format!("{x:.6}"),
                    None => format_number(x),
                }
            }
            'x' => format!("{:x}", n(a)? as i64),
            'X' => format!("{:X}", n(a)? as i64),
            'o' => format!("{:o}", n(a)? as i64),
            'b' => format!("{:b}", n(a)? as i64),
            other => return err(format!("format(): unsupported verb %{other}")),
        };
        let width: usize = flags
            .trim_start_matches(['-', '+', '#', ' ', '0'])
            .split('.')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        if text.chars().count() < width {
            let pad = " ".repeat(width - text.chars().count());
            if flags.starts_with('-') {
                out.push_str(&text);
                out.push_str(&pad);
            } else if flags.starts_with('0') && "dfx".contains(verb) {
                out.push_str(&"0".repeat(width - text.chars().count()));
                out.push_str(&text);
            } else {
                out.push_str(&pad);
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// `templatefile(path, vars)`: the file is a template evaluated with only `vars` in scope.
fn templatefile(ev: &Evaluator, arg_exprs: &[&Expression], sc: &Scope, loc: Location) -> R {
    let [path_e, vars_e] = arg_exprs else {
        return err("templatefile() takes a path and a map of variables");
    };
    let path_v = ev.eval(path_e, sc)?;
    let vars = ev.eval(vars_e, sc)?;
    if path_v.is_unknown() || vars.is_unknown() {
        return Ok(unknown_from(&[&path_v, &vars], loc));
    }
    let path = sc.inst.cfg.dir.join(s(&path_v)?);
    let text = match std::fs::metadata(&path) {
        Ok(m) if m.len() <= crate::source::MAX_FILE_BYTES => {
            std::fs::read_to_string(&path).map_err(|e| EvalError(format!("templatefile(): {e}")))?
        }
        _ => return err(format!("templatefile(): cannot read {}", path.display())),
    };
    let template = hcl_edit::parser::parse_template(&text).map_err(|e| EvalError(format!("templatefile(): {e}")))?;
    let mut inner = Scope { inst: sc.inst, file: sc.file, vars: Vec::new() };
    for (k, v) in map(&vars)? {
        inner = inner.with(&k, v);
    }
    let elements: Vec<&hcl_edit::template::Element> = template.iter().collect();
    // Build a synthetic string template expression so template evaluation is shared.
    let mut st = hcl_edit::template::StringTemplate::new();
    for e in elements {
        st.push(e.clone());
    }
    let v = ev.eval(&Expression::StringTemplate(st), &inner)?;
    Ok(Value { loc, ..v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_verbs() {
        let l = Location::default();
        let args = vec![Value::string("a", l.clone()), Value::new(Kind::Number(3.0), l.clone())];
        assert_eq!(format("%s-%03d%%", &args).unwrap(), "a-003%");
    }

    #[test]
    fn cidr_math_matches_terraform() {
        assert_eq!(parse_cidr("10.0.0.0/16").unwrap(), (0x0a000000, 16));
        let l = Location::default();
        let _ = l;
        assert_eq!(ipv4(0x0a006500), "10.0.101.0");
    }
}
