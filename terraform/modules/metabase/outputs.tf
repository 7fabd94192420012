output "url" {
  description = "URL of Metabase (MB_SITE_URL)."
  value       = local.site_url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer. Point a CNAME or alias record at it when the module does not manage DNS."
  value       = aws_lb.this.dns_name
}

output "alb_arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "alb_zone_id" {
  description = "Route 53 zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (ECS tasks, RDS, endpoints)."
  value       = aws_subnet.private[*].id
}

output "security_group_ids" {
  description = "IDs of the security groups, by role."
  value = {
    alb       = aws_security_group.alb.id
    ecs       = aws_security_group.ecs.id
    rds       = aws_security_group.rds.id
    endpoints = var.enable_vpc_endpoints ? aws_security_group.endpoints[0].id : null
  }
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "ARN of the current task definition revision."
  value       = aws_ecs_task_definition.this.arn
}

output "ecr_repository_url" {
  description = "URL of the ECR repository to push the Metabase image to."
  value       = local.ecr_repository_url
}

output "log_group_name" {
  description = "CloudWatch log group of the Metabase containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "task_execution_role_arn" {
  description = "ARN of the ECS task execution role."
  value       = aws_iam_role.task_execution.arn
}

output "task_role_arn" {
  description = "ARN of the ECS task role."
  value       = aws_iam_role.task.arn
}

output "kms_key_arn" {
  description = "ARN of the stack's KMS key."
  value       = aws_kms_key.this.arn
}

output "sns_topic_arn" {
  description = "ARN of the alarm topic."
  value       = aws_sns_topic.alarms.arn
}

output "rds_identifier" {
  description = "Identifier of the RDS instance."
  value       = aws_db_instance.this.identifier
}

output "rds_endpoint" {
  description = "Endpoint (host:port) of the application database."
  value       = aws_db_instance.this.endpoint
  sensitive   = true
}

output "db_master_secret_arn" {
  description = "ARN of the RDS-managed secret holding the database master credentials."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
  sensitive   = true
}

output "encryption_key_secret_arn" {
  description = "ARN of the secret holding MB_ENCRYPTION_SECRET_KEY."
  value       = aws_secretsmanager_secret.encryption_key.arn
  sensitive   = true
}

output "waf_web_acl_arn" {
  description = "ARN of the WAF web ACL, or null when enable_waf is false."
  value       = var.enable_waf ? aws_wafv2_web_acl.this[0].arn : null
}

output "db_secret_rotation_schedule" {
  description = "When the database master secret rotates (UTC schedule expression and window length)."
  value = {
    schedule_expression = var.db_secret_rotation_schedule
    duration            = var.db_secret_rotation_duration
  }
}

output "redeploy_state_machine_arn" {
  description = "ARN of the state machine that redeploys Metabase after a rotation, or null when there is none (IAM authentication mode, or redeploy_on_rotation = false)."
  value       = try(aws_sfn_state_machine.redeploy[0].arn, null)
}
