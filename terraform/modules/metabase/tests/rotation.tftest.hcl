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

# Rotation of the database secret in its window, the event rule, the
# redeploy state machine and its roles, and no rotation of the encryption key.
run "rotation_schedule_and_redeploy_wiring" {
  command = plan

  # db secret rotates in the maintenance window
  assert {
    condition = (
      aws_secretsmanager_secret_rotation.db.secret_id == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf" &&
      aws_secretsmanager_secret_rotation.db.rotation_rules[0].schedule_expression == "cron(0 3 ? * SUN *)" &&
      aws_secretsmanager_secret_rotation.db.rotation_rules[0].duration == "2h" &&
      aws_secretsmanager_secret_rotation.db.rotate_immediately == false
    )
    error_message = "The database master secret must rotate on Sunday 03:00 UTC within a 2 h window, not immediately on apply."
  }

  assert {
    condition     = output.db_secret_rotation_schedule == { schedule_expression = "cron(0 3 ? * SUN *)", duration = "2h" }
    error_message = "The schedule must be visible as an output."
  }

  # successful rotation of the db secret triggers a redeploy
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.db_secret_rotated[0].event_pattern) == {
      source        = ["aws.secretsmanager"]
      "detail-type" = ["AWS Service Event via CloudTrail"]
      detail = {
        eventSource         = ["secretsmanager.amazonaws.com"]
        eventName           = ["RotationSucceeded"]
        additionalEventData = { SecretId = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"] }
      }
    }
    error_message = "The rule must match exactly the successful rotation of the database secret."
  }

  assert {
    condition     = aws_cloudwatch_event_target.redeploy[0].arn == "arn:aws:states:eu-west-1:123456789012:stateMachine:metabase-test-redeploy-after-rotation"
    error_message = "The rule must target the redeploy state machine."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.events_redeploy[0].statement : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      StartRedeploy = {
        actions   = toset(["states:StartExecution"])
        resources = toset(["arn:aws:states:eu-west-1:123456789012:stateMachine:metabase-test-redeploy-after-rotation"])
      }
    }
    error_message = "The EventBridge role may only start this state machine."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.events_assume.json).Statement[0].Principal == { Service = "events.amazonaws.com" }
    error_message = "Only EventBridge may assume the event role."
  }

  # state machine forces a new deployment of this service only
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.redeploy[0].definition).States.ForceNewDeployment.Resource == "arn:aws:states:::aws-sdk:ecs:updateService" &&
      jsondecode(aws_sfn_state_machine.redeploy[0].definition).States.ForceNewDeployment.Parameters == {
        Cluster            = "arn:aws:ecs:eu-west-1:123456789012:cluster/metabase-test"
        Service            = "metabase-test"
        ForceNewDeployment = true
      }
    )
    error_message = "The state machine must call ecs:UpdateService with ForceNewDeployment on this service through the AWS SDK integration."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.redeploy[0].statement : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      ForceNewDeploymentOfThisService = {
        actions   = toset(["ecs:UpdateService"])
        resources = toset(["arn:aws:ecs:eu-west-1:123456789012:service/metabase-test/metabase-test"])
      }
      WatchTheRollout = {
        actions   = toset(["ecs:DescribeServices"])
        resources = toset(["arn:aws:ecs:eu-west-1:123456789012:service/metabase-test/metabase-test"])
      }
    }
    error_message = "The state machine role may only update and describe this one service."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.states_assume.json).Statement[0].Principal == { Service = "states.amazonaws.com" } && jsondecode(data.aws_iam_policy_document.states_assume.json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only Step Functions of this account may assume the redeploy role."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.redeploy_failed[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:metabase-test-alarms"]) && aws_cloudwatch_event_target.rotation_failed.arn == "arn:aws:sns:eu-west-1:123456789012:metabase-test-alarms"
    error_message = "A failed redeploy and a failed rotation must reach the alarm topic."
  }

  # encryption key secret never rotates
  assert {
    condition     = aws_secretsmanager_secret_rotation.db.secret_id != aws_secretsmanager_secret.encryption_key.arn
    error_message = "Only the database secret may rotate."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_event_rule.db_secret_rotated[0].event_pattern).detail.additionalEventData.SecretId) == 1
    error_message = "The redeploy rule must watch the database secret alone."
  }
}

run "rotation_window_is_configurable" {
  command = plan

  variables {
    db_secret_rotation_schedule = "cron(30 1 ? * SAT *)"
    db_secret_rotation_duration = "3h"
  }

  # rotation window is configurable
  assert {
    condition     = aws_secretsmanager_secret_rotation.db.rotation_rules[0].schedule_expression == "cron(30 1 ? * SAT *)" && aws_secretsmanager_secret_rotation.db.rotation_rules[0].duration == "3h"
    error_message = "The rotation schedule and window must follow the variables."
  }
}

run "no_redeploy_wiring_when_switched_off" {
  command = plan

  variables {
    redeploy_on_rotation = false
  }

  # no redeploy wiring when switched off
  assert {
    condition     = length(aws_sfn_state_machine.redeploy) == 0 && length(aws_cloudwatch_event_rule.db_secret_rotated) == 0 && output.redeploy_state_machine_arn == null
    error_message = "redeploy_on_rotation = false must remove the redeploy wiring."
  }
}

# IAM database authentication mode.
run "iam_auth_mode_has_no_password_at_all" {
  command = plan

  variables {
    db_auth_mode    = "iam"
    image_tag       = "v0.58.1"
    db_iam_username = "metabase_iam"
  }

  # iam auth mode has no password at all
  assert {
    condition     = [for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.name] == ["MB_ENCRYPTION_SECRET_KEY"]
    error_message = "In IAM mode no database password may be injected."
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
      if contains(["MB_DB_AWS_IAM", "MB_DB_USER"], e.name)
    } == { MB_DB_AWS_IAM = "true", MB_DB_USER = "metabase_iam" }
    error_message = "In IAM mode Metabase must log in as the IAM database user with MB_DB_AWS_IAM=true."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.task_rds_iam[0].statement : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      ConnectAsMetabaseDatabaseUser = {
        actions   = toset(["rds-db:connect"])
        resources = toset(["arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOP/metabase_iam"])
      }
    }
    error_message = "The task role may only connect as the one database user."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.task_execution.statement : s.resources if s.sid == "ReadInjectedSecrets"]) == toset(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:metabase-test/mb-encryption-secret-key-AbCdEf"])
    error_message = "In IAM mode the execution role must not read the database secret."
  }

  assert {
    condition     = aws_db_instance.this.iam_database_authentication_enabled == true
    error_message = "IAM database authentication must be enabled on the instance."
  }

  assert {
    condition     = length(aws_sfn_state_machine.redeploy) == 0
    error_message = "No task reads the rotating secret in IAM mode, so there is nothing to redeploy."
  }
}
