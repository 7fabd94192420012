variable "endpoint" {
  description = "URL of the local AWS emulator (moto_server), e.g. http://127.0.0.1:5000. Only loopback addresses are accepted."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|localhost|\\[::1\\]):[0-9]+$", var.endpoint))
    error_message = "endpoint must be a loopback URL such as http://127.0.0.1:5000: this example never talks to a real AWS account."
  }
}

variable "certificate_body_file" {
  description = "Path of a self-signed PEM certificate to import into the emulator's ACM (the test script makes one with openssl in a temporary directory)."
  type        = string
}

variable "private_key_file" {
  description = "Path of the PEM private key of certificate_body_file. Throw-away: never use a real key here."
  type        = string
}

variable "image_tag" {
  description = "Metabase image tag written into the task definition."
  type        = string
  default     = "v0.50.0"
}

variable "enable_waf" {
  description = "Create the WAF web ACL and its logging in the emulator."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Deletion protection of the database and the load balancer. On, as in production; set false (apply, then destroy) to tear the stack down."
  type        = bool
  default     = true
}

variable "redeploy_on_rotation" {
  description = "Create the redeploy-after-rotation wiring (EventBridge rule, Step Functions state machine, roles). Off by default here: moto 5.2 cannot create state machines through the AWS provider (no ValidateStateMachineDefinition)."
  type        = bool
  default     = false
}
