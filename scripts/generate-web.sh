#!/usr/bin/env bash
# Regenerates web/src/generated/contracts.ts (ABIs `as const` and deployed addresses) from forge's
# build output and contracts/deployments. Needs `forge build` first (scripts/generate.sh runs it).
# Installs the web dependencies from web/package-lock.json when they are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/web"
bash "$root/scripts/npm-ci.sh" .
node scripts/gen-contracts.mjs
