#!/usr/bin/env bash
# Relay benchmark (issue 6): one relay instance on a throwaway Postgres and a temp IPFS node, with
# the load generator in the same process (api/relay TestRelayBench). Reports idle sockets held and
# the relay's memory per socket (the idle clients run in a child process), then durable
# deliveries per second (sent -> pushed -> acked) with push latency p50/p99 at offered rates of
# 250/s, 1000/s and unpaced.
# Knobs: PARLEY_BENCH_IDLE (default 19000; the sockets are opened by a child process),
# PARLEY_BENCH_PAIRS (sender/receiver device pairs, default 8), PARLEY_BENCH_MESSAGES (per rate,
# default 4000). Prints "bench: relay ..." lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash scripts/ensure-postgres.sh
export PARLEY_RELAY_BENCH=1
export PARLEY_BENCH_IDLE=${PARLEY_BENCH_IDLE:-19000}
need=$((PARLEY_BENCH_IDLE + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || echo "relay bench: ulimit -n is $(ulimit -n), fewer idle sockets may fit" >&2
fi
go test -count=1 -timeout 30m -run '^TestRelayBench$' ./api/relay/ -v 2>&1 | grep -E '^(bench:|--- |FAIL|ok )'
