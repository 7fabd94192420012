#!/usr/bin/env bash
# End-to-end tests of `mbdeploy verify` against a local AWS emulator (moto_server on loopback):
#   1. `mbdeploy iam-policy` prints a valid, read-only policy;
#   2. terraform/examples/local is applied to the emulator and verified: no finding beyond the
#      controls the emulator cannot represent, each of which is named and expected explicitly
#      (docs/verify.md lists them and why);
#   3. faults, through tests/fault-proxy/proxy.py in front of the emulator: throttling (400 and
#      503 SlowDown), 500s, slow answers and AccessDenied give retries or "not verified", never a
#      crash and never a pass;
#   4. a deliberately non-compliant deployment (scripts/test-live-noncompliant.py) gets a finding
#      for each gap;
#   5. the stack is destroyed and the emulator stopped.
# Ends with "live: N passed, M failed" and exits non-zero if anything failed.
#
# Needs: cargo, terraform (the provider in the mirror named by terraform/cli.tfrc), python3 with
# boto3, openssl, curl; moto_server (moto 5.2.1) is installed into a virtualenv under
# ${XDG_CACHE_HOME:-~/.cache}/mbdeploy if it is not on PATH. Works from any directory and writes
# nothing into the repository (Terraform runs on a copy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mbdeploy"
export TF_CLI_CONFIG_FILE="$ROOT/terraform/cli.tfrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_PLUGIN_CACHE_DIR="$CACHE/terraform-plugins"
export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=1
mkdir -p "$TF_PLUGIN_CACHE_DIR"
# Dummy credentials; nothing here reaches AWS.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mbdeploy-live.XXXXXX")"
MOTO_PID=""
PROXY_PID=""
PASSED=0
FAILED=0
START=$SECONDS

cleanup() {
  for pid in "$PROXY_PID" "$MOTO_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; }
section() { echo; echo "== $1 ($((SECONDS - START)) s)"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

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

# --- tools ----------------------------------------------------------------------------------
section "tools"
MOTO_SERVER="$(command -v moto_server || true)"
PYTHON=python3
if [[ -z "$MOTO_SERVER" ]]; then
  VENV="$CACHE/moto-venv"
  if [[ ! -x "$VENV/bin/moto_server" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "moto[server]==5.2.1" boto3
  fi
  MOTO_SERVER="$VENV/bin/moto_server"
  PYTHON="$VENV/bin/python"
fi
check "boto3 importable ($PYTHON)" "$PYTHON" -c "import boto3"
# MBDEPLOY_BIN: test this binary instead of building one (scripts/test.sh passes the one its
# tests built). A copy: other builds in the same tree may replace target/debug/mbdeploy meanwhile.
if [[ -n "${MBDEPLOY_BIN:-}" ]]; then
  cp "$MBDEPLOY_BIN" "$WORK/mbdeploy"
else
  check "cargo build -p mbdeploy" cargo build --quiet --locked -p mbdeploy --manifest-path "$ROOT/Cargo.toml"
  cp "$ROOT/target/debug/mbdeploy" "$WORK/mbdeploy"
fi
MB="$WORK/mbdeploy"

# --- 1. iam-policy ----------------------------------------------------------------------------
section "iam-policy"
"$MB" iam-policy >"$WORK/policy.json"
check "iam-policy: valid JSON, read-only actions only, no secret values" "$PYTHON" - "$WORK/policy.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
actions = p["Statement"][0]["Action"]
assert p["Statement"][0]["Effect"] == "Allow" and len(p["Statement"]) == 1
assert all(a.split(":")[1].startswith(("Describe", "List", "Get")) for a in actions), actions
assert "secretsmanager:GetSecretValue" not in actions
assert "ec2:DescribeSecurityGroups" in actions and "iam:GetRolePolicy" in actions
EOF

# --- emulator ---------------------------------------------------------------------------------
section "moto_server"
PORT="$(free_port)"
ENDPOINT="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$MOTO_SERVER" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 60); do
  curl -sf "$ENDPOINT/moto-api/" >/dev/null 2>&1 && break
  sleep 0.5
done
check "moto_server answers on $ENDPOINT" curl -sf "$ENDPOINT/moto-api/"

# verify NAME OUT [ENDPOINT] [ARGS...]: runs verify with JSON output; the exit code goes to OUT.rc,
# stderr to OUT.err.
verify() {
  local name="$1" out="$2" endpoint="${3:-$ENDPOINT}"
  shift 3
  set +e
  "$MB" verify --name "$name" --region eu-west-1 --endpoint-url "$endpoint" --format json --output "$out" --stats "$@" 2>"$out.err"
  echo $? >"$out.rc"
  set -e
}

# findings OUT: "RULE status" lines, sorted and unique.
findings() {
  "$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("\n".join(sorted({"%s %s" % (f["rule_id"], f["status"]) for f in r["findings"]})))' "$1"
}

# no_crash LABEL OUT: exit code 0, 1 or 2, a JSON report, no panic.
no_crash() {
  local rc
  rc="$(cat "$2.rc")"
  if [[ "$rc" =~ ^[012]$ ]] && ! grep -q panicked "$2.err" && "$PYTHON" -c "import json,sys; json.load(open(sys.argv[1]))" "$2" 2>/dev/null; then
    pass "$1: no crash (exit $rc, a JSON report)"
  else
    fail "$1: crashed or wrote no report (exit $rc)"
    tail -n 20 "$2.err" | sed 's/^/       /'
  fi
}

# --- 2. examples/local --------------------------------------------------------------------------
section "examples/local applied to the emulator"
mkdir -p "$WORK/terraform" "$WORK/tls"
(cd "$ROOT/terraform" && tar --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' -cf - .) | tar -xf - -C "$WORK/terraform"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=metabase.local.test" \
  -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >/dev/null 2>&1
LOCAL="$WORK/terraform/examples/local"
TFVARS=(-var "endpoint=$ENDPOINT" -var "certificate_body_file=$WORK/tls/cert.pem" -var "private_key_file=$WORK/tls/key.pem")
APPLIED=0
if terraform -chdir="$LOCAL" init -backend=false -input=false -no-color >"$WORK/init.log" 2>&1 &&
  timeout 480 terraform -chdir="$LOCAL" apply -auto-approve -input=false -no-color "${TFVARS[@]}" >"$WORK/apply.log" 2>&1; then
  APPLIED=1
  pass "terraform apply examples/local ($(grep -o 'Resources: [0-9]* added' "$WORK/apply.log"))"
else
  fail "terraform apply examples/local"
  grep -A8 'Error' "$WORK/init.log" "$WORK/apply.log" | head -n 40 | sed 's/^/       /'
fi

# What the emulator cannot represent, each expected by name (docs/verify.md, "What the emulator
# cannot show"); anything else reported on the compliant stack is a failure.
EMULATOR_GAPS="MBD-ECS-004 fail|moto keeps no deploymentConfiguration (circuit breaker)
MBD-ECS-005 fail|moto keeps no healthCheckGracePeriodSeconds
MBD-LIVE-001 undetermined|moto never starts tasks: no running image to compare
MBD-LIVE-002 fail|moto never starts tasks: no target is registered
MBD-LIVE-005 undetermined|no image is pushed and moto does not scan: no scan result
MBD-SEC-006 fail|moto reports RotationEnabled=false for the RDS-managed secret despite its rotation schedule"
# MBD-NET-004 (one NAT gateway for three zones) is the local example's own cost choice
# (single_nat_gateway = true), disabled here on purpose.

if [[ "$APPLIED" == "1" ]]; then
  section "verify examples/local"
  verify metabase-local "$WORK/local.json" "$ENDPOINT" --disable MBD-NET-004
  no_crash "verify metabase-local" "$WORK/local.json"
  findings "$WORK/local.json" >"$WORK/local.findings"
  cut -d'|' -f1 <<<"$EMULATOR_GAPS" | sort >"$WORK/expected.findings"
  if diff -u "$WORK/expected.findings" "$WORK/local.findings" >"$WORK/diff.log"; then
    pass "verify metabase-local: no finding beyond the $(wc -l <"$WORK/expected.findings") the emulator cannot represent"
  else
    fail "verify metabase-local: findings differ from the emulator's known gaps"
    sed 's/^/       /' "$WORK/diff.log"
  fi
  while IFS='|' read -r finding why; do
    if grep -qx "$finding" "$WORK/local.findings"; then
      pass "emulator gap reported, not passed: $finding ($why)"
    else
      fail "emulator gap not reported: $finding ($why)"
    fi
  done <<<"$EMULATOR_GAPS"
  check "verify metabase-local: no input error" "$PYTHON" -c "import json,sys; assert json.load(open(sys.argv[1]))['errors'] == []" "$WORK/local.json"
  CALLS="$(grep -o '[0-9]* API calls' "$WORK/local.json.err" | grep -o '^[0-9]*')"
  if [[ -n "$CALLS" && "$CALLS" -le 45 ]]; then
    pass "one deployment costs a bounded number of calls ($(grep -o 'read in .*' "$WORK/local.json.err"))"
  else
    fail "one deployment cost ${CALLS:-?} calls (more than 45)"
  fi

  # --- 3. faults -------------------------------------------------------------------------------
  section "faults (tests/fault-proxy)"
  # with_proxy LABEL RULES...: starts the proxy with RULES, runs verify through it into
  # $WORK/LABEL.json, stops the proxy.
  with_proxy() {
    local label="$1"
    shift
    local pport
    pport="$(free_port)"
    "$PYTHON" "$ROOT/tests/fault-proxy/proxy.py" --listen-port "$pport" --upstream "$ENDPOINT" "$@" >"$WORK/proxy.log" 2>&1 &
    PROXY_PID=$!
    for _ in $(seq 1 40); do
      curl -sf "http://127.0.0.1:$pport/__proxy/stats" >/dev/null 2>&1 && break
      sleep 0.25
    done
    verify metabase-local "$WORK/$label.json" "http://127.0.0.1:$pport" --disable MBD-NET-004
    curl -sf "http://127.0.0.1:$pport/__proxy/stats" >"$WORK/$label.stats" || echo '{}' >"$WORK/$label.stats"
    kill "$PROXY_PID" 2>/dev/null || true
    wait "$PROXY_PID" 2>/dev/null || true
    PROXY_PID=""
    no_crash "$label" "$WORK/$label.json"
  }
  stat_of() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' "$1" "$2"; }
  same_as_direct() {
    if diff -u "$WORK/local.findings" <(findings "$WORK/$1.json") >"$WORK/diff.log" && [[ "$(cat "$WORK/$1.json.rc")" == "$(cat "$WORK/local.json.rc")" ]]; then
      pass "$1: retried to the same verdict as without faults ($2)"
    else
      fail "$1: the verdict changed under $2"
      sed 's/^/       /' "$WORK/diff.log" | head -n 30
    fi
  }

  with_proxy throttled throttle=2
  same_as_direct throttled "$(stat_of "$WORK/throttled.stats" throttled) throttling answers"
  with_proxy slowdown slowdown=2
  same_as_direct slowdown "$(stat_of "$WORK/slowdown.stats" slowdown) 503 SlowDown answers"
  MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS=5000 with_proxy slow "slow=1.5@ec2:DescribeSecurityGroups,rds:DescribeDBInstances"
  same_as_direct slow "$(stat_of "$WORK/slow.stats" slowed) answers 1.5 s late"

  # A call that keeps failing: an input error (exit 2), its controls not verified, nothing passed.
  not_verified_check() { # LABEL RULE ACTION: RULE is undetermined naming ACTION, and never failed or passed silently.
    "$PYTHON" - "$WORK/$1.json" "$2" "$3" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
mine = [f for f in r["findings"] if f["rule_id"] == sys.argv[2]]
assert mine, f"{sys.argv[2]} is not reported at all"
assert any(f["status"] == "undetermined" and sys.argv[3] in f["message"] and f["message"].startswith("not verified") for f in mine), mine
EOF
  }
  with_proxy error500 error500=rds:DescribeDBInstances
  check "500s on rds:DescribeDBInstances: exit 2 (input error)" test "$(cat "$WORK/error500.json.rc")" = 2
  check "500s on rds:DescribeDBInstances: the error names the action" grep -q "rds:DescribeDBInstances" "$WORK/error500.json"
  for rule in MBD-RDS-001 MBD-RDS-004 MBD-NET-008; do
    check "500s on rds:DescribeDBInstances: $rule not verified" not_verified_check error500 "$rule" rds:DescribeDBInstances
  done
  MBDEPLOY_AWS_ATTEMPT_TIMEOUT_MS=1000 MBDEPLOY_AWS_MAX_ATTEMPTS=2 with_proxy timeout "slow=3@iam:GetRole"
  check "answers slower than the timeout: exit 2" test "$(cat "$WORK/timeout.json.rc")" = 2
  check "answers slower than the timeout: MBD-IAM-005 not verified" not_verified_check timeout MBD-IAM-005 iam:GetRole

  with_proxy denied deny=ec2:DescribeSecurityGroups,iam:GetRolePolicy
  check "AccessDenied: exit 1, never a pass" test "$(cat "$WORK/denied.json.rc")" = 1
  for rule in MBD-NET-006 MBD-NET-007 MBD-NET-008 MBD-NET-009; do
    check "AccessDenied on ec2:DescribeSecurityGroups: $rule not verified" not_verified_check denied "$rule" "ec2:DescribeSecurityGroups was denied"
  done
  check "AccessDenied on iam:GetRolePolicy: MBD-IAM-003 not verified" not_verified_check denied MBD-IAM-003 "iam:GetRolePolicy was denied"
  with_proxy denied_all "deny=*"
  check "everything denied: exit 1, no control passes, no input error" "$PYTHON" - "$WORK/denied_all.json" "$(cat "$WORK/denied_all.json.rc")" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert sys.argv[2] == "1", f"exit {sys.argv[2]}"
assert r["errors"] == [], r["errors"]
assert not [f for f in r["findings"] if f["status"] == "fail"]
undetermined = {f["rule_id"] for f in r["findings"] if f["status"] == "undetermined"}
assert len(undetermined) >= 40, sorted(undetermined)
EOF
fi

# --- 4. a non-compliant deployment -----------------------------------------------------------------
section "a non-compliant deployment"
check "create it with boto3" "$PYTHON" "$ROOT/scripts/test-live-noncompliant.py" "$ENDPOINT" metabase-bad
verify metabase-bad "$WORK/bad.json" "$ENDPOINT"
no_crash "verify metabase-bad" "$WORK/bad.json"
check "verify metabase-bad: exit 1" test "$(cat "$WORK/bad.json.rc")" = 1
findings "$WORK/bad.json" >"$WORK/bad.findings"
while IFS='|' read -r rule gap; do
  if grep -qx "$rule fail" "$WORK/bad.findings"; then
    pass "non-compliant: $gap → $rule"
  else
    fail "non-compliant: $gap not reported as $rule"
  fi
done <<'EOF'
MBD-NET-010|public IP on the tasks
MBD-NET-001|tasks in public subnets
MBD-NET-009|groups open to the world on sensitive ports
MBD-NET-006|ALB group open on every port
MBD-NET-007|tasks reachable from a CIDR, not the ALB
MBD-NET-008|database reachable from a CIDR, not the tasks
MBD-SEC-001|plain-text MB_DB_PASS in the task definition
MBD-RDS-001|unencrypted RDS storage
MBD-RDS-004|publicly accessible RDS
MBD-ALB-001|no HTTPS listener
MBD-ALB-002|HTTP listener forwarding instead of redirecting
MBD-ECS-003|the latest image tag
MBD-ECR-001|no scan on push
MBD-IAM-003|wildcard IAM actions
MBD-IAM-004|AdministratorAccess attached
MBD-IAM-002|one role for execution and task
EOF

# --- 5. destroy --------------------------------------------------------------------------------------
if [[ "$APPLIED" == "1" ]]; then
  section "destroy examples/local"
  # Deletion protection is on, as in production; the emulator enforces it. Flip it through the
  # API, as scripts/test-stack.sh does, then destroy. moto refuses CancelRotateSecret for the
  # RDS-managed secret, which goes away with the database: drop the schedule from the state.
  "$PYTHON" - "$ENDPOINT" <<'EOF'
import boto3, sys
kw = dict(endpoint_url=sys.argv[1], region_name="eu-west-1")
rds = boto3.client("rds", **kw)
# The provider waits for the instance to disappear by resource id, a filter moto ignores: with
# another instance left in the emulator it would wait forever. Remove the non-compliant one first.
try:
    rds.delete_db_instance(DBInstanceIdentifier="metabase-bad", SkipFinalSnapshot=True)
except rds.exceptions.DBInstanceNotFoundFault:
    pass
rds.modify_db_instance(DBInstanceIdentifier="metabase-local", DeletionProtection=False, ApplyImmediately=True)
elb = boto3.client("elbv2", **kw)
for lb in elb.describe_load_balancers(Names=["metabase-local-alb"])["LoadBalancers"]:
    elb.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
EOF
  terraform -chdir="$LOCAL" state rm -no-color module.metabase.aws_secretsmanager_secret_rotation.db >/dev/null 2>&1 || true
  if timeout 420 terraform -chdir="$LOCAL" destroy -auto-approve -input=false -no-color "${TFVARS[@]}" -var deletion_protection=false >"$WORK/destroy.log" 2>&1; then
    pass "terraform destroy examples/local ($(grep -o 'Resources: [0-9]* destroyed' "$WORK/destroy.log"))"
  else
    fail "terraform destroy examples/local"
    grep -A8 'Error' "$WORK/destroy.log" | head -n 40 | sed 's/^/       /'
  fi
fi
curl -sf -X POST "$ENDPOINT/moto-api/reset" >/dev/null || true

echo
echo "took $((SECONDS - START)) s"
echo "live: $PASSED passed, $FAILED failed"
[[ "$FAILED" -eq 0 ]]
