#!/usr/bin/env bash
# The main job on a fresh machine, with no AWS account: build mbdeploy, then audit
#   1. fixtures/document-as-is   - the deployment exactly as the document describes it today
#   2. terraform/examples/production - the stack with every measure applied
# Expected: a finding for every gap in (1), none in (2). Exit 0 when both come out so.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export TF_CLI_CONFIG_FILE="$repo/terraform/cli.tfrc"

echo "==> building mbdeploy (debug build: about a minute on 2 cores)" >&2
cargo build --locked -q -p mbdeploy
bin="$repo/target/debug/mbdeploy"

echo "==> mbdeploy audit fixtures/document-as-is" >&2
set +e
"$bin" audit fixtures/document-as-is
gaps=$?
echo
echo "==> mbdeploy audit terraform/examples/production --var-file terraform/examples/production/terraform.tfvars.example" >&2
"$bin" audit terraform/examples/production --var-file terraform/examples/production/terraform.tfvars.example
clean=$?
set -e

echo
if [ "$gaps" -eq 1 ] && [ "$clean" -eq 0 ]; then
  echo "quickstart: the document as written has gaps (exit 1); the stack applies every measure (exit 0)."
else
  echo "quickstart: unexpected exit codes: document-as-is $gaps (expected 1), production $clean (expected 0)" >&2
  exit 1
fi
