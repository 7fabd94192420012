################################################################################
# ECR repository for the Metabase image
################################################################################

resource "aws_ecr_repository" "this" {
  count = var.create_ecr_repository ? 1 : 0

  #checkov:skip=CKV_AWS_136:AES-256 (SSE-S3) is the encryption the deployment standard asks for; a customer-managed KMS key is available through ecr_kms_key_arn.
  name                 = var.ecr_repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_ecr_repository

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = var.ecr_kms_key_arn == null ? "AES256" : "KMS"
    kms_key         = var.ecr_kms_key_arn
  }

  tags = local.tags
}

# A repository that already exists and is managed elsewhere (see README for
# importing it instead).
data "aws_ecr_repository" "existing" {
  count = var.create_ecr_repository ? 0 : 1

  name = var.ecr_repository_name
}

resource "aws_ecr_lifecycle_policy" "this" {
  count = var.create_ecr_repository ? 1 : 0

  repository = aws_ecr_repository.this[0].name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after 7 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.ecr_keep_image_count} tagged images"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.ecr_keep_image_count
        }
        action = { type = "expire" }
      },
    ]
  })
}
