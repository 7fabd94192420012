//! Variable type constraints: enough of Terraform's type system to convert input values the way
//! Terraform does (`"3"` to a number, object attributes with `optional()` defaults).

use hcl_edit::expr::Expression;
use indexmap::IndexMap;
use mbdeploy_model::{Kind, Value};

#[derive(Clone, Debug)]
pub enum TypeSpec {
    Any,
    String,
    Number,
    Bool,
    List(Box<TypeSpec>),
    Map(Box<TypeSpec>),
    /// Attribute name, type, and for `optional(T, default)` the default expression.
    Object(Vec<(String, TypeSpec, Option<Option<Expression>>)>),
    Tuple(Vec<TypeSpec>),
}

impl TypeSpec {
    pub fn parse(e: &Expression) -> TypeSpec {
        match e {
            Expression::Variable(v) => match v.as_str() {
                "string" => TypeSpec::String,
                "number" => TypeSpec::Number,
                "bool" => TypeSpec::Bool,
                _ => TypeSpec::Any,
            },
            Expression::FuncCall(f) => {
                let args: Vec<&Expression> = f.args.iter().collect();
                let first = || args.first().map(|a| TypeSpec::parse(a)).unwrap_or(TypeSpec::Any);
                match f.name.name.as_str() {
                    "list" | "set" => TypeSpec::List(Box::new(first())),
                    "map" => TypeSpec::Map(Box::new(first())),
                    "tuple" => match args.first() {
                        Some(Expression::Array(items)) => TypeSpec::Tuple(items.iter().map(TypeSpec::parse).collect()),
                        _ => TypeSpec::Any,
                    },
                    "object" => match args.first() {
                        Some(Expression::Object(o)) => TypeSpec::Object(
                            o.iter()
                                .filter_map(|(k, v)| {
                                    let name = match k {
                                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                        hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => {
                                            s.value().clone()
                                        }
                                        hcl_edit::expr::ObjectKey::Expression(Expression::Variable(i)) => {
                                            i.as_str().to_string()
                                        }
                                        _ => return None,
                                    };
                                    Some(match v.expr() {
                                        Expression::FuncCall(of) if of.name.name.as_str() == "optional" => {
                                            let oargs: Vec<&Expression> = of.args.iter().collect();
                                            let t = oargs.first().map(|a| TypeSpec::parse(a)).unwrap_or(TypeSpec::Any);
                                            (name, t, Some(oargs.get(1).map(|d| (*d).clone())))
                                        }
                                        other => (name, TypeSpec::parse(other), None),
                                    })
                                })
                                .collect(),
                        ),
                        _ => TypeSpec::Any,
                    },
                    _ => TypeSpec::Any,
                }
            }
            _ => TypeSpec::Any,
        }
    }
}

/// Converts a value to a type; what cannot be converted is left as it is (Terraform would have
/// rejected it, and the value is still the best description of the input).
pub fn convert(v: Value, spec: &TypeSpec, eval_default: &dyn Fn(&Expression) -> Option<Value>) -> Value {
    if v.is_unknown() || v.is_null() {
        return v;
    }
    let Value { kind, loc, sensitive } = v;
    let kind = match (spec, kind) {
        (TypeSpec::String, Kind::Number(n)) => Kind::String(mbdeploy_model::value::format_number(n)),
        (TypeSpec::String, Kind::Bool(b)) => Kind::String(b.to_string()),
        (TypeSpec::Number, Kind::String(s)) => match s.trim().parse::<f64>() {
            Ok(n) => Kind::Number(n),
            Err(_) => Kind::String(s),
        },
        (TypeSpec::Bool, Kind::String(s)) if s == "true" || s == "false" => Kind::Bool(s == "true"),
        (TypeSpec::List(t), Kind::List(items)) => {
            Kind::List(items.into_iter().map(|i| convert(i, t, eval_default)).collect())
        }
        (TypeSpec::Tuple(ts), Kind::List(items)) => Kind::List(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| match ts.get(i) {
                    Some(t) => convert(x, t, eval_default),
                    None => x,
                })
                .collect(),
        ),
        (TypeSpec::Map(t), Kind::Object(m)) => {
            Kind::Object(m.into_iter().map(|(k, x)| (k, convert(x, t, eval_default))).collect())
        }
        (TypeSpec::Object(attrs), Kind::Object(mut m)) => {
            let mut out = IndexMap::new();
            for (name, t, optional) in attrs {
                match m.shift_remove(name) {
                    Some(x) if !x.is_null() => {
                        out.insert(name.clone(), convert(x, t, eval_default));
                    }
                    other => {
                        let default = match optional {
                            Some(Some(d)) => eval_default(d).map(|x| convert(x, t, eval_default)),
                            _ => None,
                        };
                        out.insert(name.clone(), default.or(other).unwrap_or_else(|| Value::null(loc.clone())));
                    }
                }
            }
            Kind::Object(out)
        }
        (_, kind) => kind,
    };
    Value { kind, loc, sensitive }
}
