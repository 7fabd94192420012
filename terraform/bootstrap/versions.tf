terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }

  # The bootstrap stack creates the state bucket, so it keeps its own small
  # state locally. Keep that file safe (it holds no secret) or import the
  # bucket again if it is lost.
}
