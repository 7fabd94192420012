//! The plan loader against real plans (made by Terraform 1.11 against moto_server, see
//! fixtures/plan/README.md), a hand-written plan of edge cases, and broken input.

use mbdeploy_model::deployment::{Deployment, Direction, Field, LoadError, SourceKind};
use mbdeploy_model::tf::{build, Mode, TfConfig, TfResource};
use mbdeploy_model::{Kind, Value};
use mbdeploy_plan::{load_plan, load_plan_str, REDACTED};
use std::path::{Path, PathBuf};

const INSECURE_SECRET: &str = "fixture-planted-secret-1234";
const EDGE_SECRET: &str = "hand-planted-secret-5678";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/plan").join(name)
}

fn load(name: &str) -> TfConfig {
    let cfg = load_plan(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(cfg.errors.is_empty(), "{name}: {:?}", cfg.errors);
    cfg
}

fn resource<'a>(cfg: &'a TfConfig, address: &str) -> &'a TfResource {
    cfg.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", cfg.resources.iter().map(|r| &r.address).collect::<Vec<_>>()))
}

/// The value at a path of keys and list indexes (`"network_configuration.0.security_groups"`).
fn at<'a>(r: &'a TfResource, path: &str) -> &'a Value {
    let mut v = &r.values;
    for step in path.split('.') {
        v = match step.parse::<usize>() {
            Ok(i) => v.as_list().and_then(|l| l.get(i)),
            Err(_) => v.get(step),
        }
        .unwrap_or_else(|| panic!("{}: no {path} (stuck at {step})", r.address));
    }
    v
}

fn unknown_refs(v: &Value) -> Vec<String> {
    match &v.kind {
        Kind::Unknown(refs) => refs.clone(),
        other => panic!("expected an unknown value, got {other:?}"),
    }
}

// ------------------------------------------------------------------ loading

#[test]
fn real_plans_load_every_resource_instance() {
    for (name, count) in [("insecure.plan.json", 23), ("secure.plan.json", 45)] {
        let cfg = load(name);
        assert_eq!(cfg.source, SourceKind::Plan);
        assert_eq!(cfg.resources.len(), count, "{name}");
        assert!(cfg.backend.is_none() && cfg.tfvars.is_empty() && cfg.suppressions.is_empty());
        for r in &cfg.resources {
            assert!(r.values.as_object().is_some(), "{}", r.address);
            assert_eq!((r.loc.line, r.end_line), (0, 0));
            assert!(r.loc.file.as_deref().unwrap().ends_with(name));
        }
    }
    let cfg = load("insecure.plan.json");
    let addresses: Vec<&str> = cfg.resources.iter().map(|r| r.address.as_str()).collect();
    for a in ["aws_ecs_service.metabase", "aws_subnet.public[1]", "aws_route_table_association.public[0]"] {
        assert!(addresses.contains(&a), "{a}");
    }
    // Data sources read while planning come from prior_state.
    let azs = resource(&cfg, "data.aws_availability_zones.available");
    assert_eq!(azs.mode, Mode::Data);
    assert_eq!(at(azs, "names.0").as_str(), Some("eu-west-1a"));
    let doc = resource(&cfg, "data.aws_iam_policy_document.ecs_assume");
    assert!(at(doc, "json").as_str().unwrap().contains("ecs-tasks.amazonaws.com"));

    let secure = load("secure.plan.json");
    let rule = resource(&secure, r#"module.network.aws_vpc_security_group_egress_rule.ecs_to_aws["https"]"#);
    assert_eq!(rule.resource_type, "aws_vpc_security_group_egress_rule");
    // A data source read during apply is a change with action "read".
    assert_eq!(resource(&secure, "data.aws_iam_policy_document.read_secrets").mode, Mode::Data);
}

#[test]
fn deleted_and_deposed_objects_are_left_out() {
    let cfg = load("edge-cases.plan.json");
    let addresses: Vec<&str> = cfg.resources.iter().map(|r| r.address.as_str()).collect();
    assert!(!addresses.contains(&"aws_s3_bucket.removed"));
    assert!(!addresses.contains(&"aws_security_group.replaced"), "deposed, and only in prior_state");
    // In planned_values only: still loaded.
    let repo = resource(&cfg, "aws_ecr_repository.only_planned");
    assert_eq!(at(repo, "image_scanning_configuration.0.scan_on_push").as_bool(), Some(true));
    assert_eq!(resource(&cfg, "data.aws_iam_policy_document.assume").mode, Mode::Data);
    assert!(addresses.contains(&r#"aws_vpc_security_group_ingress_rule.by_key["a.b"]"#));
}

// ------------------------------------------------------------------ unknown values

#[test]
fn unknown_values_name_the_resources_they_come_from() {
    let cfg = load("insecure.plan.json");
    let svc = resource(&cfg, "aws_ecs_service.metabase");
    assert_eq!(unknown_refs(at(svc, "network_configuration.0.security_groups")), vec!["aws_security_group.ecs"]);
    // `aws_subnet.public[*].id` is every instance...
    assert_eq!(
        unknown_refs(at(svc, "network_configuration.0.subnets")),
        vec!["aws_subnet.public[0]", "aws_subnet.public[1]"]
    );
    // ...and `aws_subnet.public[count.index].id` the referencing instance's own.
    let assoc = resource(&cfg, "aws_route_table_association.public[1]");
    assert_eq!(unknown_refs(at(assoc, "subnet_id")), vec!["aws_subnet.public[1]"]);
    // Inside an inline rule block of a security group.
    let ecs = resource(&cfg, "aws_security_group.ecs");
    assert_eq!(unknown_refs(at(ecs, "ingress.0.security_groups")), vec!["aws_security_group.alb"]);
    // The whole container_definitions is unknown (it uses the RDS address): its sources remain,
    // the sensitive variable among them.
    let td = resource(&cfg, "aws_ecs_task_definition.metabase");
    let defs = at(td, "container_definitions");
    assert!(defs.sensitive);
    let refs = unknown_refs(defs);
    for r in ["aws_db_instance.metabase", "var.db_password", "aws_cloudwatch_log_group.metabase"] {
        assert!(refs.contains(&r.to_string()), "{r} in {refs:?}");
    }
    // An attribute the configuration does not set and the provider computes reads as absent.
    let db = resource(&cfg, "aws_db_instance.metabase");
    assert!(at(db, "kms_key_id").is_null() && at(db, "multi_az").is_null());
    assert!(at(db, "vpc_security_group_ids").is_unknown());
}

#[test]
fn references_are_followed_through_modules() {
    let cfg = load("secure.plan.json");
    let svc = resource(&cfg, "aws_ecs_service.metabase");
    assert_eq!(
        unknown_refs(at(svc, "network_configuration.0.security_groups")),
        vec!["module.network.aws_security_group.ecs"]
    );
    assert_eq!(
        unknown_refs(at(svc, "network_configuration.0.subnets")),
        vec!["module.network.aws_subnet.private[0]", "module.network.aws_subnet.private[1]"]
    );
    let rule = resource(&cfg, "module.network.aws_vpc_security_group_ingress_rule.ecs_from_alb");
    assert_eq!(unknown_refs(at(rule, "referenced_security_group_id")), vec!["module.network.aws_security_group.alb"]);
    assert_eq!(unknown_refs(at(rule, "security_group_id")), vec!["module.network.aws_security_group.ecs"]);

    let edge = load("edge-cases.plan.json");
    let web = "module.app.module.net.aws_security_group.web";
    let svc = resource(&edge, "module.app.aws_ecs_service.this");
    assert_eq!(unknown_refs(at(svc, "network_configuration.0.security_groups")), vec![web]);
    assert_eq!(
        unknown_refs(at(svc, "network_configuration.0.subnets")),
        vec!["module.app.module.net.aws_subnet.a[0]", "module.app.module.net.aws_subnet.a[1]"]
    );
    // Root → module.app output → module.net output → the group; `each.value` names nothing.
    let by_key = resource(&edge, r#"aws_vpc_security_group_ingress_rule.by_key["a.b"]"#);
    assert_eq!(unknown_refs(at(by_key, "security_group_id")), vec![web]);
    assert_eq!(unknown_refs(at(by_key, "referenced_security_group_id")), Vec::<String>::new());
    // A module's variable is followed to the root variable; a local cannot be.
    let td = resource(&edge, "module.app.aws_ecs_task_definition.this");
    let defs = at(td, "container_definitions");
    assert!(defs.sensitive);
    assert_eq!(
        unknown_refs(defs),
        vec!["var.db_password", "module.app.local.image", "module.app.aws_ecs_service.this"]
    );
}

// ------------------------------------------------------------------ sensitive values

fn assert_secret_absent(name: &str, secret: &str) {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    assert!(text.contains(secret), "the fixture {name} must plant {secret}");
    let cfg = load(name);
    let shown = format!("{cfg:?}");
    assert!(!shown.contains(secret), "{name}: the secret is in the TfConfig");
    let d = build(cfg);
    let shown = format!("{d:?}");
    assert!(!shown.contains(secret), "{name}: the secret is in the Deployment");
}

#[test]
fn a_planted_secret_never_reaches_the_model() {
    assert_secret_absent("insecure.plan.json", INSECURE_SECRET);
    assert_secret_absent("edge-cases.plan.json", EDGE_SECRET);
    assert_secret_absent("edge-cases.plan.json", "old-planted-secret-0000");
}

#[test]
fn sensitive_values_are_replaced_and_keep_their_sources() {
    let cfg = load("insecure.plan.json");
    let password = at(resource(&cfg, "aws_db_instance.metabase"), "password");
    assert!(password.sensitive);
    assert_eq!(password.partial_text().as_deref(), Some(REDACTED));
    assert_eq!(password.refs(), vec!["var.db_password"]);
    let v = cfg.variables.iter().find(|v| v.name == "db_password").unwrap();
    assert!(v.sensitive && v.default_loc.is_none());

    // Known but sensitive: unreadable, like an unknown one.
    let edge = load("edge-cases.plan.json");
    let defs = at(resource(&edge, "aws_ecs_task_definition.known"), "container_definitions");
    assert!(defs.sensitive && defs.is_unknown());
    assert_eq!(defs.partial_text().as_deref(), Some(REDACTED));
    assert_eq!(defs.refs(), vec!["var.db_password"]);
    let d = build(edge.clone());
    let td = d.task_definitions.iter().find(|t| t.meta.address == "aws_ecs_task_definition.known").unwrap();
    assert!(td.containers.is_unknown());

    // Copied out of a sensitive value without the mark (nonsensitive()): hidden all the same.
    let logs = resource(&edge, "aws_cloudwatch_log_group.copied");
    assert_eq!(at(logs, "name").partial_text().as_deref(), Some(REDACTED));
    assert!(at(logs, "name").sensitive);
    assert_eq!(at(logs, "retention_in_days").as_i64(), Some(30));
    let tags = at(logs, "tags").as_object().unwrap();
    assert!(tags.keys().all(|k| k.starts_with(REDACTED)));
    let issue = edge.load_issues.iter().find(|i| i.code == "plan-value-hidden").expect("an issue says so");
    assert_eq!(issue.address, "aws_cloudwatch_log_group.copied");
}

// ------------------------------------------------------------------ the built model

#[test]
fn the_insecure_plan_builds_an_insecure_deployment() {
    let d = build(load("insecure.plan.json"));
    assert_eq!(d.source, SourceKind::Plan);
    let svc = &d.ecs_services[0];
    assert_eq!(svc.assign_public_ip.field, Field::Set(true));
    assert_eq!(svc.security_groups, vec!["aws_security_group.ecs"]);
    assert!(svc.subnets.iter().all(|s| d.subnet_is_public(s) == Some(true)), "{:?}", svc.subnets);

    let db = &d.db_instances[0];
    assert_eq!(db.storage_encrypted.field, Field::Set(false));
    assert_eq!(db.backup_retention_period.field, Field::Set(0));
    assert!(matches!(db.password, mbdeploy_model::PasswordSource::InState { sensitive: true, .. }));
    assert_eq!(db.security_groups, vec!["aws_security_group.rds"]);
    let rds = d.security_group(&db.security_groups[0]).expect("the RDS group resolves");
    let open = rds.ingress().find(|r| r.is_exactly_port(5432)).expect("a 5432 rule");
    assert!(open.open_to_world());

    let ecs = d.security_group("aws_security_group.ecs").unwrap();
    let from_alb = ecs.ingress().next().unwrap();
    assert_eq!(from_alb.peer_groups, vec!["aws_security_group.alb"]);

    let td = &d.task_definitions[0];
    assert!(td.containers.is_unknown(), "container_definitions is known only after apply");
    assert_eq!(td.execution_role.as_deref(), Some("aws_iam_role.execution"));

    let out = d.outputs.iter().find(|o| o.name == "rds_endpoint").unwrap();
    assert!(!out.sensitive);
    assert_eq!(out.references, vec!["aws_db_instance.metabase.endpoint"]);
    let role = d.iam_role("aws_iam_role.execution").unwrap();
    assert_eq!(role.trust_policy.get().unwrap().statements[0].service_principals, vec!["ecs-tasks.amazonaws.com"]);
}

#[test]
fn the_secure_plan_builds_a_secure_deployment() {
    let d: Deployment = build(load("secure.plan.json"));
    let svc = &d.ecs_services[0];
    assert_eq!(svc.assign_public_ip.field, Field::Set(false));
    assert!(svc.subnets.iter().all(|s| d.subnet_is_public(s) == Some(false)), "{:?}", svc.subnets);
    let ecs = d.security_group(&svc.security_groups[0]).unwrap();
    let ingress: Vec<_> = ecs.ingress().collect();
    assert_eq!(ingress.len(), 1);
    assert!(ingress[0].is_exactly_port(3000) && ingress[0].cidrs.is_empty());
    assert_eq!(ingress[0].peer_groups, vec!["module.network.aws_security_group.alb"]);
    assert!(ecs.egress().any(|r| r.direction == Direction::Egress && r.is_exactly_port(5432)));

    let db = &d.db_instances[0];
    assert_eq!(db.storage_encrypted.field, Field::Set(true));
    assert_eq!(db.password, mbdeploy_model::PasswordSource::Managed);
    let rds = d.security_group(&db.security_groups[0]).unwrap();
    assert!(rds.ingress().all(|r| !r.open_to_world()));

    assert!(d.outputs.iter().find(|o| o.name == "rds_endpoint").unwrap().sensitive);
    assert!(d.outputs.iter().any(|o| o.name == "module.network.ecs_security_group_id"));
    assert!(d.variables.iter().any(|v| v.name == "module.network.azs"));
    let https = d.listeners.iter().find(|l| l.port.get() == Some(&443)).unwrap();
    assert_eq!(https.protocol.get().map(String::as_str), Some("HTTPS"));
    assert_eq!(d.ecr_repositories[0].scan_on_push.field, Field::Set(true));
}

// ------------------------------------------------------------------ bad input

fn error_of(text: &str) -> LoadError {
    match load_plan_str(text, "bad.json") {
        Ok(cfg) => panic!("{text:.60} loaded: {} resources", cfg.resources.len()),
        Err(e) => {
            assert_eq!(e.loc.file.as_deref(), Some("bad.json"), "{e:?}");
            assert!(!e.message.is_empty() && !e.help.is_empty());
            e
        }
    }
}

#[test]
fn what_is_not_a_plan_is_refused_with_a_reason() {
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("  \n", "empty"),
        ("[]", "array"),
        ("null", "null"),
        ("42", "number"),
        ("{}", "not a Terraform plan"),
        (
            r#"{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "x", "resources": []}"#,
            "state file",
        ),
        (r#"{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}"#, "current state"),
        (r#"{"format_version": "1.0", "provider_schemas": {}}"#, "schema"),
        (r#"{"planned_values": {}}"#, "format_version"),
        (r#"{"format_version": "2.0", "planned_values": {}}"#, "format 2.0"),
        (r#"{"format_version": "0.2", "planned_values": {}}"#, "before 1.0"),
        (r#"{"format_version": 1, "planned_values": {}}"#, "format_version"),
        (r#"{"@level":"info","@message":"Terraform 1.11.4","type":"version"}"#, "terraform plan -json"),
        ("PK\u{3}\u{4}binary", "binary plan"),
        ("{\"format_version\": \"1.2\", \"planned_values\": {", "truncated"),
        ("{\"format_version\": \"1.2\",, }", "not valid JSON"),
    ];
    for (text, expected) in cases {
        let e = error_of(text);
        assert!(e.message.contains(expected), "{text:?}: {e:?}");
    }
    let state = error_of(r#"{"version": 4, "serial": 1, "lineage": "l"}"#);
    assert!(state.help.contains("terraform show -json"));
    // A syntax error points at its line.
    let e = error_of("{\n\"format_version\": \"1.2\",\n oops }");
    assert_eq!(e.loc.line, 3);
}

#[test]
fn a_minimal_plan_loads() {
    let cfg = load_plan_str(r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#, "p.json").unwrap();
    assert!(cfg.resources.is_empty());
    assert!(cfg.load_issues.iter().any(|i| i.code == "plan-no-configuration"));
    let cfg = load_plan_str(
        r#"{"format_version": "1.2", "errored": true, "complete": false, "configuration": {}}"#,
        "p.json",
    )
    .unwrap();
    assert_eq!(cfg.errors.len(), 1);
    assert!(cfg.load_issues.iter().any(|i| i.code == "plan-incomplete"));
}

struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        TempFile(std::env::temp_dir().join(format!("mbdeploy-plan-test-{}-{name}", std::process::id())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn files_are_read_with_care() {
    let missing = load_plan(Path::new("/nonexistent/plan.json")).unwrap_err();
    assert!(missing.message.contains("cannot read"));
    assert_eq!(missing.loc.file.as_deref(), Some("/nonexistent/plan.json"));
    let dir = load_plan(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
    assert!(dir.message.contains("directory"));

    // Random bytes.
    let random = TempFile::new("random.bin");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let bytes: Vec<u8> = (0..4096).map(|_| next(&mut state) as u8).collect();
    std::fs::write(&random.0, &bytes).unwrap();
    let e = load_plan(&random.0).unwrap_err();
    assert!(e.loc.file.as_deref().unwrap().ends_with("random.bin"), "{e:?}");

    // Written by PowerShell: UTF-16 with a byte order mark.
    let text = std::fs::read_to_string(fixture("insecure.plan.json")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let ps = TempFile::new("utf16.json");
    std::fs::write(&ps.0, utf16).unwrap();
    assert_eq!(load_plan(&ps.0).unwrap().resources.len(), 23);

    // Over the limit: refused before it is read (a sparse file takes no disk).
    let big = TempFile::new("huge.json");
    let f = std::fs::File::create(&big.0).unwrap();
    f.set_len(300 * 1024 * 1024).unwrap();
    drop(f);
    let e = load_plan(&big.0).unwrap_err();
    assert!(e.message.contains("300 MiB"), "{e:?}");
}

fn next(state: &mut u64) -> u64 {
    // xorshift64*: deterministic, so a failure can be replayed.
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// A few hundred broken versions of each fixture: cut short, bytes flipped, structure swapped.
/// Every one must give an error or a model, never a panic, and never the planted secret.
#[test]
fn mutated_plans_never_panic_nor_leak() {
    for (name, secret) in
        [("insecure.plan.json", INSECURE_SECRET), ("edge-cases.plan.json", EDGE_SECRET), ("secure.plan.json", "")]
    {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let bytes = text.as_bytes();
        let mut state = 0x2545_F491_4F6C_DD1Du64 ^ bytes.len() as u64;
        let mut variants: Vec<Vec<u8>> = Vec::new();
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            variants.push(bytes[..cut].to_vec());
        }
        let swaps: &[u8] = b"{}[]\":,tfn0 ";
        for _ in 0..250 {
            let mut b = bytes.to_vec();
            let i = (next(&mut state) % b.len() as u64) as usize;
            match next(&mut state) % 3 {
                0 => b[i] ^= 1 << (next(&mut state) % 8),
                1 => b[i] = swaps[(next(&mut state) % swaps.len() as u64) as usize],
                _ => {
                    b.remove(i);
                }
            }
            variants.push(b);
        }
        let mut loaded = 0;
        for (n, v) in variants.iter().enumerate() {
            let text = String::from_utf8_lossy(v);
            let result = std::panic::catch_unwind(|| {
                load_plan_str(&text, "mutated.json").map(|cfg| {
                    let shown = format!("{cfg:?}");
                    let d = format!("{:?}", build(cfg));
                    (shown, d)
                })
            });
            match result {
                Err(_) => panic!("{name}: variant {n} panicked"),
                Ok(Ok((cfg, d))) => {
                    loaded += 1;
                    if !secret.is_empty() {
                        assert!(!cfg.contains(secret) && !d.contains(secret), "{name}: variant {n} leaks the secret");
                    }
                }
                Ok(Err(_)) => {}
            }
        }
        // Most flipped bytes land inside strings: many variants still load, and are checked.
        assert!(loaded >= 50, "{name}: only {loaded} of {} variants loaded", variants.len());
    }
}
