################################################################################
# One customer-managed key for the stack's data at rest: RDS storage and
# Performance Insights, the Secrets Manager secrets, the CloudWatch log groups
# and the SNS alarm topic. Key policy: the account administers it through IAM;
# CloudWatch Logs and CloudWatch alarms get only what their integrations need.
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:Key policy, not an identity policy: "*" as resource means this key only. The account-root statement is AWS's default key policy, delegating access control to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: "*" as resource means this key only; no other resource can be named in a key policy.
  #checkov:skip=CKV_AWS_109:Key policy: the account-root statement is AWS's default, which keeps the key manageable through IAM and avoids an unmanageable key.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsThisStacksLogGroups"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AlarmsAndEventsPublishToTheEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: Metabase database, secrets, logs and alarms"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
