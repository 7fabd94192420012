#!/usr/bin/env bash
# End-to-end tests of `mbdeploy status`, `doctor`, `logs` and `rotate` against a local AWS
# emulator (moto_server on a free loopback port) and a local stand-in for Metabase's
# /api/health (initializing with progress then ok, or stuck initializing).
#
# Two deployments are created with boto3 (no terraform apply: seconds instead of minutes):
#   metabase-ok      the image tag is in ECR, the logs show a clean start;
#   metabase-broken  the pinned tag is missing, the ECR repository is not in the Terraform state
#                    of an empty root module, the logs show a stuck migration lock and an
#                    OutOfMemoryError, and the health stand-in stays "initializing".
# The emulator starts no tasks, keeps no service events and its DescribeTasks answer does not
# decode in the Rust SDK: the diagnoses about tasks, events and targets are tested on recorded
# answers in crates/ops/tests instead (docs/operations.md).
# Ends with "ops: N passed, M failed" and exits non-zero if anything failed.
#
# Needs: cargo, python3 with boto3, moto_server (moto 5.2.1) on PATH, terraform (for `doctor
# --dir`). Works from any directory and writes nothing into the repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export TF_CLI_CONFIG_FILE="$ROOT/terraform/cli.tfrc"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mbdeploy-ops.XXXXXX")"
PIDS=()
PASSED=0
FAILED=0

cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# run OUT COMMAND...: runs COMMAND; stdout to OUT, stderr to OUT.err, exit code to OUT.rc.
run() {
  local out="$1"
  shift
  set +e
  "$@" >"$out" 2>"$out.err"
  echo $? >"$out.rc"
  set -e
}

# expect NAME OUT RC [PATTERN...]: OUT exited RC and contains every PATTERN (grep -E).
expect() {
  local name="$1" out="$2" rc="$3"
  shift 3
  local got
  got="$(cat "$out.rc")"
  local ok=1
  [[ "$got" == "$rc" ]] || { ok=0; echo "       exit code $got, expected $rc"; }
  for p in "$@"; do
    grep -qE -- "$p" "$out" || { ok=0; echo "       missing: $p"; }
  done
  # No secret value, ever: the secret strings and environment values of the setup.
  if grep -qE 'hunter2|encryption-key-value' "$out" "$out.err"; then
    ok=0
    echo "       a secret value was printed"
  fi
  if [[ $ok == 1 ]]; then pass "$name"; else
    fail "$name"
    sed 's/^/       /' "$out" "$out.err" | tail -n 40
  fi
}

# MBDEPLOY_BIN: test this binary instead of building one.
if [[ -n "${MBDEPLOY_BIN:-}" ]]; then
  cp "$MBDEPLOY_BIN" "$WORK/mbdeploy"
else
  cargo build --quiet --locked -p mbdeploy --manifest-path "$ROOT/Cargo.toml"
  # A copy: other builds in the same tree may replace target/debug/mbdeploy while this runs.
  cp "$ROOT/target/debug/mbdeploy" "$WORK/mbdeploy"
fi
MB="$WORK/mbdeploy"

PORT="$(free_port)"
ENDPOINT="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -sf "$ENDPOINT/moto-api/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "$ENDPOINT/moto-api/" >/dev/null || { echo "moto_server did not start"; cat "$WORK/moto.log"; exit 1; }

cat >"$WORK/setup.py" <<'EOF'
import sys, time, boto3, json
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")
ecs, ecr, elb, ec2, rds, logs, sm = (boto3.client(s, **kw) for s in ["ecs", "ecr", "elbv2", "ec2", "rds", "logs", "secretsmanager"])
acct = "123456789012"
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-1{z}")["Subnet"]["SubnetId"] for i, z in [(1, "a"), (2, "b")]]
ecr.create_repository(repositoryName="metabase_repo")
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + "a" * 64}, "layers": []})
ecr.put_image(repositoryName="metabase_repo", imageManifest=manifest, imageTag="v0.50.0")

def deployment(name, tag, lines):
    ecs.create_cluster(clusterName=name)
    sec = sm.create_secret(Name=f"{name}-db", SecretString=json.dumps({"username": "metabase", "password": "hunter2-moto"}))["ARN"]
    key = sm.create_secret(Name=f"{name}-key", SecretString="encryption-key-value-moto")["ARN"]
    image = f"{acct}.dkr.ecr.eu-west-1.amazonaws.com/metabase_repo:{tag}"
    td = ecs.register_task_definition(family=name, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="1024", memory="2048",
        containerDefinitions=[{"name": "metabase", "image": image, "essential": True,
            "environment": [{"name": "MB_DB_TYPE", "value": "postgres"}, {"name": "JAVA_OPTS", "value": "-XX:MaxRAMPercentage=75"}],
            "secrets": [{"name": "MB_DB_PASS", "valueFrom": sec + ":password::"}, {"name": "MB_ENCRYPTION_SECRET_KEY", "valueFrom": key}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/aws/ecs/{name}", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "metabase"}}}])["taskDefinition"]["taskDefinitionArn"]
    tg = elb.create_target_group(Name=name, Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="ip", HealthCheckPath="/api/health")["TargetGroups"][0]["TargetGroupArn"]
    lb = elb.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    ecs.create_service(cluster=name, serviceName=name, taskDefinition=td, desiredCount=1, launchType="FARGATE",
        healthCheckGracePeriodSeconds=600,
        loadBalancers=[{"targetGroupArn": tg, "containerName": "metabase", "containerPort": 3000}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "assignPublicIp": "DISABLED", "securityGroups": [ec2.create_security_group(GroupName=name, Description="t", VpcId=vpc)["GroupId"]]}})
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
        MasterUsername="metabase", MasterUserPassword="hunter2-moto-master")
    group = f"/aws/ecs/{name}"
    logs.create_log_group(logGroupName=group)
    task = "0123456789abcdef0123456789abcdef"
    logs.create_log_stream(logGroupName=group, logStreamName=f"metabase/metabase/{task}")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName=f"metabase/metabase/{task}",
        logEvents=[{"timestamp": now - 60000 + i, "message": m} for i, m in enumerate(lines)])

deployment("metabase-ok", "v0.50.0", ["INFO metabase.core :: Starting Metabase", "INFO metabase.core :: Metabase Initialization COMPLETE"])
deployment("metabase-broken", "v0.99.9", [
    "INFO metabase.db.setup :: Setting up Liquibase...",
    "ERROR metabase.db.liquibase :: Database has migration lock; cannot run migrations. You can force-release these locks by running `java -jar metabase.jar migrate release-locks`.",
    "ERROR java.lang.OutOfMemoryError: Java heap space",
    "WARN connection failed: password=hunter2-moto",
])
print("ok")
EOF
cat >"$WORK/health.py" <<'EOF'
# A stand-in for Metabase's /api/health: "progress" (initializing twice with progress, then ok),
# "stuck" (initializing forever) or "ok".
import http.server, json, sys
mode, port = sys.argv[1], int(sys.argv[2])
count = {"n": 0}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/api/health":
            self.send_response(404); self.end_headers(); return
        count["n"] += 1
        ok = mode == "ok" or (mode == "progress" and count["n"] > 2)
        body = json.dumps({"status": "ok"} if ok else {"status": "initializing", "progress": min(0.3 * count["n"], 0.9) if mode == "progress" else 0.3}).encode()
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
python3 "$WORK/setup.py" "$ENDPOINT" >/dev/null

HP="$(free_port)"
python3 "$WORK/health.py" progress "$HP" &
PIDS+=($!)
HS="$(free_port)"
python3 "$WORK/health.py" stuck "$HS" &
PIDS+=($!)
for port in "$HP" "$HS"; do
  for _ in $(seq 1 40); do
    curl -s "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.25
  done
done
# The stand-in counts requests: the probes above were the first.
A=(--region eu-west-1 --endpoint-url "$ENDPOINT")

run "$WORK/s1" "$MB" status --name metabase-ok "${A[@]}" --url "http://127.0.0.1:$HP"
expect "status: Metabase initializing, with its progress" "$WORK/s1" 1 \
  'service +ACTIVE +desired 1' 'rollout IN_PROGRESS' 'database +metabase-ok +available' \
  'image +ECR metabase_repo exists +tag v0.50.0 present' '503 initializing \(60%\)' 'verdict +NOT serving'
run "$WORK/s2" "$MB" status --name metabase-ok "${A[@]}" --url "http://127.0.0.1:$HP" --format json
expect "status --format json: then ok" "$WORK/s2" 1 '"status": "ok"' '"http_status": 200' '"desired": 1'
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/s2" && pass "status --format json is JSON" || fail "status --format json is JSON"

run "$WORK/d1" "$MB" doctor --name metabase-ok "${A[@]}" --url "http://127.0.0.1:$HP"
expect "doctor: nothing wrong on the working deployment" "$WORK/d1" 0 'nothing wrong found'

mkdir -p "$WORK/empty-root"
run "$WORK/d2" "$MB" doctor --name metabase-broken "${A[@]}" --url "http://127.0.0.1:$HS" --dir "$WORK/empty-root"
expect "doctor: the broken deployment's problems, with evidence and fixes" "$WORK/d2" 1 \
  '^OPS-002 ' 'terraform import aws_ecr_repository.metabase metabase_repo' 'to = aws_ecr_repository.metabase' \
  '^OPS-003 ' 'no image tagged v0.99.9 in metabase_repo' \
  '^OPS-005 ' 'OutOfMemoryError: Java heap space' \
  '^OPS-006 ' 'Database has migration lock' 'migrate.*release-locks' 'UPDATE databasechangeloglock' \
  '^OPS-011 ' '503 initializing \(30%\)'
run "$WORK/d3" "$MB" doctor --name metabase-broken "${A[@]}" --url "http://127.0.0.1:$HS" --format json
expect "doctor --format json" "$WORK/d3" 1 '"id": "OPS-006"' '"evidence"'

run "$WORK/d4" "$MB" doctor --name metabase-none "${A[@]}" --url "http://127.0.0.1:$HS"
expect "doctor: a service that does not exist" "$WORK/d4" 1 '^OPS-001 service not found'
run "$WORK/d5" "$MB" doctor --name metabase-ok "${A[@]}" --since 3x
expect "doctor: a bad --since is a usage error" "$WORK/d5" 2

run "$WORK/l1" "$MB" logs --name metabase-broken "${A[@]}" --since 1h
expect "logs: every line prefixed with its task id, credentials masked" "$WORK/l1" 0 \
  '^0123456789abcdef0123456789abcdef INFO metabase.db.setup :: Setting up Liquibase' 'password=\*\*\*\*'
run "$WORK/l2" "$MB" logs --name metabase-broken "${A[@]}" --since 1h --filter OutOfMemoryError
expect "logs --filter" "$WORK/l2" 0 'OutOfMemoryError'
[[ "$(wc -l <"$WORK/l2")" == 1 ]] && pass "logs --filter: only the matching line" || fail "logs --filter: only the matching line"

run "$WORK/r1" "$MB" rotate --name metabase-ok "${A[@]}" --url "http://127.0.0.1:$HP" --dry-run
expect "rotate --dry-run names the secret and changes nothing" "$WORK/r1" 0 \
  'secret metabase-ok-db' 'Nothing was changed'
# The emulator rotates a secret without a rotation function at once, but never runs the new
# deployment's tasks: the procedure must get to step 5 and name it.
run "$WORK/r2" "$MB" rotate --name metabase-ok "${A[@]}" --url "http://127.0.0.1:$HP" --poll 1 --wait-timeout 3
grep -q 'rotate failed at step 5/6 (wait for the deployment to complete)' "$WORK/r2.err" && \
  grep -q 'The secret WAS rotated' "$WORK/r2.err" && pass "rotate: steps 1-4 pass on the emulator, step 5 is named as the one that failed" || \
  { fail "rotate: step 5 named"; cat "$WORK/r2" "$WORK/r2.err"; }
expect "rotate: exit code 3 and each step shown" "$WORK/r2" 3 '\[2/6\] rotate the secret' 'is AWSCURRENT' '\[4/6\] force a new deployment'
run "$WORK/r3" "$MB" rotate --name metabase-none "${A[@]}" --url "http://127.0.0.1:$HP"
expect "rotate: an unknown service is an input error" "$WORK/r3" 2

# --- examples/local, applied -----------------------------------------------------------------
# The bundled module on the emulator (about 2 minutes; MBDEPLOY_OPS_STACK=0 skips it). Nobody
# pushed the pinned image, so doctor must say exactly that, and must not take the module's own
# repository (in the state) for the document's conflict.
if [[ "${MBDEPLOY_OPS_STACK:-1}" != 0 ]]; then
  export TF_IN_AUTOMATION=1 TF_INPUT=0
  export TF_PLUGIN_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/mbdeploy/terraform-plugins"
  export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=1
  mkdir -p "$TF_PLUGIN_CACHE_DIR" "$WORK/terraform" "$WORK/tls"
  (cd "$ROOT/terraform" && tar --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' -cf - .) | tar -xf - -C "$WORK/terraform"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=metabase.local.test" \
    -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >/dev/null 2>&1
  LOCAL="$WORK/terraform/examples/local"
  # A clean account: the boto3 deployments above own a metabase_repo too (which would be the
  # document's conflict, exactly).
  curl -sf -X POST "$ENDPOINT/moto-api/reset" >/dev/null
  if terraform -chdir="$LOCAL" init -backend=false -input=false -no-color >"$WORK/init.log" 2>&1 &&
    timeout 480 terraform -chdir="$LOCAL" apply -auto-approve -input=false -no-color -var "endpoint=$ENDPOINT" \
      -var "certificate_body_file=$WORK/tls/cert.pem" -var "private_key_file=$WORK/tls/key.pem" >"$WORK/apply.log" 2>&1; then
    pass "terraform apply examples/local"
    L=(--name metabase-local "${A[@]}" --url "http://127.0.0.1:$HP")
    run "$WORK/x1" "$MB" status "${L[@]}"
    expect "examples/local: status" "$WORK/x1" 1 'service +ACTIVE +desired 1' \
      'database +metabase-local +available' 'tag v0.50.0 MISSING' 'cert +metabase.local.test +ISSUED' '200 ok'
    run "$WORK/x2" "$MB" doctor "${L[@]}" --dir "$LOCAL"
    expect "examples/local: doctor finds the unpushed image" "$WORK/x2" 1 '^OPS-003 ' 'no image tagged v0.50.0'
    grep -q '^OPS-002' "$WORK/x2" && fail "examples/local: the module's repository is in the state (no OPS-002)" ||
      pass "examples/local: the module's repository is in the state (no OPS-002)"
    run "$WORK/x3" "$MB" rotate "${L[@]}" --dry-run
    expect "examples/local: rotate --dry-run finds the RDS-managed secret behind MB_DB_PASS" "$WORK/x3" 0 'secret rds!db-'
  else
    fail "terraform apply examples/local"
    grep -A8 'Error' "$WORK/init.log" "$WORK/apply.log" | head -n 40 | sed 's/^/       /'
  fi
fi

echo "ops: $PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
