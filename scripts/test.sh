#!/usr/bin/env bash
# The project's test command (README, "Tests"): the Rust workspace, then the Terraform stack.
# Everything it needs is installed or started here; it works from any directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export TF_CLI_CONFIG_FILE="$repo/terraform/cli.tfrc"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

status=0
echo "== Rust: format, lints, tests"
cargo fmt --all -- --check || { echo "cargo fmt: run 'cargo fmt --all'"; status=1; }
cargo test --workspace --locked || status=1
# The scripts below test the binary the tests just built: `cargo build -p mbdeploy` alone would
# resolve features differently and compile the AWS SDK a second time.
if [ -x target/debug/mbdeploy ]; then
  export MBDEPLOY_BIN="$repo/target/debug/mbdeploy"
fi

echo "== Operations commands (status, doctor, logs, rotate) on the emulator"
# MBDEPLOY_OPS_STACK=0 skips its apply of examples/local (about 2 minutes) for quick local runs.
bash scripts/test-ops.sh || status=1

echo "== Terraform stack: fmt, validate, terraform test, checkov, apply to moto_server"
bash scripts/test-stack.sh || status=1

echo "== Live verification against moto_server: compliant, non-compliant, faults"
bash scripts/test-live.sh || status=1

exit $status
