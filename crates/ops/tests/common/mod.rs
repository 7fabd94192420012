//! A recorded healthy deployment, which each test breaks in one way.
#![allow(dead_code)]

use mbdeploy_ops::api::{ErrorKind, OpsError};
use mbdeploy_ops::facts::*;
use mbdeploy_ops::gather::{gather, GatherOptions};
use mbdeploy_ops::testing::*;

pub const NOW: i64 = 1_796_300_000;
pub const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/metabase-prod/abc";
pub const CERT: &str = "arn:aws:acm:eu-west-1:123456789012:certificate/1111";
pub const DB_SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
pub const KEY_SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-prod-key-XyZ";
pub const IMAGE: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0";

pub fn service() -> ServiceFacts {
    ServiceFacts {
        name: "metabase-prod".into(),
        status: "ACTIVE".into(),
        desired: 1,
        running: 1,
        pending: 0,
        task_definition: Some("arn:aws:ecs:eu-west-1:123456789012:task-definition/metabase-prod:7".into()),
        grace_period_seconds: Some(120),
        circuit_breaker: Some((true, true)),
        deployments: vec![DeploymentFacts {
            id: "ecs-svc/111".into(),
            status: "PRIMARY".into(),
            task_definition: Some("arn:aws:ecs:eu-west-1:123456789012:task-definition/metabase-prod:7".into()),
            desired: 1,
            running: 1,
            rollout_state: Some("COMPLETED".into()),
            rollout_reason: Some("ECS deployment ecs-svc/111 completed.".into()),
            ..Default::default()
        }],
        events: vec![EventFacts {
            at: Some(NOW - 60),
            message: "(service metabase-prod) has reached a steady state.".into(),
        }],
        target_groups: vec![TG.into()],
    }
}

pub fn task_definition() -> TaskDefFacts {
    TaskDefFacts {
        arn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/metabase-prod:7".into(),
        cpu: Some("1024".into()),
        memory: Some("2048".into()),
        containers: vec![ContainerDefFacts {
            name: "metabase".into(),
            image: Some(IMAGE.into()),
            secrets: vec![
                ("MB_DB_PASS".into(), format!("{DB_SECRET}:password::")),
                ("MB_ENCRYPTION_SECRET_KEY".into(), KEY_SECRET.into()),
            ],
            environment_names: vec!["MB_DB_TYPE".into(), "JAVA_OPTS".into()],
            java_opts: Some("-XX:MaxRAMPercentage=75".into()),
            log_group: Some("/aws/ecs/metabase-prod".into()),
            log_stream_prefix: Some("metabase".into()),
        }],
    }
}

pub fn running_task() -> TaskFacts {
    TaskFacts {
        id: "aaaa1111".into(),
        last_status: "RUNNING".into(),
        desired_status: "RUNNING".into(),
        health: Some("HEALTHY".into()),
        ..Default::default()
    }
}

pub fn stopped_task(id: &str, reason: &str, stop_code: &str, exit: Option<i32>) -> TaskFacts {
    TaskFacts {
        id: id.into(),
        last_status: "STOPPED".into(),
        desired_status: "STOPPED".into(),
        stop_code: Some(stop_code.into()),
        stopped_reason: Some(reason.into()),
        containers: vec![ContainerFacts { name: "metabase".into(), exit_code: exit, ..Default::default() }],
        ..Default::default()
    }
}

pub fn log(task: &str, message: &str) -> LogLine {
    LogLine {
        at: (NOW - 120) * 1000,
        stream: format!("metabase/metabase/{task}"),
        task: task.into(),
        message: message.into(),
        event_id: Some(format!("{task}-{}", message.len())),
    }
}

pub fn secret(versions: &[(&str, &[&str])]) -> SecretFacts {
    SecretFacts {
        arn: DB_SECRET.into(),
        name: "rds!db-1234".into(),
        rotation_enabled: true,
        owning_service: Some("rds".into()),
        versions: versions.iter().map(|(v, s)| (v.to_string(), s.iter().map(|x| x.to_string()).collect())).collect(),
        ..Default::default()
    }
}

pub fn healthy() -> Recorded {
    Recorded {
        services: Seq::of(vec![Ok(Some(service()))]),
        task_definition: Some(task_definition()),
        running_tasks: vec!["arn:aws:ecs:eu-west-1:123456789012:task/metabase-prod/aaaa1111".into()],
        tasks: vec![running_task()],
        targets: vec![TargetFacts {
            target_group: TG.into(),
            id: "10.0.1.23".into(),
            port: Some(3000),
            state: "healthy".into(),
            ..Default::default()
        }],
        load_balancer: Some(LoadBalancerFacts {
            arn: "arn:lb".into(),
            dns_name: Some("metabase-prod-123.eu-west-1.elb.amazonaws.com".into()),
            listeners: vec![(80, "HTTP".into(), vec![]), (443, "HTTPS".into(), vec![CERT.into()])],
        }),
        db: Some(DbFacts {
            id: "metabase-prod".into(),
            status: "available".into(),
            engine: Some("postgres".into()),
            engine_version: Some("16.3".into()),
        }),
        repositories: vec!["metabase_repo".into()],
        images: vec![("metabase_repo".into(), "v0.50.0".into())],
        certificates: vec![CertFacts {
            arn: CERT.into(),
            domain: Some("metabase.example.com".into()),
            status: Some("ISSUED".into()),
            not_after: Some(NOW + 200 * 86_400),
            kind: Some("AMAZON_ISSUED".into()),
        }],
        logs: vec![log("aaaa1111", "Metabase Initialization COMPLETE")],
        secrets: Seq::of(vec![Ok(secret(&[("v1", &["AWSCURRENT"])]))]),
        ..Default::default()
    }
}

pub fn facts_of(api: &Recorded, health: Vec<HealthAnswer>) -> Facts {
    let probe = ScriptedProbe::of(health);
    let options = GatherOptions { name: "metabase-prod".into(), url: None, log_window_secs: 3600, now: NOW };
    block_on(gather(api, &probe, &options))
}

pub fn denied(action: &'static str) -> OpsError {
    OpsError::new(action, ErrorKind::Denied, "AccessDeniedException", "not allowed")
}
