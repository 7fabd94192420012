//! The typed deployment model.
//!
//! Each entity keeps only what the document's controls talk about. Every attribute is an
//! [`Attr`]: set (with the location of the expression), unset (located at the block header, as
//! tflint reports a missing attribute) or unknown until apply. Entities refer to each other by
//! *keys*: a Terraform address for source and plans, an id or ARN for a live account; [`Meta::keys`]
//! lists every key an entity answers to.

use crate::Location;

/// What a field holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Field<T> {
    Set(T),
    Unset,
    /// Not known before apply, or not readable.
    Unknown,
}

/// A field and the place it was written (the block header when unset).
#[derive(Clone, Debug, PartialEq)]
pub struct Attr<T> {
    pub field: Field<T>,
    pub loc: Location,
}

impl<T> Attr<T> {
    pub fn set(value: T, loc: Location) -> Self {
        Attr { field: Field::Set(value), loc }
    }
    pub fn unset(loc: Location) -> Self {
        Attr { field: Field::Unset, loc }
    }
    pub fn unknown(loc: Location) -> Self {
        Attr { field: Field::Unknown, loc }
    }
    pub fn get(&self) -> Option<&T> {
        match &self.field {
            Field::Set(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self.field, Field::Unknown)
    }
    pub fn is_unset(&self) -> bool {
        matches!(self.field, Field::Unset)
    }
    /// The value, or `default` when unset (what the provider would use). Unknown stays `None`.
    pub fn or_default(&self, default: T) -> Option<T>
    where
        T: Clone,
    {
        match &self.field {
            Field::Set(v) => Some(v.clone()),
            Field::Unset => Some(default),
            Field::Unknown => None,
        }
    }
}

impl<T> Default for Attr<T> {
    fn default() -> Self {
        Attr::unset(Location::default())
    }
}

/// Where the model came from. Some controls only exist in one kind of source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SourceKind {
    #[default]
    Terraform,
    Plan,
    Live,
}

/// Identity of an entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// Terraform address (`module.metabase.aws_lb.this`) or, live, the ARN or id.
    pub address: String,
    /// The Terraform resource type this entity was read as (`aws_lb`), or the live service kind.
    pub resource_type: String,
    /// Every key that other entities may use to refer to this one.
    pub keys: Vec<String>,
    /// The block header (source), or the ARN (live).
    pub loc: Location,
}

impl Meta {
    pub fn answers_to(&self, key: &str) -> bool {
        self.address == key || self.keys.iter().any(|k| k == key)
    }
}

// ---------------------------------------------------------------- network

#[derive(Clone, Debug, Default)]
pub struct Vpc {
    pub meta: Meta,
    pub cidr: Attr<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Option<String>,
    pub cidr: Attr<String>,
    pub availability_zone: Attr<String>,
    pub map_public_ip_on_launch: Attr<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct Route {
    pub loc: Location,
    pub destination: Option<String>,
    /// Key of an internet gateway (or a literal `igw-` id).
    pub internet_gateway: Option<String>,
    pub nat_gateway: Option<String>,
    pub vpc_endpoint: Option<String>,
    /// The target is not known before apply.
    pub target_unknown: bool,
}

#[derive(Clone, Debug, Default)]
pub struct RouteTable {
    pub meta: Meta,
    pub vpc: Option<String>,
    pub routes: Vec<Route>,
    /// Keys of the subnets associated with this table.
    pub subnets: Vec<String>,
    /// The VPC's main table (used by subnets without an explicit association).
    pub main: bool,
}

#[derive(Clone, Debug, Default)]
pub struct InternetGateway {
    pub meta: Meta,
    pub vpc: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct NatGateway {
    pub meta: Meta,
    pub subnet: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct VpcEndpoint {
    pub meta: Meta,
    pub vpc: Option<String>,
    pub service_name: Attr<String>,
    pub endpoint_type: Attr<String>,
    pub private_dns: Attr<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// One security group rule, whatever form it was written in.
#[derive(Clone, Debug)]
pub struct SgRule {
    pub loc: Location,
    /// Address of the standalone rule resource, if it was one.
    pub address: Option<String>,
    pub direction: Direction,
    /// `-1` for all protocols, else `tcp`/`udp`/`icmp` or a number.
    pub protocol: String,
    /// Port range; `None` for all ports.
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidrs: Vec<String>,
    /// Keys of the peer security groups.
    pub peer_groups: Vec<String>,
    pub self_referencing: bool,
    pub prefix_lists: Vec<String>,
    /// Some part of the peer is not known before apply.
    pub peer_unknown: bool,
    pub ports_unknown: bool,
}

impl SgRule {
    pub fn all_ports(&self) -> bool {
        self.protocol == "-1" || self.protocol == "all" || (self.from_port.is_none() && !self.ports_unknown)
    }
    /// Whether traffic to `port` (TCP) is admitted by this rule's port range.
    pub fn covers_port(&self, port: i64) -> bool {
        if self.all_ports() {
            return true;
        }
        if !(self.protocol == "tcp" || self.protocol == "6") {
            return false;
        }
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) => from <= port && port <= to,
            (Some(from), None) => from == port,
            _ => false,
        }
    }
    /// Whether this rule is exactly TCP `port`.
    pub fn is_exactly_port(&self, port: i64) -> bool {
        (self.protocol == "tcp" || self.protocol == "6")
            && self.from_port == Some(port)
            && self.to_port.unwrap_or(port) == port
    }
    pub fn world_cidrs(&self) -> impl Iterator<Item = &String> {
        self.cidrs.iter().filter(|c| c.as_str() == "0.0.0.0/0" || c.as_str() == "::/0")
    }
    pub fn open_to_world(&self) -> bool {
        self.world_cidrs().next().is_some()
    }
    pub fn describe_ports(&self) -> String {
        if self.all_ports() {
            return "all ports".into();
        }
        match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f != t => format!("ports {f}-{t}/{}", self.protocol),
            (Some(f), _) => format!("port {f}/{}", self.protocol),
            _ => "unknown ports".into(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub name: Attr<String>,
    pub vpc: Option<String>,
    pub rules: Vec<SgRule>,
    /// The VPC's default group, managed through `aws_default_security_group`.
    pub is_default: bool,
}

impl SecurityGroup {
    pub fn ingress(&self) -> impl Iterator<Item = &SgRule> {
        self.rules.iter().filter(|r| r.direction == Direction::Ingress)
    }
    pub fn egress(&self) -> impl Iterator<Item = &SgRule> {
        self.rules.iter().filter(|r| r.direction == Direction::Egress)
    }
}

// ---------------------------------------------------------------- load balancing

#[derive(Clone, Debug, Default)]
pub struct LoadBalancer {
    pub meta: Meta,
    pub name: Attr<String>,
    pub internal: Attr<bool>,
    pub lb_type: Attr<String>,
    pub security_groups: Vec<String>,
    pub subnets: Vec<String>,
    pub drop_invalid_header_fields: Attr<bool>,
    pub deletion_protection: Attr<bool>,
    pub access_logs: Attr<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct Action {
    pub loc: Location,
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ... (or empty if unknown).
    pub action_type: String,
    pub target_groups: Vec<String>,
    pub redirect_protocol: Option<String>,
    pub redirect_port: Option<String>,
    pub redirect_status: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Listener {
    pub meta: Meta,
    pub load_balancer: Option<String>,
    pub port: Attr<i64>,
    pub protocol: Attr<String>,
    pub ssl_policy: Attr<String>,
    pub certificate: Attr<String>,
    pub default_actions: Vec<Action>,
}

#[derive(Clone, Debug, Default)]
pub struct ListenerRule {
    pub meta: Meta,
    pub listener: Option<String>,
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, Default)]
pub struct TargetGroup {
    pub meta: Meta,
    pub port: Attr<i64>,
    pub protocol: Attr<String>,
    pub target_type: Attr<String>,
    pub health_check_path: Attr<String>,
    pub health_check_matcher: Attr<String>,
    pub health_check_enabled: Attr<bool>,
}

// ---------------------------------------------------------------- ECS

#[derive(Clone, Debug, Default)]
pub struct EcsCluster {
    pub meta: Meta,
    pub name: Attr<String>,
    /// The `containerInsights` setting (`enabled`, `enhanced`, `disabled`).
    pub container_insights: Attr<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ServiceLoadBalancer {
    pub target_group: Option<String>,
    pub container_name: Attr<String>,
    pub container_port: Attr<i64>,
}

#[derive(Clone, Debug, Default)]
pub struct EcsService {
    pub meta: Meta,
    pub name: Attr<String>,
    pub cluster: Option<String>,
    pub task_definition: Option<String>,
    pub launch_type: Attr<String>,
    pub subnets: Vec<String>,
    pub subnets_unknown: bool,
    pub security_groups: Vec<String>,
    pub assign_public_ip: Attr<bool>,
    /// The `network_configuration` block itself (unset when missing).
    pub network_configuration: Attr<bool>,
    pub circuit_breaker: Attr<bool>,
    pub circuit_breaker_rollback: Attr<bool>,
    pub health_check_grace_period: Attr<i64>,
    pub load_balancers: Vec<ServiceLoadBalancer>,
    pub enable_execute_command: Attr<bool>,
    pub desired_count: Attr<i64>,
    pub minimum_healthy_percent: Attr<i64>,
    pub maximum_percent: Attr<i64>,
}

#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    pub loc: Location,
    /// The value; `Field::Set` holds it even when sensitive: reporters must check `sensitive`.
    pub value: Field<String>,
    /// The value derives from a sensitive variable or value.
    pub sensitive: bool,
}

#[derive(Clone, Debug)]
pub struct SecretVar {
    pub name: String,
    pub loc: Location,
    /// The `valueFrom` ARN (or a key of the secret it references), if known.
    pub value_from: Field<String>,
    /// Keys of the model entities the `valueFrom` derives from (a secret, an RDS instance).
    pub refs: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Container {
    pub name: String,
    pub loc: Location,
    pub image: Attr<String>,
    pub environment: Vec<EnvVar>,
    pub secrets: Vec<SecretVar>,
    /// The health check command (`["CMD-SHELL", "curl ..."]`).
    pub health_check: Attr<Vec<String>>,
    pub health_check_start_period: Attr<i64>,
    pub log_driver: Attr<String>,
    /// The `awslogs-group` option (a name, or the key of the log group it derives from).
    pub log_group: Attr<String>,
    pub log_group_refs: Vec<String>,
    pub ports: Vec<i64>,
    pub essential: Attr<bool>,
}

impl Container {
    pub fn env(&self, name: &str) -> Option<&EnvVar> {
        self.environment.iter().find(|e| e.name == name)
    }
    pub fn secret(&self, name: &str) -> Option<&SecretVar> {
        self.secrets.iter().find(|e| e.name == name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct TaskDefinition {
    pub meta: Meta,
    pub family: Attr<String>,
    pub execution_role: Option<String>,
    pub task_role: Option<String>,
    pub cpu: Attr<String>,
    pub memory: Attr<String>,
    /// Container definitions; unknown when the whole document is not known before apply.
    pub containers: Attr<Vec<Container>>,
    /// When the definitions cannot be read (unknown, or sensitive in a plan): what they derive
    /// from (`var.db_password`, `aws_db_instance.x`) and whether a sensitive value is inside.
    pub definitions_refs: Vec<String>,
    pub definitions_sensitive: bool,
}

// ---------------------------------------------------------------- RDS

/// Where an RDS master password comes from.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum PasswordSource {
    /// `manage_master_user_password = true`: RDS keeps it in Secrets Manager.
    Managed,
    /// A write-only argument (`password_wo`): never stored in state.
    WriteOnly,
    /// `password` is set: the value is stored in Terraform state. `loc` is the expression;
    /// `sensitive` is false when it is a plain literal or non-sensitive value.
    InState { loc: Location, sensitive: bool },
    #[default]
    None,
}

#[derive(Clone, Debug, Default)]
pub struct DbInstance {
    pub meta: Meta,
    /// An Aurora cluster rather than an instance.
    pub is_cluster: bool,
    pub engine: Attr<String>,
    pub storage_encrypted: Attr<bool>,
    pub kms_key: Attr<String>,
    pub publicly_accessible: Attr<bool>,
    pub backup_retention_period: Attr<i64>,
    pub deletion_protection: Attr<bool>,
    pub skip_final_snapshot: Attr<bool>,
    pub final_snapshot_identifier: Attr<String>,
    pub password: PasswordSource,
    pub parameter_group: Option<String>,
    pub subnet_group: Option<String>,
    pub security_groups: Vec<String>,
    pub iam_authentication: Attr<bool>,
    pub multi_az: Attr<bool>,
    pub port: Attr<i64>,
}

#[derive(Clone, Debug)]
pub struct DbParameter {
    pub name: String,
    pub value: Field<String>,
    pub loc: Location,
}

#[derive(Clone, Debug, Default)]
pub struct DbParameterGroup {
    pub meta: Meta,
    pub family: Attr<String>,
    pub parameters: Vec<DbParameter>,
}

#[derive(Clone, Debug, Default)]
pub struct DbSubnetGroup {
    pub meta: Meta,
    pub subnets: Vec<String>,
    pub subnets_unknown: bool,
}

// ---------------------------------------------------------------- ECR, secrets, logs, alarms

#[derive(Clone, Debug, Default)]
pub struct EcrRepository {
    pub meta: Meta,
    pub name: Attr<String>,
    pub scan_on_push: Attr<bool>,
    pub tag_mutability: Attr<String>,
    pub encryption_type: Attr<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Secret {
    pub meta: Meta,
    pub name: Attr<String>,
    pub kms_key: Attr<String>,
    /// Rotation, from `aws_secretsmanager_secret_rotation` (or live `RotationEnabled`).
    pub rotation: Attr<bool>,
    /// Rotation period in days or a schedule expression, when known.
    pub rotation_schedule: Option<String>,
    /// A secret RDS manages for an instance (`manage_master_user_password`).
    pub managed_by_rds: bool,
}

#[derive(Clone, Debug, Default)]
pub struct LogGroup {
    pub meta: Meta,
    pub name: Attr<String>,
    pub retention_days: Attr<i64>,
    pub kms_key: Attr<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Alarm {
    pub meta: Meta,
    pub namespace: Attr<String>,
    pub metric_name: Attr<String>,
    /// Namespaces of a metric-math alarm's metrics.
    pub query_namespaces: Vec<String>,
    pub alarm_actions: Vec<String>,
    pub actions_enabled: Attr<bool>,
}

// ---------------------------------------------------------------- events and workflows

/// An EventBridge rule (`aws_cloudwatch_event_rule`).
#[derive(Clone, Debug, Default)]
pub struct EventRule {
    pub meta: Meta,
    /// The event pattern as JSON text (parts unknown before apply written as `${…}` or null).
    pub pattern: String,
    /// Resources the pattern refers to (e.g. the secret whose rotation it matches).
    pub pattern_refs: Vec<String>,
}

/// An EventBridge target (`aws_cloudwatch_event_target`).
#[derive(Clone, Debug, Default)]
pub struct EventTarget {
    pub meta: Meta,
    pub rule: Option<String>,
    /// Key of what it invokes (a state machine, a Lambda function, an ECS cluster...).
    pub target: Option<String>,
}

/// A Step Functions state machine (`aws_sfn_state_machine`).
#[derive(Clone, Debug, Default)]
pub struct StateMachine {
    pub meta: Meta,
    /// The definition as JSON text.
    pub definition: String,
    pub definition_refs: Vec<String>,
}

// ---------------------------------------------------------------- IAM

#[derive(Clone, Debug, Default)]
pub struct Statement {
    pub loc: Location,
    pub allow: bool,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: bool,
    /// `Service` principals (trust policies).
    pub service_principals: Vec<String>,
    /// Any other principal (AWS accounts, federated, `*`).
    pub other_principals: Vec<String>,
    pub has_conditions: bool,
    /// Some part of the statement is not known before apply.
    pub unknown: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PolicyDocument {
    pub loc: Location,
    /// Where the document came from (`aws_iam_role_policy.exec`, an inline block, ...).
    pub origin: String,
    pub statements: Vec<Statement>,
    /// The document as a whole is not known before apply.
    pub unknown: bool,
}

#[derive(Clone, Debug)]
pub struct AttachedPolicy {
    pub loc: Location,
    /// The ARN (known managed policy) or the key of a customer policy in the model.
    pub policy: String,
    pub origin: String,
}

#[derive(Clone, Debug, Default)]
pub struct IamRole {
    pub meta: Meta,
    pub name: Attr<String>,
    pub trust_policy: Attr<PolicyDocument>,
    pub inline_policies: Vec<PolicyDocument>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Clone, Debug, Default)]
pub struct IamPolicy {
    pub meta: Meta,
    pub document: Attr<PolicyDocument>,
}

// ---------------------------------------------------------------- Terraform itself

#[derive(Clone, Debug, Default)]
pub struct Output {
    pub name: String,
    pub loc: Location,
    pub sensitive: bool,
    /// Resource addresses and attribute paths the value reads (`aws_db_instance.metabase.endpoint`).
    pub references: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Variable {
    pub name: String,
    pub loc: Location,
    pub sensitive: bool,
    /// Where the default is written, if there is a non-null default.
    pub default_loc: Option<Location>,
    /// The default is a non-empty string literal.
    pub has_string_default: bool,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Backend {
    pub loc: Location,
    /// `s3`, `gcs`, `remote`, `local`, ... (`cloud` for an HCP Terraform block).
    pub kind: String,
    pub encrypt: Attr<bool>,
    /// Locking: `use_lockfile` or a DynamoDB table.
    pub locking: Attr<bool>,
    pub kms_key: Attr<String>,
}

/// An assignment in a `.tfvars` file, kept without its value.
#[derive(Clone, Debug)]
pub struct TfvarsEntry {
    pub name: String,
    pub loc: Location,
    /// A non-empty string literal is assigned.
    pub is_string_literal: bool,
    /// The file is an example/template (`*.example`), not loaded by Terraform.
    pub committed: bool,
}

/// `# mbdeploy:ignore RULE-ID reason` written on or above a block.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub rule_id: String,
    pub reason: Option<String>,
    pub loc: Location,
    /// The block it covers: file and line range (inclusive), and the resource address if known.
    pub target_first_line: u32,
    pub target_last_line: u32,
    pub target_address: Option<String>,
}

/// A problem found while loading that is not a parse failure (e.g. an attribute set twice).
#[derive(Clone, Debug)]
pub struct LoadIssue {
    pub code: String,
    pub loc: Location,
    pub address: String,
    pub message: String,
}

/// A file or value that could not be read at all. The rest is still audited.
#[derive(Clone, Debug)]
pub struct LoadError {
    pub loc: Location,
    pub message: String,
    pub help: String,
}

/// The whole deployment, as one source sees it.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    pub source: SourceKind,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub load_balancers: Vec<LoadBalancer>,
    pub listeners: Vec<Listener>,
    pub listener_rules: Vec<ListenerRule>,
    pub target_groups: Vec<TargetGroup>,
    pub ecs_clusters: Vec<EcsCluster>,
    pub ecs_services: Vec<EcsService>,
    pub task_definitions: Vec<TaskDefinition>,
    pub db_instances: Vec<DbInstance>,
    pub db_parameter_groups: Vec<DbParameterGroup>,
    pub db_subnet_groups: Vec<DbSubnetGroup>,
    pub ecr_repositories: Vec<EcrRepository>,
    /// Registry-wide scan on push (`aws_ecr_registry_scanning_configuration`).
    pub ecr_registry_scan_on_push: bool,
    pub secrets: Vec<Secret>,
    pub log_groups: Vec<LogGroup>,
    pub alarms: Vec<Alarm>,
    pub event_rules: Vec<EventRule>,
    pub event_targets: Vec<EventTarget>,
    pub state_machines: Vec<StateMachine>,
    pub iam_roles: Vec<IamRole>,
    pub iam_policies: Vec<IamPolicy>,
    pub outputs: Vec<Output>,
    pub variables: Vec<Variable>,
    pub backend: Option<Backend>,
    /// The root module's `terraform {}` block, where a missing backend belongs.
    pub settings_loc: Option<Location>,
    pub tfvars: Vec<TfvarsEntry>,
    pub suppressions: Vec<Suppression>,
    pub load_issues: Vec<LoadIssue>,
    pub errors: Vec<LoadError>,
}

fn find<'a, T>(items: &'a [T], key: &str, meta: impl Fn(&T) -> &Meta) -> Option<&'a T> {
    items.iter().find(|item| meta(item).answers_to(key))
}

impl Deployment {
    pub fn security_group(&self, key: &str) -> Option<&SecurityGroup> {
        find(&self.security_groups, key, |x| &x.meta)
    }
    pub fn subnet(&self, key: &str) -> Option<&Subnet> {
        find(&self.subnets, key, |x| &x.meta)
    }
    pub fn task_definition(&self, key: &str) -> Option<&TaskDefinition> {
        find(&self.task_definitions, key, |x| &x.meta)
    }
    pub fn iam_role(&self, key: &str) -> Option<&IamRole> {
        find(&self.iam_roles, key, |x| &x.meta)
    }
    pub fn iam_policy(&self, key: &str) -> Option<&IamPolicy> {
        find(&self.iam_policies, key, |x| &x.meta)
    }
    pub fn secret(&self, key: &str) -> Option<&Secret> {
        find(&self.secrets, key, |x| &x.meta)
    }
    pub fn db_parameter_group(&self, key: &str) -> Option<&DbParameterGroup> {
        find(&self.db_parameter_groups, key, |x| &x.meta)
    }
    pub fn db_subnet_group(&self, key: &str) -> Option<&DbSubnetGroup> {
        find(&self.db_subnet_groups, key, |x| &x.meta)
    }
    pub fn log_group(&self, key: &str) -> Option<&LogGroup> {
        find(&self.log_groups, key, |x| &x.meta)
    }
    pub fn load_balancer(&self, key: &str) -> Option<&LoadBalancer> {
        find(&self.load_balancers, key, |x| &x.meta)
    }
    pub fn listener(&self, key: &str) -> Option<&Listener> {
        find(&self.listeners, key, |x| &x.meta)
    }
    pub fn target_group(&self, key: &str) -> Option<&TargetGroup> {
        find(&self.target_groups, key, |x| &x.meta)
    }
    pub fn db_instance(&self, key: &str) -> Option<&DbInstance> {
        find(&self.db_instances, key, |x| &x.meta)
    }

    /// Whether a subnet routes to an internet gateway: `Some(true)` public, `Some(false)` private,
    /// `None` when its routes are not known (e.g. a subnet id passed in as a variable).
    pub fn subnet_is_public(&self, subnet_key: &str) -> Option<bool> {
        let subnet = self.subnet(subnet_key)?;
        let explicit: Vec<&RouteTable> =
            self.route_tables.iter().filter(|rt| rt.subnets.iter().any(|s| subnet.meta.answers_to(s))).collect();
        let tables: Vec<&RouteTable> = if explicit.is_empty() {
            self.route_tables.iter().filter(|rt| rt.main && rt.vpc.is_some() && rt.vpc == subnet.vpc).collect()
        } else {
            explicit
        };
        if tables.is_empty() {
            // No route table in the model: a subnet with only the VPC's implicit main table has no
            // route to the internet unless one is added, which the model would show.
            return if self.route_tables.is_empty() { None } else { Some(false) };
        }
        let mut unknown = false;
        for table in tables {
            for route in &table.routes {
                if route.internet_gateway.is_some() {
                    return Some(true);
                }
                unknown |= route.target_unknown;
            }
        }
        if unknown {
            None
        } else {
            Some(false)
        }
    }

    /// Resources a rule can name when a deployment lacks something altogether.
    pub fn is_empty(&self) -> bool {
        self.ecs_services.is_empty()
            && self.task_definitions.is_empty()
            && self.load_balancers.is_empty()
            && self.db_instances.is_empty()
            && self.security_groups.is_empty()
    }
}
