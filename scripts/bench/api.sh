#!/usr/bin/env bash
# API benchmarks (issue 5): SIWE sign-ins per second end to end over HTTP (nonce, verify,
# session) and interest search latency with PARLEY_BENCH_USERS seeded people (default
# 1,000,000) and 20 concurrent searchers. The load generator is a separate process (the test
# binary again) so the server's CPU time per operation is measured apart from the client's and
# Postgres's. Each prints a "bench: api-<name> …" line, followed by the load average right after
# the run; the lines are also written to .data/bench/api.txt. Runs against a throwaway Postgres
# (internal/pgtest), or with PARLEY_BENCH_DATABASE_URL=postgres://… on that database, migrated
# and kept: the 1 M seeded people are then reused by the next run (seeding takes 3–8 minutes).
# Create it with the C collation as pgtest does (CREATE DATABASE … TEMPLATE template0 LOCALE 'C'):
# under C.UTF-8 every text comparison goes through strcoll and the search costs more.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash scripts/ensure-postgres.sh
mkdir -p .data/bench
out=.data/bench/api.txt
export PARLEY_BENCH=1
go test -c -o .data/bench/api.test ./api
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  PARLEY_BENCH_WORKERS=${LOGIN_WORKERS:-16} PARLEY_BENCH_SECONDS=${PARLEY_BENCH_SECONDS:-10} \
    .data/bench/api.test -test.run '^TestLoadLogins$' -test.count=1 | grep '^bench:'
  echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
  PARLEY_BENCH_WORKERS=${SEARCH_WORKERS:-20} PARLEY_BENCH_SECONDS=${PARLEY_BENCH_SECONDS:-10} \
    .data/bench/api.test -test.run '^TestLoadSearch$' -test.count=1 -test.timeout 30m | grep '^bench:'
  echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
