#!/usr/bin/env bash
# gobench.sh <name> <package> <bench-regexp> [go test flags...]
# Runs Go benchmarks and ends with one summary line per benchmark:
#   bench: <name>/<Benchmark> ns_per_op=<median> <unit>=<median> ... runs=<count>
set -euo pipefail
name=$1 pkg=$2 re=$3; shift 3
out=$(mktemp); trap 'rm -f "$out"' EXIT
go test "$pkg" -run '^$' -bench "$re" -benchmem "$@" | tee "$out"
awk -v name="$name" '
  /^Benchmark/ {
    b = $1; sub(/-[0-9]+$/, "", b); sub(/^Benchmark/, "", b)
    if (!(b in seen)) { seen[b] = 1; order[++n] = b }
    runs[b]++
    for (i = 3; i < NF; i += 2) {
      unit = $(i + 1); gsub(/\//, "_per_", unit); gsub(/[^A-Za-z0-9_]/, "_", unit)
      vals[b, unit, runs[b]] = $i
      if (!((b, unit) in hasunit)) { hasunit[b, unit] = 1; units[b] = units[b] " " unit }
    }
  }
  END {
    for (k = 1; k <= n; k++) {
      b = order[k]; line = "bench: " name "/" b
      m = split(substr(units[b], 2), us, " ")
      for (j = 1; j <= m; j++) {
        c = 0; delete a
        for (r = 1; r <= runs[b]; r++) if ((b, us[j], r) in vals) a[++c] = vals[b, us[j], r] + 0
        # median by insertion sort (a handful of runs)
        for (x = 2; x <= c; x++) { v = a[x]; y = x - 1; while (y > 0 && a[y] > v) { a[y + 1] = a[y]; y-- } a[y + 1] = v }
        line = line " " us[j] "=" a[int((c + 1) / 2)]
      }
      print line " runs=" runs[b]
    }
  }' "$out"
