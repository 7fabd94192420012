//! The one list of AWS operations the live reader calls, with the IAM action each needs.
//!
//! Every call site in [`crate::api`] names its entry here, `mbdeploy iam-policy` prints the policy
//! made from this list, and a test checks that the SDK operations called in `api.rs` and this list
//! agree. A new call therefore cannot ship without its permission in the documented policy.

/// One SDK operation.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Action {
    /// The SDK crate's service (`ecs` for `aws-sdk-ecs`).
    pub service: &'static str,
    /// The operation, as the API names it (`DescribeServices`).
    pub operation: &'static str,
    /// The IAM action that allows it (`ecs:DescribeServices`).
    pub iam: &'static str,
    /// The model collections a denial of this action leaves unread (see [`crate::NotVerified`]).
    pub reads: &'static [&'static str],
}

macro_rules! actions {
    ($($name:ident = $service:literal, $op:literal, $iam:literal, [$($reads:literal),*];)*) => {
        $(pub const $name: Action = Action { service: $service, operation: $op, iam: $iam, reads: &[$($reads),*] };)*
        /// Every action the reader may call.
        pub static ALL: &[&Action] = &[$(&$name),*];
    };
}

actions! {
    STS_GET_CALLER_IDENTITY = "sts", "GetCallerIdentity", "sts:GetCallerIdentity", [];
    ECS_DESCRIBE_CLUSTERS = "ecs", "DescribeClusters", "ecs:DescribeClusters", ["ecs_clusters"];
    ECS_DESCRIBE_SERVICES = "ecs", "DescribeServices", "ecs:DescribeServices", ["ecs_services", "task_definitions", "running_tasks", "target_groups", "target_health", "load_balancers", "load_balancer_attributes", "listeners", "listener_rules", "certificates", "security_groups", "subnets", "route_tables", "nat_gateways", "vpc_endpoints", "vpcs", "iam_roles", "iam_policies", "secrets", "log_groups", "ecr_repositories", "ecr_images"];
    ECS_DESCRIBE_TASK_DEFINITION = "ecs", "DescribeTaskDefinition", "ecs:DescribeTaskDefinition", ["task_definitions", "iam_roles", "iam_policies", "secrets", "log_groups", "ecr_repositories", "ecr_images"];
    ECS_LIST_TASKS = "ecs", "ListTasks", "ecs:ListTasks", ["running_tasks"];
    ECS_DESCRIBE_TASKS = "ecs", "DescribeTasks", "ecs:DescribeTasks", ["running_tasks"];
    EC2_DESCRIBE_VPCS = "ec2", "DescribeVpcs", "ec2:DescribeVpcs", ["vpcs"];
    EC2_DESCRIBE_SUBNETS = "ec2", "DescribeSubnets", "ec2:DescribeSubnets", ["subnets", "vpcs", "route_tables", "nat_gateways", "vpc_endpoints", "internet_gateways"];
    EC2_DESCRIBE_ROUTE_TABLES = "ec2", "DescribeRouteTables", "ec2:DescribeRouteTables", ["route_tables"];
    EC2_DESCRIBE_INTERNET_GATEWAYS = "ec2", "DescribeInternetGateways", "ec2:DescribeInternetGateways", ["internet_gateways"];
    EC2_DESCRIBE_NAT_GATEWAYS = "ec2", "DescribeNatGateways", "ec2:DescribeNatGateways", ["nat_gateways"];
    EC2_DESCRIBE_VPC_ENDPOINTS = "ec2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints", ["vpc_endpoints"];
    EC2_DESCRIBE_SECURITY_GROUPS = "ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", ["security_groups"];
    ELB_DESCRIBE_TARGET_GROUPS = "elasticloadbalancingv2", "DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroups", ["target_groups", "target_health", "load_balancers", "load_balancer_attributes", "listeners", "listener_rules", "certificates", "security_groups"];
    ELB_DESCRIBE_TARGET_HEALTH = "elasticloadbalancingv2", "DescribeTargetHealth", "elasticloadbalancing:DescribeTargetHealth", ["target_health"];
    ELB_DESCRIBE_LOAD_BALANCERS = "elasticloadbalancingv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", ["load_balancers", "load_balancer_attributes", "listeners", "listener_rules", "certificates", "security_groups"];
    ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES = "elasticloadbalancingv2", "DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes", ["load_balancer_attributes"];
    ELB_DESCRIBE_LISTENERS = "elasticloadbalancingv2", "DescribeListeners", "elasticloadbalancing:DescribeListeners", ["listeners", "listener_rules", "certificates"];
    ELB_DESCRIBE_RULES = "elasticloadbalancingv2", "DescribeRules", "elasticloadbalancing:DescribeRules", ["listener_rules"];
    ACM_DESCRIBE_CERTIFICATE = "acm", "DescribeCertificate", "acm:DescribeCertificate", ["certificates"];
    RDS_DESCRIBE_DB_INSTANCES = "rds", "DescribeDBInstances", "rds:DescribeDBInstances", ["db_instances", "db_parameter_groups", "security_groups", "subnets", "route_tables", "secrets"];
    RDS_DESCRIBE_DB_PARAMETERS = "rds", "DescribeDBParameters", "rds:DescribeDBParameters", ["db_parameter_groups"];
    ECR_DESCRIBE_REPOSITORIES = "ecr", "DescribeRepositories", "ecr:DescribeRepositories", ["ecr_repositories"];
    ECR_DESCRIBE_IMAGES = "ecr", "DescribeImages", "ecr:DescribeImages", ["ecr_images"];
    ECR_GET_REGISTRY_SCANNING_CONFIGURATION = "ecr", "GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration", ["ecr_registry"];
    SECRETS_DESCRIBE_SECRET = "secretsmanager", "DescribeSecret", "secretsmanager:DescribeSecret", ["secrets"];
    LOGS_DESCRIBE_LOG_GROUPS = "cloudwatchlogs", "DescribeLogGroups", "logs:DescribeLogGroups", ["log_groups"];
    CLOUDWATCH_DESCRIBE_ALARMS = "cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms", ["alarms"];
    EVENTS_LIST_RULES = "eventbridge", "ListRules", "events:ListRules", ["event_rules"];
    EVENTS_LIST_TARGETS_BY_RULE = "eventbridge", "ListTargetsByRule", "events:ListTargetsByRule", ["event_rules"];
    SFN_DESCRIBE_STATE_MACHINE = "sfn", "DescribeStateMachine", "states:DescribeStateMachine", ["event_rules"];
    IAM_GET_ROLE = "iam", "GetRole", "iam:GetRole", ["iam_roles"];
    IAM_LIST_ROLE_POLICIES = "iam", "ListRolePolicies", "iam:ListRolePolicies", ["iam_roles"];
    IAM_GET_ROLE_POLICY = "iam", "GetRolePolicy", "iam:GetRolePolicy", ["iam_roles"];
    IAM_LIST_ATTACHED_ROLE_POLICIES = "iam", "ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", ["iam_roles", "iam_policies"];
    IAM_GET_POLICY = "iam", "GetPolicy", "iam:GetPolicy", ["iam_policies"];
    IAM_GET_POLICY_VERSION = "iam", "GetPolicyVersion", "iam:GetPolicyVersion", ["iam_policies"];
}

/// The least-privilege, read-only IAM policy the reader needs, as pretty JSON.
pub fn iam_policy() -> String {
    let mut actions: Vec<&str> = ALL.iter().map(|a| a.iam).collect();
    actions.sort_unstable();
    actions.dedup();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "MbdeployVerifyReadOnly",
            "Effect": "Allow",
            // Describe/List/Get calls on the deployment's resources. None of them reads a secret's
            // value or an object's content. Most describe actions do not support resource-level
            // permissions, hence "*".
            "Action": actions,
            "Resource": "*"
        }]
    });
    serde_json::to_string_pretty(&policy).expect("a JSON value serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pascal(snake: &str) -> String {
        snake
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            })
            .collect()
    }

    /// Every SDK operation called in api.rs is in [`ALL`], is called through its own entry, and
    /// every entry is called: the policy grants exactly what the reader uses.
    #[test]
    fn every_sdk_call_is_in_the_policy() {
        // Whitespace removed, so that calls broken over lines by rustfmt read as one.
        let source: String = include_str!("api.rs").chars().filter(|c| !c.is_whitespace()).collect();
        let policy = iam_policy();
        let clients = [
            ("sts", "sts"),
            ("ecs", "ecs"),
            ("ec2", "ec2"),
            ("elb", "elasticloadbalancingv2"),
            ("acm", "acm"),
            ("rds", "rds"),
            ("ecr", "ecr"),
            ("secrets", "secretsmanager"),
            ("logs", "cloudwatchlogs"),
            ("cloudwatch", "cloudwatch"),
            ("iam", "iam"),
            ("events", "eventbridge"),
            ("sfn", "sfn"),
        ];
        let mut called = Vec::new();
        for (field, service) in clients {
            let needle = format!("self.{field}.");
            for (start, _) in source.match_indices(&needle) {
                let rest = &source[start + needle.len()..];
                let method: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !rest[method.len()..].starts_with('(') {
                    continue;
                }
                let operation = pascal(&method);
                let action = ALL
                    .iter()
                    .find(|a| a.service == service && a.operation.eq_ignore_ascii_case(&operation))
                    .unwrap_or_else(|| panic!("api.rs calls {service}::{operation}, which is not in actions::ALL"));
                assert!(policy.contains(&format!("\"{}\"", action.iam)), "{} missing from the policy", action.iam);
                // The call site names its own entry beside it (`call(&ECS_DESCRIBE_SERVICES, ...)`).
                let lo = source[..start].char_indices().rev().nth(200).map(|(i, _)| i).unwrap_or(0);
                let hi = (start + 200).min(source.len());
                let window = &source[lo..source.floor_char_boundary_compat(hi)];
                assert!(
                    window.contains(&format!("&{}", const_name(action))),
                    "api.rs: {operation} must be called through its own actions:: entry"
                );
                called.push(action.iam);
            }
        }
        for a in ALL {
            assert!(called.contains(&a.iam), "{} is in the policy but never called", a.iam);
        }
    }

    trait FloorBoundary {
        fn floor_char_boundary_compat(&self, i: usize) -> usize;
    }

    impl FloorBoundary for String {
        fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
            while !self.is_char_boundary(i) {
                i -= 1;
            }
            i
        }
    }

    fn const_name(a: &Action) -> String {
        let prefix = match a.service {
            "elasticloadbalancingv2" => "ELB",
            "secretsmanager" => "SECRETS",
            "cloudwatchlogs" => "LOGS",
            "eventbridge" => "EVENTS",
            s => return format!("{}_{}", s.to_ascii_uppercase(), snake_upper(a.operation)),
        };
        format!("{prefix}_{}", snake_upper(a.operation))
    }

    fn snake_upper(op: &str) -> String {
        // DescribeDBInstances -> DESCRIBE_DB_INSTANCES
        let mut out = String::new();
        let chars: Vec<char> = op.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars.get(i + 1).map(|n| n.is_ascii_lowercase()).unwrap_or(false));
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }

    #[test]
    fn the_policy_is_read_only() {
        for a in ALL {
            let verb = a.iam.split(':').nth(1).unwrap();
            assert!(["Describe", "List", "Get"].iter().any(|p| verb.starts_with(p)), "{} is not a read action", a.iam);
            assert!(!a.iam.contains("GetSecretValue"), "the reader never reads secret values");
        }
        let v: serde_json::Value = serde_json::from_str(&iam_policy()).unwrap();
        assert_eq!(v["Statement"][0]["Effect"], "Allow");
    }
}
