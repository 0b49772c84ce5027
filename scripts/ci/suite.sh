#!/usr/bin/env bash
# suite.sh <name> <kind> <json-file> -- <command...>
# Runs one test suite, shows its output, and records "<passed> <failed>" in .data/results/<name>
# and the failed tests' names in .data/results/<name>.failed (a suite that exits non-zero without
# a counted failure records one failure). Exits with the command's status.
set -uo pipefail
name=$1 kind=$2 json=$3; shift 4
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/.data/results"
"$@"
status=$?
counts=$(node "$root/scripts/ci/count.js" "$kind" "$json")
read -r passed failed <<<"$(head -1 <<<"$counts")"
tail -n +2 <<<"$counts" | grep . > "$root/.data/results/$name.failed"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "$name exited $status" >> "$root/.data/results/$name.failed"; fi
echo "$passed $failed" > "$root/.data/results/$name"
echo "suite $name: $passed passed, $failed failed"
exit "$status"
