terraform {
  # 1.11 is the first release with write-only arguments, which keep the
  # generated MB_ENCRYPTION_SECRET_KEY out of the state file.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
