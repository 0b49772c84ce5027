#!/usr/bin/env bash
# Relay benchmark (issue 6): a relay instance on a throwaway Postgres and a temp IPFS node, with
# the load generator in the same process (api/relay TestRelayBench). Reports idle sockets held
# and the relays' memory per socket (heap + stacks after GC, goroutines and RSS; the idle clients
# run in child processes of 10,000 sockets each, and above 10,000 sockets a second relay
# instance runs in a child process, since the hard descriptor limit here is 20,000 per
# process), then durable deliveries per second (sent -> pushed -> acked), push latency p50/p99
# and CPU time per delivery (relay + load generator, not Postgres) at each offered rate. The
# load generator's client.Conn negotiates the CBOR framing (parley.cbor.v1); the idle sockets
# speak JSON, as the browser does.
# Knobs: PARLEY_BENCH_IDLE (default 20000), PARLEY_BENCH_PAIRS (sender/receiver device pairs,
# default 8), PARLEY_BENCH_MESSAGES (per rate, default 10000), PARLEY_BENCH_RATES (offered
# envelopes per second, 0 = unpaced with 64 in flight per sender; default 1000,5000,10000,0).
# Prints "bench: relay ..." lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash scripts/ensure-postgres.sh
export PARLEY_RELAY_BENCH=1
export PARLEY_BENCH_IDLE=${PARLEY_BENCH_IDLE:-20000}
# Go raises the soft descriptor limit to the hard one; say so when the hard one is too low.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 10100 ]; then
  echo "relay bench: hard ulimit -n is $(ulimit -Hn), fewer idle sockets may fit per process" >&2
fi
echo "bench: relay uptime_before=\"$(uptime | sed 's/.*load average/load average/')\""
go test -count=1 -timeout 30m -run '^TestRelayBench$' ./api/relay/ -v 2>&1 | grep -E '^(bench:|--- |FAIL|ok )'
echo "bench: relay uptime_after=\"$(uptime | sed 's/.*load average/load average/')\""
