#!/usr/bin/env bash
# Runs every Go fuzz target for a short while (FUZZTIME, default 60000x: that many inputs each,
# 4–15 s here) beyond its seed corpus, which `go test` already runs. Records one passing test
# per target that found nothing. The default is a count, not a duration: with a duration, Go
# 1.26's fuzz coordinator can report "context deadline exceeded" as a failure when the time runs
# out while a worker is busy (golang/go#75804, fixed in Go 1.27), a failure with no input behind it.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-60000x}
passed=0 failed=0
mkdir -p .data/results
: > .data/results/fuzz.failed
while IFS=: read -r file _ decl; do
  pkg="./$(dirname "$file")"
  name=$(echo "$decl" | sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/')
  echo "fuzz $pkg $name for $fuzztime"
  if go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" >".data/fuzz-$name.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); tail -30 ".data/fuzz-$name.log"; echo "$pkg $name" >> .data/results/fuzz.failed
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' internal api indexer 2>/dev/null)
echo "$passed $failed" > .data/results/fuzz
echo "suite fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
