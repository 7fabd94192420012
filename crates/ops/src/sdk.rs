//! [`OpsApi`] on the AWS SDK, and the conversions from SDK output structs to facts.
//!
//! The clients come from `mbdeploy_aws::connect` (credential chain, profile, region, endpoint,
//! retries, timeouts), so `verify` and these commands connect the same way.

use crate::api::*;
use crate::facts::*;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use mbdeploy_aws::api::SdkAws;
use std::future::Future;

/// The real account (or the emulator at `--endpoint-url`).
#[derive(Clone, Debug)]
pub struct SdkOps {
    pub aws: SdkAws,
}

impl SdkOps {
    pub async fn connect(options: &mbdeploy_aws::ConnectOptions) -> Self {
        SdkOps { aws: mbdeploy_aws::connect(options, &mbdeploy_aws::Counter::default()).await }
    }
}

async fn call<T, E, R>(action: &'static str, fut: impl Future<Output = Result<T, SdkError<E, R>>>) -> Res<T>
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
        let kind = if code.starts_with("AccessDenied") || code.contains("Unauthorized") || code == "NotAuthorized" {
            ErrorKind::Denied
        } else if code.contains("NotFound") || code == "ResourceNotFoundException" {
            ErrorKind::NotFound
        } else {
            ErrorKind::Other
        };
        OpsError { action, kind, code, message }
    })
}

fn secs(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

/// An ECS service → facts.
pub fn service_facts(s: &aws_sdk_ecs::types::Service) -> ServiceFacts {
    ServiceFacts {
        name: s.service_name().unwrap_or_default().to_string(),
        status: s.status().unwrap_or_default().to_string(),
        desired: s.desired_count(),
        running: s.running_count(),
        pending: s.pending_count(),
        task_definition: s.task_definition().map(str::to_string),
        grace_period_seconds: s.health_check_grace_period_seconds(),
        circuit_breaker: s
            .deployment_configuration()
            .and_then(|c| c.deployment_circuit_breaker())
            .map(|b| (b.enable(), b.rollback())),
        deployments: s
            .deployments()
            .iter()
            .map(|d| DeploymentFacts {
                id: d.id().unwrap_or_default().to_string(),
                status: d.status().unwrap_or_default().to_string(),
                task_definition: d.task_definition().map(str::to_string),
                desired: d.desired_count(),
                running: d.running_count(),
                pending: d.pending_count(),
                failed_tasks: d.failed_tasks(),
                rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
                rollout_reason: d.rollout_state_reason().map(str::to_string),
                created_at: secs(d.created_at()),
            })
            .collect(),
        events: s
            .events()
            .iter()
            .map(|e| EventFacts { at: secs(e.created_at()), message: e.message().unwrap_or_default().to_string() })
            .collect(),
        target_groups: s.load_balancers().iter().filter_map(|l| l.target_group_arn().map(str::to_string)).collect(),
    }
}

/// A task definition → facts: environment values are dropped here (names only), except
/// `JAVA_OPTS`; secrets keep only where they come from.
pub fn task_definition_facts(t: &aws_sdk_ecs::types::TaskDefinition) -> TaskDefFacts {
    TaskDefFacts {
        arn: t.task_definition_arn().unwrap_or_default().to_string(),
        cpu: t.cpu().map(str::to_string),
        memory: t.memory().map(str::to_string),
        containers: t
            .container_definitions()
            .iter()
            .map(|c| {
                let options = c.log_configuration().and_then(|l| l.options());
                ContainerDefFacts {
                    name: c.name().unwrap_or_default().to_string(),
                    image: c.image().map(str::to_string),
                    secrets: c.secrets().iter().map(|s| (s.name().to_string(), s.value_from().to_string())).collect(),
                    environment_names: c.environment().iter().filter_map(|e| e.name().map(str::to_string)).collect(),
                    java_opts: c
                        .environment()
                        .iter()
                        .find(|e| e.name() == Some("JAVA_OPTS"))
                        .and_then(|e| e.value().map(str::to_string)),
                    log_group: options.and_then(|o| o.get("awslogs-group")).cloned(),
                    log_stream_prefix: options.and_then(|o| o.get("awslogs-stream-prefix")).cloned(),
                }
            })
            .collect(),
    }
}

/// An ECS task → facts.
pub fn task_facts(t: &aws_sdk_ecs::types::Task) -> TaskFacts {
    TaskFacts {
        id: task_id_of(t.task_arn().unwrap_or_default()),
        last_status: t.last_status().unwrap_or_default().to_string(),
        desired_status: t.desired_status().unwrap_or_default().to_string(),
        health: t.health_status().map(|h| h.as_str().to_string()),
        stop_code: t.stop_code().map(|c| c.as_str().to_string()),
        stopped_reason: t.stopped_reason().map(str::to_string),
        started_at: secs(t.started_at()),
        stopped_at: secs(t.stopped_at()),
        task_definition: t.task_definition_arn().map(str::to_string),
        containers: t
            .containers()
            .iter()
            .map(|c| ContainerFacts {
                name: c.name().unwrap_or_default().to_string(),
                last_status: c.last_status().map(str::to_string),
                exit_code: c.exit_code(),
                reason: c.reason().map(str::to_string),
                health: c.health_status().map(|h| h.as_str().to_string()),
            })
            .collect(),
    }
}

/// A target's health → facts.
pub fn target_facts(group: &str, t: &aws_sdk_elasticloadbalancingv2::types::TargetHealthDescription) -> TargetFacts {
    let health = t.target_health();
    TargetFacts {
        target_group: group.to_string(),
        id: t.target().and_then(|x| x.id()).unwrap_or_default().to_string(),
        port: t.target().and_then(|x| x.port()),
        state: health.and_then(|h| h.state()).map(|s| s.as_str().to_string()).unwrap_or_default(),
        reason: health.and_then(|h| h.reason()).map(|r| r.as_str().to_string()),
        description: health.and_then(|h| h.description()).map(str::to_string),
    }
}

/// Secrets Manager's description → facts (it carries no value).
pub fn secret_facts(s: &aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput) -> SecretFacts {
    SecretFacts {
        arn: s.arn().unwrap_or_default().to_string(),
        name: s.name().unwrap_or_default().to_string(),
        rotation_enabled: s.rotation_enabled().unwrap_or(false),
        // The emulator answers "" for "none".
        rotation_lambda: s.rotation_lambda_arn().filter(|l| !l.is_empty()).map(str::to_string),
        owning_service: s.owning_service().filter(|o| !o.is_empty()).map(str::to_string),
        versions: s
            .version_ids_to_stages()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        last_rotated: secs(s.last_rotated_date()),
    }
}

impl OpsApi for SdkOps {
    async fn describe_service(&self, cluster: &str, service: &str) -> Res<Option<ServiceFacts>> {
        let req = self.aws.ecs.describe_services().cluster(cluster).services(service);
        match call("ecs:DescribeServices", req.send()).await {
            Ok(out) => Ok(out.services().iter().find(|s| s.status() != Some("INACTIVE")).map(service_facts)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn describe_task_definition(&self, arn: &str) -> Res<TaskDefFacts> {
        let req = self.aws.ecs.describe_task_definition().task_definition(arn);
        let out = call("ecs:DescribeTaskDefinition", req.send()).await?;
        out.task_definition()
            .map(task_definition_facts)
            .ok_or_else(|| OpsError::new("ecs:DescribeTaskDefinition", ErrorKind::NotFound, "", "no task definition"))
    }

    async fn list_tasks(&self, cluster: &str, service: &str, stopped: bool) -> Res<Vec<String>> {
        use aws_sdk_ecs::types::DesiredStatus;
        let status = if stopped { DesiredStatus::Stopped } else { DesiredStatus::Running };
        let mut arns = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10 {
            let req = self
                .aws
                .ecs
                .list_tasks()
                .cluster(cluster)
                .service_name(service)
                .desired_status(status.clone())
                .set_next_token(token.clone());
            let out = call("ecs:ListTasks", req.send()).await?;
            arns.extend(out.task_arns().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Ok(arns)
    }

    async fn describe_tasks(&self, cluster: &str, arns: &[String]) -> Res<Vec<TaskFacts>> {
        let mut tasks = Vec::new();
        for chunk in arns.chunks(100) {
            let req = self.aws.ecs.describe_tasks().cluster(cluster).set_tasks(Some(chunk.to_vec()));
            let out = call("ecs:DescribeTasks", req.send()).await?;
            tasks.extend(out.tasks().iter().map(task_facts));
        }
        Ok(tasks)
    }

    async fn target_health(&self, target_group: &str) -> Res<Vec<TargetFacts>> {
        let req = self.aws.elb.describe_target_health().target_group_arn(target_group);
        let out = call("elasticloadbalancing:DescribeTargetHealth", req.send()).await?;
        Ok(out.target_health_descriptions().iter().map(|t| target_facts(target_group, t)).collect())
    }

    async fn load_balancer_of(&self, target_group: &str) -> Res<Option<LoadBalancerFacts>> {
        let req = self.aws.elb.describe_target_groups().target_group_arns(target_group);
        let out = call("elasticloadbalancing:DescribeTargetGroups", req.send()).await?;
        let Some(lb_arn) = out.target_groups().first().and_then(|t| t.load_balancer_arns().first()).cloned() else {
            return Ok(None);
        };
        let req = self.aws.elb.describe_load_balancers().load_balancer_arns(&lb_arn);
        let out = call("elasticloadbalancing:DescribeLoadBalancers", req.send()).await?;
        let dns_name = out.load_balancers().first().and_then(|l| l.dns_name()).map(str::to_string);
        let req = self.aws.elb.describe_listeners().load_balancer_arn(&lb_arn);
        let out = call("elasticloadbalancing:DescribeListeners", req.send()).await?;
        let listeners = out
            .listeners()
            .iter()
            .map(|l| {
                (
                    l.port().unwrap_or(0),
                    l.protocol().map(|p| p.as_str().to_string()).unwrap_or_default(),
                    l.certificates().iter().filter_map(|c| c.certificate_arn().map(str::to_string)).collect(),
                )
            })
            .collect();
        Ok(Some(LoadBalancerFacts { arn: lb_arn, dns_name, listeners }))
    }

    async fn db_instance(&self, id: &str) -> Res<Option<DbFacts>> {
        let req = self.aws.rds.describe_db_instances().db_instance_identifier(id);
        match call("rds:DescribeDBInstances", req.send()).await {
            Ok(out) => Ok(out.db_instances().first().map(|d| DbFacts {
                id: d.db_instance_identifier().unwrap_or(id).to_string(),
                status: d.db_instance_status().unwrap_or_default().to_string(),
                engine: d.engine().map(str::to_string),
                engine_version: d.engine_version().map(str::to_string),
            })),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn repository_exists(&self, name: &str) -> Res<bool> {
        let req = self.aws.ecr.describe_repositories().repository_names(name);
        match call("ecr:DescribeRepositories", req.send()).await {
            Ok(out) => Ok(!out.repositories().is_empty()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn image_exists(&self, repository: &str, tag: &str) -> Res<bool> {
        let id = aws_sdk_ecr::types::ImageIdentifier::builder().image_tag(tag).build();
        let req = self.aws.ecr.describe_images().repository_name(repository).image_ids(id);
        match call("ecr:DescribeImages", req.send()).await {
            Ok(out) => Ok(!out.image_details().is_empty()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn certificate(&self, arn: &str) -> Res<Option<CertFacts>> {
        let req = self.aws.acm.describe_certificate().certificate_arn(arn);
        match call("acm:DescribeCertificate", req.send()).await {
            Ok(out) => Ok(out.certificate().map(|c| CertFacts {
                arn: arn.to_string(),
                domain: c.domain_name().map(str::to_string),
                status: c.status().map(|s| s.as_str().to_string()),
                not_after: secs(c.not_after()),
                kind: c.r#type().map(|t| t.as_str().to_string()),
            })),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn filter_log_events(
        &self,
        group: &str,
        start_ms: i64,
        filter: Option<&str>,
        token: Option<&str>,
    ) -> Res<LogPage> {
        let req = self
            .aws
            .logs
            .filter_log_events()
            .log_group_name(group)
            .start_time(start_ms)
            .set_filter_pattern(filter.map(str::to_string))
            .set_next_token(token.map(str::to_string))
            .limit(1000);
        let out = call("logs:FilterLogEvents", req.send()).await?;
        let lines = out
            .events()
            .iter()
            .map(|e| {
                let stream = e.log_stream_name().unwrap_or_default().to_string();
                LogLine {
                    at: e.timestamp().unwrap_or(0),
                    task: task_id_of(&stream),
                    stream,
                    message: e.message().unwrap_or_default().trim_end().to_string(),
                    event_id: e.event_id().map(str::to_string),
                }
            })
            .collect();
        Ok(LogPage { lines, next_token: out.next_token().map(str::to_string) })
    }

    async fn describe_secret(&self, id: &str) -> Res<SecretFacts> {
        let out =
            call("secretsmanager:DescribeSecret", self.aws.secrets.describe_secret().secret_id(id).send()).await?;
        Ok(secret_facts(&out))
    }

    async fn rotate_secret(&self, id: &str) -> Res<Option<String>> {
        let out = call("secretsmanager:RotateSecret", self.aws.secrets.rotate_secret().secret_id(id).send()).await?;
        Ok(out.version_id().map(str::to_string))
    }

    async fn force_new_deployment(&self, cluster: &str, service: &str) -> Res<Option<String>> {
        let req = self.aws.ecs.update_service().cluster(cluster).service(service).force_new_deployment(true);
        let out = call("ecs:UpdateService", req.send()).await?;
        Ok(out.service().and_then(|s| {
            s.deployments().iter().find(|d| d.status() == Some("PRIMARY")).and_then(|d| d.id()).map(str::to_string)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{
        ContainerDefinition, Deployment, DeploymentRolloutState, KeyValuePair, Secret, Service, TaskDefinition,
    };

    #[test]
    fn environment_values_other_than_java_opts_are_not_kept() {
        let td = TaskDefinition::builder()
            .task_definition_arn("arn:aws:ecs:eu-west-1:1:task-definition/metabase-prod:3")
            .memory("2048")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("metabase")
                    .image("metabase/metabase:v0.50.0")
                    .environment(KeyValuePair::builder().name("MB_DB_PASS").value("hunter2-in-env").build())
                    .environment(KeyValuePair::builder().name("JAVA_OPTS").value("-Xmx1g").build())
                    .secrets(
                        Secret::builder()
                            .name("MB_ENCRYPTION_SECRET_KEY")
                            .value_from("arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build();
        let facts = task_definition_facts(&td);
        let json = serde_json::to_string(&facts).unwrap();
        assert!(!json.contains("hunter2-in-env"), "{json}");
        assert!(json.contains("MB_DB_PASS") && json.contains("-Xmx1g"));
    }

    #[test]
    fn service_rollout_state_is_read() {
        let s = Service::builder()
            .service_name("metabase-prod")
            .desired_count(1)
            .deployments(
                Deployment::builder()
                    .id("ecs-svc/1")
                    .status("PRIMARY")
                    .rollout_state(DeploymentRolloutState::Failed)
                    .rollout_state_reason("ECS deployment circuit breaker: tasks failed to start.")
                    .build(),
            )
            .build();
        let f = service_facts(&s);
        assert_eq!(f.deployments[0].rollout_state.as_deref(), Some("FAILED"));
        assert_eq!(f.desired, 1);
    }
}
