#!/usr/bin/env python3
"""Generates a synthetic Terraform corpus for benchmarking `mbdeploy audit`.

Each root module is a small, realistic Metabase deployment slice: variables, locals, a VPC with
count-expanded subnets, security groups with standalone rules, an ALB, ECS with a jsonencode()d
task definition, RDS, ECR, IAM and alarms. Usage: gen_corpus.py OUT_DIR ROOTS RESOURCES_PER_ROOT
"""
import os
import sys

BLOCKS = [
    """resource "aws_security_group" "sg{i}" {{
  name   = "${{var.name}}-sg{i}"
  vpc_id = aws_vpc.main.id
  tags   = local.tags
}}
""",
    """resource "aws_vpc_security_group_ingress_rule" "in{i}" {{
  security_group_id            = aws_security_group.sg{j}.id
  referenced_security_group_id = aws_security_group.sg{k}.id
  ip_protocol                  = "tcp"
  from_port                    = 3000
  to_port                      = 3000
}}
""",
    """resource "aws_security_group_rule" "out{i}" {{
  type              = "egress"
  security_group_id = aws_security_group.sg{j}.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}}
""",
    """resource "aws_cloudwatch_log_group" "lg{i}" {{
  name              = "/aws/ecs/${{var.name}}-{i}"
  retention_in_days = var.log_retention_days
}}
""",
    """resource "aws_ecs_task_definition" "td{i}" {{
  family                   = "${{var.name}}-{i}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  execution_role_arn       = aws_iam_role.exec.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([{{
    name         = "metabase"
    image        = "${{aws_ecr_repository.repo.repository_url}}:v0.50.{i}"
    portMappings = [{{ containerPort = 3000 }}]
    environment  = [for k, v in local.env : {{ name = k, value = v }}]
    secrets      = [{{ name = "MB_DB_PASS", valueFrom = "${{aws_db_instance.db.master_user_secret[0].secret_arn}}:password::" }}]
    healthCheck  = {{ command = ["CMD-SHELL", "curl -f http://localhost:3000/api/health || exit 1"], startPeriod = 300 }}
    logConfiguration = {{
      logDriver = "awslogs"
      options   = {{ "awslogs-group" = aws_cloudwatch_log_group.lg{j}.name, "awslogs-region" = var.region }}
    }}
  }}])
}}
""",
    """resource "aws_cloudwatch_metric_alarm" "al{i}" {{
  alarm_name          = "${{var.name}}-alarm-{i}"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  evaluation_periods  = 3
  period              = 60
  statistic           = "Average"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}}
""",
]

HEADER = """variable "name" {{
  type    = string
  default = "metabase-{r}"
}}
variable "region" {{
  type    = string
  default = "eu-west-1"
}}
variable "log_retention_days" {{
  type    = number
  default = 90
}}
locals {{
  tags = {{ Project = var.name, Root = "{r}" }}
  env  = {{ MB_DB_TYPE = "postgres", MB_DB_PORT = "5432", MB_DB_DBNAME = "metabase" }}
}}
resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_subnet" "private" {{
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 1)
}}
resource "aws_sns_topic" "alarms" {{
  name = "${{var.name}}-alarms"
}}
resource "aws_ecr_repository" "repo" {{
  name                 = "metabase_repo_{r}"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {{
    scan_on_push = true
  }}
}}
resource "aws_iam_role" "exec" {{
  name = "${{var.name}}-exec"
  assume_role_policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ecs-tasks.amazonaws.com" }} }}] }})
}}
resource "aws_iam_role" "task" {{
  name = "${{var.name}}-task"
  assume_role_policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ecs-tasks.amazonaws.com" }} }}] }})
}}
resource "aws_db_instance" "db" {{
  identifier                  = var.name
  engine                      = "postgres"
  storage_encrypted           = true
  manage_master_user_password = true
  backup_retention_period     = 7
  deletion_protection         = true
}}
"""


def main():
    out, roots, per_root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lines = resources = 0
    for r in range(roots):
        d = os.path.join(out, f"root{r:04d}")
        os.makedirs(d, exist_ok=True)
        parts = [HEADER.format(r=r)]
        n = 10  # resources in the header, counting the three subnets
        i = 0
        sgs = max(1, per_root // 6)
        while n < per_root:
            kind = i % len(BLOCKS)
            j, k = i // len(BLOCKS) % sgs, (i // len(BLOCKS) + 1) % sgs
            block_index = i // len(BLOCKS)
            parts.append(BLOCKS[kind].format(i=block_index, j=j if kind != 4 else block_index, k=k))
            n += 1
            i += 1
        # Make sure every referenced security group and log group exists.
        text = "".join(parts)
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write(text)
        lines += text.count("\n")
        resources += n
    print(f"{roots} root modules, {resources} resources, {lines} lines")


if __name__ == "__main__":
    main()
