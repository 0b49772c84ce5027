#!/usr/bin/env bash
# Regenerates everything derived from sources: Go bindings for each contract (abigen v2 from
# forge's artifacts) and, when present, sqlc code. Output is committed; scripts/verify.sh checks it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh
export PATH="$root/.tools/bin:$PATH"
forge build --quiet
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for c in DeviceRegistry TipJar; do
  [ -f "contracts/src/$c.sol" ] || continue
  pkg=$(echo "$c" | tr '[:upper:]' '[:lower:]')
  mkdir -p "bindings/$pkg"
  node -e 'const a=require(process.argv[1]);const fs=require("fs");
    fs.writeFileSync(process.argv[2],JSON.stringify(a.abi));fs.writeFileSync(process.argv[3],a.bytecode.object.replace(/^0x/,""));' \
    "$root/contracts/out/$c.sol/$c.json" "$tmp/$c.abi" "$tmp/$c.bin"
  go tool -modfile=tools/go.mod abigen --v2 --abi "$tmp/$c.abi" --bin "$tmp/$c.bin" --pkg "$pkg" --type "$c" \
    --out "bindings/$pkg/$pkg.go"
done
if [ -f scripts/generate-api.sh ]; then
  bash scripts/generate-api.sh
fi
if [ -f scripts/generate-web.sh ]; then
  bash scripts/generate-web.sh
fi
if [ -f sqlc.yaml ]; then
  go tool -modfile=tools/go.mod sqlc generate
fi
