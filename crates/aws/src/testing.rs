//! A test double of [`Aws`]: answers from hand-built SDK structs, denies or fails chosen actions,
//! and counts calls. [`Fake::compliant`] is a deployment shaped like the module's
//! (terraform/modules/metabase), which tests then break one fact at a time.
//!
//! It lives in the library (not under `cfg(test)`) so the binary's tests can use it too.

use crate::actions::*;
use crate::api::{Aws, CallError, ErrorKind, Res};
use aws_sdk_acm::types::{CertificateDetail, CertificateStatus};
use aws_sdk_cloudwatch::types::MetricAlarm;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_ec2::types as ec2;
use aws_sdk_ecr::types as ecr;
use aws_sdk_ecs::types as ecs;
use aws_sdk_elasticloadbalancingv2::types as elb;
use aws_sdk_iam::types as iam;
use aws_sdk_rds::types as rds;
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_smithy_types::DateTime;
use std::cell::RefCell;

/// The SDK's types, for tests outside this crate that build answers (the SDK stays a dependency
/// of this crate only).
pub mod sdk {
    pub use aws_sdk_acm::types as acm;
    pub use aws_sdk_ec2::types as ec2;
    pub use aws_sdk_ecr::types as ecr;
    pub use aws_sdk_ecs::types as ecs;
    pub use aws_sdk_elasticloadbalancingv2::types as elb;
    pub use aws_sdk_eventbridge::types as events;
    pub use aws_sdk_iam::types as iam;
}

/// Canned answers.
#[derive(Clone, Debug, Default)]
pub struct Fake {
    pub account: String,
    pub clusters: Vec<ecs::Cluster>,
    pub services: Vec<ecs::Service>,
    pub task_definitions: Vec<ecs::TaskDefinition>,
    pub tasks: Vec<ecs::Task>,
    pub vpcs: Vec<ec2::Vpc>,
    pub subnets: Vec<ec2::Subnet>,
    pub route_tables: Vec<ec2::RouteTable>,
    pub internet_gateways: Vec<ec2::InternetGateway>,
    pub nat_gateways: Vec<ec2::NatGateway>,
    pub vpc_endpoints: Vec<ec2::VpcEndpoint>,
    pub security_groups: Vec<ec2::SecurityGroup>,
    pub target_groups: Vec<elb::TargetGroup>,
    pub target_health: Vec<(String, Vec<elb::TargetHealthDescription>)>,
    pub load_balancers: Vec<elb::LoadBalancer>,
    pub lb_attributes: Vec<(String, Vec<elb::LoadBalancerAttribute>)>,
    pub listeners: Vec<elb::Listener>,
    pub rules: Vec<(String, Vec<elb::Rule>)>,
    pub certificates: Vec<CertificateDetail>,
    pub db_instances: Vec<rds::DbInstance>,
    pub db_parameters: Vec<(String, Vec<rds::Parameter>)>,
    pub repositories: Vec<ecr::Repository>,
    /// (repository, tag or digest, image)
    pub images: Vec<(String, String, ecr::ImageDetail)>,
    pub registry: Option<ecr::RegistryScanningConfiguration>,
    pub secrets: Vec<DescribeSecretOutput>,
    pub log_groups: Vec<LogGroup>,
    pub alarms: Vec<MetricAlarm>,
    pub roles: Vec<iam::Role>,
    /// (role, policy name, document)
    pub role_policies: Vec<(String, String, String)>,
    /// (role, attached policy)
    pub attached: Vec<(String, iam::AttachedPolicy)>,
    /// Customer managed policies and their default version's document.
    pub policies: Vec<(iam::Policy, String)>,
    pub event_rules: Vec<aws_sdk_eventbridge::types::Rule>,
    /// (rule name, targets)
    pub event_targets: Vec<(String, Vec<aws_sdk_eventbridge::types::Target>)>,
    /// (state machine ARN, definition)
    pub state_machines: Vec<(String, String)>,
    /// IAM actions answered with AccessDenied.
    pub denied: Vec<&'static str>,
    /// IAM actions answered with a 500 (after retries, as the SDK would give up).
    pub failing: Vec<&'static str>,
    /// Every call made, by IAM action.
    pub calls: RefCell<Vec<&'static str>>,
}

impl Fake {
    fn gate(&self, action: &'static Action) -> Res<()> {
        self.calls.borrow_mut().push(action.iam);
        if self.denied.contains(&action.iam) {
            return Err(CallError::new(
                action,
                ErrorKind::Denied,
                "AccessDenied",
                "not authorized to perform this action",
            ));
        }
        if self.failing.contains(&action.iam) {
            return Err(CallError::new(action, ErrorKind::Other, "InternalFailure", "service unavailable"));
        }
        Ok(())
    }

    fn not_found<T>(action: &'static Action, what: &str) -> Res<T> {
        Err(CallError::new(action, ErrorKind::NotFound, "ResourceNotFoundException", &format!("{what} not found")))
    }

    pub fn call_count(&self) -> usize {
        self.calls.borrow().len()
    }
}

fn role_name_of(arn_or_name: &str) -> &str {
    crate::read::arn_name(arn_or_name)
}

impl Aws for Fake {
    async fn account_id(&self) -> Res<String> {
        self.gate(&STS_GET_CALLER_IDENTITY)?;
        Ok(self.account.clone())
    }
    async fn describe_cluster(&self, name: &str) -> Res<Option<ecs::Cluster>> {
        self.gate(&ECS_DESCRIBE_CLUSTERS)?;
        Ok(self.clusters.iter().find(|c| c.cluster_name() == Some(name) || c.cluster_arn() == Some(name)).cloned())
    }
    async fn describe_service(&self, _cluster: &str, name: &str) -> Res<Option<ecs::Service>> {
        self.gate(&ECS_DESCRIBE_SERVICES)?;
        Ok(self.services.iter().find(|s| s.service_name() == Some(name)).cloned())
    }
    async fn describe_task_definition(&self, arn: &str) -> Res<ecs::TaskDefinition> {
        self.gate(&ECS_DESCRIBE_TASK_DEFINITION)?;
        match self.task_definitions.iter().find(|t| t.task_definition_arn() == Some(arn)) {
            Some(t) => Ok(t.clone()),
            None => Self::not_found(&ECS_DESCRIBE_TASK_DEFINITION, arn),
        }
    }
    async fn list_tasks(&self, _cluster: &str, _service: &str) -> Res<Vec<String>> {
        self.gate(&ECS_LIST_TASKS)?;
        Ok(self.tasks.iter().filter_map(|t| t.task_arn()).map(str::to_string).collect())
    }
    async fn describe_tasks(&self, _cluster: &str, arns: &[String]) -> Res<Vec<ecs::Task>> {
        self.gate(&ECS_DESCRIBE_TASKS)?;
        Ok(self.tasks.iter().filter(|t| arns.iter().any(|a| t.task_arn() == Some(a))).cloned().collect())
    }
    async fn describe_vpcs(&self, ids: &[String]) -> Res<Vec<ec2::Vpc>> {
        self.gate(&EC2_DESCRIBE_VPCS)?;
        Ok(self.vpcs.iter().filter(|v| ids.iter().any(|i| v.vpc_id() == Some(i))).cloned().collect())
    }
    async fn describe_subnets(&self, vpc: Option<&str>, ids: &[String]) -> Res<Vec<ec2::Subnet>> {
        self.gate(&EC2_DESCRIBE_SUBNETS)?;
        Ok(self
            .subnets
            .iter()
            .filter(|s| match vpc {
                Some(v) => s.vpc_id() == Some(v),
                None => ids.iter().any(|i| s.subnet_id() == Some(i)),
            })
            .cloned()
            .collect())
    }
    async fn describe_route_tables(&self, vpc: &str) -> Res<Vec<ec2::RouteTable>> {
        self.gate(&EC2_DESCRIBE_ROUTE_TABLES)?;
        Ok(self.route_tables.iter().filter(|t| t.vpc_id() == Some(vpc)).cloned().collect())
    }
    async fn describe_internet_gateways(&self, _vpc: &str) -> Res<Vec<ec2::InternetGateway>> {
        self.gate(&EC2_DESCRIBE_INTERNET_GATEWAYS)?;
        Ok(self.internet_gateways.clone())
    }
    async fn describe_nat_gateways(&self, _vpc: &str) -> Res<Vec<ec2::NatGateway>> {
        self.gate(&EC2_DESCRIBE_NAT_GATEWAYS)?;
        Ok(self.nat_gateways.clone())
    }
    async fn describe_vpc_endpoints(&self, _vpc: &str) -> Res<Vec<ec2::VpcEndpoint>> {
        self.gate(&EC2_DESCRIBE_VPC_ENDPOINTS)?;
        Ok(self.vpc_endpoints.clone())
    }
    async fn describe_security_groups(&self, ids: &[String]) -> Res<Vec<ec2::SecurityGroup>> {
        self.gate(&EC2_DESCRIBE_SECURITY_GROUPS)?;
        Ok(self.security_groups.iter().filter(|g| ids.iter().any(|i| g.group_id() == Some(i))).cloned().collect())
    }
    async fn describe_target_groups(&self, arns: &[String]) -> Res<Vec<elb::TargetGroup>> {
        self.gate(&ELB_DESCRIBE_TARGET_GROUPS)?;
        Ok(self
            .target_groups
            .iter()
            .filter(|t| arns.iter().any(|a| t.target_group_arn() == Some(a)))
            .cloned()
            .collect())
    }
    async fn describe_target_health(&self, arn: &str) -> Res<Vec<elb::TargetHealthDescription>> {
        self.gate(&ELB_DESCRIBE_TARGET_HEALTH)?;
        Ok(self.target_health.iter().find(|(a, _)| a == arn).map(|(_, h)| h.clone()).unwrap_or_default())
    }
    async fn describe_load_balancers(&self, arns: &[String]) -> Res<Vec<elb::LoadBalancer>> {
        self.gate(&ELB_DESCRIBE_LOAD_BALANCERS)?;
        Ok(self
            .load_balancers
            .iter()
            .filter(|l| arns.iter().any(|a| l.load_balancer_arn() == Some(a)))
            .cloned()
            .collect())
    }
    async fn describe_load_balancer_attributes(&self, arn: &str) -> Res<Vec<elb::LoadBalancerAttribute>> {
        self.gate(&ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES)?;
        Ok(self.lb_attributes.iter().find(|(a, _)| a == arn).map(|(_, v)| v.clone()).unwrap_or_default())
    }
    async fn describe_listeners(&self, load_balancer: &str) -> Res<Vec<elb::Listener>> {
        self.gate(&ELB_DESCRIBE_LISTENERS)?;
        Ok(self.listeners.iter().filter(|l| l.load_balancer_arn() == Some(load_balancer)).cloned().collect())
    }
    async fn describe_rules(&self, listener: &str) -> Res<Vec<elb::Rule>> {
        self.gate(&ELB_DESCRIBE_RULES)?;
        Ok(self.rules.iter().find(|(l, _)| l == listener).map(|(_, r)| r.clone()).unwrap_or_default())
    }
    async fn describe_certificate(&self, arn: &str) -> Res<Option<CertificateDetail>> {
        self.gate(&ACM_DESCRIBE_CERTIFICATE)?;
        match self.certificates.iter().find(|c| c.certificate_arn() == Some(arn)) {
            Some(c) => Ok(Some(c.clone())),
            None => Self::not_found(&ACM_DESCRIBE_CERTIFICATE, arn),
        }
    }
    async fn describe_db_instance(&self, identifier: &str) -> Res<Option<rds::DbInstance>> {
        self.gate(&RDS_DESCRIBE_DB_INSTANCES)?;
        Ok(self.db_instances.iter().find(|d| d.db_instance_identifier() == Some(identifier)).cloned())
    }
    async fn describe_db_parameters(&self, group: &str) -> Res<Vec<rds::Parameter>> {
        self.gate(&RDS_DESCRIBE_DB_PARAMETERS)?;
        Ok(self.db_parameters.iter().find(|(g, _)| g == group).map(|(_, p)| p.clone()).unwrap_or_default())
    }
    async fn describe_repositories(&self, names: &[String]) -> Res<Vec<ecr::Repository>> {
        self.gate(&ECR_DESCRIBE_REPOSITORIES)?;
        Ok(self.repositories.iter().filter(|r| names.iter().any(|n| r.repository_name() == Some(n))).cloned().collect())
    }
    async fn describe_image(&self, repository: &str, reference: &str) -> Res<Option<ecr::ImageDetail>> {
        self.gate(&ECR_DESCRIBE_IMAGES)?;
        Ok(self.images.iter().find(|(r, t, _)| r == repository && t == reference).map(|(_, _, i)| i.clone()))
    }
    async fn registry_scanning(&self) -> Res<Option<ecr::RegistryScanningConfiguration>> {
        self.gate(&ECR_GET_REGISTRY_SCANNING_CONFIGURATION)?;
        Ok(self.registry.clone())
    }
    async fn describe_secret(&self, id: &str) -> Res<DescribeSecretOutput> {
        self.gate(&SECRETS_DESCRIBE_SECRET)?;
        match self.secrets.iter().find(|s| s.arn() == Some(id) || s.name() == Some(id)) {
            Some(s) => Ok(s.clone()),
            None => Self::not_found(&SECRETS_DESCRIBE_SECRET, id),
        }
    }
    async fn describe_log_group(&self, name: &str) -> Res<Option<LogGroup>> {
        self.gate(&LOGS_DESCRIBE_LOG_GROUPS)?;
        Ok(self.log_groups.iter().find(|g| g.log_group_name() == Some(name)).cloned())
    }
    async fn describe_alarms(&self, prefix: &str) -> Res<Vec<MetricAlarm>> {
        self.gate(&CLOUDWATCH_DESCRIBE_ALARMS)?;
        Ok(self.alarms.iter().filter(|a| a.alarm_name().unwrap_or_default().starts_with(prefix)).cloned().collect())
    }
    async fn get_role(&self, name: &str) -> Res<iam::Role> {
        self.gate(&IAM_GET_ROLE)?;
        match self.roles.iter().find(|r| r.role_name() == role_name_of(name)) {
            Some(r) => Ok(r.clone()),
            None => Self::not_found(&IAM_GET_ROLE, name),
        }
    }
    async fn list_role_policies(&self, role: &str) -> Res<Vec<String>> {
        self.gate(&IAM_LIST_ROLE_POLICIES)?;
        Ok(self.role_policies.iter().filter(|(r, _, _)| r == role).map(|(_, n, _)| n.clone()).collect())
    }
    async fn get_role_policy(&self, role: &str, policy: &str) -> Res<String> {
        self.gate(&IAM_GET_ROLE_POLICY)?;
        match self.role_policies.iter().find(|(r, n, _)| r == role && n == policy) {
            Some((_, _, d)) => Ok(d.clone()),
            None => Self::not_found(&IAM_GET_ROLE_POLICY, policy),
        }
    }
    async fn list_attached_role_policies(&self, role: &str) -> Res<Vec<iam::AttachedPolicy>> {
        self.gate(&IAM_LIST_ATTACHED_ROLE_POLICIES)?;
        Ok(self.attached.iter().filter(|(r, _)| r == role).map(|(_, p)| p.clone()).collect())
    }
    async fn get_policy(&self, arn: &str) -> Res<iam::Policy> {
        self.gate(&IAM_GET_POLICY)?;
        match self.policies.iter().find(|(p, _)| p.arn() == Some(arn)) {
            Some((p, _)) => Ok(p.clone()),
            None => Self::not_found(&IAM_GET_POLICY, arn),
        }
    }
    async fn get_policy_version(&self, arn: &str, _version: &str) -> Res<String> {
        self.gate(&IAM_GET_POLICY_VERSION)?;
        match self.policies.iter().find(|(p, _)| p.arn() == Some(arn)) {
            Some((_, d)) => Ok(d.clone()),
            None => Self::not_found(&IAM_GET_POLICY_VERSION, arn),
        }
    }
    async fn list_event_rules(&self, prefix: &str) -> Res<Vec<aws_sdk_eventbridge::types::Rule>> {
        self.gate(&EVENTS_LIST_RULES)?;
        Ok(self.event_rules.iter().filter(|r| r.name().unwrap_or_default().starts_with(prefix)).cloned().collect())
    }
    async fn list_event_targets(&self, rule: &str) -> Res<Vec<aws_sdk_eventbridge::types::Target>> {
        self.gate(&EVENTS_LIST_TARGETS_BY_RULE)?;
        Ok(self.event_targets.iter().find(|(r, _)| r == rule).map(|(_, t)| t.clone()).unwrap_or_default())
    }
    async fn describe_state_machine(&self, arn: &str) -> Res<String> {
        self.gate(&SFN_DESCRIBE_STATE_MACHINE)?;
        match self.state_machines.iter().find(|(a, _)| a == arn) {
            Some((_, d)) => Ok(d.clone()),
            None => Self::not_found(&SFN_DESCRIBE_STATE_MACHINE, arn),
        }
    }
}

// ---------------------------------------------------------------- a compliant deployment

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "eu-west-1";
/// 2026-01-01T00:00:00Z: the "now" of the fixture.
pub const NOW: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

pub fn arn(service: &str, rest: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}")
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn image_digest() -> String {
    format!("sha256:{}", "ab".repeat(32))
}

impl Fake {
    /// A deployment as the module builds it: private tasks behind an HTTPS ALB, the database
    /// private, encrypted and TLS-only, secrets from Secrets Manager, scoped roles, alarms; one
    /// task running the pinned image, its target healthy.
    pub fn compliant(name: &str) -> Fake {
        let vpc = "vpc-0a";
        let (pub_subnets, priv_subnets) = (["subnet-p1", "subnet-p2"], ["subnet-a1", "subnet-a2"]);
        let cluster_arn = arn("ecs", &format!("cluster/{name}"));
        let service_arn = arn("ecs", &format!("service/{name}/{name}"));
        let td_arn = arn("ecs", &format!("task-definition/{name}:3"));
        let tg_arn = arn("elasticloadbalancing", &format!("targetgroup/{name}-tg/1"));
        let lb_arn = arn("elasticloadbalancing", &format!("loadbalancer/app/{name}-alb/1"));
        let http_arn = arn("elasticloadbalancing", &format!("listener/app/{name}-alb/1/http"));
        let https_arn = arn("elasticloadbalancing", &format!("listener/app/{name}-alb/1/https"));
        let cert_arn = arn("acm", "certificate/c1");
        let db_arn = arn("rds", &format!("db:{name}"));
        let master_secret = arn("secretsmanager", &format!("secret:rds!db-{name}-AbCdEf"));
        let key_secret = arn("secretsmanager", &format!("secret:{name}/encryption-key-XyZ123"));
        let repo_uri = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/metabase_repo");
        let exec_role = format!("{name}-ecs-task-execution-role");
        let task_role = format!("{name}-ecs-task-role");
        let log_group = format!("/aws/ecs/{name}");
        let (sg_alb, sg_ecs, sg_rds) = ("sg-alb", "sg-ecs", "sg-rds");

        let mut f = Fake { account: ACCOUNT.into(), ..Fake::default() };
        f.clusters.push(
            ecs::Cluster::builder()
                .cluster_arn(&cluster_arn)
                .cluster_name(name)
                .status("ACTIVE")
                .settings(
                    ecs::ClusterSetting::builder()
                        .name(ecs::ClusterSettingName::ContainerInsights)
                        .value("enabled")
                        .build(),
                )
                .build(),
        );
        let mut awsvpc =
            ecs::AwsVpcConfiguration::builder().security_groups(sg_ecs).assign_public_ip(ecs::AssignPublicIp::Disabled);
        for s in priv_subnets {
            awsvpc = awsvpc.subnets(s);
        }
        f.services.push(
            ecs::Service::builder()
                .service_arn(&service_arn)
                .service_name(name)
                .cluster_arn(&cluster_arn)
                .status("ACTIVE")
                .task_definition(&td_arn)
                .launch_type(ecs::LaunchType::Fargate)
                .desired_count(1)
                .running_count(1)
                .network_configuration(
                    ecs::NetworkConfiguration::builder().awsvpc_configuration(awsvpc.build().unwrap()).build(),
                )
                .deployment_configuration(
                    ecs::DeploymentConfiguration::builder()
                        .deployment_circuit_breaker(
                            ecs::DeploymentCircuitBreaker::builder().enable(true).rollback(true).build(),
                        )
                        .minimum_healthy_percent(0)
                        .maximum_percent(100)
                        .build(),
                )
                .health_check_grace_period_seconds(600)
                .load_balancers(
                    ecs::LoadBalancer::builder()
                        .target_group_arn(&tg_arn)
                        .container_name("metabase")
                        .container_port(3000)
                        .build(),
                )
                .build(),
        );
        let env = [
            ("MB_DB_TYPE", "postgres".to_string()),
            ("MB_DB_HOST", format!("{name}.abc.{REGION}.rds.amazonaws.com")),
            ("MB_DB_PORT", "5432".into()),
            ("MB_DB_USER", "metabase".into()),
            (
                "MB_DB_CONNECTION_URI",
                format!("postgres://{name}.abc.{REGION}.rds.amazonaws.com:5432/metabase?sslmode=require"),
            ),
        ];
        let mut container = ecs::ContainerDefinition::builder()
            .name("metabase")
            .image(format!("{repo_uri}:v0.50.0"))
            .essential(true)
            .port_mappings(ecs::PortMapping::builder().container_port(3000).build())
            .secrets(
                ecs::Secret::builder()
                    .name("MB_DB_PASS")
                    .value_from(format!("{master_secret}:password::"))
                    .build()
                    .unwrap(),
            )
            .secrets(ecs::Secret::builder().name("MB_ENCRYPTION_SECRET_KEY").value_from(&key_secret).build().unwrap())
            .health_check(
                ecs::HealthCheck::builder()
                    .command("CMD-SHELL")
                    .command("curl -f http://localhost:3000/api/health || exit 1")
                    .start_period(300)
                    .build()
                    .unwrap(),
            )
            .log_configuration(
                ecs::LogConfiguration::builder()
                    .log_driver(ecs::LogDriver::Awslogs)
                    .options("awslogs-group", &log_group)
                    .options("awslogs-region", REGION)
                    .build()
                    .unwrap(),
            );
        for (k, v) in env {
            container = container.environment(ecs::KeyValuePair::builder().name(k).value(v).build());
        }
        f.task_definitions.push(
            ecs::TaskDefinition::builder()
                .task_definition_arn(&td_arn)
                .family(name)
                .revision(3)
                .execution_role_arn(arn("iam", &format!("role/{exec_role}")).replace(&format!(":{REGION}:"), "::"))
                .task_role_arn(arn("iam", &format!("role/{task_role}")).replace(&format!(":{REGION}:"), "::"))
                .cpu("1024")
                .memory("2048")
                .container_definitions(container.build())
                .build(),
        );
        f.tasks.push(
            ecs::Task::builder()
                .task_arn(arn("ecs", &format!("task/{name}/t1")))
                .task_definition_arn(&td_arn)
                .containers(ecs::Container::builder().name("metabase").image_digest(image_digest()).build())
                .build(),
        );
        // Network: two public subnets routed to an internet gateway, two private ones through NAT.
        f.vpcs.push(ec2::Vpc::builder().vpc_id(vpc).cidr_block("10.0.0.0/16").build());
        for (i, s) in pub_subnets.iter().chain(priv_subnets.iter()).enumerate() {
            f.subnets.push(
                ec2::Subnet::builder()
                    .subnet_id(*s)
                    .vpc_id(vpc)
                    .availability_zone(format!("{REGION}{}", ["a", "b"][i % 2]))
                    .cidr_block(format!("10.0.{}.0/24", i + 1))
                    .map_public_ip_on_launch(false)
                    .build(),
            );
        }
        f.internet_gateways.push(
            ec2::InternetGateway::builder()
                .internet_gateway_id("igw-1")
                .attachments(ec2::InternetGatewayAttachment::builder().vpc_id(vpc).build())
                .build(),
        );
        for (i, s) in pub_subnets.iter().enumerate() {
            f.nat_gateways.push(ec2::NatGateway::builder().nat_gateway_id(format!("nat-{i}")).subnet_id(*s).build());
        }
        let mut public = ec2::RouteTable::builder()
            .route_table_id("rtb-public")
            .vpc_id(vpc)
            .routes(ec2::Route::builder().destination_cidr_block("0.0.0.0/0").gateway_id("igw-1").build());
        for s in pub_subnets {
            public = public.associations(ec2::RouteTableAssociation::builder().subnet_id(s).main(false).build());
        }
        f.route_tables.push(public.build());
        for (i, s) in priv_subnets.iter().enumerate() {
            f.route_tables.push(
                ec2::RouteTable::builder()
                    .route_table_id(format!("rtb-private-{i}"))
                    .vpc_id(vpc)
                    .routes(
                        ec2::Route::builder()
                            .destination_cidr_block("0.0.0.0/0")
                            .nat_gateway_id(format!("nat-{i}"))
                            .build(),
                    )
                    .associations(ec2::RouteTableAssociation::builder().subnet_id(*s).main(false).build())
                    .build(),
            );
        }
        f.route_tables.push(
            ec2::RouteTable::builder()
                .route_table_id("rtb-main")
                .vpc_id(vpc)
                .associations(ec2::RouteTableAssociation::builder().main(true).build())
                .build(),
        );
        for svc in ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "s3"] {
            f.vpc_endpoints.push(
                ec2::VpcEndpoint::builder()
                    .vpc_endpoint_id(format!("vpce-{svc}"))
                    .vpc_id(vpc)
                    .service_name(format!("com.amazonaws.{REGION}.{svc}"))
                    .vpc_endpoint_type(if svc == "s3" {
                        ec2::VpcEndpointType::Gateway
                    } else {
                        ec2::VpcEndpointType::Interface
                    })
                    .private_dns_enabled(svc != "s3")
                    .build(),
            );
        }
        let tcp = |port: i32| ec2::IpPermission::builder().ip_protocol("tcp").from_port(port).to_port(port);
        let from_group = |g: &str| ec2::UserIdGroupPair::builder().group_id(g).build();
        let world = ec2::IpRange::builder().cidr_ip("0.0.0.0/0").build();
        f.security_groups.push(
            ec2::SecurityGroup::builder()
                .group_id(sg_alb)
                .group_name(format!("{name}-alb"))
                .vpc_id(vpc)
                .ip_permissions(tcp(80).ip_ranges(world.clone()).build())
                .ip_permissions(tcp(443).ip_ranges(world.clone()).build())
                .ip_permissions_egress(tcp(3000).user_id_group_pairs(from_group(sg_ecs)).build())
                .build(),
        );
        f.security_groups.push(
            ec2::SecurityGroup::builder()
                .group_id(sg_ecs)
                .group_name(format!("{name}-ecs"))
                .vpc_id(vpc)
                .ip_permissions(tcp(3000).user_id_group_pairs(from_group(sg_alb)).build())
                .ip_permissions_egress(tcp(5432).user_id_group_pairs(from_group(sg_rds)).build())
                .ip_permissions_egress(tcp(443).ip_ranges(world.clone()).build())
                .build(),
        );
        f.security_groups.push(
            ec2::SecurityGroup::builder()
                .group_id(sg_rds)
                .group_name(format!("{name}-rds"))
                .vpc_id(vpc)
                .ip_permissions(tcp(5432).user_id_group_pairs(from_group(sg_ecs)).build())
                .build(),
        );
        // Load balancing.
        f.target_groups.push(
            elb::TargetGroup::builder()
                .target_group_arn(&tg_arn)
                .target_group_name(format!("{name}-tg"))
                .port(3000)
                .protocol(elb::ProtocolEnum::Http)
                .target_type(elb::TargetTypeEnum::Ip)
                .health_check_enabled(true)
                .health_check_path("/api/health")
                .matcher(elb::Matcher::builder().http_code("200").build())
                .load_balancer_arns(&lb_arn)
                .build(),
        );
        f.target_health.push((
            tg_arn.clone(),
            vec![elb::TargetHealthDescription::builder()
                .target(elb::TargetDescription::builder().id("10.0.3.10").port(3000).build())
                .target_health(elb::TargetHealth::builder().state(elb::TargetHealthStateEnum::Healthy).build())
                .build()],
        ));
        let mut lb = elb::LoadBalancer::builder()
            .load_balancer_arn(&lb_arn)
            .load_balancer_name(format!("{name}-alb"))
            .dns_name(format!("{name}-alb-1.{REGION}.elb.amazonaws.com"))
            .scheme(elb::LoadBalancerSchemeEnum::InternetFacing)
            .r#type(elb::LoadBalancerTypeEnum::Application)
            .security_groups(sg_alb);
        for s in pub_subnets {
            lb = lb.availability_zones(elb::AvailabilityZone::builder().subnet_id(s).build());
        }
        f.load_balancers.push(lb.build());
        let attribute = |k: &str, v: &str| elb::LoadBalancerAttribute::builder().key(k).value(v).build();
        f.lb_attributes.push((
            lb_arn.clone(),
            vec![
                attribute("routing.http.drop_invalid_header_fields.enabled", "true"),
                attribute("deletion_protection.enabled", "true"),
                attribute("access_logs.s3.enabled", "true"),
            ],
        ));
        f.listeners.push(
            elb::Listener::builder()
                .listener_arn(&http_arn)
                .load_balancer_arn(&lb_arn)
                .port(80)
                .protocol(elb::ProtocolEnum::Http)
                .default_actions(
                    elb::Action::builder()
                        .r#type(elb::ActionTypeEnum::Redirect)
                        .redirect_config(
                            elb::RedirectActionConfig::builder()
                                .protocol("HTTPS")
                                .port("443")
                                .status_code(elb::RedirectActionStatusCodeEnum::Http301)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
        f.listeners.push(
            elb::Listener::builder()
                .listener_arn(&https_arn)
                .load_balancer_arn(&lb_arn)
                .port(443)
                .protocol(elb::ProtocolEnum::Https)
                .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
                .certificates(elb::Certificate::builder().certificate_arn(&cert_arn).build())
                .default_actions(
                    elb::Action::builder().r#type(elb::ActionTypeEnum::Forward).target_group_arn(&tg_arn).build(),
                )
                .build(),
        );
        f.certificates.push(
            CertificateDetail::builder()
                .certificate_arn(&cert_arn)
                .status(CertificateStatus::Issued)
                .not_after(DateTime::from_secs(NOW + 200 * DAY))
                .build(),
        );
        // Database.
        f.db_instances.push(
            rds::DbInstance::builder()
                .db_instance_arn(&db_arn)
                .db_instance_identifier(name)
                .engine("postgres")
                .storage_encrypted(true)
                .kms_key_id(arn("kms", "key/k1"))
                .publicly_accessible(false)
                .backup_retention_period(7)
                .deletion_protection(true)
                .multi_az(true)
                .iam_database_authentication_enabled(true)
                .endpoint(rds::Endpoint::builder().port(5432).build())
                .master_user_secret(
                    rds::MasterUserSecret::builder().secret_arn(&master_secret).secret_status("active").build(),
                )
                .db_parameter_groups(
                    rds::DbParameterGroupStatus::builder()
                        .db_parameter_group_name(format!("{name}-postgres16-1"))
                        .build(),
                )
                .db_subnet_group(
                    rds::DbSubnetGroup::builder()
                        .db_subnet_group_name(name)
                        .vpc_id(vpc)
                        .subnets(rds::Subnet::builder().subnet_identifier(priv_subnets[0]).build())
                        .subnets(rds::Subnet::builder().subnet_identifier(priv_subnets[1]).build())
                        .build(),
                )
                .vpc_security_groups(rds::VpcSecurityGroupMembership::builder().vpc_security_group_id(sg_rds).build())
                .build(),
        );
        f.db_parameters.push((
            format!("{name}-postgres16-1"),
            vec![rds::Parameter::builder().parameter_name("rds.force_ssl").parameter_value("1").build()],
        ));
        // ECR.
        f.repositories.push(
            ecr::Repository::builder()
                .repository_arn(arn("ecr", "repository/metabase_repo"))
                .repository_name("metabase_repo")
                .repository_uri(&repo_uri)
                .image_tag_mutability(ecr::ImageTagMutability::Immutable)
                .image_scanning_configuration(ecr::ImageScanningConfiguration::builder().scan_on_push(true).build())
                .encryption_configuration(
                    ecr::EncryptionConfiguration::builder()
                        .encryption_type(ecr::EncryptionType::Aes256)
                        .build()
                        .unwrap(),
                )
                .build(),
        );
        f.images.push((
            "metabase_repo".into(),
            "v0.50.0".into(),
            ecr::ImageDetail::builder()
                .image_digest(image_digest())
                .image_tags("v0.50.0")
                .image_scan_status(ecr::ImageScanStatus::builder().status(ecr::ScanStatus::Complete).build())
                .image_scan_findings_summary(
                    ecr::ImageScanFindingsSummary::builder()
                        .finding_severity_counts(ecr::FindingSeverity::High, 2)
                        .build(),
                )
                .build(),
        ));
        // Secrets.
        f.secrets.push(
            DescribeSecretOutput::builder()
                .arn(&master_secret)
                .name(format!("rds!db-{name}"))
                .owning_service("rds")
                .rotation_enabled(true)
                .rotation_rules(
                    aws_sdk_secretsmanager::types::RotationRulesType::builder().automatically_after_days(7).build(),
                )
                .created_date(DateTime::from_secs(NOW - 100 * DAY))
                .last_rotated_date(DateTime::from_secs(NOW - 3 * DAY))
                .build(),
        );
        f.secrets.push(
            DescribeSecretOutput::builder()
                .arn(&key_secret)
                .name(format!("{name}/encryption-key"))
                .created_date(DateTime::from_secs(NOW - 100 * DAY))
                .build(),
        );
        // Logs and alarms.
        f.log_groups.push(
            LogGroup::builder()
                .log_group_name(&log_group)
                .arn(format!("{}:*", arn("logs", &format!("log-group:{log_group}"))))
                .retention_in_days(90)
                .kms_key_id(arn("kms", "key/k1"))
                .build(),
        );
        let topic = arn("sns", &format!("{name}-alarms"));
        for (alarm, namespace, metric) in [
            ("ecs-cpu-high", "AWS/ECS", "CPUUtilization"),
            ("alb-target-5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
            ("rds-cpu-high", "AWS/RDS", "CPUUtilization"),
        ] {
            f.alarms.push(
                MetricAlarm::builder()
                    .alarm_arn(arn("cloudwatch", &format!("alarm:{name}-{alarm}")))
                    .alarm_name(format!("{name}-{alarm}"))
                    .namespace(namespace)
                    .metric_name(metric)
                    .actions_enabled(true)
                    .alarm_actions(&topic)
                    .build(),
            );
        }
        // IAM: the execution role scoped to pull, log and read the two secrets; an empty task role.
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
        for role in [&exec_role, &task_role] {
            f.roles.push(
                iam::Role::builder()
                    .path("/")
                    .role_name(role.as_str())
                    .role_id(format!("AROA{}", role.len()))
                    .arn(format!("arn:aws:iam::{ACCOUNT}:role/{role}"))
                    .create_date(DateTime::from_secs(NOW - 100 * DAY))
                    .assume_role_policy_document(url_encode(trust))
                    .build()
                    .unwrap(),
            );
        }
        let exec_policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                {"Effect": "Allow", "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], "Resource": arn("ecr", "repository/metabase_repo")},
                {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": format!("{}:*", arn("logs", &format!("log-group:{log_group}")))},
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [master_secret, key_secret]},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": arn("kms", "key/k1")}
            ]
        });
        f.role_policies.push((exec_role.clone(), "pull-log-read-secrets".into(), url_encode(&exec_policy.to_string())));
        // Rotation redeploys the service: an EventBridge rule on the secret's rotation starts a
        // state machine that forces a new deployment.
        let rule_name = format!("{name}-db-secret-rotated");
        let machine = arn("states", &format!("stateMachine:{name}-redeploy-after-rotation"));
        let pattern = serde_json::json!({
            "source": ["aws.secretsmanager"],
            "detail-type": ["AWS Service Event via CloudTrail"],
            "detail": {"eventName": ["RotationSucceeded"], "additionalEventData": {"SecretId": [master_secret]}}
        });
        f.event_rules.push(
            aws_sdk_eventbridge::types::Rule::builder()
                .name(&rule_name)
                .arn(arn("events", &format!("rule/{rule_name}")))
                .event_pattern(pattern.to_string())
                .build(),
        );
        f.event_targets.push((
            rule_name,
            vec![aws_sdk_eventbridge::types::Target::builder().id("redeploy").arn(&machine).build().unwrap()],
        ));
        let definition = serde_json::json!({
            "StartAt": "Redeploy",
            "States": {"Redeploy": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:ecs:updateService",
                "Parameters": {"Cluster": cluster_arn, "Service": name, "ForceNewDeployment": true},
                "End": true
            }}
        });
        f.state_machines.push((machine, definition.to_string()));
        f
    }

    /// The service, for tests that change it.
    pub fn service_mut(&mut self) -> &mut ecs::Service {
        &mut self.services[0]
    }
}

/// Reads `name` from a [`Fake`] (on a runtime of its own) as of [`NOW`].
pub fn read_fake(fake: &Fake, name: &str) -> crate::LiveRead {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let raw = runtime.block_on(crate::read_with(fake, name, 4, &|_| {}));
    crate::assemble(raw, NOW, crate::CallStats::default(), std::time::Duration::ZERO)
}
