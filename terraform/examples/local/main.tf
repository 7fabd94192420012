# The module of terraform/modules/metabase, applied to a local moto_server.
# Nothing here reaches AWS: every service endpoint points at the emulator and
# the credentials are dummies.

provider "aws" {
  region     = "eu-west-1"
  access_key = "testing"
  secret_key = "testing"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    acm            = var.endpoint
    cloudwatch     = var.endpoint
    ec2            = var.endpoint
    ecr            = var.endpoint
    ecs            = var.endpoint
    elbv2          = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    logs           = var.endpoint
    rds            = var.endpoint
    route53        = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sfn            = var.endpoint
    sns            = var.endpoint
    sts            = var.endpoint
    wafv2          = var.endpoint
  }
}

# Stands in for a real ACM certificate: a self-signed one made by the test
# script, imported into the emulator.
resource "aws_acm_certificate" "local" {
  certificate_body = file(var.certificate_body_file)
  private_key      = file(var.private_key_file)

  lifecycle {
    create_before_destroy = true
  }
}

# mbdeploy:ignore MBD-SEC-008 emulator only: moto 5.2 cannot create the Step Functions state machine that redeploys after a rotation (redeploy_on_rotation = false below); production keeps it on
# mbdeploy:ignore MBD-NET-004 emulator only: one NAT gateway keeps the throw-away stack small; production has one per zone
module "metabase" {
  source = "../../modules/metabase"

  name = "metabase-local"

  # The document's network layout, as in production.
  vpc_cidr             = "10.0.0.0/16"
  az_count             = 3
  public_subnet_cidrs  = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
  private_subnet_cidrs = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]

  certificate_arn = aws_acm_certificate.local.arn
  image_tag       = var.image_tag
  enable_waf      = var.enable_waf

  # moto 5.2 has no ValidateStateMachineDefinition, which the provider calls
  # before creating a state machine, so the redeploy-after-rotation wiring is
  # off here by default; the plan tests of the module cover it. The rotation
  # schedule itself and the rotation-failure rule are created.
  redeploy_on_rotation = var.redeploy_on_rotation

  # Deletion protection stays on, as in production, and the emulator
  # enforces it. To tear the stack down, turn it off first, exactly as one
  # would for a real stack:
  #   terraform apply -var deletion_protection=false && terraform destroy -var deletion_protection=false
  db_deletion_protection  = var.deletion_protection
  alb_deletion_protection = var.deletion_protection

  # Throw-away stack: let destroy empty the log bucket and the repository.
  force_destroy_log_buckets   = true
  force_delete_ecr_repository = true
  single_nat_gateway          = true

  tags = {
    Environment = "local"
  }
}
