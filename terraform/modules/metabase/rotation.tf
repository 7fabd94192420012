################################################################################
# Rotation of the database master secret, and a redeploy after each rotation
#
# ECS reads `secrets` only when a task starts, and Metabase keeps pooled
# database connections for up to an hour. After RDS rotates the master
# password, running tasks still hold the old one and start failing to open
# connections. So every successful rotation starts a new deployment:
#
#   Secrets Manager RotationSucceeded (via CloudTrail)
#     -> EventBridge rule (this secret only)
#     -> Step Functions state machine
#     -> ecs:UpdateService forceNewDeployment, then waits for the rollout.
#
# With deployment_minimum_healthy_percent = 0 that restart takes Metabase
# away for a few minutes, inside the rotation window chosen below. The
# encryption key secret (secrets.tf) has no rotation at all.
################################################################################

locals {
  redeploy_on_rotation = var.db_auth_mode == "password" && var.redeploy_on_rotation
}

# RDS manages this secret and its rotation; only the schedule is set here.
resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id = aws_db_instance.this.master_user_secret[0].secret_arn

  # Do not rotate merely because the schedule was written; wait for the window.
  rotate_immediately = false

  rotation_rules {
    schedule_expression = var.db_secret_rotation_schedule
    duration            = var.db_secret_rotation_duration
  }
}

################################################################################
# Event: the database secret rotated
################################################################################

resource "aws_cloudwatch_event_rule" "db_secret_rotated" {
  count = local.redeploy_on_rotation ? 1 : 0

  name        = "${var.name}-db-secret-rotated"
  description = "The database master secret of ${var.name} rotated: redeploy Metabase so its tasks read the new password"

  event_pattern = jsonencode({
    source        = ["aws.secretsmanager"]
    "detail-type" = ["AWS Service Event via CloudTrail"]
    detail = {
      eventSource = ["secretsmanager.amazonaws.com"]
      eventName   = ["RotationSucceeded"]
      additionalEventData = {
        SecretId = [aws_db_instance.this.master_user_secret[0].secret_arn]
      }
    }
  })

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  rule     = aws_cloudwatch_event_rule.db_secret_rotated[0].name
  arn      = aws_sfn_state_machine.redeploy[0].arn
  role_arn = aws_iam_role.events_redeploy[0].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }
}

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "events_redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  name               = "${var.name}-rotation-event"
  description        = "EventBridge starts the redeploy state machine of ${var.name}, nothing else"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "events_redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  statement {
    sid       = "StartRedeploy"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.redeploy[0].arn]
  }
}

resource "aws_iam_role_policy" "events_redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  name   = "start-redeploy"
  role   = aws_iam_role.events_redeploy[0].id
  policy = data.aws_iam_policy_document.events_redeploy[0].json
}

################################################################################
# State machine: force a new deployment and wait for its outcome
################################################################################

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  name               = "${var.name}-redeploy"
  description        = "Step Functions redeploys the Metabase service of ${var.name}, nothing else"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  statement {
    sid       = "ForceNewDeploymentOfThisService"
    actions   = ["ecs:UpdateService"]
    resources = [aws_ecs_service.this.id]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  statement {
    sid       = "WatchTheRollout"
    actions   = ["ecs:DescribeServices"]
    resources = [aws_ecs_service.this.id]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }
}

resource "aws_iam_role_policy" "redeploy" {
  count = local.redeploy_on_rotation ? 1 : 0

  name   = "redeploy-metabase"
  role   = aws_iam_role.redeploy[0].id
  policy = data.aws_iam_policy_document.redeploy[0].json
}

resource "aws_sfn_state_machine" "redeploy" {
  #checkov:skip=CKV_AWS_285:Step Functions keeps each execution's full history for 90 days and failed or timed-out executions raise an alarm; CloudWatch Logs delivery would need logs:*LogDelivery on "*" for this role.
  #checkov:skip=CKV_AWS_284:A three-step workflow with no downstream services to trace; X-Ray would need xray:Put* on "*" for this role.
  count = local.redeploy_on_rotation ? 1 : 0

  name     = "${var.name}-redeploy-after-rotation"
  role_arn = aws_iam_role.redeploy[0].arn
  type     = "STANDARD"

  definition = jsonencode({
    Comment        = "Start a new deployment of ${var.name} so its tasks read the rotated database password, and wait for the rollout"
    StartAt        = "ForceNewDeployment"
    TimeoutSeconds = 3600
    States = {
      ForceNewDeployment = {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::aws-sdk:ecs:updateService"
        Parameters = {
          Cluster            = aws_ecs_cluster.this.arn
          Service            = aws_ecs_service.this.name
          ForceNewDeployment = true
        }
        ResultPath = null
        Retry = [
          {
            ErrorEquals     = ["States.ALL"]
            IntervalSeconds = 15
            MaxAttempts     = 4
            BackoffRate     = 2
          },
        ]
        Next = "WaitForRollout"
      }
      WaitForRollout = {
        Type    = "Wait"
        Seconds = 60
        Next    = "DescribeService"
      }
      DescribeService = {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::aws-sdk:ecs:describeServices"
        Parameters = {
          Cluster  = aws_ecs_cluster.this.arn
          Services = [aws_ecs_service.this.name]
        }
        ResultSelector = {
          "rolloutState.$" = "$.Services[0].Deployments[0].RolloutState"
        }
        ResultPath = "$.service"
        Next       = "RolloutFinished"
      }
      RolloutFinished = {
        Type = "Choice"
        Choices = [
          { Variable = "$.service.rolloutState", StringEquals = "COMPLETED", Next = "Redeployed" },
          { Variable = "$.service.rolloutState", StringEquals = "FAILED", Next = "RolloutFailed" },
        ]
        Default = "WaitForRollout"
      }
      Redeployed = {
        Type = "Succeed"
      }
      RolloutFailed = {
        Type  = "Fail"
        Error = "RolloutFailed"
        Cause = "The new deployment of ${var.name} failed; the circuit breaker rolled it back, and those tasks still read the secret at start. Check the service events and /aws/ecs/${var.name}."
      }
    }
  })

  tags = local.tags
}

################################################################################
# Alarms: a rotation that failed, or a redeploy that did not finish
################################################################################

resource "aws_cloudwatch_metric_alarm" "redeploy_failed" {
  count = local.redeploy_on_rotation ? 1 : 0

  alarm_name          = "${var.name}-redeploy-after-rotation-failed"
  alarm_description   = "The redeploy of Metabase after a database secret rotation failed or timed out: tasks may hold a stale password."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.redeploy[0].arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "redeploy_timed_out" {
  count = local.redeploy_on_rotation ? 1 : 0

  alarm_name          = "${var.name}-redeploy-after-rotation-timed-out"
  alarm_description   = "The redeploy of Metabase after a database secret rotation did not finish within an hour."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsTimedOut"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.redeploy[0].arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "redeploy_trigger_failed" {
  count = local.redeploy_on_rotation ? 1 : 0

  alarm_name          = "${var.name}-rotation-event-delivery-failed"
  alarm_description   = "EventBridge could not start the redeploy after a database secret rotation."
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = aws_cloudwatch_event_rule.db_secret_rotated[0].name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# A failed rotation leaves the old password in place (Metabase keeps working)
# but must be looked at before the next one; it goes straight to the topic.
resource "aws_cloudwatch_event_rule" "db_secret_rotation_failed" {
  name        = "${var.name}-db-secret-rotation-failed"
  description = "The database master secret of ${var.name} failed to rotate"

  event_pattern = jsonencode({
    source        = ["aws.secretsmanager"]
    "detail-type" = ["AWS Service Event via CloudTrail"]
    detail = {
      eventSource = ["secretsmanager.amazonaws.com"]
      eventName   = ["RotationFailed", "RotationAbandoned"]
      additionalEventData = {
        SecretId = [aws_db_instance.this.master_user_secret[0].secret_arn]
      }
    }
  })

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "rotation_failed" {
  rule = aws_cloudwatch_event_rule.db_secret_rotation_failed.name
  arn  = aws_sns_topic.alarms.arn
}
