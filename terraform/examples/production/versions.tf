terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }

  # State lives in the bucket created by terraform/bootstrap: encrypted, and
  # locked with a lock file next to the state (no DynamoDB table needed).
  # The bucket name and KMS key come from backend.hcl:
  #   terraform init -backend-config=backend.hcl
  backend "s3" {
    key          = "metabase-prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
