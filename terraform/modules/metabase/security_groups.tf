################################################################################
# Security groups
#
# The groups carry no inline rules; every rule is its own resource and refers
# to the other groups by id. That keeps the ALB -> ECS -> RDS chain free of
# dependency cycles and makes each rule visible on its own in plans and
# audits.
################################################################################

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "Metabase ALB: HTTP and HTTPS from the internet, out only to the Metabase tasks"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "ecs" {
  name_prefix = "${var.name}-ecs-tasks-"
  description = "Metabase tasks: 3000 from the ALB only, out to RDS and to AWS services on 443"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-ecs-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "rds" {
  name_prefix = "${var.name}-rds-"
  description = "Metabase application database: 5432 from the Metabase tasks only"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-rds" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "endpoints" {
  count = var.enable_vpc_endpoints ? 1 : 0

  name_prefix = "${var.name}-vpc-endpoints-"
  description = "Interface VPC endpoints: 443 from the Metabase tasks only"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-vpc-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

# --- ALB ---------------------------------------------------------------------

# Port 80 only answers with a redirect to HTTPS (see alb.tf); it stays open so
# that users typing the bare host name are sent to TLS instead of timing out.
resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 is open on purpose: its listener only returns a 301 redirect to HTTPS and never forwards to Metabase.
  for_each = toset(var.alb_ingress_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTP from ${each.value}, answered only with a redirect to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.alb_ingress_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_ecs" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the Metabase tasks on the container port"
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
  referenced_security_group_id = aws_security_group.ecs.id

  tags = local.tags
}

# --- ECS tasks -----------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "ecs_from_alb" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "Metabase port from the ALB only"
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "ecs_to_rds" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "PostgreSQL to the application database"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.rds.id

  tags = local.tags
}

# HTTPS to AWS services: through the interface endpoints and the S3 gateway
# endpoint when they exist, otherwise through the NAT gateways (ECR, logs,
# Secrets Manager, and Metabase's own outbound calls such as e-mail APIs).
resource "aws_vpc_security_group_egress_rule" "ecs_https" {
  security_group_id = aws_security_group.ecs.id
  description       = "HTTPS to AWS services (VPC endpoints, S3, or through NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

# --- RDS -------------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "rds_from_ecs" {
  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL from the Metabase tasks only"
  ip_protocol                  = "tcp"
  from_port                    = local.db_port
  to_port                      = local.db_port
  referenced_security_group_id = aws_security_group.ecs.id

  tags = local.tags
}

# --- VPC endpoints -----------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_ecs" {
  count = var.enable_vpc_endpoints ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the Metabase tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.ecs.id

  tags = local.tags
}
