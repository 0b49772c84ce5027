#!/usr/bin/env bash
# Runs the Foundry suites (unit, fuzz, invariant) and checks the committed gas snapshot.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh
export PATH="$root/.tools/bin:$PATH"
profile=${FOUNDRY_PROFILE:-$([ "${CI:-}" = true ] && echo ci || echo default)}
mkdir -p .data
json=.data/forge-test.json
FOUNDRY_PROFILE=$profile bash scripts/ci/suite.sh contracts forge "$json" -- \
  sh -c "forge test --json > $json"
status=$?
node -e '
const fs=require("fs");for(const l of fs.readFileSync(process.argv[1],"utf8").split("\n")){if(!l.startsWith("{"))continue;
for(const[s,r]of Object.entries(JSON.parse(l)))for(const[t,x]of Object.entries(r.test_results||{}))
console.log((x.status==="Success"?"ok  ":"FAIL")+" "+s.split(":").pop()+"."+t+(x.reason?"  "+x.reason:""));}' "$json" || true
echo "gas snapshot check (forge snapshot --check --isolate)"
if ! FOUNDRY_PROFILE=default forge snapshot --check --isolate --match-path 'contracts/test/gas/*' ; then
  echo "gas snapshot differs: run 'make gas-snapshot' and commit .gas-snapshot" >&2
  echo "0 1" > .data/results/gas-snapshot
  exit 1
fi
echo "1 0" > .data/results/gas-snapshot
exit "$status"
