#!/usr/bin/env bash
# summary.sh: lists the failed tests (.data/results/*.failed) and sums .data/results/* (written by
# suite.sh) into the final "N passed, N failed" line. Exits non-zero when any suite failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
for f in "$root"/.data/results/*.failed; do
  [ -s "$f" ] && sed "s|^|FAILED $(basename "$f" .failed): |" "$f"
done
for f in "$root"/.data/results/*; do
  [ -f "$f" ] && [ "${f%.failed}" = "$f" ] || continue
  read -r p q < "$f"
  passed=$((passed + p)) failed=$((failed + q))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
