variable "region" {
  description = "AWS region of the deployment."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "image_tag" {
  description = "Metabase image tag pushed to the metabase_repo ECR repository. A specific version, never latest."
  type        = string
  default     = "v0.50.0"

  validation {
    condition     = trimspace(var.image_tag) != "" && lower(var.image_tag) != "latest"
    error_message = "image_tag must be a specific Metabase version such as v0.50.0, not empty or latest."
  }
}

variable "image_digest" {
  description = "Optional sha256 digest of the image, to pin the exact bytes."
  type        = string
  default     = null
}

variable "domain_name" {
  description = "Host name of Metabase, e.g. metabase.example.com."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Public hosted zone of domain_name; with it the module requests and validates the certificate and creates the alias record."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ARN of an existing ACM certificate in the region, instead of having one requested."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "E-mail address that receives the alarms."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default = {
    Environment = "production"
    Application = "metabase"
  }
}
