#!/usr/bin/env python3
"""Creates a deliberately non-compliant Metabase deployment in a local AWS emulator.

Used by scripts/test-live.sh: every gap below must be reported by `mbdeploy verify`. Talks only
to the endpoint given (a moto_server on loopback); the credentials are dummies.

    test-live-noncompliant.py ENDPOINT NAME

Gaps (one per control the issue lists):
  public IP         the service assigns public IPs, in a public subnet
  open groups       one group for everything, open to 0.0.0.0/0 on every TCP port
  plain password    MB_DB_PASS in the task definition's environment
  unencrypted RDS   StorageEncrypted false (and publicly accessible)
  HTTP forwarding   the only listener is HTTP :80 forwarding to the targets
  latest image      the image tag is `latest`
  no scan on push   the repository does not scan images
  wildcard IAM      the execution role allows "*" on "*" and has AdministratorAccess
"""

import json
import sys

import boto3

endpoint, name = sys.argv[1], sys.argv[2]
region = "eu-west-1"


def client(service):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


ec2, ecs, elb, rds, ecr, iam, logs = (
    client(s) for s in ("ec2", "ecs", "elbv2", "rds", "ecr", "iam", "logs")
)

# Network: one VPC, two public subnets routed to an internet gateway.
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
subnets = []
for i, az in enumerate(["a", "b"]):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{region}{az}")
    subnets.append(s["Subnet"]["SubnetId"])
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnets[-1])

# Open groups: every TCP port from anywhere.
sg = ec2.create_security_group(GroupName=f"{name}-open", Description="open", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=sg,
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
)

# Wildcard IAM: one role for execution and task, allowed everything.
trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
role_arn = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
iam.put_role_policy(
    RoleName=f"{name}-role",
    PolicyName="everything",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
)
iam.attach_role_policy(RoleName=f"{name}-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

# No scan on push, mutable tags.
repo = ecr.create_repository(
    repositoryName=f"{name}_repo",
    imageScanningConfiguration={"scanOnPush": False},
    imageTagMutability="MUTABLE",
)["repository"]["repositoryUri"]

# Unencrypted, public database.
rds.create_db_instance(
    DBInstanceIdentifier=name,
    Engine="postgres",
    DBInstanceClass="db.t3.micro",
    AllocatedStorage=20,
    MasterUsername="metabase",
    MasterUserPassword="hunter2hunter2",
    StorageEncrypted=False,
    PubliclyAccessible=True,
    VpcSecurityGroupIds=[sg],
    BackupRetentionPeriod=0,
)

# Load balancer: HTTP only, forwarding.
lb = elb.create_load_balancer(Name=f"{name}-alb", Subnets=subnets, SecurityGroups=[sg], Scheme="internet-facing")
lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
tg_arn = elb.create_target_group(
    Name=f"{name}-tg", Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="ip", HealthCheckPath="/"
)["TargetGroups"][0]["TargetGroupArn"]
elb.create_listener(
    LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}]
)

# ECS: plain-text password, `latest`, public IP.
logs.create_log_group(logGroupName=f"/aws/ecs/{name}")
ecs.create_cluster(clusterName=name)
task = ecs.register_task_definition(
    family=name,
    requiresCompatibilities=["FARGATE"],
    networkMode="awsvpc",
    cpu="1024",
    memory="2048",
    executionRoleArn=role_arn,
    taskRoleArn=role_arn,
    containerDefinitions=[
        {
            "name": "metabase",
            "image": f"{repo}:latest",
            "essential": True,
            "portMappings": [{"containerPort": 3000}],
            "environment": [
                {"name": "MB_DB_TYPE", "value": "postgres"},
                {"name": "MB_DB_HOST", "value": f"{name}.db.example"},
                {"name": "MB_DB_PASS", "value": "hunter2hunter2"},
            ],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": f"/aws/ecs/{name}", "awslogs-region": region},
            },
        }
    ],
)["taskDefinition"]["taskDefinitionArn"]
ecs.create_service(
    cluster=name,
    serviceName=name,
    taskDefinition=task,
    desiredCount=1,
    launchType="FARGATE",
    loadBalancers=[{"targetGroupArn": tg_arn, "containerName": "metabase", "containerPort": 3000}],
    networkConfiguration={
        "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg], "assignPublicIp": "ENABLED"}
    },
)
print(f"created the non-compliant deployment {name} in {vpc}")
