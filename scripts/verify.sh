#!/usr/bin/env bash
# Fails when regenerating changes the generated code in the tree (bindings, sqlc output, web
# ABIs) or when sources are not formatted. Works in a dirty tree: it compares against a copy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
generated=(bindings internal/store/chaindb internal/store/appdb internal/store/relaydb api/gen web/src/generated)
before=$(mktemp -d); trap 'rm -rf "$before"' EXIT
for d in "${generated[@]}"; do
  mkdir -p "$before/$d"
  [ -d "$d" ] && cp -a "$d/." "$before/$d/"
done
bash scripts/generate.sh
stale=0
for d in "${generated[@]}"; do
  mkdir -p "$before/$d.after"
  [ -d "$d" ] && cp -a "$d/." "$before/$d.after/"
  diff -r "$before/$d" "$before/$d.after" >/dev/null || { echo "verify: $d is stale" >&2; diff -r "$before/$d" "$before/$d.after" | head -20 >&2; stale=1; }
done
[ "$stale" -eq 0 ] || { echo "verify: run 'make generate' and commit the result" >&2; exit 1; }
export PATH="$root/.tools/bin:$PATH"
forge fmt --check
unformatted=$(gofmt -l $(git ls-files '*.go' | grep -v '^bindings/') 2>/dev/null || true)
[ -z "$unformatted" ] || { echo "verify: gofmt needed on: $unformatted" >&2; exit 1; }
echo "verify: generated code is up to date and sources are formatted"
