//! Finding one deployment: which calls, in which order, with what concurrency.
//!
//! The reader starts from the name (cluster, service and RDS instance `<name>`, alarms prefixed
//! `<name>`) and follows references: the service names its task definition, target groups,
//! subnets and security groups; the task definition names its roles, secrets, log groups and
//! image; the target groups name the load balancer; and so on. Each step is one *phase* of
//! independent calls run concurrently (at most `concurrency` at once). The number of calls
//! depends on the deployment's shape (listeners, roles, secrets), never on the number of rules,
//! and listings are batched (`DescribeSecurityGroups` with every id at once), so there is no N+1.
//!
//! Every failed call is recorded, never dropped: a denied or failed read becomes a
//! [`NotVerified`] entry naming the IAM action, so the controls that needed it are reported
//! "not verified" instead of passing on missing data.

use crate::api::{Aws, CallError, ErrorKind, Res};
use aws_sdk_acm::types::CertificateDetail;
use aws_sdk_cloudwatch::types::MetricAlarm;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_ec2::types::{InternetGateway, NatGateway, RouteTable, SecurityGroup, Subnet, Vpc, VpcEndpoint};
use aws_sdk_ecr::types::{ImageDetail, RegistryScanningConfiguration, Repository};
use aws_sdk_ecs::types::{Cluster, Service, Task, TaskDefinition};
use aws_sdk_elasticloadbalancingv2::types::{
    Listener, LoadBalancer, LoadBalancerAttribute, Rule, TargetGroup, TargetHealthDescription,
};
use aws_sdk_eventbridge::types::{Rule as EventRule, Target as EventTarget};
use aws_sdk_iam::types::{AttachedPolicy, Policy, Role};
use aws_sdk_rds::types::{DbInstance, Parameter};
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use futures_util::future::LocalBoxFuture;
use futures_util::stream::{self, StreamExt};
use mbdeploy_model::{LoadError, Location};
use std::cell::RefCell;

/// A control input that could not be read: the call was denied, failed, or found nothing where
/// the deployment refers to something.
#[derive(Clone, Debug, PartialEq)]
pub struct NotVerified {
    /// The IAM action of the call (`ec2:DescribeSecurityGroups`).
    pub action: &'static str,
    /// What was being read (an ARN, an id or a name).
    pub resource: String,
    /// The model collections left unread (`security_groups`).
    pub reads: &'static [&'static str],
    pub reason: Reason,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The permission is missing.
    Denied,
    /// The deployment refers to something that does not exist.
    NotFound,
    /// The call failed after retries (throttling, 5xx, timeouts).
    Failed,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Denied => "denied",
            Reason::NotFound => "not found",
            Reason::Failed => "failed",
        }
    }
}

/// An IAM role and its policies, as read.
#[derive(Clone, Debug, Default)]
pub struct RoleRead {
    pub role: Option<Role>,
    pub name: String,
    /// Inline policies: name and document (as IAM returns it, URL-encoded).
    pub inline: Vec<(String, Option<String>)>,
    /// The inline policies could not be listed.
    pub inline_unknown: bool,
    pub attached: Vec<AttachedPolicy>,
    pub attached_unknown: bool,
}

/// Everything read, in the SDK's types. [`crate::map`] turns it into the model.
#[derive(Clone, Debug, Default)]
pub struct Raw {
    pub name: String,
    pub region: Option<String>,
    pub account: Option<String>,
    pub cluster: Option<Cluster>,
    pub service: Option<Service>,
    pub task_definition: Option<TaskDefinition>,
    pub tasks: Vec<Task>,
    /// Running tasks were listed (false when ListTasks failed).
    pub tasks_read: bool,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub target_groups: Vec<TargetGroup>,
    pub target_health: Vec<(String, Vec<TargetHealthDescription>)>,
    pub load_balancers: Vec<LoadBalancer>,
    pub lb_attributes: Vec<(String, Vec<LoadBalancerAttribute>)>,
    pub listeners: Vec<Listener>,
    pub rules: Vec<(String, Vec<Rule>)>,
    pub certificates: Vec<CertificateDetail>,
    pub db: Option<DbInstance>,
    pub db_parameters: Option<(String, Vec<Parameter>)>,
    pub repositories: Vec<Repository>,
    /// Images by (repository, tag or digest): `None` when the repository has no such image.
    pub images: Vec<(String, String, Option<ImageDetail>)>,
    pub registry_scanning: Option<RegistryScanningConfiguration>,
    pub registry_scanning_read: bool,
    pub secrets: Vec<DescribeSecretOutput>,
    pub log_groups: Vec<LogGroup>,
    pub alarms: Vec<MetricAlarm>,
    pub roles: Vec<RoleRead>,
    /// Customer managed policies attached to the roles, with their default version's document.
    pub policies: Vec<(Policy, Option<String>)>,
    /// EventBridge rules named `<name>*`, their targets (by rule name), and the state machines
    /// they start (ARN, definition).
    pub event_rules: Vec<EventRule>,
    pub event_targets: Vec<(String, Vec<EventTarget>)>,
    pub state_machines: Vec<(String, String)>,
    pub not_verified: Vec<NotVerified>,
    pub errors: Vec<LoadError>,
}

/// Reports progress (a short phrase) while reading.
pub type Progress<'a> = &'a dyn Fn(&str);

/// The last path segment of an ARN (`arn:aws:iam::1:role/path/name` → `name`).
pub fn arn_name(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// An ECR image reference split into (registry host, repository, tag or digest).
pub fn ecr_image(image: &str) -> Option<(String, String, String)> {
    let (host, rest) = image.split_once('/')?;
    if !host.contains(".dkr.ecr.") {
        return None;
    }
    let (repo, reference) = match rest.split_once('@') {
        Some((repo, digest)) => (repo, digest.to_string()),
        None => match rest.rsplit_once(':') {
            Some((repo, tag)) => (repo, tag.to_string()),
            None => (rest, "latest".to_string()),
        },
    };
    Some((host.to_string(), repo.to_string(), reference))
}

/// The secret a `valueFrom` names: a Secrets Manager ARN without its JSON-key suffix
/// (`arn:...:secret:name-AbCdEf:password::` → `arn:...:secret:name-AbCdEf`), or the value itself
/// (a name); `None` for SSM parameters.
pub fn secret_id(value_from: &str) -> Option<String> {
    if value_from.starts_with("arn:") {
        let parts: Vec<&str> = value_from.split(':').collect();
        if parts.get(2) != Some(&"secretsmanager") || parts.len() < 7 {
            return None;
        }
        return Some(parts[..7].join(":"));
    }
    Some(value_from.to_string())
}

struct Reader<'a, A: Aws> {
    api: &'a A,
    raw: RefCell<Raw>,
    concurrency: usize,
    progress: Progress<'a>,
}

type Job<'f> = LocalBoxFuture<'f, ()>;

impl<'a, A: Aws> Reader<'a, A> {
    async fn run(&self, label: &str, tasks: Vec<Job<'_>>) {
        if tasks.is_empty() {
            return;
        }
        (self.progress)(label);
        stream::iter(tasks).buffer_unordered(self.concurrency.max(1)).for_each(|_| async {}).await;
    }

    /// Keeps an answer, or records why there is none.
    fn take<T>(&self, result: Res<T>, resource: &str) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.record(e, resource);
                None
            }
        }
    }

    fn record(&self, e: CallError, resource: &str) {
        let mut raw = self.raw.borrow_mut();
        let reason = match e.kind {
            ErrorKind::Denied => Reason::Denied,
            ErrorKind::NotFound => Reason::NotFound,
            ErrorKind::Other => Reason::Failed,
        };
        if reason == Reason::Failed {
            raw.errors.push(LoadError {
                loc: Location::arn(resource),
                message: format!(
                    "{} failed: {}{}",
                    e.action.iam,
                    e.message,
                    if e.code.is_empty() { String::new() } else { format!(" ({})", e.code) }
                ),
                help: "the call failed after the SDK's retries; the controls that need it are reported \
                       \"not verified\". Check the network, the endpoint and the credentials, then run again"
                    .into(),
            });
        }
        raw.not_verified.push(NotVerified {
            action: e.action.iam,
            resource: resource.to_string(),
            reads: e.action.reads,
            reason,
            message: e.message,
        });
    }
}

/// Reads the deployment called `name` (cluster, service and RDS instance of that name).
pub async fn read<A: Aws>(api: &A, name: &str, concurrency: usize, progress: Progress<'_>) -> Raw {
    let reader =
        Reader { api, raw: RefCell::new(Raw { name: name.to_string(), ..Raw::default() }), concurrency, progress };
    discover(&reader, name).await;
    reader.raw.into_inner()
}

fn push<'f>(tasks: &mut Vec<Job<'f>>, f: impl std::future::Future<Output = ()> + 'f) {
    tasks.push(Box::pin(f));
}

async fn discover<A: Aws>(r: &Reader<'_, A>, name: &str) {
    let api = r.api;
    // ---------------------------------------------------------------- phase 1: by name
    let mut p1: Vec<Job> = Vec::new();
    push(&mut p1, async {
        let v = r.take(api.account_id().await, "caller identity");
        r.raw.borrow_mut().account = v;
    });
    push(&mut p1, async {
        if let Some(c) = r.take(api.describe_cluster(name).await, name) {
            r.raw.borrow_mut().cluster = c;
        }
    });
    push(&mut p1, async {
        if let Some(s) = r.take(api.describe_service(name, name).await, name) {
            r.raw.borrow_mut().service = s;
        }
    });
    push(&mut p1, async {
        if let Some(db) = r.take(api.describe_db_instance(name).await, name) {
            r.raw.borrow_mut().db = db;
        }
    });
    push(&mut p1, async {
        if let Some(a) = r.take(api.describe_alarms(name).await, &format!("alarms named {name}*")) {
            r.raw.borrow_mut().alarms = a;
        }
    });
    push(&mut p1, async {
        if let Some(c) = r.take(api.registry_scanning().await, "ECR registry scanning configuration") {
            let mut raw = r.raw.borrow_mut();
            raw.registry_scanning = c;
            raw.registry_scanning_read = true;
        }
    });
    push(&mut p1, async {
        if let Some(rules) = r.take(api.list_event_rules(name).await, &format!("EventBridge rules named {name}*")) {
            r.raw.borrow_mut().event_rules = rules;
        }
    });
    r.run("ECS, RDS, CloudWatch, EventBridge", p1).await;

    let (service, db) = {
        let raw = r.raw.borrow();
        (raw.service.clone(), raw.db.clone())
    };
    if service.is_none() && db.is_none() {
        let denied = r.raw.borrow().not_verified.iter().any(|n| n.reason != Reason::NotFound);
        if !denied {
            let mut raw = r.raw.borrow_mut();
            raw.not_verified.retain(|n| n.reason != Reason::NotFound);
            raw.errors.push(LoadError {
                loc: Location::default(),
                message: format!("no deployment named `{name}`: no ECS service `{name}` in cluster `{name}` and no RDS instance `{name}`"),
                help: "check --name, --region and --profile (the cluster, the service and the RDS instance are all named after the deployment)".into(),
            });
        }
        return;
    }
    let unread = |action: &str| r.raw.borrow().not_verified.iter().any(|n| n.action == action);
    if service.is_none() && !unread("ecs:DescribeServices") {
        r.record(
            CallError::new(
                &crate::actions::ECS_DESCRIBE_SERVICES,
                ErrorKind::NotFound,
                "",
                "the ECS service does not exist",
            ),
            &format!("service {name} in cluster {name}"),
        );
    }
    if db.is_none() && !unread("rds:DescribeDBInstances") {
        r.record(
            CallError::new(
                &crate::actions::RDS_DESCRIBE_DB_INSTANCES,
                ErrorKind::NotFound,
                "",
                "the RDS instance does not exist",
            ),
            name,
        );
    }

    // ---------------------------------------------------------------- phase 2: what they name
    let net = service.as_ref().and_then(|s| s.network_configuration()).and_then(|n| n.awsvpc_configuration());
    let service_subnets: Vec<String> = net.map(|n| n.subnets().to_vec()).unwrap_or_default();
    let mut group_ids: Vec<String> = net.map(|n| n.security_groups().to_vec()).unwrap_or_default();
    let mut vpc: Option<String> =
        db.as_ref().and_then(|d| d.db_subnet_group()).and_then(|g| g.vpc_id()).map(str::to_string);
    let task_def_arn = service.as_ref().and_then(|s| s.task_definition()).map(str::to_string);
    let tg_arns: Vec<String> = service
        .as_ref()
        .map(|s| s.load_balancers().iter().filter_map(|l| l.target_group_arn()).map(str::to_string).collect())
        .unwrap_or_default();
    let cluster_arn = service.as_ref().and_then(|s| s.cluster_arn()).unwrap_or(name).to_string();
    if let Some(d) = &db {
        group_ids.extend(d.vpc_security_groups().iter().filter_map(|g| g.vpc_security_group_id()).map(str::to_string));
    }
    let param_group = db
        .as_ref()
        .and_then(|d| d.db_parameter_groups().first())
        .and_then(|g| g.db_parameter_group_name())
        .map(str::to_string);
    let master_secret =
        db.as_ref().and_then(|d| d.master_user_secret()).and_then(|s| s.secret_arn()).map(str::to_string);

    let rule_names: Vec<String> =
        r.raw.borrow().event_rules.iter().filter_map(|x| x.name()).map(str::to_string).collect();
    let mut p2: Vec<Job> = Vec::new();
    if let Some(arn) = &task_def_arn {
        push(&mut p2, async move {
            let t = r.take(api.describe_task_definition(arn).await, arn);
            r.raw.borrow_mut().task_definition = t;
        });
    }
    if !tg_arns.is_empty() {
        let arns = &tg_arns;
        push(&mut p2, async move {
            if let Some(t) = r.take(api.describe_target_groups(arns).await, &arns.join(", ")) {
                r.raw.borrow_mut().target_groups = t;
            }
        });
    }
    if service.is_some() {
        let cluster = &cluster_arn;
        push(&mut p2, async move {
            let arns = r.take(api.list_tasks(cluster, name).await, &format!("tasks of service {name}"));
            if let Some(arns) = arns {
                r.raw.borrow_mut().tasks_read = true;
                if !arns.is_empty() {
                    let tasks = r.take(api.describe_tasks(cluster, &arns).await, &format!("tasks of service {name}"));
                    let mut raw = r.raw.borrow_mut();
                    match tasks {
                        Some(t) => raw.tasks = t,
                        None => raw.tasks_read = false,
                    }
                }
            }
        });
    }
    if let Some(group) = &param_group {
        push(&mut p2, async move {
            if let Some(p) = r.take(api.describe_db_parameters(group).await, group) {
                r.raw.borrow_mut().db_parameters = Some((group.clone(), p));
            }
        });
    }
    if let Some(arn) = &master_secret {
        push(&mut p2, async move {
            if let Some(s) = r.take(api.describe_secret(arn).await, arn) {
                r.raw.borrow_mut().secrets.push(s);
            }
        });
    }
    if vpc.is_none() && !service_subnets.is_empty() {
        let ids = &service_subnets;
        push(&mut p2, async move {
            if let Some(s) = r.take(api.describe_subnets(None, ids).await, &ids.join(", ")) {
                r.raw.borrow_mut().subnets = s;
            }
        });
    }
    for rule in &rule_names {
        push(&mut p2, async move {
            if let Some(t) = r.take(api.list_event_targets(rule).await, rule) {
                r.raw.borrow_mut().event_targets.push((rule.clone(), t));
            }
        });
    }
    r.run("task definition, target groups, tasks", p2).await;
    if vpc.is_none() {
        vpc = r.raw.borrow().subnets.iter().find_map(|s| s.vpc_id()).map(str::to_string);
    }

    // ---------------------------------------------------------------- phase 3: the network, and
    // what the task definition and target groups name
    let (task_def, target_groups) = {
        let raw = r.raw.borrow();
        (raw.task_definition.clone(), raw.target_groups.clone())
    };
    let lb_arns: Vec<String> = {
        let mut v: Vec<String> = target_groups.iter().flat_map(|t| t.load_balancer_arns().iter().cloned()).collect();
        v.sort();
        v.dedup();
        v
    };
    let containers = task_def.as_ref().map(|t| t.container_definitions().to_vec()).unwrap_or_default();
    let mut role_names: Vec<String> = task_def
        .as_ref()
        .map(|t| {
            [t.execution_role_arn(), t.task_role_arn()].into_iter().flatten().map(|a| arn_name(a).to_string()).collect()
        })
        .unwrap_or_default();
    role_names.dedup();
    let mut secret_ids: Vec<String> = containers
        .iter()
        .flat_map(|c| c.secrets().iter().filter_map(|s| secret_id(s.value_from())))
        .filter(|id| master_secret.as_deref() != Some(id.as_str()))
        .collect();
    secret_ids.sort();
    secret_ids.dedup();
    let mut log_groups: Vec<String> = containers
        .iter()
        .filter_map(|c| c.log_configuration())
        .filter_map(|l| l.options().and_then(|o| o.get("awslogs-group")).cloned())
        .collect();
    log_groups.sort();
    log_groups.dedup();
    let mut images: Vec<(String, String)> = containers
        .iter()
        .filter_map(|c| c.image())
        .filter_map(ecr_image)
        .map(|(_, repo, reference)| (repo, reference))
        .collect();
    images.sort();
    images.dedup();
    let mut repos: Vec<String> = images.iter().map(|(r, _)| r.clone()).collect();
    repos.dedup();

    let mut machines: Vec<String> = r
        .raw
        .borrow()
        .event_targets
        .iter()
        .flat_map(|(_, t)| t.iter().map(|x| x.arn().to_string()))
        .filter(|a| a.contains(":states:") && a.contains(":stateMachine:"))
        .collect();
    machines.sort();
    machines.dedup();
    let mut p3: Vec<Job> = Vec::new();
    if let Some(v) = &vpc {
        let v = v.as_str();
        // Every subnet of the VPC: the service's, the database's and the load balancer's.
        push(&mut p3, async move {
            if let Some(s) = r.take(api.describe_subnets(Some(v), &[]).await, v) {
                r.raw.borrow_mut().subnets = s;
            }
        });
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_vpcs(&[v.to_string()]).await, v) {
                r.raw.borrow_mut().vpcs = x;
            }
        });
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_route_tables(v).await, v) {
                r.raw.borrow_mut().route_tables = x;
            }
        });
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_internet_gateways(v).await, v) {
                r.raw.borrow_mut().internet_gateways = x;
            }
        });
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_nat_gateways(v).await, v) {
                r.raw.borrow_mut().nat_gateways = x;
            }
        });
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_vpc_endpoints(v).await, v) {
                r.raw.borrow_mut().vpc_endpoints = x;
            }
        });
    }
    for tg in target_groups.iter().filter_map(|t| t.target_group_arn()) {
        push(&mut p3, async move {
            if let Some(h) = r.take(api.describe_target_health(tg).await, tg) {
                r.raw.borrow_mut().target_health.push((tg.to_string(), h));
            }
        });
    }
    if !lb_arns.is_empty() {
        let arns = &lb_arns;
        push(&mut p3, async move {
            if let Some(l) = r.take(api.describe_load_balancers(arns).await, &arns.join(", ")) {
                r.raw.borrow_mut().load_balancers = l;
            }
        });
    }
    for role in &role_names {
        push(&mut p3, async move {
            let (got, inline, attached) = futures_util::join!(
                api.get_role(role),
                api.list_role_policies(role),
                api.list_attached_role_policies(role)
            );
            let got = r.take(got, role);
            let inline = r.take(inline, role);
            let attached = r.take(attached, role);
            r.raw.borrow_mut().roles.push(RoleRead {
                role: got,
                name: role.clone(),
                inline_unknown: inline.is_none(),
                inline: inline.unwrap_or_default().into_iter().map(|n| (n, None)).collect(),
                attached_unknown: attached.is_none(),
                attached: attached.unwrap_or_default(),
            });
        });
    }
    for id in &secret_ids {
        push(&mut p3, async move {
            if let Some(s) = r.take(api.describe_secret(id).await, id) {
                r.raw.borrow_mut().secrets.push(s);
            }
        });
    }
    for group in &log_groups {
        push(&mut p3, async move {
            match r.take(api.describe_log_group(group).await, group) {
                Some(Some(g)) => r.raw.borrow_mut().log_groups.push(g),
                Some(None) => {}
                None => {}
            }
        });
    }
    if !repos.is_empty() {
        let names = &repos;
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_repositories(names).await, &names.join(", ")) {
                r.raw.borrow_mut().repositories = x;
            }
        });
    }
    for (repo, reference) in &images {
        push(&mut p3, async move {
            if let Some(x) = r.take(api.describe_image(repo, reference).await, &format!("{repo}:{reference}")) {
                r.raw.borrow_mut().images.push((repo.clone(), reference.clone(), x));
            }
        });
    }
    for arn in &machines {
        push(&mut p3, async move {
            if let Some(def) = r.take(api.describe_state_machine(arn).await, arn) {
                r.raw.borrow_mut().state_machines.push((arn.clone(), def));
            }
        });
    }
    r.run("network, IAM, secrets, logs, ECR", p3).await;

    // ---------------------------------------------------------------- phase 4: load balancers,
    // security groups, policies
    let (load_balancers, roles) = {
        let raw = r.raw.borrow();
        (raw.load_balancers.clone(), raw.roles.clone())
    };
    for lb in &load_balancers {
        group_ids.extend(lb.security_groups().iter().cloned());
    }
    group_ids.sort();
    group_ids.dedup();
    let mut inline: Vec<(String, String)> = Vec::new();
    let mut customer: Vec<String> = Vec::new();
    for role in &roles {
        inline.extend(role.inline.iter().map(|(p, _)| (role.name.clone(), p.clone())));
        customer.extend(
            role.attached
                .iter()
                .filter_map(|a| a.policy_arn())
                .filter(|a| !a.contains(":iam::aws:policy/"))
                .map(str::to_string),
        );
    }
    customer.sort();
    customer.dedup();

    let mut p4: Vec<Job> = Vec::new();
    if !group_ids.is_empty() {
        let ids = &group_ids;
        push(&mut p4, async move {
            if let Some(g) = r.take(api.describe_security_groups(ids).await, &ids.join(", ")) {
                r.raw.borrow_mut().security_groups = g;
            }
        });
    }
    for lb in load_balancers.iter().filter_map(|l| l.load_balancer_arn()) {
        push(&mut p4, async move {
            if let Some(a) = r.take(api.describe_load_balancer_attributes(lb).await, lb) {
                r.raw.borrow_mut().lb_attributes.push((lb.to_string(), a));
            }
        });
        push(&mut p4, async move {
            if let Some(l) = r.take(api.describe_listeners(lb).await, lb) {
                r.raw.borrow_mut().listeners.extend(l);
            }
        });
    }
    for (role, policy) in &inline {
        push(&mut p4, async move {
            let doc = r.take(api.get_role_policy(role, policy).await, &format!("{role}/{policy}"));
            let mut raw = r.raw.borrow_mut();
            if let Some(rr) = raw.roles.iter_mut().find(|x| &x.name == role) {
                if let Some(slot) = rr.inline.iter_mut().find(|(n, _)| n == policy) {
                    slot.1 = doc;
                }
            }
        });
    }
    for arn in &customer {
        push(&mut p4, async move {
            let Some(policy) = r.take(api.get_policy(arn).await, arn) else {
                return;
            };
            let doc = match policy.default_version_id() {
                Some(v) => r.take(api.get_policy_version(arn, v).await, arn),
                None => None,
            };
            r.raw.borrow_mut().policies.push((policy, doc));
        });
    }
    r.run("load balancer, security groups, policies", p4).await;

    // ---------------------------------------------------------------- phase 5: listener rules and
    // certificates
    let listeners = r.raw.borrow().listeners.clone();
    let mut certs: Vec<String> = listeners
        .iter()
        .flat_map(|l| l.certificates().iter().filter_map(|c| c.certificate_arn()).map(str::to_string))
        .collect();
    certs.sort();
    certs.dedup();
    let mut p5: Vec<Job> = Vec::new();
    for l in listeners.iter().filter_map(|l| l.listener_arn()) {
        push(&mut p5, async move {
            if let Some(rules) = r.take(api.describe_rules(l).await, l) {
                r.raw.borrow_mut().rules.push((l.to_string(), rules));
            }
        });
    }
    for arn in &certs {
        push(&mut p5, async move {
            if let Some(Some(c)) = r.take(api.describe_certificate(arn).await, arn) {
                r.raw.borrow_mut().certificates.push(c);
            }
        });
    }
    r.run("listeners, certificates", p5).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            secret_id("arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-abc-AbCdEf:password::").as_deref(),
            Some("arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-abc-AbCdEf")
        );
        assert_eq!(secret_id("arn:aws:ssm:eu-west-1:1:parameter/x"), None);
        assert_eq!(
            ecr_image("1.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0"),
            Some(("1.dkr.ecr.eu-west-1.amazonaws.com".into(), "metabase_repo".into(), "v0.50.0".into()))
        );
        assert_eq!(ecr_image("metabase/metabase:v0.50.0"), None);
        assert_eq!(ecr_image("1.dkr.ecr.eu-west-1.amazonaws.com/a/b@sha256:00").unwrap().2, "sha256:00");
        assert_eq!(arn_name("arn:aws:iam::1:role/path/exec"), "exec");
    }
}
