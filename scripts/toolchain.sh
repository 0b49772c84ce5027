#!/usr/bin/env bash
# Installs the pinned contract toolchain (Foundry 1.7.1 and solc 0.8.30 from npm, see
# scripts/toolchain/package-lock.json) and links forge, anvil, cast and solc into .tools/bin.
# A native tool on PATH is used instead when its version matches the pin. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tc="$root/scripts/toolchain"
bin="$root/.tools/bin"
want_foundry="1.7.1"
want_solc="0.8.30"
mkdir -p "$bin"

if [ ! -x "$tc/node_modules/@foundry-rs/forge-linux-amd64/bin/forge" ] || [ ! -d "$tc/node_modules/solc" ] \
   || [ "$tc/package-lock.json" -nt "$tc/node_modules/.package-lock.json" ]; then
  echo "toolchain: installing Foundry $want_foundry and solc $want_solc from npm" >&2
  bash "$root/scripts/npm-ci.sh" "$tc"
fi

link() { ln -sfn "$1" "$bin/$2"; }
for t in forge anvil cast; do
  native=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -vx "$bin" | paste -sd:) command -v "$t" || true)
  if [ -n "$native" ] && "$native" --version 2>/dev/null | grep -q "Version: $want_foundry"; then
    link "$native" "$t"
  else
    link "$tc/node_modules/@foundry-rs/$t-linux-amd64/bin/$t" "$t"
  fi
done
native_solc=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -vx "$bin" | paste -sd:) command -v solc || true)
if [ -n "$native_solc" ] && "$native_solc" --version 2>/dev/null | grep -q "Version: $want_solc"; then
  link "$native_solc" solc
else
  link "$tc/solc" solc
fi
