#!/usr/bin/env bash
# Benchmark: wall time and peak memory of `mbdeploy audit` on a synthetic corpus.
# Usage: bench/audit.sh [ROOTS] [RESOURCES_PER_ROOT]   (default: two sizes, see below)
# Prints figures; asserts nothing. The README records what it printed on the reference machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out="$repo/bench/out"
cargo build --release -q -p mbdeploy
bin="$repo/target/release/mbdeploy"
sizes=("207 50" "1000 50")
if [ $# -ge 2 ]; then sizes=("$1 $2"); fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
for size in "${sizes[@]}"; do
  set -- $size
  rm -rf "$out" && mkdir -p "$out"
  summary=$(python3 bench/gen_corpus.py "$out/corpus" "$1" "$2")
  for run in 1 2 3; do
    # %e: wall seconds, %M: peak resident set in KiB. Exit 1 (findings) is expected.
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin" audit "$out/corpus" --format json --output "$out/report.json" >/dev/null 2>&1 || true
    read -r secs kib < <(tail -n 1 "$out/time.txt")
    findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$out/report.json")
    echo "corpus: $summary | run $run: ${secs} s wall, $((kib / 1024)) MiB peak RSS, $findings findings"
  done
done
rm -rf "$out"
