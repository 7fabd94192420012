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

################################################################################
# Switches and their effect
################################################################################

run "single_nat_gateway_for_cost" {
  command = plan

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 3
    error_message = "single_nat_gateway must create one NAT gateway routed from every private subnet."
  }
}

run "endpoints_can_be_switched_off" {
  command = plan

  variables {
    enable_vpc_endpoints = false
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(aws_security_group.endpoints) == 0 && output.security_group_ids.endpoints == null
    error_message = "enable_vpc_endpoints = false must remove the endpoints and their group."
  }
}

run "flow_logs_waf_and_access_logs_can_be_switched_off" {
  command = plan

  variables {
    enable_flow_logs       = false
    enable_waf             = false
    enable_alb_access_logs = false
  }

  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_wafv2_web_acl.this) == 0 && length(aws_s3_bucket.access_logs) == 0 && length(aws_lb.this.access_logs) == 0
    error_message = "The switches must remove flow logs, WAF and access logs."
  }
}

run "two_availability_zones" {
  command = plan

  variables {
    az_count           = 2
    availability_zones = ["eu-west-1b", "eu-west-1c"]
  }

  override_data {
    target = data.aws_availability_zones.available
    values = { names = ["eu-west-1b", "eu-west-1c"] }
  }

  assert {
    condition     = [for s in aws_subnet.private : s.availability_zone] == ["eu-west-1b", "eu-west-1c"] && [for s in aws_subnet.private : s.cidr_block] == ["10.0.1.0/24", "10.0.2.0/24"]
    error_message = "The subnets must follow the named zones and the first az_count CIDRs."
  }
}

run "existing_ecr_repository" {
  command = plan

  variables {
    create_ecr_repository = false
  }

  override_data {
    target = data.aws_ecr_repository.existing[0]
    values = {
      arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/metabase_repo"
      repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo"
    }
  }

  assert {
    condition     = length(aws_ecr_repository.this) == 0 && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:v0.50.0"
    error_message = "With create_ecr_repository = false the task must use the existing repository."
  }
}

run "certificate_requested_for_a_domain" {
  command = plan

  variables {
    certificate_arn = null
    domain_name     = "metabase.example.com"
    route53_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  override_resource {
    target          = aws_acm_certificate.this[0]
    override_during = plan
    values          = { arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-0000-0000-0000-000000000000" }
  }

  assert {
    condition = (
      aws_acm_certificate.this[0].domain_name == "metabase.example.com" &&
      aws_acm_certificate.this[0].validation_method == "DNS" &&
      aws_lb_listener.https.certificate_arn == "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-0000-0000-0000-000000000000" &&
      aws_route53_record.alias[0].name == "metabase.example.com"
    )
    error_message = "With a domain and zone the module must request, validate and use a certificate and alias the name to the ALB."
  }

  assert {
    condition     = output.url == "https://metabase.example.com"
    error_message = "MB_SITE_URL must be the domain over https."
  }
}

run "execute_command_and_task_policies_are_opt_in" {
  command = plan

  variables {
    enable_execute_command = true
    task_role_policy_arns  = ["arn:aws:iam::123456789012:policy/metabase-s3-exports"]
  }

  assert {
    condition     = aws_ecs_service.this.enable_execute_command == true && length(aws_iam_role_policy_attachment.task) == 1
    error_message = "ECS Exec and task role policies must be available when asked for."
  }
}
