################################################################################
# General
################################################################################

variable "name" {
  description = "Name of the stack. Used for the ECS cluster and service, the RDS instance, the IAM roles (`<name>-ecs-task-execution-role`, `<name>-ecs-task-role`), the log group `/aws/ecs/<name>` and as a prefix elsewhere."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3-28 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen (it becomes part of the ALB name, limited to 32 characters, and of RDS and IAM names)."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Network
################################################################################

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block of /24 or larger, e.g. 10.0.0.0/16."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over. RDS needs at least two."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 6: the RDS subnet group and the ALB need subnets in at least two AZs."
  }
}

variable "availability_zones" {
  description = "Names of the availability zones to use, in order. Empty means the region's zones a, b, c, ... up to az_count; name them explicitly in regions where those letters do not all exist."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.availability_zones) == 0 || (length(var.availability_zones) >= var.az_count && alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az))]))
    error_message = "availability_zones must be empty or hold at least az_count zone names such as eu-west-1a."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDR blocks of the public subnets (ALB and NAT gateways), one per AZ, in AZ order. Only the first az_count are used."
  type        = list(string)
  default     = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) >= var.az_count && alltrue([for c in var.public_subnet_cidrs : can(cidrnetmask(c))])
    error_message = "public_subnet_cidrs must hold at least az_count valid IPv4 CIDR blocks."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets (ECS tasks, RDS, VPC endpoints), one per AZ, in AZ order. Only the first az_count are used."
  type        = list(string)
  default     = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]

  validation {
    condition     = length(var.private_subnet_cidrs) >= var.az_count && alltrue([for c in var.private_subnet_cidrs : can(cidrnetmask(c))])
    error_message = "private_subnet_cidrs must hold at least az_count valid IPv4 CIDR blocks."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all private subnets instead of one per AZ. Cheaper, but an AZ outage then cuts every task's outbound path."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_vpc_endpoints" {
  description = "Create interface endpoints for ecr.api, ecr.dkr, logs and secretsmanager and a gateway endpoint for S3, so image pulls, logs and secrets stay on the AWS network."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_flow_logs" {
  description = "Send VPC flow logs to a KMS-encrypted CloudWatch log group."
  type        = bool
  default     = true
  nullable    = false
}

variable "flow_logs_traffic_type" {
  description = "Which traffic the VPC flow logs record: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_logs_traffic_type)
    error_message = "flow_logs_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

################################################################################
# Load balancer
################################################################################

variable "certificate_arn" {
  description = "ARN of an ACM certificate for the HTTPS listener. Leave null when route53_zone_id is set: the module then requests a certificate for domain_name and validates it through DNS."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }

  validation {
    condition     = (var.certificate_arn != null) != (var.domain_name != null && var.route53_zone_id != null)
    error_message = "The HTTPS listener needs exactly one certificate source: set certificate_arn, or set both domain_name and route53_zone_id to have one requested and validated (not both)."
  }
}

variable "domain_name" {
  description = "Host name users reach Metabase at, e.g. metabase.example.com. Used for MB_SITE_URL, for the certificate request when certificate_arn is null, and for an alias record when route53_zone_id is set."
  type        = string
  default     = null

  validation {
    condition     = var.domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name such as metabase.example.com."
  }
}

variable "route53_zone_id" {
  description = "ID of the public Route 53 hosted zone of domain_name. When set, the module creates the certificate validation records and an alias record to the ALB."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone ID such as Z0123456789ABCDEFGHIJ."
  }
}

variable "site_url" {
  description = "Override of MB_SITE_URL. Defaults to https://<domain_name>, or https://<ALB DNS name> without a domain."
  type        = string
  default     = null

  validation {
    condition     = var.site_url == null || can(regex("^https://[^/\\s]+", var.site_url))
    error_message = "site_url must start with https:// (Metabase builds links and cookies from it; an http:// site URL would send users off TLS)."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener. Only policies that refuse TLS 1.0 and 1.1 are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition = contains([
      "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
      "ELBSecurityPolicy-TLS13-1-3-2021-06",
      "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
      "ELBSecurityPolicy-TLS-1-2-2017-01",
      "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
      "ELBSecurityPolicy-FS-1-2-2019-08",
      "ELBSecurityPolicy-FS-1-2-Res-2019-08",
      "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    ], var.ssl_policy)
    error_message = "ssl_policy must be a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06; policies like ELBSecurityPolicy-2016-08 still accept TLS 1.0 and 1.1."
  }
}

variable "alb_ingress_cidr_blocks" {
  description = "IPv4 ranges allowed to reach the ALB on ports 80 and 443."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidr_blocks) > 0 && alltrue([for c in var.alb_ingress_cidr_blocks : can(cidrnetmask(c))])
    error_message = "alb_ingress_cidr_blocks must hold at least one valid IPv4 CIDR block."
  }
}

variable "alb_deletion_protection" {
  description = "Turn on deletion protection of the ALB."
  type        = bool
  default     = true
  nullable    = false
}

variable "alb_idle_timeout" {
  description = "Seconds the ALB keeps an idle connection open. Metabase questions on large tables can run for minutes; the ALB default of 60 s cuts them off."
  type        = number
  default     = 600

  validation {
    condition     = var.alb_idle_timeout >= 60 && var.alb_idle_timeout <= 4000
    error_message = "alb_idle_timeout must be between 60 and 4000 seconds."
  }
}

variable "enable_alb_access_logs" {
  description = "Write ALB access logs to a dedicated, hardened S3 bucket created here."
  type        = bool
  default     = true
  nullable    = false
}

variable "access_logs_expiration_days" {
  description = "Days after which ALB access log objects are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.access_logs_expiration_days >= 90
    error_message = "access_logs_expiration_days must be at least 90."
  }
}

variable "enable_waf" {
  description = "Attach a WAFv2 web ACL with the AWS managed common, known-bad-inputs and IP-reputation rule groups and a per-IP rate limit to the ALB."
  type        = bool
  default     = true
  nullable    = false
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP address above which WAF blocks that address."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000000
    error_message = "waf_rate_limit must be between 100 and 2000000000 (WAF limits)."
  }
}

variable "force_destroy_log_buckets" {
  description = "Allow destroy to delete the access log bucket while it still holds logs. Only for throw-away stacks."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# ECS
################################################################################

variable "image_tag" {
  description = "Tag of the Metabase image in the ECR repository, e.g. v0.50.0. Must be a specific version; `latest` is refused."
  type        = string

  validation {
    condition     = trimspace(var.image_tag) != "" && lower(var.image_tag) != "latest" && can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a specific, valid Docker tag such as v0.50.0: empty and `latest` are refused because they do not say which Metabase runs (and an upgrade migrates the database)."
  }
}

variable "image_digest" {
  description = "Optional image digest (sha256:...). When set, the task pulls <repository>@<digest> and the tag is informational."
  type        = string
  default     = null

  validation {
    condition     = var.image_digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.image_digest))
    error_message = "image_digest must look like sha256: followed by 64 lower-case hex digits."
  }
}

variable "task_cpu" {
  description = "Fargate task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be one of 512, 1024, 2048, 4096, 8192 or 16384 (256 is too small for Metabase)."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB. Must be a valid Fargate combination with task_cpu; Metabase wants at least 2048."
  type        = number
  default     = 2048

  validation {
    condition = var.task_memory >= 2048 && (
      (var.task_cpu == 512 && var.task_memory <= 4096 && var.task_memory % 1024 == 0) ||
      (var.task_cpu == 1024 && var.task_memory <= 8192 && var.task_memory % 1024 == 0) ||
      (var.task_cpu == 2048 && var.task_memory >= 4096 && var.task_memory <= 16384 && var.task_memory % 1024 == 0) ||
      (var.task_cpu == 4096 && var.task_memory >= 8192 && var.task_memory <= 30720 && var.task_memory % 1024 == 0) ||
      (var.task_cpu == 8192 && var.task_memory >= 16384 && var.task_memory <= 61440 && var.task_memory % 4096 == 0) ||
      (var.task_cpu == 16384 && var.task_memory >= 32768 && var.task_memory <= 122880 && var.task_memory % 8192 == 0)
    )
    error_message = "task_memory must be at least 2048 MiB and a valid Fargate combination with task_cpu (e.g. 1024 CPU: 2048-8192 in steps of 1024; 2048 CPU: 4096-16384)."
  }
}

variable "java_heap_percent" {
  description = "Share of task_memory given to the JVM heap through JAVA_OPTS (-Xmx)."
  type        = number
  default     = 75

  validation {
    condition     = var.java_heap_percent >= 50 && var.java_heap_percent <= 85
    error_message = "java_heap_percent must be between 50 and 85: the JVM needs memory outside the heap, and a task over its limit is killed."
  }
}

variable "desired_count" {
  description = "Number of Metabase tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 10 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number from 1 to 10."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores load balancer health checks after a task starts. Metabase runs its database migrations on start-up, which take minutes on an upgrade."
  type        = number
  default     = 600

  validation {
    condition     = var.health_check_grace_period_seconds >= 300 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be at least 300: a shorter grace period kills Metabase in the middle of its start-up migrations."
  }
}

variable "container_health_check_start_period" {
  description = "Seconds the container health check ignores failures after start (ECS allows at most 300)."
  type        = number
  default     = 300

  validation {
    condition     = var.container_health_check_start_period >= 60 && var.container_health_check_start_period <= 300
    error_message = "container_health_check_start_period must be between 60 and 300 seconds (300 is the ECS maximum)."
  }
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into the running containers. Off by default: it opens an interactive shell path into a container that holds database credentials."
  type        = bool
  default     = false
  nullable    = false
}

variable "readonly_root_filesystem" {
  description = "Run the container with a read-only root file system; Metabase writes to task-scoped /tmp and /plugins volumes instead. Turn off only if a custom image must write elsewhere."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups created here (container logs, flow logs, WAF logs)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "task_role_policy_arns" {
  description = "IAM policy ARNs attached to the task role (`<name>-ecs-task-role`), for AWS services Metabase itself must call. Empty by default: Metabase needs none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for arn in var.task_role_policy_arns :
      can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", arn)) &&
      !contains(["AdministratorAccess", "PowerUserAccess"], element(split("/", arn), length(split("/", arn)) - 1))
    ])
    error_message = "task_role_policy_arns must be IAM policy ARNs, and AdministratorAccess and PowerUserAccess are refused."
  }
}

variable "extra_environment" {
  description = "Additional non-secret Metabase settings passed as container environment (e.g. MB_SITE_NAME). Names that look like secrets are refused: pass secrets through Secrets Manager."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for k, v in var.extra_environment :
      can(regex("^[A-Z][A-Z0-9_]*$", k)) && !can(regex("(PASS|SECRET|TOKEN|KEY|CREDENTIAL)", k))
    ])
    error_message = "extra_environment names must be upper-case environment variable names, and names containing PASS, SECRET, TOKEN, KEY or CREDENTIAL are refused: such values belong in Secrets Manager, not in plain task environment."
  }

  validation {
    condition     = length(setintersection(keys(var.extra_environment), ["MB_DB_TYPE", "MB_DB_HOST", "MB_DB_PORT", "MB_DB_DBNAME", "MB_DB_USER", "MB_DB_CONNECTION_URI", "MB_JETTY_PORT", "MB_SITE_URL", "MB_DB_AWS_IAM", "JAVA_OPTS"])) == 0
    error_message = "extra_environment must not override the database, port, site URL or JAVA_OPTS settings the module sets."
  }
}

################################################################################
# RDS
################################################################################

variable "db_engine_version" {
  description = "PostgreSQL engine version of the application database (major 16)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^16(\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be PostgreSQL 16 (\"16\" or \"16.x\"); the parameter group family is postgres16."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "db_instance_class must look like db.t4g.medium."
  }
}

variable "db_allocated_storage" {
  description = "Initial storage of the database in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 65536
    error_message = "db_allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper bound for storage autoscaling in GiB (0 turns autoscaling off)."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage == 0 || var.db_max_allocated_storage >= var.db_allocated_storage
    error_message = "db_max_allocated_storage must be 0 or at least db_allocated_storage."
  }
}

variable "db_name" {
  description = "Name of the Metabase application database."
  type        = string
  default     = "metabase"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and hold only lower-case letters, digits and underscores (max 63)."
  }
}

variable "db_master_username" {
  description = "RDS master user name. Metabase logs in with it in password mode; RDS keeps its password in Secrets Manager."
  type        = string
  default     = "metabase"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.db_master_username)
    error_message = "db_master_username must start with a letter, hold only lower-case letters, digits and underscores, and not be a reserved name (postgres, admin, rdsadmin)."
  }
}

variable "db_multi_az" {
  description = "Run the database Multi-AZ (a standby in a second AZ)."
  type        = bool
  default     = true
  nullable    = false
}

variable "db_backup_retention_period" {
  description = "Days of automated RDS backups kept."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_period >= 7 && var.db_backup_retention_period <= 35
    error_message = "db_backup_retention_period must be between 7 and 35 days: the deployment standard requires at least a week of backups."
  }
}

variable "db_backup_window" {
  description = "Daily UTC window for automated backups (hh24:mi-hh24:mi). Must not overlap the maintenance window."
  type        = string
  default     = "01:00-02:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "db_backup_window must look like 01:00-02:00 (UTC)."
  }
}

variable "db_maintenance_window" {
  description = "Weekly UTC maintenance window of the database (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_maintenance_window))
    error_message = "db_maintenance_window must look like sun:05:00-sun:06:00 (UTC)."
  }
}

variable "db_deletion_protection" {
  description = "Turn on RDS deletion protection. Only throw-away stacks (such as the local emulator example) should turn it off."
  type        = bool
  default     = true
  nullable    = false
}

variable "db_performance_insights_retention_period" {
  description = "Days Performance Insights data is kept (7 is free; otherwise a multiple of 31, up to 731)."
  type        = number
  default     = 7

  validation {
    condition     = var.db_performance_insights_retention_period == 7 || var.db_performance_insights_retention_period == 731 || (var.db_performance_insights_retention_period % 31 == 0 && var.db_performance_insights_retention_period <= 713)
    error_message = "db_performance_insights_retention_period must be 7, 731, or a multiple of 31 up to 713."
  }
}

variable "db_monitoring_interval" {
  description = "Seconds between Enhanced Monitoring samples of the database (0 turns Enhanced Monitoring off)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.db_monitoring_interval)
    error_message = "db_monitoring_interval must be one of 0, 1, 5, 10, 15, 30 or 60."
  }
}

variable "db_auth_mode" {
  description = "How Metabase logs in to its database: \"password\" (the RDS-managed master secret, injected as MB_DB_PASS and redeployed after each rotation) or \"iam\" (IAM database authentication through MB_DB_AWS_IAM, no password at all; needs Metabase 0.58 or later and a database user granted rds_iam)."
  type        = string
  default     = "password"

  validation {
    condition     = contains(["password", "iam"], var.db_auth_mode)
    error_message = "db_auth_mode must be \"password\" or \"iam\"."
  }

  validation {
    # Metabase reads MB_DB_AWS_IAM for its application database from 0.58
    # (metabase/metabase pull request 65418); older versions ignore it and
    # fail to log in without a password. Tags that are not versions (e.g. a
    # custom build) are let through.
    condition     = var.db_auth_mode != "iam" || try(tonumber(regex("^v?[01]\\.([0-9]+)", var.image_tag)[0]) >= 58, true)
    error_message = "db_auth_mode = \"iam\" needs Metabase 0.58 or later (v0.58.x / v1.58.x): earlier versions do not read MB_DB_AWS_IAM and cannot log in to the application database without a password. Upgrade image_tag or use db_auth_mode = \"password\"."
  }
}

variable "db_iam_username" {
  description = "Database user Metabase logs in as in IAM mode. Create it once as the master user: CREATE USER <name>; GRANT rds_iam TO <name>; and give it ownership of the Metabase database."
  type        = string
  default     = "metabase_iam"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_iam_username))
    error_message = "db_iam_username must start with a letter and hold only lower-case letters, digits and underscores."
  }
}

################################################################################
# Secrets and rotation
################################################################################

variable "secret_recovery_window_in_days" {
  description = "Days a deleted secret (the MB_ENCRYPTION_SECRET_KEY secret) can still be restored. Losing that key makes every stored connection detail unreadable."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30
    error_message = "secret_recovery_window_in_days must be between 7 and 30 (0, immediate deletion, is refused)."
  }
}

variable "generate_encryption_key" {
  description = "Generate MB_ENCRYPTION_SECRET_KEY in Secrets Manager. Set false when moving an existing Metabase here: the secret is then created empty and you store the existing key in it before the first task starts (see README)."
  type        = bool
  default     = true
  nullable    = false
}

variable "encryption_key_version" {
  description = "Version of the generated MB_ENCRYPTION_SECRET_KEY value. The value is write-only and never in state; raising this number writes a new random value, which is only safe as part of Metabase's key-rotation procedure (see README)."
  type        = number
  default     = 1

  validation {
    condition     = var.encryption_key_version >= 1 && floor(var.encryption_key_version) == var.encryption_key_version
    error_message = "encryption_key_version must be a whole number of at least 1."
  }
}

variable "db_secret_rotation_schedule" {
  description = "Secrets Manager schedule_expression of the database master secret rotation, in UTC. Choose a quiet time: each rotation restarts Metabase."
  type        = string
  default     = "cron(0 3 ? * SUN *)"

  validation {
    condition     = can(regex("^(cron\\(.+\\)|rate\\([0-9]+ (hours|days)\\))$", var.db_secret_rotation_schedule))
    error_message = "db_secret_rotation_schedule must be a Secrets Manager schedule such as cron(0 3 ? * SUN *) or rate(7 days)."
  }
}

variable "db_secret_rotation_duration" {
  description = "Length of the rotation window that starts at db_secret_rotation_schedule (e.g. 2h). Secrets Manager rotates at some moment inside it."
  type        = string
  default     = "2h"

  validation {
    condition     = can(regex("^([1-9]|1[0-9]|2[0-4])h$", var.db_secret_rotation_duration))
    error_message = "db_secret_rotation_duration must be a number of hours from 1h to 24h."
  }
}

variable "redeploy_on_rotation" {
  description = "After each successful rotation of the database secret, start a new ECS deployment (EventBridge rule -> Step Functions -> ecs:UpdateService) so tasks read the new password. Only used in password mode."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# ECR
################################################################################

variable "ecr_repository_name" {
  description = "Name of the ECR repository holding the Metabase image."
  type        = string
  default     = "metabase_repo"

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.ecr_repository_name)) && length(var.ecr_repository_name) <= 256
    error_message = "ecr_repository_name must be a valid ECR repository name (lower-case letters, digits, ., _, - and /)."
  }
}

variable "create_ecr_repository" {
  description = "Create the ECR repository. Set false to use an existing repository of that name that is managed elsewhere (or import it instead; see README)."
  type        = bool
  default     = true
  nullable    = false
}

variable "ecr_kms_key_arn" {
  description = "Optional KMS key ARN for the ECR repository. Null keeps AES-256 (SSE-S3) encryption."
  type        = string
  default     = null

  validation {
    condition     = var.ecr_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN."
  }
}

variable "ecr_keep_image_count" {
  description = "Number of tagged images the ECR lifecycle policy keeps."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_keep_image_count >= 5 && var.ecr_keep_image_count <= 1000
    error_message = "ecr_keep_image_count must be between 5 and 1000 (keep enough to roll back)."
  }
}

variable "force_delete_ecr_repository" {
  description = "Let destroy delete the ECR repository while it still holds images. Only for throw-away stacks."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Monitoring
################################################################################

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic. The subscription must be confirmed from the mail AWS sends."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "alarm_thresholds" {
  description = "Alarm thresholds. cpu/memory/rds_cpu in percent, alb_5xx_count per 5 minutes, response_time_seconds average, rds_free_storage_bytes, rds_freeable_memory_bytes, rds_connections."
  type = object({
    ecs_cpu_percent           = optional(number, 80)
    ecs_memory_percent        = optional(number, 85)
    alb_5xx_count             = optional(number, 10)
    response_time_seconds     = optional(number, 5)
    rds_cpu_percent           = optional(number, 80)
    rds_free_storage_bytes    = optional(number, 5368709120)
    rds_freeable_memory_bytes = optional(number, 268435456)
    rds_connections           = optional(number, 100)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      var.alarm_thresholds.ecs_cpu_percent > 0 && var.alarm_thresholds.ecs_cpu_percent <= 100,
      var.alarm_thresholds.ecs_memory_percent > 0 && var.alarm_thresholds.ecs_memory_percent <= 100,
      var.alarm_thresholds.rds_cpu_percent > 0 && var.alarm_thresholds.rds_cpu_percent <= 100,
      var.alarm_thresholds.alb_5xx_count >= 1,
      var.alarm_thresholds.response_time_seconds > 0,
      var.alarm_thresholds.rds_free_storage_bytes > 0,
      var.alarm_thresholds.rds_freeable_memory_bytes > 0,
      var.alarm_thresholds.rds_connections >= 1,
    ])
    error_message = "alarm_thresholds: percentages must be in (0, 100], counts at least 1, and byte and second thresholds positive."
  }
}
