################################################################################
# ECS cluster, task definition and service
################################################################################

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = local.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The root file system is read-only; Metabase writes its driver plugins and
  # temporary files to these task-scoped volumes instead.
  volume {
    name = "tmp"
  }

  volume {
    name = "plugins"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = local.image
      essential              = true
      readonlyRootFilesystem = var.readonly_root_filesystem

      portMappings = [
        {
          containerPort = local.container_port
          hostPort      = local.container_port
          protocol      = "tcp"
        },
      ]

      # Non-secret settings only. Passwords and keys never appear here: they
      # are injected from Secrets Manager through `secrets` below, so they are
      # not visible in the task definition, the console or the ECS API.
      environment = concat(
        [
          { name = "MB_DB_TYPE", value = "postgres" },
          { name = "MB_DB_HOST", value = aws_db_instance.this.address },
          { name = "MB_DB_PORT", value = tostring(aws_db_instance.this.port) },
          { name = "MB_DB_DBNAME", value = var.db_name },
          { name = "MB_DB_USER", value = local.db_user },
          # No credentials in the URI: Metabase combines it with MB_DB_USER
          # and MB_DB_PASS. It exists to require TLS to the database (RDS
          # also refuses plain connections, through rds.force_ssl = 1).
          { name = "MB_DB_CONNECTION_URI", value = "postgres://${aws_db_instance.this.address}:${aws_db_instance.this.port}/${var.db_name}?sslmode=require" },
          { name = "MB_JETTY_PORT", value = tostring(local.container_port) },
          { name = "MB_SITE_URL", value = local.site_url },
          { name = "JAVA_OPTS", value = local.java_opts },
        ],
        var.db_auth_mode == "iam" ? [{ name = "MB_DB_AWS_IAM", value = "true" }] : [],
        [for k, v in var.extra_environment : { name = k, value = v }],
      )

      secrets = concat(
        var.db_auth_mode == "password" ? [
          {
            # The RDS-managed master secret is JSON {"username", "password"};
            # ECS extracts the password key.
            name      = "MB_DB_PASS"
            valueFrom = "${aws_db_instance.this.master_user_secret[0].secret_arn}:password::"
          },
        ] : [],
        [
          {
            name      = "MB_ENCRYPTION_SECRET_KEY"
            valueFrom = aws_secretsmanager_secret.encryption_key.arn
          },
        ],
      )

      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
        { sourceVolume = "plugins", containerPath = "/plugins", readOnly = false },
      ]

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "metabase"
        }
      }

      healthCheck = {
        command     = ["CMD-SHELL", "curl -f http://localhost:3000/api/health || exit 1"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = var.container_health_check_start_period
      }

      linuxParameters = {
        initProcessEnabled = true
      }

      stopTimeout = 60
    },
  ])

  tags = local.tags
}

resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.this.arn
  desired_count    = var.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  # Stop the old tasks before starting the new ones. Metabase migrates its
  # application database on start-up; two versions running side by side
  # during a rolling deployment would both work on one schema. The price is a
  # short outage per deployment.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  enable_execute_command            = var.enable_execute_command
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.ecs.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = local.container_port
  }

  tags = local.tags

  # The target group must be attached to a listener before the service uses
  # it; the policies must exist before a task tries to pull and read secrets.
  depends_on = [
    aws_lb_listener.https,
    aws_iam_role_policy.task_execution,
  ]
}
