provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

module "metabase" {
  source = "../../modules/metabase"

  name = "metabase-prod"

  # Network layout of the deployment standard.
  vpc_cidr             = "10.0.0.0/16"
  az_count             = 3
  public_subnet_cidrs  = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
  private_subnet_cidrs = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  single_nat_gateway   = false
  enable_vpc_endpoints = true
  enable_flow_logs     = true

  # HTTPS.
  domain_name     = var.domain_name
  route53_zone_id = var.route53_zone_id
  certificate_arn = var.certificate_arn
  ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  # Metabase.
  ecr_repository_name = "metabase_repo"
  image_tag           = var.image_tag
  image_digest        = var.image_digest
  task_cpu            = 2048
  task_memory         = 4096
  desired_count       = 1

  # Application database.
  db_multi_az                = true
  db_backup_retention_period = 7
  db_deletion_protection     = true

  alarm_email = var.alarm_email
  tags        = var.tags
}
