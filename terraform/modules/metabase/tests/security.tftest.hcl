# Plan-only tests. The real AWS provider is configured with dummy credentials
# and makes no API call (every endpoint is a closed loopback port): data
# sources that would call AWS are overridden, and the identifiers that AWS
# would only assign at apply time are overridden during plan so that policies
# and the task definition can be inspected.
# (Mock providers cannot be used: Terraform 1.11 cannot mock the ephemeral
# aws_secretsmanager_random_password, whose opening is avoided here with
# generate_encryption_key = false; the local moto apply covers it.)

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  # Should a test ever make an API call, it fails at once on a closed
  # loopback port instead of reaching AWS.
  endpoints {
    acm            = "http://127.0.0.1:9"
    cloudwatch     = "http://127.0.0.1:9"
    ec2            = "http://127.0.0.1:9"
    ecr            = "http://127.0.0.1:9"
    ecs            = "http://127.0.0.1:9"
    elbv2          = "http://127.0.0.1:9"
    events         = "http://127.0.0.1:9"
    iam            = "http://127.0.0.1:9"
    kms            = "http://127.0.0.1:9"
    logs           = "http://127.0.0.1:9"
    rds            = "http://127.0.0.1:9"
    route53        = "http://127.0.0.1:9"
    s3             = "http://127.0.0.1:9"
    secretsmanager = "http://127.0.0.1:9"
    sfn            = "http://127.0.0.1:9"
    sns            = "http://127.0.0.1:9"
    sts            = "http://127.0.0.1:9"
    wafv2          = "http://127.0.0.1:9"
  }
}

override_data {
  target = data.aws_availability_zones.available
  values = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_resource {
  target          = aws_subnet.private[0]
  override_during = plan
  values          = { id = "subnet-private-a" }
}

override_resource {
  target          = aws_subnet.private[1]
  override_during = plan
  values          = { id = "subnet-private-b" }
}

override_resource {
  target          = aws_subnet.private[2]
  override_during = plan
  values          = { id = "subnet-private-c" }
}

override_resource {
  target          = aws_subnet.public[0]
  override_during = plan
  values          = { id = "subnet-public-a" }
}

override_resource {
  target          = aws_subnet.public[1]
  override_during = plan
  values          = { id = "subnet-public-b" }
}

override_resource {
  target          = aws_subnet.public[2]
  override_during = plan
  values          = { id = "subnet-public-c" }
}

override_resource {
  target          = aws_security_group.alb
  override_during = plan
  values          = { id = "sg-alb" }
}

override_resource {
  target          = aws_security_group.ecs
  override_during = plan
  values          = { id = "sg-ecs" }
}

override_resource {
  target          = aws_security_group.rds
  override_during = plan
  values          = { id = "sg-rds" }
}

override_resource {
  target          = aws_security_group.endpoints[0]
  override_during = plan
  values          = { id = "sg-endpoints" }
}

override_resource {
  target          = aws_kms_key.this
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555", key_id = "11111111-2222-3333-4444-555555555555" }
}

override_resource {
  target          = aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/ecs/metabase-test" }
}

override_resource {
  target          = aws_ecr_repository.this[0]
  override_during = plan
  values = {
    arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/metabase_repo"
    repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo"
  }
}

override_resource {
  target          = aws_secretsmanager_secret.encryption_key
  override_during = plan
  values = {
    id  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-test/mb-encryption-secret-key-AbCdEf"
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-test/mb-encryption-secret-key-AbCdEf"
  }
}

override_resource {
  target          = aws_db_instance.this
  override_during = plan
  values = {
    address     = "metabase-test.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    endpoint    = "metabase-test.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432"
    port        = 5432
    resource_id = "db-ABCDEFGHIJKLMNOP"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      secret_status = "active"
    }]
  }
}

override_resource {
  target          = aws_lb.this
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/metabase-test-alb/0123456789abcdef"
    arn_suffix = "app/metabase-test-alb/0123456789abcdef"
    dns_name   = "metabase-test-alb-123456.eu-west-1.elb.amazonaws.com"
    zone_id    = "Z32O12XQLNTSW2"
  }
}

override_resource {
  target          = aws_lb_target_group.this
  override_during = plan
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/metabase-test-tg/0123456789abcdef"
    arn_suffix = "targetgroup/metabase-test-tg/0123456789abcdef"
  }
}

override_resource {
  target          = aws_ecs_cluster.this
  override_during = plan
  values = {
    id  = "arn:aws:ecs:eu-west-1:123456789012:cluster/metabase-test"
    arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/metabase-test"
  }
}

override_resource {
  target          = aws_ecs_service.this
  override_during = plan
  values = {
    id = "arn:aws:ecs:eu-west-1:123456789012:service/metabase-test/metabase-test"
  }
}

override_resource {
  target          = aws_sns_topic.alarms
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:123456789012:metabase-test-alarms" }
}

override_resource {
  target          = aws_s3_bucket.access_logs[0]
  override_during = plan
  values = {
    id  = "metabase-test-alb-logs-20260101"
    arn = "arn:aws:s3:::metabase-test-alb-logs-20260101"
  }
}

override_resource {
  target          = aws_iam_role.task_execution
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/metabase-test-ecs-task-execution-role" }
}

override_resource {
  target          = aws_iam_role.task
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/metabase-test-ecs-task-role" }
}

override_resource {
  target          = aws_sfn_state_machine.redeploy[0]
  override_during = plan
  values          = { arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:metabase-test-redeploy-after-rotation" }
}

override_resource {
  target          = aws_cloudwatch_event_rule.db_secret_rotation_failed
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:123456789012:rule/metabase-test-db-secret-rotation-failed" }
}

variables {
  name                    = "metabase-test"
  image_tag               = "v0.50.0"
  certificate_arn         = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  generate_encryption_key = false
}

# Network: private tasks and database, the document's CIDRs, NAT per AZ,
# endpoints, flow logs; and the exact rules of each security group.
run "network_and_security_groups" {
  command = plan

  # network is private by default
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "ECS tasks must not get a public IP."
  }

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].subnets == toset(["subnet-private-a", "subnet-private-b", "subnet-private-c"])
    error_message = "ECS tasks must run in the private subnets only."
  }

  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(["subnet-private-a", "subnet-private-b", "subnet-private-c"])
    error_message = "The database subnet group must hold the private subnets only."
  }

  assert {
    condition     = aws_lb.this.internal == false && toset(aws_lb.this.subnets) == toset(["subnet-public-a", "subnet-public-b", "subnet-public-c"])
    error_message = "The ALB must be internet-facing in the public subnets."
  }

  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private) : s.map_public_ip_on_launch == false])
    error_message = "No subnet may hand out public IPs automatically."
  }

  assert {
    condition     = [for s in aws_subnet.private : s.cidr_block] == ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"] && [for s in aws_subnet.public : s.cidr_block] == ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
    error_message = "The subnets must use the document's CIDRs by default."
  }

  assert {
    condition     = aws_vpc.this.cidr_block == "10.0.0.0/16"
    error_message = "The VPC must be 10.0.0.0/16 by default."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3
    error_message = "There must be one NAT gateway per AZ by default."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The VPC's default security group must have no rules."
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager"]) && alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface"])
    error_message = "Interface endpoints for ecr.api, ecr.dkr, logs and secretsmanager with private DNS must exist by default."
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 1 && aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway"
    error_message = "An S3 gateway endpoint must exist by default."
  }

  assert {
    condition     = length(aws_flow_log.this) == 1 && aws_flow_log.this[0].traffic_type == "ALL"
    error_message = "VPC flow logs must be on by default."
  }

  # security group rules are exact
  # ALB: in 80 and 443 from anywhere, out only 3000 to the ECS group.
  assert {
    condition = toset([
      for r in concat(values(aws_vpc_security_group_ingress_rule.alb_http), values(aws_vpc_security_group_ingress_rule.alb_https)) :
      "${r.security_group_id} ${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.cidr_ipv4}"
    ]) == toset(["sg-alb tcp 80-80 0.0.0.0/0", "sg-alb tcp 443-443 0.0.0.0/0"])
    error_message = "The ALB must admit exactly 80 and 443 from 0.0.0.0/0."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.alb_to_ecs.security_group_id == "sg-alb" &&
      aws_vpc_security_group_egress_rule.alb_to_ecs.from_port == 3000 &&
      aws_vpc_security_group_egress_rule.alb_to_ecs.to_port == 3000 &&
      aws_vpc_security_group_egress_rule.alb_to_ecs.referenced_security_group_id == "sg-ecs" &&
      aws_vpc_security_group_egress_rule.alb_to_ecs.cidr_ipv4 == null
    )
    error_message = "The ALB may send only to port 3000 of the ECS group."
  }

  # ECS: in 3000 only from the ALB group; out 5432 to RDS and 443.
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.ecs_from_alb.security_group_id == "sg-ecs" &&
      aws_vpc_security_group_ingress_rule.ecs_from_alb.from_port == 3000 &&
      aws_vpc_security_group_ingress_rule.ecs_from_alb.to_port == 3000 &&
      aws_vpc_security_group_ingress_rule.ecs_from_alb.referenced_security_group_id == "sg-alb" &&
      aws_vpc_security_group_ingress_rule.ecs_from_alb.cidr_ipv4 == null
    )
    error_message = "The ECS group must admit port 3000 from the ALB group only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.ecs_to_rds.security_group_id == "sg-ecs" &&
      aws_vpc_security_group_egress_rule.ecs_to_rds.from_port == 5432 &&
      aws_vpc_security_group_egress_rule.ecs_to_rds.to_port == 5432 &&
      aws_vpc_security_group_egress_rule.ecs_to_rds.referenced_security_group_id == "sg-rds"
    )
    error_message = "The ECS group must reach the RDS group on 5432."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.ecs_https.security_group_id == "sg-ecs" &&
      aws_vpc_security_group_egress_rule.ecs_https.ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.ecs_https.from_port == 443 &&
      aws_vpc_security_group_egress_rule.ecs_https.to_port == 443
    )
    error_message = "The ECS group's other egress must be HTTPS (443) only."
  }

  # RDS: in 5432 only from the ECS group, nothing else.
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.rds_from_ecs.security_group_id == "sg-rds" &&
      aws_vpc_security_group_ingress_rule.rds_from_ecs.from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.rds_from_ecs.to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.rds_from_ecs.referenced_security_group_id == "sg-ecs" &&
      aws_vpc_security_group_ingress_rule.rds_from_ecs.cidr_ipv4 == null
    )
    error_message = "The RDS group must admit 5432 from the ECS group only."
  }

  # Endpoints: 443 from the ECS group.
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.endpoints_from_ecs[0].security_group_id == "sg-endpoints" &&
      aws_vpc_security_group_ingress_rule.endpoints_from_ecs[0].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.endpoints_from_ecs[0].referenced_security_group_id == "sg-ecs"
    )
    error_message = "The endpoint group must admit 443 from the ECS group."
  }

  # No other rule targets these groups: every rule resource of the module is
  # listed here and counted per group.
  assert {
    condition = length([
      for r in concat(
        values(aws_vpc_security_group_ingress_rule.alb_http),
        values(aws_vpc_security_group_ingress_rule.alb_https),
        [aws_vpc_security_group_ingress_rule.ecs_from_alb, aws_vpc_security_group_ingress_rule.rds_from_ecs],
        aws_vpc_security_group_ingress_rule.endpoints_from_ecs,
      ) : r if r.security_group_id == "sg-rds"
    ]) == 1
    error_message = "The RDS group must have exactly one ingress rule."
  }

  assert {
    condition = length([
      for r in [aws_vpc_security_group_egress_rule.alb_to_ecs, aws_vpc_security_group_egress_rule.ecs_to_rds, aws_vpc_security_group_egress_rule.ecs_https] :
      r if r.security_group_id == "sg-alb"
    ]) == 1
    error_message = "The ALB group must have exactly one egress rule."
  }
}

# The redirect and TLS policy, safe deployments, secrets by reference only,
# and least-privilege roles.
run "load_balancer_ecs_and_iam" {
  command = plan

  variables {
    extra_environment = { MB_SITE_NAME = "Test" }
  }

  # alb redirects http and uses modern tls
  assert {
    condition = (
      aws_lb_listener.http.port == 80 &&
      length(aws_lb_listener.http.default_action) == 1 &&
      aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].port == "443" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "Port 80 must only answer with a 301 redirect to HTTPS 443."
  }

  assert {
    condition = (
      aws_lb_listener.https.port == 443 &&
      aws_lb_listener.https.protocol == "HTTPS" &&
      aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" &&
      aws_lb_listener.https.certificate_arn == "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    )
    error_message = "The HTTPS listener must use the certificate and the TLS 1.3/1.2 policy."
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true && aws_lb.this.enable_deletion_protection == true
    error_message = "The ALB must drop invalid header fields and have deletion protection by default."
  }

  assert {
    condition     = aws_lb.this.idle_timeout >= 300
    error_message = "The idle timeout must leave room for slow Metabase queries."
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled == true
    error_message = "ALB access logs must be on by default."
  }

  assert {
    condition = (
      aws_lb_target_group.this.port == 3000 &&
      aws_lb_target_group.this.protocol == "HTTP" &&
      aws_lb_target_group.this.target_type == "ip" &&
      aws_lb_target_group.this.health_check[0].path == "/api/health" &&
      aws_lb_target_group.this.health_check[0].matcher == "200" &&
      tonumber(aws_lb_target_group.this.deregistration_delay) <= 60
    )
    error_message = "The target group must be port 3000, type ip, health-checked on /api/health (200), with a short deregistration delay."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 1
    error_message = "The WAF web ACL must be attached by default."
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.access_logs[0].block_public_acls && aws_s3_bucket_public_access_block.access_logs[0].block_public_policy && aws_s3_bucket_public_access_block.access_logs[0].ignore_public_acls && aws_s3_bucket_public_access_block.access_logs[0].restrict_public_buckets
    error_message = "The access log bucket must block public access."
  }

  assert {
    condition     = anytrue([for st in data.aws_iam_policy_document.access_logs[0].statement : st.effect == "Deny" && anytrue([for c in st.condition : c.variable == "aws:SecureTransport" && contains(c.values, "false")])])
    error_message = "The access log bucket must refuse requests without TLS."
  }

  # ecs service deploys safely
  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 0 && aws_ecs_service.this.deployment_maximum_percent == 100
    error_message = "Deployments must stop the old task before starting the new one (0/100) so two Metabase versions never migrate one database."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "The deployment circuit breaker must be on with rollback."
  }

  assert {
    condition     = aws_ecs_service.this.health_check_grace_period_seconds >= 300
    error_message = "The health-check grace period must cover Metabase's start-up migrations."
  }

  assert {
    condition     = aws_ecs_service.this.enable_execute_command == false
    error_message = "ECS Exec must be off by default."
  }

  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be enabled."
  }

  assert {
    condition     = aws_iam_role.task_execution.name == "metabase-test-ecs-task-execution-role" && aws_iam_role.task.name == "metabase-test-ecs-task-role"
    error_message = "The roles must be named <name>-ecs-task-execution-role and <name>-ecs-task-role."
  }

  assert {
    condition     = aws_ecs_task_definition.this.execution_role_arn != aws_ecs_task_definition.this.task_role_arn
    error_message = "The execution role and the task role must be distinct."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/ecs/metabase-test" && aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id != null
    error_message = "Container logs must go to /aws/ecs/<name>, encrypted, kept a year by default."
  }

  # task definition passes secrets by reference only
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0"
    error_message = "The image must be the ECR repository URL with the pinned tag."
  }

  assert {
    condition = toset(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets) == toset([
      { name = "MB_DB_PASS", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf:password::" },
      { name = "MB_ENCRYPTION_SECRET_KEY", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-test/mb-encryption-secret-key-AbCdEf" },
    ])
    error_message = "MB_DB_PASS must come from the RDS-managed secret's password key and MB_ENCRYPTION_SECRET_KEY from its secret, both by valueFrom."
  }

  assert {
    condition = length([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e
      if can(regex("(PASS|SECRET|TOKEN|KEY)", e.name)) || strcontains(e.value, "secretsmanager") || strcontains(e.value, "password")
    ]) == 0
    error_message = "No password, key or secret may be in the container environment."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
      if contains(["MB_DB_TYPE", "MB_DB_HOST", "MB_DB_PORT", "MB_DB_DBNAME", "MB_DB_USER", "MB_JETTY_PORT", "MB_SITE_URL", "MB_DB_CONNECTION_URI", "MB_SITE_NAME"], e.name)
      } == {
      MB_DB_TYPE           = "postgres"
      MB_DB_HOST           = "metabase-test.abcdefghijkl.eu-west-1.rds.amazonaws.com"
      MB_DB_PORT           = "5432"
      MB_DB_DBNAME         = "metabase"
      MB_DB_USER           = "metabase"
      MB_JETTY_PORT        = "3000"
      MB_SITE_URL          = "https://metabase-test-alb-123456.eu-west-1.elb.amazonaws.com"
      MB_DB_CONNECTION_URI = "postgres://metabase-test.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/metabase?sslmode=require"
      MB_SITE_NAME         = "Test"
    }
    error_message = "The environment must carry the database settings, the port, an https site URL and a TLS-requiring connection URI without credentials."
  }

  assert {
    condition     = strcontains(one([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.value if e.name == "JAVA_OPTS"]), "-Xmx1536m")
    error_message = "JAVA_OPTS must size the heap from the task memory (75% of 2048 MiB)."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 3000 &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/aws/ecs/metabase-test" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD-SHELL", "curl -f http://localhost:3000/api/health || exit 1"] &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.startPeriod >= 60 &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem == true
    )
    error_message = "The container must listen on 3000, log with awslogs to its group, check /api/health with a start period, and run with a read-only root."
  }

  # iam is least privilege
  assert {
    condition = (
      jsondecode(data.aws_iam_policy_document.ecs_tasks_assume.json).Statement[0].Principal == { Service = "ecs-tasks.amazonaws.com" } &&
      jsondecode(data.aws_iam_policy_document.ecs_tasks_assume.json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    )
    error_message = "Only ecs-tasks.amazonaws.com of this account may assume the task roles."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.task_execution.statement :
      s.sid => { actions = s.actions, resources = s.resources }
      } == {
      EcrAuthorizationToken = { actions = toset(["ecr:GetAuthorizationToken"]), resources = toset(["*"]) }
      PullMetabaseImage = {
        actions   = toset(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
        resources = toset(["arn:aws:ecr:eu-west-1:123456789012:repository/metabase_repo"])
      }
      WriteContainerLogs = {
        actions   = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resources = toset(["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/ecs/metabase-test:*"])
      }
      ReadInjectedSecrets = {
        actions = toset(["secretsmanager:GetSecretValue"])
        resources = toset([
          "arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-test/mb-encryption-secret-key-AbCdEf",
          "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf",
        ])
      }
      DecryptInjectedSecrets = {
        actions   = toset(["kms:Decrypt"])
        resources = toset(["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"])
      }
    }
    error_message = "The execution role may only get the ECR token, pull this repository, write this log group, read these two secrets and decrypt them."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.task) == 0 && length(aws_iam_role_policy.task_rds_iam) == 0
    error_message = "The task role must be empty by default."
  }
}

# Encryption, backups, the registry, alarms and sensitive outputs.
run "data_protection_monitoring_and_outputs" {
  command = plan

  # database is encrypted backed up and private
  assert {
    condition = (
      aws_db_instance.this.engine == "postgres" &&
      startswith(aws_db_instance.this.engine_version, "16") &&
      aws_db_instance.this.storage_encrypted == true &&
      aws_db_instance.this.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The database must be PostgreSQL 16, encrypted with the stack's KMS key."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "RDS must manage the master password in Secrets Manager; no password may be set in Terraform."
  }

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database must not be publicly accessible."
  }

  assert {
    condition = (
      aws_db_instance.this.backup_retention_period >= 7 &&
      aws_db_instance.this.deletion_protection == true &&
      aws_db_instance.this.skip_final_snapshot == false &&
      aws_db_instance.this.final_snapshot_identifier == "metabase-test-final" &&
      aws_db_instance.this.copy_tags_to_snapshot == true &&
      aws_db_instance.this.multi_az == true
    )
    error_message = "The database must keep 7 days of backups, be protected from deletion, take a final snapshot and run Multi-AZ by default."
  }

  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "The parameter group must force TLS (rds.force_ssl = 1)."
  }

  assert {
    condition     = aws_db_instance.this.performance_insights_enabled && aws_db_instance.this.performance_insights_kms_key_id != null && toset(aws_db_instance.this.enabled_cloudwatch_logs_exports) == toset(["postgresql", "upgrade"])
    error_message = "Performance Insights (encrypted) and log exports must be on."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The stack's KMS key must rotate."
  }

  # secrets and registry are protected
  assert {
    condition     = aws_secretsmanager_secret.encryption_key.kms_key_id != null && aws_secretsmanager_secret.encryption_key.recovery_window_in_days >= 7
    error_message = "The encryption key secret must be KMS-encrypted and recoverable after deletion."
  }

  assert {
    condition = (
      aws_ecr_repository.this[0].name == "metabase_repo" &&
      aws_ecr_repository.this[0].image_tag_mutability == "IMMUTABLE" &&
      aws_ecr_repository.this[0].image_scanning_configuration[0].scan_on_push == true &&
      aws_ecr_repository.this[0].encryption_configuration[0].encryption_type == "AES256" &&
      length(aws_ecr_lifecycle_policy.this) == 1
    )
    error_message = "metabase_repo must have immutable tags, scan on push, AES-256 encryption and a lifecycle policy."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id != null
    error_message = "The alarm topic must be encrypted."
  }

  # alarms notify and outputs hide secrets
  assert {
    condition = alltrue([
      for a in [
        aws_cloudwatch_metric_alarm.ecs_cpu,
        aws_cloudwatch_metric_alarm.ecs_memory,
        aws_cloudwatch_metric_alarm.ecs_running_tasks,
        aws_cloudwatch_metric_alarm.alb_target_5xx,
        aws_cloudwatch_metric_alarm.alb_elb_5xx,
        aws_cloudwatch_metric_alarm.alb_unhealthy_hosts,
        aws_cloudwatch_metric_alarm.alb_response_time,
        aws_cloudwatch_metric_alarm.rds_cpu,
        aws_cloudwatch_metric_alarm.rds_free_storage,
        aws_cloudwatch_metric_alarm.rds_freeable_memory,
        aws_cloudwatch_metric_alarm.rds_connections,
      ] : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:metabase-test-alarms"])
    ])
    error_message = "Every alarm must notify the SNS topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.ecs_running_tasks.comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.ecs_running_tasks.threshold == 1
    error_message = "The running-tasks alarm must fire below the desired count."
  }

  assert {
    condition     = issensitive(output.rds_endpoint) && issensitive(output.db_master_secret_arn) && issensitive(output.encryption_key_secret_arn)
    error_message = "rds_endpoint and every secret ARN output must be sensitive."
  }

  assert {
    condition     = !issensitive(output.url) && output.url == "https://metabase-test-alb-123456.eu-west-1.elb.amazonaws.com"
    error_message = "The URL output must be the https site URL."
  }
}

run "image_digest_pins_the_image" {
  command = plan

  variables {
    image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  # image digest pins the image
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    error_message = "With a digest the task must pull <repository>@<digest>."
  }
}
