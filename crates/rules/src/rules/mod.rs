//! The rule registry: one file per rule.

use crate::Rule;

mod alb_drop_invalid_headers;
mod alb_http_redirects;
mod alb_https_listener;
mod alb_target_health_check;
mod alb_tls_policy;
mod common;
mod ecr_encryption;
mod ecr_immutable_tags;
mod ecr_scan_on_push;
mod ecs_circuit_breaker;
mod ecs_container_health_check;
mod ecs_encryption_secret_key;
mod ecs_grace_period;
mod ecs_image_pinned;
mod iam_common;
mod iam_execution_role_scoped;
mod iam_no_admin_policies;
mod iam_no_wildcards;
mod iam_task_role_distinct;
mod iam_trust_ecs_tasks;
mod log_awslogs_managed_group;
mod mon_alarms;
mod mon_container_insights;
mod net_alb_ingress;
mod net_ecs_ingress;
mod net_ecs_no_public_ip;
mod net_ecs_private_subnets;
mod net_nat_per_az;
mod net_no_world_sensitive_ports;
mod net_private_egress;
mod net_rds_ingress;
mod net_rds_private_subnets;
mod net_vpc_endpoints;
mod out_sensitive_outputs;
mod rds_backup_retention;
mod rds_deletion_protection;
mod rds_force_ssl;
mod rds_metabase_ssl;
mod rds_not_public;
mod rds_storage_encrypted;
mod sec_db_password_from_secrets_manager;
mod sec_no_secret_in_environment;
mod sec_no_secret_in_tfvars;
mod sec_no_secret_variable_default;
mod sec_rds_password_not_in_state;
mod sec_rotation_redeploys;
mod sec_secret_variables_sensitive;
mod sec_secrets_rotated;
mod sup_suppressions;
mod tf_duplicate_attribute;
mod tf_module_not_audited;
mod tf_remote_backend;

#[cfg(test)]
pub(crate) mod testing;

/// Every rule, in the order they are listed.
pub fn all() -> &'static [&'static Rule] {
    static ALL: &[&Rule] = &[
        &net_ecs_private_subnets::RULE,
        &net_rds_private_subnets::RULE,
        &net_private_egress::RULE,
        &net_nat_per_az::RULE,
        &net_vpc_endpoints::RULE,
        &net_alb_ingress::RULE,
        &net_ecs_ingress::RULE,
        &net_rds_ingress::RULE,
        &net_no_world_sensitive_ports::RULE,
        &net_ecs_no_public_ip::RULE,
        &iam_execution_role_scoped::RULE,
        &iam_task_role_distinct::RULE,
        &iam_no_wildcards::RULE,
        &iam_no_admin_policies::RULE,
        &iam_trust_ecs_tasks::RULE,
        &sec_no_secret_in_environment::RULE,
        &sec_db_password_from_secrets_manager::RULE,
        &sec_rds_password_not_in_state::RULE,
        &sec_no_secret_variable_default::RULE,
        &sec_secret_variables_sensitive::RULE,
        &sec_secrets_rotated::RULE,
        &sec_no_secret_in_tfvars::RULE,
        &sec_rotation_redeploys::RULE,
        &rds_storage_encrypted::RULE,
        &rds_force_ssl::RULE,
        &rds_metabase_ssl::RULE,
        &rds_not_public::RULE,
        &rds_backup_retention::RULE,
        &rds_deletion_protection::RULE,
        &ecr_scan_on_push::RULE,
        &ecr_encryption::RULE,
        &ecr_immutable_tags::RULE,
        &out_sensitive_outputs::RULE,
        &alb_https_listener::RULE,
        &alb_http_redirects::RULE,
        &alb_tls_policy::RULE,
        &alb_drop_invalid_headers::RULE,
        &alb_target_health_check::RULE,
        &ecs_container_health_check::RULE,
        &ecs_encryption_secret_key::RULE,
        &ecs_image_pinned::RULE,
        &ecs_circuit_breaker::RULE,
        &ecs_grace_period::RULE,
        &log_awslogs_managed_group::RULE,
        &mon_alarms::RULE,
        &mon_container_insights::RULE,
        &tf_remote_backend::RULE,
        &tf_duplicate_attribute::RULE,
        &tf_module_not_audited::RULE,
        &sup_suppressions::WITHOUT_REASON,
        &sup_suppressions::UNKNOWN_RULE,
    ];
    ALL
}

#[cfg(test)]
mod tests {
    use super::testing::findings_of;
    use super::*;
    use std::collections::HashSet;

    /// Every rule's bad example is flagged by it and its good example is not: the examples that
    /// document a rule are also its first test.
    #[test]
    fn every_rule_flags_its_bad_example_and_passes_its_good_one() {
        // A rule whose examples need more than one file (e.g. a .tfvars) leaves them empty and
        // tests itself on a directory.
        for rule in all().iter().filter(|r| !r.meta.bad_example.is_empty()) {
            let bad = findings_of(rule, rule.meta.bad_example);
            assert!(!bad.is_empty(), "{}: bad example not flagged", rule.meta.id);
            let good = findings_of(rule, rule.meta.good_example);
            assert!(good.is_empty(), "{}: good example flagged: {:#?}", rule.meta.id, good);
        }
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for rule in all() {
            let m = &rule.meta;
            assert!(ids.insert(m.id), "duplicate id {}", m.id);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            let parts: Vec<&str> = m.id.split('-').collect();
            let well_formed = parts.len() == 3
                && parts[0] == "MBD"
                && (2..=3).contains(&parts[1].len())
                && parts[1].chars().all(|c| c.is_ascii_uppercase())
                && parts[2].len() == 3
                && parts[2].chars().all(|c| c.is_ascii_digit());
            assert!(well_formed, "bad id {}", m.id);
            let cites = m.section.starts_with('§')
                || m.section.starts_with("Best Practices")
                || m.section.starts_with("Known Issues");
            assert!(cites, "{}: section must cite the document", m.id);
            assert!(!m.rationale.is_empty() && !m.remediation.is_empty());
        }
    }
}
