#!/usr/bin/env bash
# Rebuilds TestENS.bin (creation bytecode, hex) from TestENS.sol, a registry and resolver in one contract, with the pinned solc
# (.tools/bin/solc from scripts/toolchain.sh). The .bin is committed; tests do not need solc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bash "$root/scripts/toolchain.sh"
node -e '
const fs=require("fs");
const input={language:"Solidity",sources:{"TestENS.sol":{content:fs.readFileSync(process.argv[1],"utf8")}},
  settings:{optimizer:{enabled:true,runs:200},outputSelection:{"*":{"*":["evm.bytecode.object"]}}}};
process.stdout.write(JSON.stringify(input));' "$here/TestENS.sol" \
  | "$root/.tools/bin/solc" --standard-json \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);
      if((o.errors||[]).some(e=>e.severity==="error")){console.error(JSON.stringify(o.errors,null,1));process.exit(1);}
      process.stdout.write(o.contracts["TestENS.sol"].TestENS.evm.bytecode.object+"\n");})' > "$here/TestENS.bin"
