data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

# The zones are named, not discovered: a zone AWS adds to the region later
# never moves a subnet. The data source only confirms they exist and are up.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-name"
    values = local.requested_azs
  }

  lifecycle {
    postcondition {
      condition     = length(self.names) == length(local.requested_azs)
      error_message = "Not every availability zone in ${join(", ", local.requested_azs)} exists and is available in this region; set availability_zones to zones that do."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  requested_azs = length(var.availability_zones) > 0 ? slice(var.availability_zones, 0, var.az_count) : [
    for suffix in slice(["a", "b", "c", "d", "e", "f"], 0, var.az_count) : "${data.aws_region.current.name}${suffix}"
  ]
  # Ordered as requested; the data source above has checked each one.
  azs = [for az in local.requested_azs : az if contains(data.aws_availability_zones.available.names, az)]

  # One NAT gateway per AZ unless the caller trades availability for cost.
  nat_gateway_count = var.single_nat_gateway ? 1 : var.az_count

  tags = merge(var.tags, {
    "mbdeploy:stack" = var.name
  })

  container_name = "metabase"
  container_port = 3000

  # PostgreSQL port, shared by the database, its security group rules and the
  # task environment.
  db_port = 5432
  # In IAM mode Metabase logs in as a database user that holds rds_iam; in
  # password mode it uses the RDS master user, whose password RDS keeps in
  # Secrets Manager.
  db_user = var.db_auth_mode == "iam" ? var.db_iam_username : var.db_master_username

  db_secret_arn         = aws_db_instance.this.master_user_secret[0].secret_arn
  encryption_secret_arn = aws_secretsmanager_secret.encryption_key.arn

  # Secrets that the task execution role may read: the encryption key always,
  # the database master secret only when Metabase logs in with a password.
  task_secret_arns = var.db_auth_mode == "password" ? [local.encryption_secret_arn, local.db_secret_arn] : [local.encryption_secret_arn]

  ecr_repository_url = var.create_ecr_repository ? aws_ecr_repository.this[0].repository_url : data.aws_ecr_repository.existing[0].repository_url
  ecr_repository_arn = var.create_ecr_repository ? aws_ecr_repository.this[0].arn : data.aws_ecr_repository.existing[0].arn

  # A digest pins the exact bytes of the image; without one the immutable tag
  # does (the repository refuses to move a tag).
  image = var.image_digest == null ? "${local.ecr_repository_url}:${var.image_tag}" : "${local.ecr_repository_url}@${var.image_digest}"

  # Metabase is a JVM: give the heap most of the task memory, leave the rest
  # to metaspace, threads and the OS.
  java_heap_mb = floor(var.task_memory * var.java_heap_percent / 100)
  java_opts    = "-Xmx${local.java_heap_mb}m -XX:+UseG1GC -Dfile.encoding=UTF-8"

  # Certificate: one requested and DNS-validated here when the module manages
  # DNS (domain_name and route53_zone_id), otherwise the caller's ARN. The
  # choice rests on known inputs only, never on an ARN that may be unknown
  # until apply.
  create_certificate = var.domain_name != null && var.route53_zone_id != null
  certificate_arn    = local.create_certificate ? try(aws_acm_certificate_validation.this[0].certificate_arn, null) : var.certificate_arn

  site_host = var.domain_name != null ? var.domain_name : aws_lb.this.dns_name
  site_url  = var.site_url != null ? var.site_url : "https://${local.site_host}"
}
