//! RDS, ECR, Secrets Manager, CloudWatch log groups and alarms.

use super::*;

pub(super) fn build(rs: &[&TfResource], d: &mut Deployment) {
    for r in of_type(rs, &["aws_db_instance", "aws_rds_cluster"]) {
        let db = db_instance(r);
        if matches!(db.password, PasswordSource::Managed) {
            // RDS keeps the master password in a secret it creates and rotates (every 7 days by
            // default); model it so `valueFrom` references to it resolve.
            let mut meta = r.meta();
            meta.keys.retain(|k| k == &r.address);
            d.secrets.push(Secret {
                meta,
                name: Attr::unknown(r.loc.clone()),
                kms_key: attr_string(&r.values, "master_user_secret_kms_key_id", &r.loc),
                rotation: Attr::set(true, r.loc.clone()),
                rotation_schedule: Some("7 days (RDS default)".into()),
                managed_by_rds: true,
            });
        }
        d.db_instances.push(db);
    }
    for r in of_type(rs, &["aws_db_parameter_group", "aws_rds_cluster_parameter_group"]) {
        let parameters = r
            .values
            .blocks("parameter")
            .into_iter()
            .filter_map(|p| {
                let name = field(p, "name")?.to_template_string()?;
                let value = match field(p, "value") {
                    Some(v) if !v.contains_unknown() => {
                        v.to_template_string().map(Field::Set).unwrap_or(Field::Unknown)
                    }
                    Some(_) => Field::Unknown,
                    None => Field::Unset,
                };
                Some(DbParameter { name, value, loc: p.loc.clone() })
            })
            .collect();
        d.db_parameter_groups.push(DbParameterGroup {
            meta: r.meta(),
            family: attr_string(&r.values, "family", &r.loc),
            parameters,
        });
    }
    for r in of_type(rs, &["aws_db_subnet_group"]) {
        d.db_subnet_groups.push(DbSubnetGroup {
            meta: r.meta(),
            subnets: keys_of(field(&r.values, "subnet_ids")),
            subnets_unknown: has_opaque_unknown(field(&r.values, "subnet_ids")),
        });
    }
    for r in of_type(rs, &["aws_ecr_repository"]) {
        let v = &r.values;
        let scan = first_block(v, "image_scanning_configuration")
            .map(|b| attr_bool(b, "scan_on_push", &b.loc))
            .unwrap_or_else(|| Attr::unset(r.loc.clone()));
        let encryption = first_block(v, "encryption_configuration")
            .map(|b| attr_string(b, "encryption_type", &b.loc))
            .unwrap_or_else(|| Attr::unset(r.loc.clone()));
        d.ecr_repositories.push(EcrRepository {
            meta: r.meta(),
            name: attr_string(v, "name", &r.loc),
            scan_on_push: scan,
            tag_mutability: attr_string(v, "image_tag_mutability", &r.loc),
            encryption_type: encryption,
        });
    }
    for r in of_type(rs, &["aws_ecr_registry_scanning_configuration"]) {
        let enhanced = field(&r.values, "scan_type").and_then(Value::as_str) == Some("ENHANCED");
        let on_push = r.values.blocks("rule").into_iter().any(|rule| {
            matches!(
                field(rule, "scan_frequency").and_then(Value::as_str),
                Some("SCAN_ON_PUSH") | Some("CONTINUOUS_SCAN")
            )
        });
        d.ecr_registry_scan_on_push |= enhanced || on_push;
    }
    for r in of_type(rs, &["aws_secretsmanager_secret"]) {
        d.secrets.push(Secret {
            meta: r.meta(),
            name: attr_string(&r.values, "name", &r.loc),
            kms_key: attr_string(&r.values, "kms_key_id", &r.loc),
            rotation: Attr::unset(r.loc.clone()),
            rotation_schedule: None,
            managed_by_rds: false,
        });
    }
    for r in of_type(rs, &["aws_secretsmanager_secret_rotation"]) {
        let keys = keys_of(field(&r.values, "secret_id"));
        let rules = first_block(&r.values, "rotation_rules");
        let schedule = rules.and_then(|b| {
            field(b, "schedule_expression").and_then(Value::to_template_string).or_else(|| {
                field(b, "automatically_after_days").and_then(Value::to_template_string).map(|d| format!("{d} days"))
            })
        });
        if let Some(secret) = d.secrets.iter_mut().find(|s| keys.iter().any(|k| s.meta.answers_to(k))) {
            secret.rotation = Attr::set(true, r.loc.clone());
            secret.rotation_schedule = schedule;
        }
    }
    for r in of_type(rs, &["aws_cloudwatch_log_group"]) {
        d.log_groups.push(LogGroup {
            meta: r.meta(),
            name: attr_string(&r.values, "name", &r.loc),
            retention_days: attr_i64(&r.values, "retention_in_days", &r.loc),
            kms_key: attr_string(&r.values, "kms_key_id", &r.loc),
        });
    }
    for r in of_type(rs, &["aws_cloudwatch_event_rule"]) {
        let pattern = field(&r.values, "event_pattern");
        d.event_rules.push(EventRule {
            meta: r.meta(),
            pattern: pattern.and_then(Value::partial_text).unwrap_or_default(),
            pattern_refs: pattern.map(Value::refs).unwrap_or_default(),
        });
    }
    for r in of_type(rs, &["aws_cloudwatch_event_target"]) {
        d.event_targets.push(EventTarget {
            meta: r.meta(),
            rule: key_of(field(&r.values, "rule")),
            target: key_of(field(&r.values, "arn")),
        });
    }
    for r in of_type(rs, &["aws_sfn_state_machine"]) {
        let definition = field(&r.values, "definition");
        d.state_machines.push(StateMachine {
            meta: r.meta(),
            definition: definition.and_then(Value::partial_text).unwrap_or_default(),
            definition_refs: definition.map(Value::refs).unwrap_or_default(),
        });
    }
    for r in of_type(rs, &["aws_cloudwatch_metric_alarm"]) {
        let v = &r.values;
        let query_namespaces = v
            .blocks("metric_query")
            .into_iter()
            .filter_map(|q| first_block(q, "metric"))
            .filter_map(|m| field(m, "namespace").and_then(Value::to_template_string))
            .collect();
        d.alarms.push(Alarm {
            meta: r.meta(),
            namespace: attr_string(v, "namespace", &r.loc),
            metric_name: attr_string(v, "metric_name", &r.loc),
            query_namespaces,
            alarm_actions: keys_of(field(v, "alarm_actions")),
            actions_enabled: attr_bool(v, "actions_enabled", &r.loc),
        });
    }
}

fn db_instance(r: &TfResource) -> DbInstance {
    let v = &r.values;
    let cluster = r.resource_type == "aws_rds_cluster";
    let password_key = if cluster { "master_password" } else { "password" };
    let password = if field(v, "manage_master_user_password").and_then(Value::as_bool) == Some(true) {
        PasswordSource::Managed
    } else if field(v, &format!("{password_key}_wo")).is_some() {
        PasswordSource::WriteOnly
    } else if let Some(p) = field(v, password_key) {
        PasswordSource::InState { loc: p.loc.clone(), sensitive: p.contains_sensitive() || p.is_unknown() }
    } else {
        PasswordSource::None
    };
    let mut security_groups = keys_of(field(v, "vpc_security_group_ids"));
    security_groups.extend(keys_of(field(v, "security_group_names")));
    DbInstance {
        meta: r.meta(),
        is_cluster: cluster,
        engine: attr_string(v, "engine", &r.loc),
        storage_encrypted: attr_bool(v, "storage_encrypted", &r.loc),
        kms_key: attr_string(v, "kms_key_id", &r.loc),
        publicly_accessible: attr_bool(v, "publicly_accessible", &r.loc),
        backup_retention_period: attr_i64(v, "backup_retention_period", &r.loc),
        deletion_protection: attr_bool(v, "deletion_protection", &r.loc),
        skip_final_snapshot: attr_bool(v, "skip_final_snapshot", &r.loc),
        final_snapshot_identifier: attr_string(v, "final_snapshot_identifier", &r.loc),
        password,
        parameter_group: key_of(field(
            v,
            if cluster { "db_cluster_parameter_group_name" } else { "parameter_group_name" },
        )),
        subnet_group: key_of(field(v, "db_subnet_group_name")),
        security_groups,
        iam_authentication: attr_bool(v, "iam_database_authentication_enabled", &r.loc),
        multi_az: attr_bool(v, "multi_az", &r.loc),
        port: attr_i64(v, "port", &r.loc),
    }
}
