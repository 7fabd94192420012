output "url" {
  description = "URL of Metabase (an emulator DNS name; nothing answers there)."
  value       = module.metabase.url
}

output "alb_dns_name" {
  description = "DNS name of the emulated load balancer."
  value       = module.metabase.alb_dns_name
}

output "alb_arn" {
  description = "ARN of the load balancer, for the test script's checks."
  value       = module.metabase.alb_arn
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.metabase.vpc_id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets."
  value       = module.metabase.private_subnet_ids
}

output "public_subnet_ids" {
  description = "IDs of the public subnets."
  value       = module.metabase.public_subnet_ids
}

output "security_group_ids" {
  description = "IDs of the security groups, by role."
  value       = module.metabase.security_group_ids
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.metabase.ecs_cluster_name
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = module.metabase.ecs_service_name
}

output "ecr_repository_url" {
  description = "URL of the ECR repository."
  value       = module.metabase.ecr_repository_url
}

output "rds_identifier" {
  description = "Identifier of the RDS instance."
  value       = module.metabase.rds_identifier
}

output "rds_endpoint" {
  description = "Endpoint of the database."
  value       = module.metabase.rds_endpoint
  sensitive   = true
}

output "db_master_secret_arn" {
  description = "ARN of the RDS-managed master secret."
  value       = module.metabase.db_master_secret_arn
  sensitive   = true
}

output "encryption_key_secret_arn" {
  description = "ARN of the MB_ENCRYPTION_SECRET_KEY secret."
  value       = module.metabase.encryption_key_secret_arn
  sensitive   = true
}
