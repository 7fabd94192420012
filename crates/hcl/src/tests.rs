//! Loader tests: HCL in, evaluated resources out.

use super::*;
use mbdeploy_model::Kind;

fn load(files: &[(&str, &str)]) -> TfConfig {
    load_files(files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(), &LoadOptions::default())
}

fn resource<'a>(cfg: &'a TfConfig, address: &str) -> &'a TfResource {
    cfg.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", cfg.resources.iter().map(|r| &r.address).collect::<Vec<_>>()))
}

#[test]
fn variables_locals_and_references_resolve() {
    let cfg = load(&[(
        "main.tf",
        r#"
variable "name" {
  type    = string
  default = "metabase-prod"
}
locals {
  port = 3000
  tags = { Name = var.name }
}
resource "aws_security_group" "alb" {
  name = "${var.name}-alb"
}
resource "aws_lb" "this" {
  security_groups = [aws_security_group.alb.id]
  name            = aws_security_group.alb.name
  tags            = merge(local.tags, { Port = tostring(local.port) })
}
"#,
    )]);
    let lb = resource(&cfg, "aws_lb.this");
    assert_eq!(lb.values.get("name").unwrap().as_str(), Some("metabase-prod-alb"));
    assert_eq!(lb.values.get("security_groups").unwrap().refs(), vec!["aws_security_group.alb".to_string()]);
    assert_eq!(lb.values.get("tags").unwrap().get("Port").unwrap().as_str(), Some("3000"));
    assert_eq!(lb.values.get("name").unwrap().loc.line, 15);
}

#[test]
fn count_for_each_and_dynamic_blocks_expand() {
    let cfg = load(&[(
        "main.tf",
        r#"
variable "cidrs" {
  default = ["10.0.1.0/24", "10.0.2.0/24"]
}
resource "aws_subnet" "private" {
  count      = length(var.cidrs)
  cidr_block = var.cidrs[count.index]
}
resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = { http = 80, https = 443 }
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
    }
  }
}
resource "aws_route_table_association" "a" {
  for_each  = toset(["x", "y"])
  subnet_id = aws_subnet.private[0].id
}
"#,
    )]);
    assert_eq!(resource(&cfg, "aws_subnet.private[1]").values.get("cidr_block").unwrap().as_str(), Some("10.0.2.0/24"));
    let ingress = resource(&cfg, "aws_security_group.g").values.blocks("ingress");
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[1].get("from_port").unwrap().as_i64(), Some(443));
    assert_eq!(
        resource(&cfg, "aws_route_table_association.a[\"y\"]").values.get("subnet_id").unwrap().refs(),
        vec!["aws_subnet.private[0]".to_string()]
    );
}

#[test]
fn jsonencode_keeps_structure_and_sensitivity() {
    let cfg = load(&[(
        "main.tf",
        r#"
variable "db_password" {
  sensitive = true
  default   = "hunter2"
}
resource "aws_ecs_task_definition" "t" {
  container_definitions = jsonencode([{
    name  = "metabase"
    image = "${aws_ecr_repository.r.repository_url}:v0.50.0"
    environment = [{ name = "MB_DB_PASS", value = var.db_password }]
  }])
}
"#,
    )]);
    let defs = resource(&cfg, "aws_ecs_task_definition.t").values.get("container_definitions").unwrap();
    let inner = defs.decoded().unwrap();
    let c = &inner.as_list().unwrap()[0];
    assert!(matches!(&c.get("image").unwrap().kind, Kind::Partial { text, .. } if text.ends_with(":v0.50.0")));
    let pass = &c.get("environment").unwrap().as_list().unwrap()[0].get("value").unwrap();
    assert!(pass.sensitive);
    assert_eq!(pass.loc.line, 10);
}

#[test]
fn try_and_can_see_their_arguments_unevaluated() {
    let cfg = load(&[(
        "main.tf",
        r#"
locals { m = { a = 1 } }
resource "x_y" "z" {
  a = try(local.m.b, "fallback")
  b = can(local.m.b)
  c = provider::aws::arn_parse("arn:aws:iam::1:role/x")
  d = "%{if true}yes%{else}no%{endif}"
}
"#,
    )]);
    let v = &resource(&cfg, "x_y.z").values;
    assert_eq!(v.get("a").unwrap().as_str(), Some("fallback"));
    assert_eq!(v.get("b").unwrap().as_bool(), Some(false));
    assert!(v.get("c").unwrap().is_unknown());
    assert_eq!(v.get("d").unwrap().as_str(), Some("yes"));
}

#[test]
fn a_duplicate_attribute_is_an_issue_and_the_last_value_wins() {
    let cfg = load(&[("main.tf", "resource \"aws_lb\" \"x\" {\n  internal = true\n  internal = false\n}\n")]);
    assert!(cfg.errors.is_empty());
    assert_eq!(cfg.load_issues[0].code, "duplicate-attribute");
    assert_eq!(resource(&cfg, "aws_lb.x").values.get("internal").unwrap().as_bool(), Some(false));
}

#[test]
fn one_bad_file_does_not_stop_the_rest() {
    let cfg = load(&[("bad.tf", "resource \"a\" {\n"), ("good.tf", "resource \"aws_lb\" \"x\" {}\n")]);
    assert_eq!(cfg.errors.len(), 1);
    assert_eq!(cfg.errors[0].loc.file.as_deref(), Some("bad.tf"));
    assert_eq!(cfg.resources.len(), 1);
}

#[test]
fn cidr_and_string_functions() {
    let cfg = load(&[(
        "main.tf",
        r#"
resource "x_y" "z" {
  a = cidrsubnet("10.0.0.0/16", 8, 101)
  b = format("%s-%d", "a", 3)
  c = join(",", [for s in ["a", "b"] : upper(s)])
  d = lookup({ a = "x" }, "b", "dflt")
  e = element(["p", "q"], 3)
  f = coalesce("", "second")
  g = replace("a-b-c", "/-/", "_")
}
"#,
    )]);
    let v = &resource(&cfg, "x_y.z").values;
    let get = |k: &str| v.get(k).unwrap().as_str().unwrap().to_string();
    assert_eq!(get("a"), "10.0.101.0/24");
    assert_eq!(get("b"), "a-3");
    assert_eq!(get("c"), "A,B");
    assert_eq!(get("d"), "dflt");
    assert_eq!(get("e"), "q");
    assert_eq!(get("f"), "second");
    assert_eq!(get("g"), "a_b_c");
}

#[test]
fn local_modules_are_followed_with_inputs_and_outputs() {
    let dir = std::env::temp_dir().join(format!("mbdeploy-hcl-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("modules/app")).unwrap();
    std::fs::write(dir.join("main.tf"), "module \"app\" {\n  source = \"./modules/app\"\n  name   = \"mb\"\n}\noutput \"sg\" {\n  value = module.app.sg_name\n}\n").unwrap();
    std::fs::write(
        dir.join("modules/app/main.tf"),
        "variable \"name\" { type = string }\nresource \"aws_security_group\" \"s\" {\n  name = \"${var.name}-sg\"\n}\noutput \"sg_name\" {\n  value = aws_security_group.s.name\n}\n",
    )
    .unwrap();
    let cfg = load_dir(&dir, &LoadOptions::default()).unwrap();
    let sg = resource(&cfg, "module.app.aws_security_group.s");
    assert_eq!(sg.values.get("name").unwrap().as_str(), Some("mb-sg"));
    assert_eq!(sg.loc.file.as_deref(), Some("modules/app/main.tf"));
    assert_eq!(cfg.outputs.iter().find(|o| o.name == "sg").unwrap().references, vec!["module.app.sg_name".to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_module_cycle_is_an_error_not_a_hang() {
    let dir = std::env::temp_dir().join(format!("mbdeploy-hcl-cycle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("m")).unwrap();
    std::fs::write(dir.join("main.tf"), "module \"m\" {\n  source = \"./m\"\n}\n").unwrap();
    std::fs::write(dir.join("m/main.tf"), "module \"again\" {\n  source = \"../m\"\n}\nresource \"aws_lb\" \"x\" {}\n")
        .unwrap();
    let cfg = load_dir(&dir, &LoadOptions::default()).unwrap();
    assert!(cfg.errors.iter().any(|e| e.message.contains("module cycle")), "{:?}", cfg.errors);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tfvars_override_defaults_and_are_recorded_without_values() {
    let dir = std::env::temp_dir().join(format!("mbdeploy-hcl-tfvars-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "variable \"n\" {\n  type = number\n  default = 1\n}\nresource \"x_y\" \"z\" {\n  a = var.n\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("terraform.tfvars"), "n = \"7\"\nmetabase_db_password = \"hunter2\"\n").unwrap();
    let cfg = load_dir(&dir, &LoadOptions::default()).unwrap();
    assert_eq!(resource(&cfg, "x_y.z").values.get("a").unwrap().as_f64(), Some(7.0));
    let entry = cfg.tfvars.iter().find(|t| t.name == "metabase_db_password").unwrap();
    assert!(entry.is_string_literal);
    assert_eq!(entry.loc.line, 2);
    let opts = LoadOptions { vars: vec![("n".into(), "9".into())], ..LoadOptions::default() };
    let cfg = load_dir(&dir, &opts).unwrap();
    assert_eq!(resource(&cfg, "x_y.z").values.get("a").unwrap().as_f64(), Some(9.0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_inputs_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("mbdeploy-hcl-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(load_dir(&dir, &LoadOptions::default()).unwrap_err().message.contains("no .tf"));
    assert!(load_dir(&dir.join("missing"), &LoadOptions::default()).is_err());
    std::fs::write(dir.join("bin.tf"), [0u8, 159, 146, 150]).unwrap();
    std::fs::write(dir.join("latin1.tf"), b"# caf\xe9\n").unwrap();
    std::fs::write(dir.join("ok.tf"), "resource \"aws_lb\" \"x\" {}\n").unwrap();
    // A 50 MB file (sparse: no disk is spent) is refused by size, before reading it.
    std::fs::File::create(dir.join("huge.tf")).unwrap().set_len(50 * 1000 * 1000).unwrap();
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(dir.join("loop.tf"), dir.join("loop.tf"));
    }
    let cfg = load_dir(&dir, &LoadOptions::default()).unwrap();
    let messages: Vec<&str> = cfg.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("binary")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("50.0 MB") && m.contains("limit")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("UTF-8")), "{messages:?}");
    #[cfg(unix)]
    assert!(messages.iter().any(|m| m.contains("symbolic links")), "{messages:?}");
    assert_eq!(cfg.resources.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deeply_nested_expressions_do_not_crash() {
    let deep = format!("resource \"x_y\" \"z\" {{\n  a = {}1{}\n}}\n", "[".repeat(5000), "]".repeat(5000));
    let cfg = load(&[("deep.tf", &deep)]);
    assert_eq!(cfg.errors.len(), 1, "{:?}", cfg.errors);
    let chain: String = (0..150).map(|i| format!("locals {{ l{} = local.l{} + 1 }}\n", i + 1, i)).collect();
    let cfg =
        load(&[("chain.tf", &format!("locals {{ l0 = 0 }}\n{chain}resource \"x_y\" \"z\" {{ a = local.l150 }}\n"))]);
    assert_eq!(resource(&cfg, "x_y.z").values.get("a").unwrap().as_f64(), Some(150.0));
}

/// A small, deterministic stand-in for the fuzz target (which needs nightly): every prefix and
/// many byte-level mutations of a realistic file must load without panicking.
#[test]
fn mutated_inputs_never_panic() {
    let seed = include_str!("../../../fixtures/document-as-is/ecs.tf");
    let bytes = seed.as_bytes();
    let mut state: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut cases: Vec<Vec<u8>> = (0..bytes.len()).step_by(37).map(|n| bytes[..n].to_vec()).collect();
    for _ in 0..300 {
        let mut m = bytes.to_vec();
        for _ in 0..1 + next() % 8 {
            let i = (next() as usize) % m.len();
            match next() % 4 {
                0 => m[i] = b"{}[]()\"=$%~\n#*/\\:?"[(next() % 17) as usize],
                1 => {
                    m.remove(i);
                }
                2 => m.insert(i, (next() % 128) as u8),
                _ => {
                    let j = (i + (next() as usize % 64)).min(m.len());
                    let chunk = m[i..j].to_vec();
                    m.splice(i..i, chunk);
                }
            }
        }
        cases.push(m);
    }
    for case in cases {
        let text = String::from_utf8_lossy(&case).into_owned();
        let cfg = load(&[("fuzz.tf", &text)]);
        let _ = mbdeploy_model::tf::build(cfg);
    }
}
