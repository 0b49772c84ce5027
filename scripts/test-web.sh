#!/usr/bin/env bash
# Runs the web tests after a type check and records "<passed> <failed>" per suite in .data/results:
#   web          vitest in Node: the TypeScript protocol against testdata/protocol, the generated contract
#                bindings, the app pieces, the registry code against a real anvil (.data/vitest.json)
#   web-browser  the protocol and app tests again in Debian's Chromium, plus IndexedDB device keys
#                (.data/vitest-browser.json); Chromium is installed with apt-get when missing.
# npm ci installs from web/package-lock.json through the ~/.npm cache; the pinned toolchain provides
# anvil, and forge's build output the contract bytecode.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh || exit 1
PATH="$root/.tools/bin:$PATH" forge build --quiet || exit 1
cd "$root/web"
bash "$root/scripts/npm-ci.sh" . || exit 1
mkdir -p "$root/.data"
json="$root/.data/vitest.json"
rm -f "$json"
bash "$root/scripts/ci/suite.sh" web vitest "$json" -- \
  sh -c "npx --no-install tsc --noEmit && npx --no-install vitest run --reporter=default --reporter=json --outputFile.json='$json'"
status=$?

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "test-web: installing chromium with apt-get" >&2
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium) >&2
fi
bjson="$root/.data/vitest-browser.json"
rm -f "$bjson"
CHROMIUM=$chromium bash "$root/scripts/ci/suite.sh" web-browser vitest "$bjson" -- \
  npx --no-install vitest run --config vitest.browser.config.ts --reporter=default --reporter=json --outputFile.json="$bjson" \
  || status=1
exit "$status"
