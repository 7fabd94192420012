#!/usr/bin/env bash
# The main job on a fresh machine, with no AWS account:
#   1. build mbdeploy (debug: a few minutes on 2 cores, the AWS SDK being most of it);
#   2. audit fixtures/document-as-is (the deployment as the document describes it today: a finding
#      per gap) and terraform/examples/production (every measure applied: no finding);
#   3. mbdeploy init --local + mbdeploy up --local: the whole flow (audit, terraform init, plan,
#      apply, verify) against a local AWS emulator (moto_server) it starts and stops itself.
# Exit 0 when all of it comes out as expected.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export TF_CLI_CONFIG_FILE="$repo/terraform/cli.tfrc"

echo "==> building mbdeploy" >&2
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
if [ "$gaps" -ne 1 ] || [ "$clean" -ne 0 ]; then
  echo "quickstart: unexpected audit exit codes: document-as-is $gaps (expected 1), production $clean (expected 0)" >&2
  exit 1
fi

work="$repo/target/quickstart/metabase-local"
rm -rf "$work"
echo >&2
echo "==> mbdeploy init --local $work" >&2
"$bin" init --local "$work" --no-input
echo "==> mbdeploy up --local $work --auto-approve" >&2
"$bin" up --local "$work" --auto-approve
echo
echo "quickstart: the document as written has gaps; the stack applies every measure; it deployed to the local emulator and verified."
