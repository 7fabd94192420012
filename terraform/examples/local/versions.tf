# mbdeploy:ignore MBD-TF-001 emulator only: the state describes throw-away resources in moto_server and holds no real secret
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
