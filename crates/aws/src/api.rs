//! The AWS calls, behind a trait.
//!
//! [`Aws`] is everything the reader asks of an account, one method per question, answering with
//! the SDK's own output types. [`SdkAws`] answers from AWS (or an emulator); tests answer from
//! hand-built SDK structs (see [`crate::testing`]), so discovery and mapping are tested without a
//! network, including answers an emulator cannot give (running tasks, unhealthy targets).
//!
//! Every SDK call goes through [`call`] with its entry of [`crate::actions`]: that entry names
//! the IAM action in errors and in the `iam-policy` command, and a test checks they agree.

#![allow(async_fn_in_trait)]

use crate::actions::*;
use aws_sdk_acm::types::CertificateDetail;
use aws_sdk_cloudwatch::types::MetricAlarm;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_ec2::types::{Filter, InternetGateway, NatGateway, RouteTable, SecurityGroup, Subnet, Vpc, VpcEndpoint};
use aws_sdk_ecr::types::{ImageDetail, ImageIdentifier, RegistryScanningConfiguration, Repository};
use aws_sdk_ecs::types::{Cluster, ClusterField, DesiredStatus, Service, Task, TaskDefinition};
use aws_sdk_elasticloadbalancingv2::types::{
    Listener, LoadBalancer, LoadBalancerAttribute, Rule, TargetGroup, TargetHealthDescription,
};
use aws_sdk_eventbridge::types::{Rule as EventRule, Target as EventTarget};
use aws_sdk_iam::types::{AttachedPolicy, Policy, Role};
use aws_sdk_rds::types::{DbInstance, Parameter};
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;

/// Why a call gave no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller lacks the IAM permission (AccessDenied, UnauthorizedOperation).
    Denied,
    /// The resource does not exist.
    NotFound,
    /// Anything else, after the SDK's retries: throttled for too long, 5xx, timeouts, no credentials.
    Other,
}

/// A failed call, with the action that failed.
#[derive(Clone, Debug)]
pub struct CallError {
    pub action: &'static Action,
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
}

impl CallError {
    pub fn new(action: &'static Action, kind: ErrorKind, code: &str, message: &str) -> Self {
        CallError { action, kind, code: code.to_string(), message: message.to_string() }
    }
}

pub type Res<T> = Result<T, CallError>;

const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "NotAuthorized",
];

fn is_not_found(code: &str) -> bool {
    code.contains("NotFound") || code == "NoSuchEntity" || code == "ResourceNotFoundException"
}

/// Runs one SDK call and sorts its failure into [`ErrorKind`]s.
pub async fn call<T, E, R>(action: &'static Action, fut: impl Future<Output = Result<T, SdkError<E, R>>>) -> Res<T>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fut.await.map_err(|err| {
        let code = err.code().unwrap_or_default().to_string();
        let message = match err.message() {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => DisplayErrorContext(&err).to_string(),
        };
        let kind = if DENIED_CODES.contains(&code.as_str()) {
            ErrorKind::Denied
        } else if is_not_found(&code) {
            ErrorKind::NotFound
        } else {
            ErrorKind::Other
        };
        CallError { action, kind, code, message }
    })
}

/// At most this many pages of one listing: a deployment's resources fit in far fewer.
pub const MAX_PAGES: usize = 20;

/// What the reader asks an account. One method per question; every answer is the SDK's type.
pub trait Aws {
    async fn account_id(&self) -> Res<String>;
    async fn describe_cluster(&self, name: &str) -> Res<Option<Cluster>>;
    async fn describe_service(&self, cluster: &str, name: &str) -> Res<Option<Service>>;
    async fn describe_task_definition(&self, arn: &str) -> Res<TaskDefinition>;
    async fn list_tasks(&self, cluster: &str, service: &str) -> Res<Vec<String>>;
    async fn describe_tasks(&self, cluster: &str, arns: &[String]) -> Res<Vec<Task>>;
    async fn describe_vpcs(&self, ids: &[String]) -> Res<Vec<Vpc>>;
    /// The subnets of a VPC, or the given ones when no VPC is known.
    async fn describe_subnets(&self, vpc: Option<&str>, ids: &[String]) -> Res<Vec<Subnet>>;
    async fn describe_route_tables(&self, vpc: &str) -> Res<Vec<RouteTable>>;
    async fn describe_internet_gateways(&self, vpc: &str) -> Res<Vec<InternetGateway>>;
    async fn describe_nat_gateways(&self, vpc: &str) -> Res<Vec<NatGateway>>;
    async fn describe_vpc_endpoints(&self, vpc: &str) -> Res<Vec<VpcEndpoint>>;
    async fn describe_security_groups(&self, ids: &[String]) -> Res<Vec<SecurityGroup>>;
    async fn describe_target_groups(&self, arns: &[String]) -> Res<Vec<TargetGroup>>;
    async fn describe_target_health(&self, arn: &str) -> Res<Vec<TargetHealthDescription>>;
    async fn describe_load_balancers(&self, arns: &[String]) -> Res<Vec<LoadBalancer>>;
    async fn describe_load_balancer_attributes(&self, arn: &str) -> Res<Vec<LoadBalancerAttribute>>;
    async fn describe_listeners(&self, load_balancer: &str) -> Res<Vec<Listener>>;
    async fn describe_rules(&self, listener: &str) -> Res<Vec<Rule>>;
    async fn describe_certificate(&self, arn: &str) -> Res<Option<CertificateDetail>>;
    async fn describe_db_instance(&self, identifier: &str) -> Res<Option<DbInstance>>;
    /// The parameters set by the user in a group (`Source=user`).
    async fn describe_db_parameters(&self, group: &str) -> Res<Vec<Parameter>>;
    async fn describe_repositories(&self, names: &[String]) -> Res<Vec<Repository>>;
    /// One image by tag or digest (`sha256:...`).
    async fn describe_image(&self, repository: &str, reference: &str) -> Res<Option<ImageDetail>>;
    async fn registry_scanning(&self) -> Res<Option<RegistryScanningConfiguration>>;
    async fn describe_secret(&self, id: &str) -> Res<DescribeSecretOutput>;
    async fn describe_log_group(&self, name: &str) -> Res<Option<LogGroup>>;
    async fn describe_alarms(&self, prefix: &str) -> Res<Vec<MetricAlarm>>;
    async fn get_role(&self, name: &str) -> Res<Role>;
    async fn list_role_policies(&self, role: &str) -> Res<Vec<String>>;
    /// An inline policy's document, as IAM returns it (URL-encoded JSON).
    async fn get_role_policy(&self, role: &str, policy: &str) -> Res<String>;
    async fn list_attached_role_policies(&self, role: &str) -> Res<Vec<AttachedPolicy>>;
    async fn get_policy(&self, arn: &str) -> Res<Policy>;
    async fn get_policy_version(&self, arn: &str, version: &str) -> Res<String>;
    /// EventBridge rules of the default bus whose names start with `prefix`.
    async fn list_event_rules(&self, prefix: &str) -> Res<Vec<EventRule>>;
    async fn list_event_targets(&self, rule: &str) -> Res<Vec<EventTarget>>;
    /// A state machine's definition (JSON text).
    async fn describe_state_machine(&self, arn: &str) -> Res<String>;
}

/// The SDK clients of one account and region.
#[derive(Clone, Debug)]
pub struct SdkAws {
    pub sts: aws_sdk_sts::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub acm: aws_sdk_acm::Client,
    pub rds: aws_sdk_rds::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub iam: aws_sdk_iam::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub sfn: aws_sdk_sfn::Client,
}

fn vpc_filter(name: &str, vpc: &str) -> Filter {
    Filter::builder().name(name).values(vpc).build()
}

impl Aws for SdkAws {
    async fn account_id(&self) -> Res<String> {
        let out = call(&STS_GET_CALLER_IDENTITY, self.sts.get_caller_identity().send()).await?;
        Ok(out.account().unwrap_or_default().to_string())
    }

    async fn describe_cluster(&self, name: &str) -> Res<Option<Cluster>> {
        let out = call(
            &ECS_DESCRIBE_CLUSTERS,
            self.ecs.describe_clusters().clusters(name).include(ClusterField::Settings).send(),
        )
        .await?;
        Ok(out.clusters().iter().find(|c| c.status() != Some("INACTIVE")).cloned())
    }

    async fn describe_service(&self, cluster: &str, name: &str) -> Res<Option<Service>> {
        let req = self.ecs.describe_services().cluster(cluster).services(name);
        match call(&ECS_DESCRIBE_SERVICES, req.send()).await {
            Ok(out) => Ok(out.services().iter().find(|s| s.status() != Some("INACTIVE")).cloned()),
            // ClusterNotFoundException: no cluster, so no service.
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn describe_task_definition(&self, arn: &str) -> Res<TaskDefinition> {
        let out = call(&ECS_DESCRIBE_TASK_DEFINITION, self.ecs.describe_task_definition().task_definition(arn).send())
            .await?;
        out.task_definition().cloned().ok_or_else(|| {
            CallError::new(&ECS_DESCRIBE_TASK_DEFINITION, ErrorKind::NotFound, "", "no task definition returned")
        })
    }

    async fn list_tasks(&self, cluster: &str, service: &str) -> Res<Vec<String>> {
        let mut arns = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let req = self
                .ecs
                .list_tasks()
                .cluster(cluster)
                .service_name(service)
                .desired_status(DesiredStatus::Running)
                .set_next_token(token);
            let out = call(&ECS_LIST_TASKS, req.send()).await?;
            arns.extend(out.task_arns().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(arns)
    }

    async fn describe_tasks(&self, cluster: &str, arns: &[String]) -> Res<Vec<Task>> {
        let mut tasks = Vec::new();
        // DescribeTasks takes at most 100 tasks.
        for chunk in arns.chunks(100) {
            let req = self.ecs.describe_tasks().cluster(cluster).set_tasks(Some(chunk.to_vec()));
            let out = call(&ECS_DESCRIBE_TASKS, req.send()).await?;
            tasks.extend(out.tasks().iter().cloned());
        }
        Ok(tasks)
    }

    async fn describe_vpcs(&self, ids: &[String]) -> Res<Vec<Vpc>> {
        let out = call(&EC2_DESCRIBE_VPCS, self.ec2.describe_vpcs().set_vpc_ids(Some(ids.to_vec())).send()).await?;
        Ok(out.vpcs().to_vec())
    }

    async fn describe_subnets(&self, vpc: Option<&str>, ids: &[String]) -> Res<Vec<Subnet>> {
        let mut subnets = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let mut req = self.ec2.describe_subnets().set_next_token(token);
            req = match vpc {
                Some(v) => req.filters(vpc_filter("vpc-id", v)),
                None => req.set_subnet_ids(Some(ids.to_vec())),
            };
            let out = call(&EC2_DESCRIBE_SUBNETS, req.send()).await?;
            subnets.extend(out.subnets().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(subnets)
    }

    async fn describe_route_tables(&self, vpc: &str) -> Res<Vec<RouteTable>> {
        let mut tables = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let req = self.ec2.describe_route_tables().filters(vpc_filter("vpc-id", vpc)).set_next_token(token);
            let out = call(&EC2_DESCRIBE_ROUTE_TABLES, req.send()).await?;
            tables.extend(out.route_tables().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(tables)
    }

    async fn describe_internet_gateways(&self, vpc: &str) -> Res<Vec<InternetGateway>> {
        let req = self.ec2.describe_internet_gateways().filters(vpc_filter("attachment.vpc-id", vpc));
        let out = call(&EC2_DESCRIBE_INTERNET_GATEWAYS, req.send()).await?;
        Ok(out.internet_gateways().to_vec())
    }

    async fn describe_nat_gateways(&self, vpc: &str) -> Res<Vec<NatGateway>> {
        let req = self
            .ec2
            .describe_nat_gateways()
            .filter(vpc_filter("vpc-id", vpc))
            .filter(Filter::builder().name("state").values("available").values("pending").build());
        let out = call(&EC2_DESCRIBE_NAT_GATEWAYS, req.send()).await?;
        Ok(out.nat_gateways().to_vec())
    }

    async fn describe_vpc_endpoints(&self, vpc: &str) -> Res<Vec<VpcEndpoint>> {
        let req = self.ec2.describe_vpc_endpoints().filters(vpc_filter("vpc-id", vpc));
        let out = call(&EC2_DESCRIBE_VPC_ENDPOINTS, req.send()).await?;
        Ok(out.vpc_endpoints().to_vec())
    }

    async fn describe_security_groups(&self, ids: &[String]) -> Res<Vec<SecurityGroup>> {
        let req = self.ec2.describe_security_groups().set_group_ids(Some(ids.to_vec()));
        let out = call(&EC2_DESCRIBE_SECURITY_GROUPS, req.send()).await?;
        Ok(out.security_groups().to_vec())
    }

    async fn describe_target_groups(&self, arns: &[String]) -> Res<Vec<TargetGroup>> {
        let req = self.elb.describe_target_groups().set_target_group_arns(Some(arns.to_vec()));
        let out = call(&ELB_DESCRIBE_TARGET_GROUPS, req.send()).await?;
        Ok(out.target_groups().to_vec())
    }

    async fn describe_target_health(&self, arn: &str) -> Res<Vec<TargetHealthDescription>> {
        let req = self.elb.describe_target_health().target_group_arn(arn);
        let out = call(&ELB_DESCRIBE_TARGET_HEALTH, req.send()).await?;
        Ok(out.target_health_descriptions().to_vec())
    }

    async fn describe_load_balancers(&self, arns: &[String]) -> Res<Vec<LoadBalancer>> {
        let req = self.elb.describe_load_balancers().set_load_balancer_arns(Some(arns.to_vec()));
        let out = call(&ELB_DESCRIBE_LOAD_BALANCERS, req.send()).await?;
        Ok(out.load_balancers().to_vec())
    }

    async fn describe_load_balancer_attributes(&self, arn: &str) -> Res<Vec<LoadBalancerAttribute>> {
        let req = self.elb.describe_load_balancer_attributes().load_balancer_arn(arn);
        let out = call(&ELB_DESCRIBE_LOAD_BALANCER_ATTRIBUTES, req.send()).await?;
        Ok(out.attributes().to_vec())
    }

    async fn describe_listeners(&self, load_balancer: &str) -> Res<Vec<Listener>> {
        let mut listeners = Vec::new();
        let mut marker = None;
        for _ in 0..MAX_PAGES {
            let req = self.elb.describe_listeners().load_balancer_arn(load_balancer).set_marker(marker);
            let out = call(&ELB_DESCRIBE_LISTENERS, req.send()).await?;
            listeners.extend(out.listeners().iter().cloned());
            marker = out.next_marker().map(str::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(listeners)
    }

    async fn describe_rules(&self, listener: &str) -> Res<Vec<Rule>> {
        let mut rules = Vec::new();
        let mut marker = None;
        for _ in 0..MAX_PAGES {
            let req = self.elb.describe_rules().listener_arn(listener).set_marker(marker);
            let out = call(&ELB_DESCRIBE_RULES, req.send()).await?;
            rules.extend(out.rules().iter().cloned());
            marker = out.next_marker().map(str::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(rules)
    }

    async fn describe_certificate(&self, arn: &str) -> Res<Option<CertificateDetail>> {
        let out = call(&ACM_DESCRIBE_CERTIFICATE, self.acm.describe_certificate().certificate_arn(arn).send()).await?;
        Ok(out.certificate().cloned())
    }

    async fn describe_db_instance(&self, identifier: &str) -> Res<Option<DbInstance>> {
        let req = self.rds.describe_db_instances().db_instance_identifier(identifier);
        match call(&RDS_DESCRIBE_DB_INSTANCES, req.send()).await {
            Ok(out) => Ok(out.db_instances().first().cloned()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn describe_db_parameters(&self, group: &str) -> Res<Vec<Parameter>> {
        let mut parameters = Vec::new();
        let mut marker = None;
        for _ in 0..MAX_PAGES {
            let req =
                self.rds.describe_db_parameters().db_parameter_group_name(group).source("user").set_marker(marker);
            let out = call(&RDS_DESCRIBE_DB_PARAMETERS, req.send()).await?;
            parameters.extend(out.parameters().iter().cloned());
            marker = out.marker().map(str::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(parameters)
    }

    async fn describe_repositories(&self, names: &[String]) -> Res<Vec<Repository>> {
        let req = self.ecr.describe_repositories().set_repository_names(Some(names.to_vec()));
        let out = call(&ECR_DESCRIBE_REPOSITORIES, req.send()).await?;
        Ok(out.repositories().to_vec())
    }

    async fn describe_image(&self, repository: &str, reference: &str) -> Res<Option<ImageDetail>> {
        let id = if reference.starts_with("sha256:") {
            ImageIdentifier::builder().image_digest(reference).build()
        } else {
            ImageIdentifier::builder().image_tag(reference).build()
        };
        let req = self.ecr.describe_images().repository_name(repository).image_ids(id);
        match call(&ECR_DESCRIBE_IMAGES, req.send()).await {
            Ok(out) => Ok(out.image_details().first().cloned()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn registry_scanning(&self) -> Res<Option<RegistryScanningConfiguration>> {
        let out = call(&ECR_GET_REGISTRY_SCANNING_CONFIGURATION, self.ecr.get_registry_scanning_configuration().send())
            .await?;
        Ok(out.scanning_configuration().cloned())
    }

    async fn describe_secret(&self, id: &str) -> Res<DescribeSecretOutput> {
        call(&SECRETS_DESCRIBE_SECRET, self.secrets.describe_secret().secret_id(id).send()).await
    }

    async fn describe_log_group(&self, name: &str) -> Res<Option<LogGroup>> {
        let req = self.logs.describe_log_groups().log_group_name_prefix(name);
        let out = call(&LOGS_DESCRIBE_LOG_GROUPS, req.send()).await?;
        Ok(out.log_groups().iter().find(|g| g.log_group_name() == Some(name)).cloned())
    }

    async fn describe_alarms(&self, prefix: &str) -> Res<Vec<MetricAlarm>> {
        let mut alarms = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let req = self.cloudwatch.describe_alarms().alarm_name_prefix(prefix).set_next_token(token);
            let out = call(&CLOUDWATCH_DESCRIBE_ALARMS, req.send()).await?;
            alarms.extend(out.metric_alarms().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(alarms)
    }

    async fn get_role(&self, name: &str) -> Res<Role> {
        let out = call(&IAM_GET_ROLE, self.iam.get_role().role_name(name).send()).await?;
        out.role()
            .cloned()
            .ok_or_else(|| CallError::new(&IAM_GET_ROLE, ErrorKind::NotFound, "NoSuchEntity", "no role returned"))
    }

    async fn list_role_policies(&self, role: &str) -> Res<Vec<String>> {
        let mut names = Vec::new();
        let mut marker = None;
        for _ in 0..MAX_PAGES {
            let req = self.iam.list_role_policies().role_name(role).set_marker(marker);
            let out = call(&IAM_LIST_ROLE_POLICIES, req.send()).await?;
            names.extend(out.policy_names().iter().cloned());
            marker = out.marker().map(str::to_string);
            if !out.is_truncated() || marker.is_none() {
                break;
            }
        }
        Ok(names)
    }

    async fn get_role_policy(&self, role: &str, policy: &str) -> Res<String> {
        let req = self.iam.get_role_policy().role_name(role).policy_name(policy);
        let out = call(&IAM_GET_ROLE_POLICY, req.send()).await?;
        Ok(out.policy_document().to_string())
    }

    async fn list_attached_role_policies(&self, role: &str) -> Res<Vec<AttachedPolicy>> {
        let mut policies = Vec::new();
        let mut marker = None;
        for _ in 0..MAX_PAGES {
            let req = self.iam.list_attached_role_policies().role_name(role).set_marker(marker);
            let out = call(&IAM_LIST_ATTACHED_ROLE_POLICIES, req.send()).await?;
            policies.extend(out.attached_policies().iter().cloned());
            marker = out.marker().map(str::to_string);
            if !out.is_truncated() || marker.is_none() {
                break;
            }
        }
        Ok(policies)
    }

    async fn get_policy(&self, arn: &str) -> Res<Policy> {
        let out = call(&IAM_GET_POLICY, self.iam.get_policy().policy_arn(arn).send()).await?;
        out.policy()
            .cloned()
            .ok_or_else(|| CallError::new(&IAM_GET_POLICY, ErrorKind::NotFound, "NoSuchEntity", "no policy returned"))
    }

    async fn get_policy_version(&self, arn: &str, version: &str) -> Res<String> {
        let req = self.iam.get_policy_version().policy_arn(arn).version_id(version);
        let out = call(&IAM_GET_POLICY_VERSION, req.send()).await?;
        Ok(out.policy_version().and_then(|v| v.document()).unwrap_or_default().to_string())
    }

    async fn list_event_rules(&self, prefix: &str) -> Res<Vec<EventRule>> {
        let mut rules = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let req = self.events.list_rules().name_prefix(prefix).set_next_token(token);
            let out = call(&EVENTS_LIST_RULES, req.send()).await?;
            rules.extend(out.rules().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(rules)
    }

    async fn list_event_targets(&self, rule: &str) -> Res<Vec<EventTarget>> {
        let req = self.events.list_targets_by_rule().rule(rule);
        let out = call(&EVENTS_LIST_TARGETS_BY_RULE, req.send()).await?;
        Ok(out.targets().to_vec())
    }

    async fn describe_state_machine(&self, arn: &str) -> Res<String> {
        let req = self.sfn.describe_state_machine().state_machine_arn(arn);
        let out = call(&SFN_DESCRIBE_STATE_MACHINE, req.send()).await?;
        Ok(out.definition().to_string())
    }
}
