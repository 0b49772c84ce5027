#!/usr/bin/env bash
# Runs the web unit tests (vitest: the TypeScript protocol against testdata/protocol, the generated
# contract bindings, the registry code against a real anvil) after a type check, and records
# "<passed> <failed>" in .data/results/web. npm ci installs from web/package-lock.json through the
# ~/.npm cache; the pinned toolchain provides anvil and forge's build output the contract bytecode.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh || exit 1
PATH="$root/.tools/bin:$PATH" forge build --quiet || exit 1
cd "$root/web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || exit 1
fi
mkdir -p "$root/.data"
json="$root/.data/vitest.json"
rm -f "$json"
bash "$root/scripts/ci/suite.sh" web vitest "$json" -- \
  sh -c "npx --no-install tsc --noEmit && npx --no-install vitest run --reporter=default --reporter=json --outputFile.json='$json'"
