#!/usr/bin/env bash
# Benchmark: wall time and AWS API calls of `mbdeploy verify` for one deployment and for twenty in
# one emulator (moto_server on loopback), beside prowler restricted to the same services against
# the same emulator. Every call goes through tests/fault-proxy/proxy.py (no fault injected) so
# both tools' HTTP requests are counted the same way. Prints figures; asserts nothing.
#
# Usage: bench/verify.sh            (MBDEPLOY_BENCH_PROFILE=debug to skip the release build,
#                                    MBDEPLOY_BENCH_SKIP_PROWLER=1 to leave prowler out)
# prowler is installed with pip into ${XDG_CACHE_HOME:-~/.cache}/mbdeploy/prowler-venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mbdeploy"
PROFILE="${MBDEPLOY_BENCH_PROFILE:-release}"
export TF_CLI_CONFIG_FILE="$ROOT/terraform/cli.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_PLUGIN_CACHE_DIR="$CACHE/terraform-plugins" TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$TF_PLUGIN_CACHE_DIR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mbdeploy-bench.XXXXXX")"
MOTO_PID="" PROXY_PID=""
cleanup() {
  for pid in "$PROXY_PID" "$MOTO_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

if [[ "$PROFILE" == "release" ]]; then
  cargo build --release --quiet --locked -p mbdeploy --manifest-path "$ROOT/Cargo.toml"
else
  cargo build --quiet --locked -p mbdeploy --manifest-path "$ROOT/Cargo.toml"
fi
# A copy: other builds in the same tree may replace the binary while this runs.
cp "$ROOT/target/$PROFILE/mbdeploy" "$WORK/mbdeploy"
MB="$WORK/mbdeploy"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); mbdeploy $PROFILE build"

PORT="$(free_port)"
ENDPOINT="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
PPORT="$(free_port)"
PROXY="http://127.0.0.1:$PPORT"
python3 "$ROOT/tests/fault-proxy/proxy.py" --listen-port "$PPORT" --upstream "$ENDPOINT" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
for _ in $(seq 1 60); do curl -sf "$ENDPOINT/moto-api/" >/dev/null 2>&1 && curl -sf "$PROXY/__proxy/stats" >/dev/null 2>&1 && break; sleep 0.5; done
requests() { curl -sf "$PROXY/__proxy/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("requests", 0))'; }

# One deployment: the module's stack (examples/local), applied with Terraform.
mkdir -p "$WORK/terraform" "$WORK/tls"
(cd "$ROOT/terraform" && tar --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' -cf - .) | tar -xf - -C "$WORK/terraform"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=metabase.local.test" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >/dev/null 2>&1
echo "applying examples/local to the emulator (about two minutes)..."
terraform -chdir="$WORK/terraform/examples/local" init -backend=false -no-color >/dev/null
terraform -chdir="$WORK/terraform/examples/local" apply -auto-approve -no-color -var "endpoint=$ENDPOINT" \
  -var "certificate_body_file=$WORK/tls/cert.pem" -var "private_key_file=$WORK/tls/key.pem" >"$WORK/apply.log"
# Nineteen more deployments, made with boto3 (the non-compliant shape of scripts/test-live.sh).
for i in $(seq -w 1 19); do
  python3 "$ROOT/scripts/test-live-noncompliant.py" "$ENDPOINT" "bench-$i" >/dev/null
done
NAMES=(metabase-local $(for i in $(seq -w 1 19); do echo "bench-$i"; done))

verify() { "$MB" verify --name "$1" --region eu-west-1 --endpoint-url "$PROXY" --format json --output "$WORK/$1.json" >/dev/null 2>&1 || true; }

echo
echo "== mbdeploy verify"
for run in 1 2 3; do
  before="$(requests)"; t0="$(now)"
  verify metabase-local
  t1="$(now)"; after="$(requests)"
  echo "one deployment (examples/local), run $run: $(elapsed "$t0" "$t1") s wall, $((after - before)) API calls"
done
before="$(requests)"; t0="$(now)"
for name in "${NAMES[@]}"; do verify "$name"; done
t1="$(now)"; after="$(requests)"
echo "twenty deployments, one after another: $(elapsed "$t0" "$t1") s wall, $((after - before)) API calls"
before="$(requests)"; t0="$(now)"
printf '%s\n' "${NAMES[@]}" | xargs -P 4 -I{} "$MB" verify --name {} --region eu-west-1 --endpoint-url "$PROXY" --format json --output "$WORK/par-{}.json" >/dev/null 2>&1 || true
t1="$(now)"; after="$(requests)"
echo "twenty deployments, four processes at a time: $(elapsed "$t0" "$t1") s wall, $((after - before)) API calls"

if [[ "${MBDEPLOY_BENCH_SKIP_PROWLER:-0}" == "1" ]]; then
  echo; echo "prowler: skipped (MBDEPLOY_BENCH_SKIP_PROWLER=1)"
  exit 0
fi
echo
echo "== prowler (the same services, the same emulator)"
VENV="$CACHE/prowler-venv"
if [[ ! -x "$VENV/bin/prowler" ]]; then
  echo "installing prowler into $VENV ..."
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet prowler >"$WORK/pip.log" 2>&1 || { echo "prowler: pip install failed"; tail -n 5 "$WORK/pip.log"; exit 0; }
fi
echo "prowler $("$VENV/bin/prowler" --version 2>/dev/null | tail -n 1)"
# botocore sends every call to AWS_ENDPOINT_URL: prowler then scans the emulator through the proxy.
before="$(requests)"; t0="$(now)"
set +e
AWS_ENDPOINT_URL="$PROXY" timeout 1800 "$VENV/bin/prowler" aws --region eu-west-1 \
  --service ecs ec2 elbv2 rds ecr secretsmanager cloudwatch iam acm \
  --output-formats json-ocsf --output-directory "$WORK/prowler" --no-banner --ignore-exit-code-3 >"$WORK/prowler.log" 2>&1
rc=$?
set -e
t1="$(now)"; after="$(requests)"
checks="$(grep -Eo 'Executing [0-9]+ checks' "$WORK/prowler.log" | head -n 1 || true)"
echo "prowler, whole emulator (all twenty deployments): $(elapsed "$t0" "$t1") s wall, $((after - before)) API calls, exit $rc ${checks:+($checks)}"
if [[ "$rc" -ne 0 ]]; then tail -n 8 "$WORK/prowler.log" | sed 's/^/  /'; fi
