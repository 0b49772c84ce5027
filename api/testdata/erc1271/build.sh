#!/usr/bin/env bash
# Rebuilds TestWallet.bin (creation bytecode, hex) from TestWallet.sol with the pinned solc
# (.tools/bin/solc from scripts/toolchain.sh). The .bin is committed; tests do not need solc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bash "$root/scripts/toolchain.sh"
node -e '
const fs=require("fs");
const input={language:"Solidity",sources:{"TestWallet.sol":{content:fs.readFileSync(process.argv[1],"utf8")}},
  settings:{optimizer:{enabled:true,runs:200},outputSelection:{"*":{"*":["evm.bytecode.object"]}}}};
process.stdout.write(JSON.stringify(input));' "$here/TestWallet.sol" \
  | "$root/.tools/bin/solc" --standard-json \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);
      if((o.errors||[]).some(e=>e.severity==="error")){console.error(JSON.stringify(o.errors,null,1));process.exit(1);}
      process.stdout.write(o.contracts["TestWallet.sol"].TestWallet.evm.bytecode.object+"\n");})' > "$here/TestWallet.bin"
