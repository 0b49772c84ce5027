#!/usr/bin/env bash
# Browser end-to-end tests (web/e2e): builds the web app (make web), type-checks web/e2e, then vitest with
# web/vitest.e2e.config.ts starts its own stack through scripts/dev.sh on free ports (throwaway
# Postgres, anvil with the contracts, `parley dev` embedding the build), drives Debian's Chromium
# with playwright-core and an injected test wallet per person, and stops the stack afterwards.
# Records "<passed> <failed>" as suite e2e in .data/results; screenshots and the stack's log go to
# .data/e2e/artifacts (PARLEY_E2E_ARTIFACTS overrides). Chromium is installed with apt-get when missing.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh || exit 1
bash scripts/ensure-postgres.sh || exit 1
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "test-e2e: installing chromium with apt-get" >&2
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium) >&2
fi
mkdir -p "$root/.data"
json="$root/.data/vitest-e2e.json"
rm -f "$json"
CHROMIUM=$chromium bash "$root/scripts/ci/suite.sh" e2e vitest "$json" -- \
  sh -c "make --no-print-directory web && cd web && npx --no-install tsc --noEmit -p e2e && npx --no-install vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json='$json'"
