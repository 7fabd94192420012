output "url" {
  description = "URL of Metabase."
  value       = module.metabase.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.metabase.alb_dns_name
}

output "ecr_repository_url" {
  description = "Push the Metabase image here before the service can start."
  value       = module.metabase.ecr_repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster, for aws ecs describe-services."
  value       = module.metabase.ecs_cluster_name
}

output "ecs_service_name" {
  description = "ECS service, for aws ecs describe-services."
  value       = module.metabase.ecs_service_name
}

output "rds_endpoint" {
  description = "Endpoint of the application database."
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
