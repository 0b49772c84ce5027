#!/usr/bin/env bash
# Runs every Go test against real dependencies: the test harnesses start a throwaway Postgres
# cluster and anvil themselves (PARLEY_DATABASE_URL points them at an existing server instead).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh
bash scripts/ensure-postgres.sh
export PATH="$root/.tools/bin:$PATH"
mkdir -p .data
json=.data/go-test.json
bash scripts/ci/suite.sh go go "$json" -- \
  go tool -modfile=tools/go.mod gotestsum --jsonfile "$json" --format pkgname-and-test-fails -- \
  -count=1 -timeout 25m ${GOTESTFLAGS:-} ./...
