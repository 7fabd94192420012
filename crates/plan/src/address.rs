//! Terraform addresses and references, parsed just enough to rewrite them.
//!
//! A plan names resource instances by full address (`module.network.aws_subnet.private[0]`) and
//! writes the configuration's references relative to their module (`aws_security_group.alb.id`,
//! `module.network.ecs_security_group_id`, `var.azs`, `count.index`). The loader turns the latter
//! into the former, so a reference means the same thing here as in the source loader.

/// One dotted step with the instance keys or indexes written after it: `private[0]` is the name
/// `private` and the key `[0]`. Keys keep their brackets and quotes, exactly as Terraform prints
/// them, so they compare as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    pub name: String,
    pub keys: Vec<String>,
}

/// Splits an address or reference into steps. `None` if it is not well formed (an empty step,
/// an unclosed bracket or quote).
pub(crate) fn steps(text: &str) -> Option<Vec<Step>> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < n && chars[i] != '.' && chars[i] != '[' {
            i += 1;
        }
        if i == start {
            return None;
        }
        let name: String = chars[start..i].iter().collect();
        if name.contains([']', '"']) {
            return None;
        }
        let mut keys = Vec::new();
        while i < n && chars[i] == '[' {
            let key_start = i;
            i += 1;
            if i < n && chars[i] == '"' {
                i += 1;
                loop {
                    if i >= n {
                        return None;
                    }
                    match chars[i] {
                        '\\' => i += 2,
                        '"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                if i >= n || chars[i] != ']' {
                    return None;
                }
                i += 1;
            } else {
                while i < n && chars[i] != ']' {
                    i += 1;
                }
                if i >= n {
                    return None;
                }
                i += 1;
            }
            keys.push(chars[key_start..i].iter().collect());
        }
        out.push(Step { name, keys });
        if i >= n {
            return Some(out);
        }
        if chars[i] != '.' {
            return None;
        }
        i += 1;
        if i >= n {
            return None;
        }
    }
}

/// A module instance path: `[("network", None)]` for `module.network`, `[("app", Some("[\"a\"]"))]`
/// for `module.app["a"]`.
pub(crate) type ModulePath = Vec<(String, Option<String>)>;

/// The text of a module path, with a trailing dot when not empty: `module.network.`.
pub(crate) fn module_prefix(path: &ModulePath) -> String {
    let mut out = String::new();
    for (name, key) in path {
        out.push_str("module.");
        out.push_str(name);
        if let Some(k) = key {
            out.push_str(k);
        }
        out.push('.');
    }
    out
}

/// The module names of a path, without instance keys: how the configuration is keyed.
pub(crate) fn module_names(path: &ModulePath) -> Vec<String> {
    path.iter().map(|(n, _)| n.clone()).collect()
}

/// A resource instance address, or a pattern of one when keys are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResourceAddr {
    pub module: ModulePath,
    pub data: bool,
    pub resource_type: String,
    pub name: String,
    pub key: Option<String>,
}

impl ResourceAddr {
    pub fn render(&self) -> String {
        format!(
            "{}{}{}.{}{}",
            module_prefix(&self.module),
            if self.data { "data." } else { "" },
            self.resource_type,
            self.name,
            self.key.as_deref().unwrap_or("")
        )
    }

    /// Whether `instance` is one this pattern names: a key left out matches any key.
    pub fn matches(&self, instance: &ResourceAddr) -> bool {
        self.data == instance.data
            && self.resource_type == instance.resource_type
            && self.name == instance.name
            && key_matches(&self.key, &instance.key)
            && self.module.len() == instance.module.len()
            && self.module.iter().zip(&instance.module).all(|((pn, pk), (n, k))| pn == n && key_matches(pk, k))
    }
}

fn key_matches(pattern: &Option<String>, key: &Option<String>) -> bool {
    match pattern {
        None => true,
        Some(p) => key.as_deref() == Some(p.as_str()),
    }
}

/// Parses a full resource instance address as the plan writes it.
pub(crate) fn parse_resource_address(text: &str) -> Option<ResourceAddr> {
    let steps = steps(text)?;
    let mut i = 0;
    let mut module = Vec::new();
    while steps.get(i).map(|s| s.name.as_str()) == Some("module") && steps[i].keys.is_empty() {
        let call = steps.get(i + 1)?;
        if call.keys.len() > 1 {
            return None;
        }
        module.push((call.name.clone(), call.keys.first().cloned()));
        i += 2;
    }
    let data = steps.get(i).map(|s| s.name.as_str()) == Some("data") && steps[i].keys.is_empty();
    if data {
        i += 1;
    }
    let rtype = steps.get(i)?;
    let name = steps.get(i + 1)?;
    if steps.len() != i + 2 || !rtype.keys.is_empty() || name.keys.len() > 1 {
        return None;
    }
    Some(ResourceAddr {
        module,
        data,
        resource_type: rtype.name.clone(),
        name: name.name.clone(),
        key: name.keys.first().cloned(),
    })
}

/// Parses a module address (`module.a["x"].module.b`), as in `module_address`.
pub(crate) fn parse_module_address(text: &str) -> Option<ModulePath> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let steps = steps(text)?;
    if steps.len() % 2 != 0 {
        return None;
    }
    let mut out = Vec::new();
    for pair in steps.chunks(2) {
        if pair[0].name != "module" || !pair[0].keys.is_empty() || pair[1].keys.len() > 1 {
            return None;
        }
        out.push((pair[1].name.clone(), pair[1].keys.first().cloned()));
    }
    Some(out)
}

/// What a configuration reference points at, relative to its module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// `aws_x.y`, `aws_x.y[0]`, `data.aws_x.y` (the attribute path after it is dropped).
    Resource {
        data: bool,
        resource_type: String,
        name: String,
        key: Option<String>,
    },
    /// `module.m.out` or `module.m[0].out`.
    ModuleOutput {
        name: String,
        key: Option<String>,
        output: String,
    },
    /// `module.m` as a whole.
    Module {
        name: String,
        key: Option<String>,
    },
    Var(String),
    Local(String),
    /// `count.index`, `each.key`, `each.value`, `self`, `path.*`, `terraform.*`.
    Meta(String),
    /// Anything else (`ephemeral.*`, a future kind): kept as written.
    Other(String),
}

pub(crate) fn parse_reference(text: &str) -> Option<Subject> {
    let steps = steps(text)?;
    let first = steps.first()?;
    let second = steps.get(1);
    Some(match first.name.as_str() {
        "var" => Subject::Var(second?.name.clone()),
        "local" => Subject::Local(second?.name.clone()),
        "module" => {
            let call = second?;
            let key = call.keys.first().cloned();
            match steps.get(2) {
                Some(out) => Subject::ModuleOutput { name: call.name.clone(), key, output: out.name.clone() },
                None => Subject::Module { name: call.name.clone(), key },
            }
        }
        "data" => {
            let rtype = second?;
            let name = steps.get(2)?;
            Subject::Resource {
                data: true,
                resource_type: rtype.name.clone(),
                name: name.name.clone(),
                key: name.keys.first().cloned(),
            }
        }
        "count" | "each" | "self" | "path" | "terraform" => Subject::Meta(first.name.clone()),
        "ephemeral" | "run" | "check" | "output" | "resource" => Subject::Other(text.to_string()),
        _ => {
            let name = second?;
            Subject::Resource {
                data: false,
                resource_type: first.name.clone(),
                name: name.name.clone(),
                key: name.keys.first().cloned(),
            }
        }
    })
}

/// A reference with its instance keys and indexes removed (`aws_subnet.private[0].id` →
/// `aws_subnet.private.id`), the form the source loader records for outputs.
pub(crate) fn without_keys(text: &str) -> String {
    match steps(text) {
        Some(steps) => steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("."),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_quoted_keys_whole() {
        let s = steps(r#"module.a["x.y]"].aws_s3_bucket.b[0].id"#).unwrap();
        assert_eq!(s.len(), 5);
        assert_eq!(s[1].keys, vec![r#"["x.y]"]"#.to_string()]);
        assert_eq!(s[3].keys, vec!["[0]".to_string()]);
        for bad in ["", ".", "a.", "a[0", r#"a["x]"#, "a..b", "a]b", r#"a["\"#] {
            assert!(steps(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn resource_addresses_parse_and_match() {
        let a = parse_resource_address(r#"module.net["x"].aws_subnet.private[1]"#).unwrap();
        assert_eq!(a.module, vec![("net".into(), Some(r#"["x"]"#.into()))]);
        assert_eq!((a.resource_type.as_str(), a.key.as_deref()), ("aws_subnet", Some("[1]")));
        assert_eq!(a.render(), r#"module.net["x"].aws_subnet.private[1]"#);
        let pattern = ResourceAddr { module: vec![("net".into(), None)], key: None, ..a.clone() };
        assert!(pattern.matches(&a));
        let d = parse_resource_address("data.aws_iam_policy_document.p").unwrap();
        assert!(d.data && d.key.is_none());
        assert!(parse_resource_address("aws_x").is_none());
        assert!(parse_resource_address("aws_x.y.z").is_none());
    }

    #[test]
    fn references_name_their_subject() {
        assert_eq!(
            parse_reference("aws_security_group.alb.id"),
            Some(Subject::Resource {
                data: false,
                resource_type: "aws_security_group".into(),
                name: "alb".into(),
                key: None
            })
        );
        assert_eq!(
            parse_reference("module.network.ecs_security_group_id"),
            Some(Subject::ModuleOutput { name: "network".into(), key: None, output: "ecs_security_group_id".into() })
        );
        assert_eq!(parse_reference("count.index"), Some(Subject::Meta("count".into())));
        assert_eq!(parse_reference("var.x"), Some(Subject::Var("x".into())));
        assert_eq!(parse_reference("var"), None);
        assert_eq!(without_keys("aws_subnet.private[0].id"), "aws_subnet.private.id");
    }
}
