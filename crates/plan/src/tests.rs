//! Unit tests over small hand-written plans: the corners of reading values.

use crate::{load_plan_str, REDACTED};
use mbdeploy_model::tf::TfConfig;
use mbdeploy_model::{Kind, Value};
use serde_json::{json, Value as J};

/// A plan of one root resource `aws_x.r`, with its change and its configuration expressions.
fn one(after: J, unknown: J, sensitive: J, expressions: J) -> Value {
    let plan = json!({
        "format_version": "1.2",
        "resource_changes": [{
            "address": "aws_x.r", "mode": "managed", "type": "aws_x", "name": "r",
            "change": {"actions": ["create"], "after": after, "after_unknown": unknown, "after_sensitive": sensitive}
        }],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_x.r", "mode": "managed", "type": "aws_x", "name": "r", "expressions": expressions}
        ]}}
    });
    let cfg = load_plan_str(&plan.to_string(), "t.json").unwrap();
    cfg.resources.into_iter().next().unwrap().values
}

fn refs(v: &Value) -> Vec<String> {
    match &v.kind {
        Kind::Unknown(r) => r.clone(),
        other => panic!("not unknown: {other:?}"),
    }
}

#[test]
fn set_blocks_find_their_configuration_by_content() {
    // The provider sorted the set: the 5432 block comes first in the plan, second in the source.
    let v = one(
        json!({"rule": [{"port": 5432}, {"port": 80}]}),
        json!({"rule": [{"peer": true}, {"peer": true}]}),
        json!({}),
        json!({"rule": [
            {"port": {"constant_value": 80}, "peer": {"references": ["aws_lb.a.id", "aws_lb.a"]}},
            {"port": {"constant_value": 5432}, "peer": {"references": ["aws_db.b.id", "aws_db.b"]}}
        ]}),
    );
    let rules = v.get("rule").unwrap().as_list().unwrap();
    assert_eq!(refs(rules[0].get("peer").unwrap()), vec!["aws_db.b"]);
    assert_eq!(refs(rules[1].get("peer").unwrap()), vec!["aws_lb.a"]);
}

#[test]
fn unwritten_computed_values_are_absent_and_dynamic_ones_stay_unknown() {
    let v = one(
        json!({"block": [{"a": 1}], "dyn": [{"x": 1}]}),
        json!({"id": true, "name": true, "block": [{"computed": true}], "dyn": [{"y": true}]}),
        json!({}),
        json!({"name": {"references": ["var.n"]}, "block": [{"a": {"constant_value": 1}}]}),
    );
    assert!(v.get("id").unwrap().is_null(), "computed and not written");
    assert_eq!(refs(v.get("name").unwrap()), vec!["var.n"]);
    let block = &v.get("block").unwrap().as_list().unwrap()[0];
    assert!(block.get("computed").unwrap().is_null());
    // A block the configuration does not show (written with `dynamic`): unknown, source untold.
    let dynamic = &v.get("dyn").unwrap().as_list().unwrap()[0];
    assert_eq!(refs(dynamic.get("y").unwrap()), Vec::<String>::new());
}

#[test]
fn nested_empty_strings_are_unset_unless_written() {
    let v = one(
        json!({"top": "", "route": [{"gateway_id": "", "note": ""}]}),
        json!({}),
        json!({}),
        json!({"route": [{"note": {"constant_value": ""}}]}),
    );
    assert_eq!(v.get("top").unwrap().as_str(), Some(""));
    let route = &v.get("route").unwrap().as_list().unwrap()[0];
    assert!(route.get("gateway_id").unwrap().is_null());
    assert_eq!(route.get("note").unwrap().as_str(), Some(""));
}

#[test]
fn sensitive_parts_are_replaced_whole() {
    let v = one(
        json!({"password": "s3cr3t-value", "env": {"A": "s3cr3t-value-2", "B": "plain"}, "list": ["a", "b"]}),
        json!({}),
        json!({"password": true, "env": {"A": true}, "list": true}),
        json!({"password": {"references": ["var.pw"]}}),
    );
    let shown = format!("{v:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    let pw = v.get("password").unwrap();
    assert!(pw.sensitive && pw.is_unknown());
    assert_eq!(pw.partial_text().as_deref(), Some(REDACTED));
    assert_eq!(pw.refs(), vec!["var.pw"]);
    assert_eq!(v.get("env").unwrap().get("B").unwrap().as_str(), Some("plain"));
    assert!(v.get("list").unwrap().sensitive);
    // A whole resource marked sensitive keeps nothing.
    let all = one(json!({"x": "s3cr3t-value"}), json!({}), json!(true), json!({}));
    assert!(all.as_object().unwrap().is_empty());
}

#[test]
fn masks_of_the_wrong_shape_are_ignored() {
    for (unknown, sensitive) in [
        (json!("x"), json!([1, 2])),
        (json!([true]), json!({"a": {"b": true}})),
        (json!({"a": [true, true, true]}), json!(null)),
        (json!({"a": {"deep": true}}), json!(false)),
    ] {
        let v = one(json!({"a": [1], "b": "x"}), unknown, sensitive, json!({"a": 1, "b": [{"c": {}}]}));
        assert!(v.as_object().is_some());
    }
}

fn plan(resources: J, configuration: J) -> TfConfig {
    let text = json!({"format_version": "1.2", "resource_changes": resources, "configuration": configuration});
    load_plan_str(&text.to_string(), "t.json").unwrap()
}

#[test]
fn malformed_entries_are_skipped_with_an_issue() {
    let cfg = plan(
        json!([
            {"mode": "managed", "type": "aws_x", "change": {"actions": ["create"], "after": {}}},
            {"address": "aws_x.a", "type": "aws_x", "change": {"actions": ["create"], "after": {}}},
            {"address": "not an address", "mode": "managed", "change": {}},
            {"address": "aws_x.b", "mode": "managed", "type": "aws_x", "change": {"actions": ["create"], "after": {"v": 1}}},
            {"address": "aws_x.b", "mode": "managed", "type": "aws_x", "change": {"actions": ["create"], "after": {"v": 2}}},
            {"address": "ephemeral.aws_x.e", "mode": "ephemeral", "type": "aws_x", "change": {}},
            "not an object",
        ]),
        json!({"root_module": {"resources": "not a list"}}),
    );
    assert_eq!(cfg.resources.len(), 1);
    assert_eq!(cfg.resources[0].values.get("v").and_then(Value::as_i64), Some(1));
    assert_eq!(cfg.load_issues.iter().filter(|i| i.code == "plan-malformed").count(), 4);
}

#[test]
fn output_references_read_like_the_source_loaders() {
    let cfg = plan(
        json!([]),
        json!({"root_module": {
            "outputs": {"ids": {"sensitive": true, "expression": {"references": [
                "aws_subnet.private[0].id", "aws_subnet.private[0]", "aws_subnet.private",
                "aws_subnet.private[1].id", "aws_subnet.private[1]"
            ]}}},
            "variables": {"pw": {"sensitive": true, "default": "x"}, "n": {"default": null}}
        }}),
    );
    assert_eq!(cfg.outputs[0].references, vec!["aws_subnet.private.id"]);
    assert!(cfg.outputs[0].sensitive);
    let pw = &cfg.variables[0];
    assert!(pw.sensitive && pw.default_loc.is_some() && pw.has_string_default);
    let n = &cfg.variables[1];
    assert!(n.default_loc.is_none() && !n.has_string_default);
}
