#!/usr/bin/env bash
# suite.sh <name> <kind> <json-file> -- <command...>
# Runs one test suite, shows its output, and records "<passed> <failed>" in .data/results/<name>
# (a suite that exits non-zero without a counted failure records one failure). Exits with the
# command's status.
set -uo pipefail
name=$1 kind=$2 json=$3; shift 4
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/.data/results"
"$@"
status=$?
read -r passed failed < <(node "$root/scripts/ci/count.js" "$kind" "$json")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed $failed" > "$root/.data/results/$name"
echo "suite $name: $passed passed, $failed failed"
exit "$status"
