#!/usr/bin/env bash
# Tests of the Terraform stack under terraform/:
#   1. terraform fmt -check on every file;
#   2. terraform init -backend=false + validate for the module, the bootstrap
#      stack and both examples;
#   3. terraform test of the module (plan-mode tests, run in the background
#      while step 5 runs);
#   4. checkov on terraform/ (installed with pip into a reusable virtual
#      environment; MBDEPLOY_SKIP_CHECKOV=1 skips it for quick local runs);
#   5. apply examples/local to a moto_server started here on a free loopback
#      port, check what was created with the AWS CLI, then destroy it.
# Ends with "stack: N passed, M failed" and exits non-zero if anything failed.
#
# Needs: terraform (>= 1.11, hashicorp/aws in the mirror named by
# terraform/cli.tfrc), moto_server (moto >= 5.2), the aws CLI, jq, openssl,
# python3. Works from any directory and writes nothing into the repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_SRC="$ROOT/terraform"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mbdeploy"
CHECKOV_VENV="$CACHE/checkov-venv"
CHECKOV_VERSION="3.3.30"

export TF_CLI_CONFIG_FILE="$TF_SRC/cli.tfrc"
export TF_IN_AUTOMATION=1
export TF_INPUT=0
# Link the provider from one cache instead of copying ~700 MB per root.
export TF_PLUGIN_CACHE_DIR="$CACHE/terraform-plugins"
export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=1
mkdir -p "$TF_PLUGIN_CACHE_DIR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mbdeploy-stack.XXXXXX")"
MOTO_PID=""
TEST_PID=""
PASSED=0
FAILED=0
START=$SECONDS

cleanup() {
  if [[ -n "$TEST_PID" ]] && kill -0 "$TEST_PID" 2>/dev/null; then
    kill "$TEST_PID" 2>/dev/null || true
    wait "$TEST_PID" 2>/dev/null || true
  fi
  if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() {
  PASSED=$((PASSED + 1))
  echo "ok   - $1"
}

fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
}

# check NAME COMMAND...: runs COMMAND, counts it, shows its output on failure.
check() {
  local name="$1"
  shift
  if "$@" >"$WORK/check.log" 2>&1; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/       /' "$WORK/check.log" | tail -n 30
  fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail "$1"
    printf '       expected: %s\n       actual:   %s\n' "$2" "$3"
  fi
}

section() {
  echo
  echo "== $1 ($((SECONDS - START)) s)"
}

# --- 1. format -------------------------------------------------------------------
section "terraform fmt"
check "terraform fmt -check -recursive terraform" terraform fmt -check -recursive -diff "$TF_SRC"

# Work on a copy so that .terraform dirs, state and lock files never land in
# the repository (other people work in the same tree).
mkdir -p "$WORK/terraform"
(cd "$TF_SRC" && tar --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' -cf - .) | tar -xf - -C "$WORK/terraform"
TF="$WORK/terraform"

# --- 2. init + validate, 3. terraform test (background) -----------------------------------
section "terraform validate"
for dir in modules/metabase bootstrap examples/production examples/local; do
  check "terraform init -backend=false ($dir)" terraform -chdir="$TF/$dir" init -backend=false -input=false -no-color
  check "terraform validate ($dir)" terraform -chdir="$TF/$dir" validate -no-color
  if [[ "$dir" == "modules/metabase" ]]; then
    # The longest step: start it as soon as the module is initialised.
    echo "terraform test of modules/metabase started in the background"
    terraform -chdir="$TF/modules/metabase" test -no-color >"$WORK/terraform-test.log" 2>&1 &
    TEST_PID=$!
  fi
done

# --- 4. checkov --------------------------------------------------------------------------
section "checkov"
if [[ "${MBDEPLOY_SKIP_CHECKOV:-0}" == "1" ]]; then
  echo "skipped: MBDEPLOY_SKIP_CHECKOV=1 (CI runs it)"
else
  if [[ ! -x "$CHECKOV_VENV/bin/checkov" ]] || ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
    check "install checkov $CHECKOV_VERSION into $CHECKOV_VENV" \
      bash -c "python3 -m venv '$CHECKOV_VENV' && '$CHECKOV_VENV/bin/pip' install --quiet 'checkov==$CHECKOV_VERSION'"
  fi
  if [[ -x "$CHECKOV_VENV/bin/checkov" ]]; then
    if "$CHECKOV_VENV/bin/checkov" -d "$TF_SRC" --framework terraform --skip-download \
      --quiet --compact -o cli >"$WORK/checkov.log" 2>&1; then
      pass "checkov: no failed check on terraform/ ($(grep -o 'Skipped checks: [0-9]*' "$WORK/checkov.log" | head -n 1 | tr -d '\n'), each with an inline reason)"
    else
      fail "checkov: failed checks on terraform/"
      grep -E '^Check:|FAILED for resource|File:|Calling File:' "$WORK/checkov.log" | sed 's/^/       /' | head -n 60
    fi
  fi
fi

# --- 5. apply examples/local to moto ---------------------------------------------------------
section "examples/local on moto_server"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
ENDPOINT="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 60); do
  curl -sf "$ENDPOINT/moto-api/" >/dev/null 2>&1 && break
  sleep 0.5
done
check "moto_server answers on $ENDPOINT" curl -sf "$ENDPOINT/moto-api/"

# A throw-away self-signed certificate, imported into the emulator's ACM.
mkdir -p "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=metabase.local.test" \
  -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >/dev/null 2>&1

LOCAL="$TF/examples/local"
TFVARS=(-var "endpoint=$ENDPOINT" -var "certificate_body_file=$WORK/tls/cert.pem" -var "private_key_file=$WORK/tls/key.pem")

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
awsl() { aws --endpoint-url "$ENDPOINT" --output text "$@"; }
awsj() { aws --endpoint-url "$ENDPOINT" --output json "$@"; }

APPLIED=0
if timeout 480 terraform -chdir="$LOCAL" apply -auto-approve -input=false -no-color "${TFVARS[@]}" >"$WORK/apply.log" 2>&1; then
  APPLIED=1
  pass "terraform apply examples/local ($(grep -o 'Resources: [0-9]* added' "$WORK/apply.log"))"
else
  fail "terraform apply examples/local"
  grep -A8 'Error' "$WORK/apply.log" | head -n 40 | sed 's/^/       /'
fi

if [[ "$APPLIED" == "1" ]]; then
  out() { terraform -chdir="$LOCAL" output -raw "$1"; }
  outj() { terraform -chdir="$LOCAL" output -json "$1"; }
  VPC_ID="$(out vpc_id)" || true
  ALB_ARN="$(out alb_arn)" || true
  SG_ALB="$(outj security_group_ids | jq -r .alb)" || true
  SG_ECS="$(outj security_group_ids | jq -r .ecs)" || true
  SG_RDS="$(outj security_group_ids | jq -r .rds)" || true
  SG_VPCE="$(outj security_group_ids | jq -r .endpoints)" || true
  PRIVATE_SUBNETS="$(outj private_subnet_ids | jq -r 'sort | join(",")')" || true
  PUBLIC_SUBNETS="$(outj public_subnet_ids | jq -r 'sort | join(",")')" || true

  # Load balancer
  LISTENERS="$(awsj elbv2 describe-listeners --load-balancer-arn "$ALB_ARN")" || true
  expect_eq "HTTP listener :80 only redirects to HTTPS :443 with 301" \
    '[{"Type":"redirect","Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}]' \
    "$(jq -c '[.Listeners[] | select(.Port == 80) | .DefaultActions[] | {Type, Protocol: .RedirectConfig.Protocol, Port: .RedirectConfig.Port, StatusCode: .RedirectConfig.StatusCode}]' <<<"$LISTENERS")"
  expect_eq "HTTPS listener :443 forwards with ELBSecurityPolicy-TLS13-1-2-2021-06" \
    '{"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06","Action":"forward","Certificate":true}' \
    "$(jq -c '.Listeners[] | select(.Port == 443) | {Protocol, SslPolicy, Action: .DefaultActions[0].Type, Certificate: ((.Certificates // []) | length > 0)}' <<<"$LISTENERS")"
  expect_eq "ALB sits in the public subnets" "$PUBLIC_SUBNETS" \
    "$(awsj elbv2 describe-load-balancers --load-balancer-arns "$ALB_ARN" | jq -r '[.LoadBalancers[0].AvailabilityZones[].SubnetId] | sort | join(",")')"
  expect_eq "ALB drops invalid header fields and is deletion-protected" "true,true" \
    "$(awsj elbv2 describe-load-balancer-attributes --load-balancer-arn "$ALB_ARN" | jq -r '[(.Attributes[] | select(.Key == "routing.http.drop_invalid_header_fields.enabled") | .Value), (.Attributes[] | select(.Key == "deletion_protection.enabled") | .Value)] | join(",")')"
  expect_eq "target group: HTTP 3000, type ip, health check /api/health 200" \
    '{"Port":3000,"Protocol":"HTTP","TargetType":"ip","Path":"/api/health","Matcher":"200"}' \
    "$(awsj elbv2 describe-target-groups --load-balancer-arn "$ALB_ARN" | jq -c '.TargetGroups[0] | {Port, Protocol, TargetType, Path: .HealthCheckPath, Matcher: .Matcher.HttpCode}')"

  # ECS
  SERVICE="$(awsj ecs describe-services --cluster metabase-local --services metabase-local)" || true
  expect_eq "ECS service: assignPublicIp DISABLED" "DISABLED" \
    "$(jq -r '.services[0].networkConfiguration.awsvpcConfiguration.assignPublicIp' <<<"$SERVICE")"
  expect_eq "ECS service: private subnets only" "$PRIVATE_SUBNETS" \
    "$(jq -r '.services[0].networkConfiguration.awsvpcConfiguration.subnets | sort | join(",")' <<<"$SERVICE")"
  expect_eq "ECS service: the ECS security group only" "$SG_ECS" \
    "$(jq -r '.services[0].networkConfiguration.awsvpcConfiguration.securityGroups | join(",")' <<<"$SERVICE")"
  expect_eq "ECS cluster: Container Insights enabled" "enabled" \
    "$(awsj ecs describe-clusters --clusters metabase-local --include SETTINGS | jq -r '.clusters[0].settings[] | select(.name == "containerInsights") | .value')"

  TASKDEF="$(awsj ecs describe-task-definition --task-definition metabase-local | jq '.taskDefinition.containerDefinitions[0]')" || true
  expect_eq "task: secrets by valueFrom (MB_DB_PASS from the RDS secret's password key, MB_ENCRYPTION_SECRET_KEY)" \
    "MB_DB_PASS:rds!db-*:password:: MB_ENCRYPTION_SECRET_KEY:metabase-local/mb-encryption-secret-key-*" \
    "$(jq -r '[.secrets[] | "\(.name):\(.valueFrom | sub("^arn:aws:secretsmanager:[^:]*:[0-9]*:secret:"; "") | sub("rds!db-[^:]*"; "rds!db-*") | sub("key-[A-Za-z0-9]{6}$"; "key-*"))"] | sort | join(" ")' <<<"$TASKDEF")"
  expect_eq "task: no secret-looking name or value in the environment" "0" \
    "$(jq '[.environment[] | select((.name | test("PASS|SECRET|TOKEN|KEY")) or (.value | test("secretsmanager|password")))] | length' <<<"$TASKDEF")"
  expect_eq "task: database over TLS (sslmode=require), port 3000, https site URL" \
    "true 3000 true" \
    "$(jq -r '[(.environment[] | select(.name == "MB_DB_CONNECTION_URI") | .value | endswith("?sslmode=require")), (.environment[] | select(.name == "MB_JETTY_PORT") | .value), (.environment[] | select(.name == "MB_SITE_URL") | .value | startswith("https://"))] | map(tostring) | join(" ")' <<<"$TASKDEF")"
  expect_eq "task: pinned image, awslogs to /aws/ecs/metabase-local, /api/health check" \
    "metabase_repo:v0.50.0 awslogs /aws/ecs/metabase-local curl -f http://localhost:3000/api/health || exit 1" \
    "$(jq -r '[(.image | sub("^.*/"; "")), .logConfiguration.logDriver, .logConfiguration.options["awslogs-group"], .healthCheck.command[1]] | join(" ")' <<<"$TASKDEF")"

  # Security groups: every rule of each group, exactly.
  RULES="$(awsj ec2 describe-security-group-rules --filters "Name=group-id,Values=$SG_ALB,$SG_ECS,$SG_RDS,$SG_VPCE")" || true
  rules_of() {
    jq -r --arg g "$1" '[.SecurityGroupRules[] | select(.GroupId == $g) | "\(if .IsEgress then "out" else "in" end) \(.IpProtocol) \(.FromPort)-\(.ToPort) \(.CidrIpv4 // .ReferencedGroupInfo.GroupId)"] | sort | join("; ")' <<<"$RULES"
  }
  expect_eq "ALB group: in 80/443 from 0.0.0.0/0, out 3000 to the ECS group only" \
    "in tcp 443-443 0.0.0.0/0; in tcp 80-80 0.0.0.0/0; out tcp 3000-3000 $SG_ECS" "$(rules_of "$SG_ALB")"
  expect_eq "ECS group: in 3000 from the ALB group only, out 443 and 5432 to the RDS group" \
    "in tcp 3000-3000 $SG_ALB; out tcp 443-443 0.0.0.0/0; out tcp 5432-5432 $SG_RDS" "$(rules_of "$SG_ECS")"
  expect_eq "RDS group: in 5432 from the ECS group only" \
    "in tcp 5432-5432 $SG_ECS" "$(rules_of "$SG_RDS")"
  expect_eq "endpoint group: in 443 from the ECS group only" \
    "in tcp 443-443 $SG_ECS" "$(rules_of "$SG_VPCE")"
  DEFAULT_SG="$(awsl ec2 describe-security-groups --filters "Name=vpc-id,Values=$VPC_ID" "Name=group-name,Values=default" --query 'SecurityGroups[0].GroupId')" || true
  expect_eq "the VPC's default security group has no rules" "0" \
    "$(awsj ec2 describe-security-group-rules --filters "Name=group-id,Values=$DEFAULT_SG" | jq '.SecurityGroupRules | length')"

  # Network
  expect_eq "VPC endpoints: ecr.api, ecr.dkr, logs, secretsmanager (interface, private DNS) and s3 (gateway)" \
    "ecr.api Interface true; ecr.dkr Interface true; logs Interface true; s3 Gateway false; secretsmanager Interface true" \
    "$(awsj ec2 describe-vpc-endpoints --filters "Name=vpc-id,Values=$VPC_ID" | jq -r '[.VpcEndpoints[] | "\(.ServiceName | sub("^com.amazonaws.eu-west-1."; "")) \(.VpcEndpointType) \(.PrivateDnsEnabled)"] | sort | join("; ")')"
  expect_eq "VPC flow logs record ALL traffic" "ALL" \
    "$(awsl ec2 describe-flow-logs --filter "Name=resource-id,Values=$VPC_ID" --query 'FlowLogs[0].TrafficType')"

  # ECR
  expect_eq "ECR metabase_repo: scan on push, immutable tags, AES256" "true IMMUTABLE AES256" \
    "$(awsj ecr describe-repositories --repository-names metabase_repo | jq -r '.repositories[0] | "\(.imageScanningConfiguration.scanOnPush) \(.imageTagMutability) \(.encryptionConfiguration.encryptionType)"')"
  check "ECR metabase_repo has a lifecycle policy" awsl ecr get-lifecycle-policy --repository-name metabase_repo

  # RDS
  expect_eq "RDS: encrypted, private, deletion-protected, 7-day backups, Multi-AZ, managed master secret" \
    "true false true 7 true true" \
    "$(awsj rds describe-db-instances --db-instance-identifier metabase-local | jq -r '.DBInstances[0] | "\(.StorageEncrypted) \(.PubliclyAccessible) \(.DeletionProtection) \(.BackupRetentionPeriod) \(.MultiAZ) \(.MasterUserSecret.SecretArn != null)"')"
  PARAM_GROUP="$(awsl rds describe-db-instances --db-instance-identifier metabase-local --query 'DBInstances[0].DBParameterGroups[0].DBParameterGroupName')" || true
  expect_eq "RDS parameter group forces TLS (rds.force_ssl = 1)" "1" \
    "$(awsl rds describe-db-parameters --db-parameter-group-name "$PARAM_GROUP" --query "Parameters[?ParameterName=='rds.force_ssl'].ParameterValue")"
  check "RDS refuses deletion while protected" \
    bash -c "! aws --endpoint-url '$ENDPOINT' rds delete-db-instance --db-instance-identifier metabase-local --skip-final-snapshot"

  # IAM
  expect_eq "execution role: trusted by ecs-tasks.amazonaws.com of this account only" \
    '{"Principal":{"Service":"ecs-tasks.amazonaws.com"},"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}' \
    "$(awsj iam get-role --role-name metabase-local-ecs-task-execution-role | jq -c '.Role.AssumeRolePolicyDocument.Statement[0] | {Principal, Condition}')"
  expect_eq "execution role: no action wildcard, '*' resource only for ecr:GetAuthorizationToken" \
    "ecr:GetAuthorizationToken" \
    "$(awsj iam get-role-policy --role-name metabase-local-ecs-task-execution-role --policy-name pull-log-read-secrets | jq -r '[.PolicyDocument.Statement[] | select(([.Resource] | flatten | index("*")) != null) | [.Action] | flatten[]] + [.PolicyDocument.Statement[] | [.Action] | flatten[] | select(test("\\*"))] | join(",")')"
  expect_eq "task role: no policy by default" "0 0" \
    "$(echo "$(awsj iam list-role-policies --role-name metabase-local-ecs-task-role | jq '.PolicyNames | length') $(awsj iam list-attached-role-policies --role-name metabase-local-ecs-task-role | jq '.AttachedPolicies | length')")"

  # Secrets
  KEY_VALUE="$(awsl secretsmanager get-secret-value --secret-id metabase-local/mb-encryption-secret-key --query SecretString)" || true
  expect_eq "MB_ENCRYPTION_SECRET_KEY generated in Secrets Manager (64 characters)" "64" "${#KEY_VALUE}"
  check "MB_ENCRYPTION_SECRET_KEY is nowhere in the Terraform state (write-only)" \
    bash -c "terraform -chdir='$LOCAL' state pull > '$WORK/state.json' && ! grep -qF -- '$KEY_VALUE' '$WORK/state.json'"
  expect_eq "MB_ENCRYPTION_SECRET_KEY secret has no rotation" "false" \
    "$(awsj secretsmanager describe-secret --secret-id metabase-local/mb-encryption-secret-key | jq -r '.RotationEnabled // false')"
  DB_SECRET_ARN="$(out db_master_secret_arn)" || true
  expect_eq "rotation-failure rule matches RotationFailed/RotationAbandoned of the database secret only" \
    "RotationFailed,RotationAbandoned $DB_SECRET_ARN" \
    "$(awsj events describe-rule --name metabase-local-db-secret-rotation-failed | jq -r '.EventPattern | fromjson | .detail | "\(.eventName | join(",")) \(.additionalEventData.SecretId | join(","))"')"
  check "a failed rotation of the database secret is sent to the alarm topic" \
    bash -c "aws --endpoint-url '$ENDPOINT' --output text events list-targets-by-rule --rule metabase-local-db-secret-rotation-failed --query 'Targets[].Arn' | grep -q ':metabase-local-alarms$'"

  # Monitoring
  expect_eq "11 alarms, each notifying the encrypted SNS topic" "11 11" \
    "$(awsj cloudwatch describe-alarms --alarm-name-prefix metabase-local- | jq -r '"\(.MetricAlarms | length) \([.MetricAlarms[] | select(.AlarmActions == ["arn:aws:sns:eu-west-1:123456789012:metabase-local-alarms"])] | length)"')"
  check "SNS alarm topic is encrypted with KMS" \
    bash -c "aws --endpoint-url '$ENDPOINT' --output json sns get-topic-attributes --topic-arn arn:aws:sns:eu-west-1:123456789012:metabase-local-alarms | jq -e '.Attributes.KmsMasterKeyId | startswith(\"arn:aws:kms:\")'"
  expect_eq "container log group /aws/ecs/metabase-local: 365 days, KMS" "365 true" \
    "$(awsj logs describe-log-groups --log-group-name-prefix /aws/ecs/metabase-local | jq -r '.logGroups[0] | "\(.retentionInDays) \(.kmsKeyId != null)"')"

  # Tear down. Deletion protection is on, as in production; the real
  # procedure is `terraform apply -var deletion_protection=false` and then
  # destroy. The emulator makes the provider wait ~100 s on that apply, so
  # the test flips the two attributes through the API and then destroys.
  awsl rds modify-db-instance --db-instance-identifier metabase-local --no-deletion-protection --apply-immediately >/dev/null || true
  awsl elbv2 modify-load-balancer-attributes --load-balancer-arn "$ALB_ARN" \
    --attributes Key=deletion_protection.enabled,Value=false >/dev/null || true
  # Destroying the rotation schedule calls CancelRotateSecret, which moto
  # refuses for a secret without a rotation Lambda (RDS-managed secrets have
  # none). The secret goes away with the database, so the schedule is only
  # dropped from the state here.
  terraform -chdir="$LOCAL" state rm -no-color module.metabase.aws_secretsmanager_secret_rotation.db >/dev/null || true
fi

if [[ "$APPLIED" == "1" ]] || [[ -f "$LOCAL/terraform.tfstate" ]]; then
  if timeout 420 terraform -chdir="$LOCAL" destroy -auto-approve -input=false -no-color "${TFVARS[@]}" -var deletion_protection=false >"$WORK/destroy.log" 2>&1; then
    pass "terraform destroy examples/local ($(grep -o 'Resources: [0-9]* destroyed' "$WORK/destroy.log"))"
  else
    fail "terraform destroy examples/local"
    grep -A8 'Error' "$WORK/destroy.log" | head -n 40 | sed 's/^/       /'
  fi
fi

kill "$MOTO_PID" 2>/dev/null || true
wait "$MOTO_PID" 2>/dev/null || true
MOTO_PID=""

# --- 3 (continued). terraform test result ------------------------------------------------
section "terraform test (result)"
if wait "$TEST_PID"; then
  pass "terraform test modules/metabase ($(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$WORK/terraform-test.log" | tail -n 1))"
else
  fail "terraform test modules/metabase"
  grep -E 'run "|Error|error_message|fail' "$WORK/terraform-test.log" | head -n 60 | sed 's/^/       /'
fi
TEST_PID=""
grep -E '^\s+run "' "$WORK/terraform-test.log" | sed 's/^\s*/       /' || true

echo
echo "took $((SECONDS - START)) s"
echo "stack: $PASSED passed, $FAILED failed"
[[ "$FAILED" -eq 0 ]]
