//! Building the SDK clients: the standard credential chain, a profile, a region, an endpoint (the
//! emulator), the standard retry mode, timeouts, and a counter of the calls made.

use crate::api::SdkAws;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where and how to connect.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Region; `None` takes it from the environment or the profile.
    pub region: Option<String>,
    /// A named profile of ~/.aws/config (SSO profiles included).
    pub profile: Option<String>,
    /// Send every call here (a local emulator such as moto_server).
    pub endpoint_url: Option<String>,
    /// Attempts per call, the first included (standard retry mode: exponential backoff with jitter
    /// on throttling, 5xx and timeouts).
    pub max_attempts: u32,
    /// Longest wait for one attempt's answer.
    pub attempt_timeout: Duration,
    /// Longest time for one call, retries included.
    pub operation_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            region: None,
            profile: None,
            endpoint_url: None,
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(40),
        }
    }
}

/// Calls made, by operation (`ecs:DescribeServices`), and HTTP attempts (retries included).
#[derive(Clone, Debug, Default)]
pub struct CallStats {
    pub calls: BTreeMap<String, usize>,
    pub attempts: usize,
}

impl CallStats {
    pub fn total_calls(&self) -> usize {
        self.calls.values().sum()
    }
}

/// Counts calls and attempts across every client.
#[derive(Clone, Debug, Default)]
pub struct Counter(pub Arc<Mutex<CallStats>>);

impl Counter {
    pub fn snapshot(&self) -> CallStats {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Intercept for Counter {
    fn name(&self) -> &'static str {
        "mbdeploy-call-counter"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Named by IAM action (`ecs:DescribeServices`), as in `mbdeploy iam-policy`.
        let name = cfg
            .load::<Metadata>()
            .map(|m| match crate::actions::ALL.iter().find(|a| a.operation == m.name()) {
                Some(a) => a.iam.to_string(),
                None => format!("{}:{}", m.service().to_ascii_lowercase(), m.name()),
            })
            .unwrap_or_else(|| "unknown".into());
        if let Ok(mut stats) = self.0.lock() {
            *stats.calls.entry(name).or_default() += 1;
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Ok(mut stats) = self.0.lock() {
            stats.attempts += 1;
        }
        Ok(())
    }
}

/// Loads the configuration (credentials by the standard chain: environment, profile, SSO, web
/// identity, container and instance roles) and builds every client the reader uses.
pub async fn connect(options: &ConnectOptions, counter: &Counter) -> SdkAws {
    // rustls on ring: no aws-lc (and its C build) in the dependency tree.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.operation_timeout)
                .build(),
        );
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let sdk = loader.load().await;
    macro_rules! client {
        ($krate:ident) => {{
            let conf = $krate::config::Builder::from(&sdk).interceptor(counter.clone()).build();
            $krate::Client::from_conf(conf)
        }};
    }
    SdkAws {
        sts: client!(aws_sdk_sts),
        ecs: client!(aws_sdk_ecs),
        ec2: client!(aws_sdk_ec2),
        elb: client!(aws_sdk_elasticloadbalancingv2),
        acm: client!(aws_sdk_acm),
        rds: client!(aws_sdk_rds),
        ecr: client!(aws_sdk_ecr),
        secrets: client!(aws_sdk_secretsmanager),
        logs: client!(aws_sdk_cloudwatchlogs),
        cloudwatch: client!(aws_sdk_cloudwatch),
        iam: client!(aws_sdk_iam),
        events: client!(aws_sdk_eventbridge),
        sfn: client!(aws_sdk_sfn),
    }
}

/// The region the configuration resolves to (for reports), without building clients.
pub fn region_of(sdk: &SdkAws) -> Option<String> {
    sdk.ecs.config().region().map(|r| r.to_string())
}
