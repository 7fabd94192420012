//! Facts several rules share: which groups belong to what, what looks like a secret.

use crate::Ctx;
use mbdeploy_model::{Container, Deployment, EcsService, SecurityGroup};

/// Whether a name (variable, environment variable, tfvars key) names a secret: judged by its last
/// word, so `db_password` is one and `db_password_secret_arn` or `secret_rotation_days` are not.
pub fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let words: Vec<&str> = n.split(|c: char| c == '_' || c == '-' || c == '.').filter(|w| !w.is_empty()).collect();
    let Some(last) = words.last() else { return false };
    // Switches about secrets (`generate_encryption_key`, `manage_master_password`) are not secrets.
    const SWITCH_VERBS: &[&str] = &["generate", "create", "enable", "use", "manage", "is", "has", "rotate", "skip"];
    if words.len() > 1 && SWITCH_VERBS.contains(&words[0]) {
        return false;
    }
    const SECRET_NOUNS: &[&str] =
        &["password", "passwd", "pass", "pwd", "secret", "token", "credential", "credentials", "apikey", "passphrase"];
    if SECRET_NOUNS.contains(last) {
        return true;
    }
    // `..._key` is a secret when it is a secret/private/api/access/encryption/signing key.
    if *last == "key" && words.len() >= 2 {
        return ["secret", "private", "api", "access", "encryption", "signing", "master"]
            .contains(&words[words.len() - 2]);
    }
    false
}

/// The address a variable finding names: `var.x`, or `module.m.var.x` inside a module.
pub fn variable_address(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((module, short)) => format!("{module}.var.{short}"),
        None => format!("var.{name}"),
    }
}

/// A connection string with a password in it (`postgres://user:pw@host`).
pub fn has_inline_credentials(value: &str) -> bool {
    match value.find("://") {
        Some(i) => {
            let rest = &value[i + 3..];
            let authority = rest.split('/').next().unwrap_or("");
            authority.contains('@') && authority.split('@').next().map(|u| u.contains(':')).unwrap_or(false)
        }
        None => false,
    }
}

/// Whether a container runs Metabase: its image, its name or its `MB_` settings say so.
pub fn is_metabase(c: &Container) -> bool {
    let image = c.image.get().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    image.contains("metabase")
        || c.name.to_ascii_lowercase().contains("metabase")
        || c.environment.iter().any(|e| e.name.starts_with("MB_"))
        || c.secrets.iter().any(|e| e.name.starts_with("MB_"))
}

/// Every container of every task definition, with the task definition's address.
pub fn containers(d: &Deployment) -> impl Iterator<Item = (&str, &Container)> {
    d.task_definitions
        .iter()
        .flat_map(|t| t.containers.get().into_iter().flatten().map(move |c| (t.meta.address.as_str(), c)))
}

pub fn metabase_containers(d: &Deployment) -> impl Iterator<Item = (&str, &Container)> {
    containers(d).filter(|(_, c)| is_metabase(c))
}

fn groups<'a>(d: &'a Deployment, keys: impl Iterator<Item = &'a String>) -> Vec<&'a SecurityGroup> {
    let mut out: Vec<&SecurityGroup> = Vec::new();
    for k in keys {
        if let Some(g) = d.security_group(k) {
            if !out.iter().any(|o| std::ptr::eq(*o, g)) {
                out.push(g);
            }
        }
    }
    out
}

/// Security groups attached to ECS services.
pub fn ecs_groups(d: &Deployment) -> Vec<&SecurityGroup> {
    groups(d, d.ecs_services.iter().flat_map(|s| s.security_groups.iter()))
}

/// Security groups attached to load balancers.
pub fn alb_groups(d: &Deployment) -> Vec<&SecurityGroup> {
    groups(d, d.load_balancers.iter().flat_map(|l| l.security_groups.iter()))
}

/// Whether `key` names one of `groups`.
pub fn is_one_of(groups: &[&SecurityGroup], key: &str) -> bool {
    groups.iter().any(|g| g.meta.answers_to(key))
}

/// The port Metabase listens on for a service (its load balancer's container port, else 3000).
pub fn container_port(s: &EcsService) -> i64 {
    s.load_balancers.iter().find_map(|lb| lb.container_port.get().copied()).unwrap_or(3000)
}

/// A name for a group in messages.
pub fn group_name(d: &Deployment, key: &str) -> String {
    d.security_group(key).map(|g| g.meta.address.clone()).unwrap_or_else(|| key.to_string())
}

/// Judges a group's ingress against "only from `peers` (named `who` in messages), only TCP
/// `port`": a CIDR, a prefix list, itself or any other group as source fails, as does another port.
pub fn ingress_only_from(ctx: &mut Ctx, g: &SecurityGroup, peers: &[&SecurityGroup], who: &str, port: i64) {
    let d = ctx.d;
    for r in g.ingress() {
        let at = (&g.meta.address, &r.loc);
        if !r.cidrs.is_empty() {
            ctx.fail(
                at.0,
                at.1,
                format!("admits {} from CIDR {}: only {who} may reach it", r.describe_ports(), r.cidrs.join(", ")),
            );
            continue;
        }
        if r.self_referencing || !r.prefix_lists.is_empty() {
            ctx.fail(at.0, at.1, format!("admits {} from a source other than {who}", r.describe_ports()));
            continue;
        }
        for peer in r.peer_groups.iter().filter(|p| !is_one_of(peers, p)) {
            if peers.is_empty() {
                ctx.undetermined(
                    at.0,
                    at.1,
                    format!("{who} is not in this configuration: cannot tell whether `{peer}` is it"),
                );
            } else {
                ctx.fail(at.0, at.1, format!("admits traffic from `{}`, which is not {who}", group_name(d, peer)));
            }
        }
        if r.ports_unknown || r.peer_unknown {
            ctx.undetermined(at.0, at.1, "an ingress rule's ports or source are not known before apply");
        } else if !r.is_exactly_port(port) {
            ctx.fail(at.0, at.1, format!("admits {}; only TCP {port} is needed", r.describe_ports()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in ["MB_DB_PASS", "metabase_db_password", "db_secret", "api_token", "MB_ENCRYPTION_SECRET_KEY"] {
            assert!(looks_secret(yes), "{yes}");
        }
        for no in [
            "MB_DB_USER",
            "db_password_secret_arn",
            "MB_PASSWORD_COMPLEXITY",
            "secret_kms_key",
            "passenger",
            "db_secret_rotation_duration",
            "secret_recovery_window_in_days",
            "token_ttl",
            "generate_encryption_key",
        ] {
            assert!(!looks_secret(no), "{no}");
        }
    }

    #[test]
    fn inline_credentials() {
        assert!(has_inline_credentials("postgres://mb:hunter2@db:5432/metabase"));
        assert!(!has_inline_credentials("postgres://db:5432/metabase?sslmode=require"));
        assert!(!has_inline_credentials("postgres://mb@db:5432/metabase"));
    }
}
