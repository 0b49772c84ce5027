#!/usr/bin/env bash
# Indexer benchmark (issue 4): fills a fresh anvil with N tip, registration and revocation
# events (N = PARLEY_BENCH_EVENTS, default 100000), times a cold backfill into a throwaway
# Postgres, then measures realtime lag (newHeads arrival to the indexer's NOTIFY) at 1-second
# blocks. Prints "bench: indexer-realtime ..." and, last, "bench: indexer-backfill ...".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash scripts/toolchain.sh
bash scripts/ensure-postgres.sh
export PATH="$root/.tools/bin:$PATH"
export PARLEY_BENCH_EVENTS=${PARLEY_BENCH_EVENTS:-100000}
go test -count=1 -timeout 30m -run '^TestBenchIndexer$' ./indexer/ -v 2>&1 | grep -E '^(bench:|--- |FAIL|ok )|bench_test'
