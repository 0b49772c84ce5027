#!/usr/bin/env bash
# make dev: the whole Parley stack on this machine. Starts a Postgres cluster under .data/dev/pg,
# an anvil devnet (state kept in .data/dev/anvil-state.json), deploys the contracts when the
# chain does not have them, then runs one `parley dev` process (API, relay, IPFS, indexer, web
# app) on http://127.0.0.1:8080. Ctrl-C (or SIGTERM) stops everything. FRESH=1 starts from empty data.
#
# Environment (defaults in brackets), so a second stack (the browser e2e tests) runs beside it:
#   PARLEY_DEV_DIR [.data/dev]  PARLEY_DEV_HTTP_PORT [8080]  PARLEY_DEV_RPC_PORT [8545]
#   PARLEY_DEV_PG_PORT [54329]  PARLEY_DEV_BLOCK_TIME [1] seconds, 0 mines only on transactions
# The deployment the stack uses is $PARLEY_DEV_DIR/deployment.json; the tracked
# contracts/deployments/31337.json is never left changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh
bash scripts/ensure-postgres.sh
export PATH="$root/.tools/bin:$PATH"
pgbin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")

data=$(mkdir -p "${PARLEY_DEV_DIR:-$root/.data/dev}" && cd "${PARLEY_DEV_DIR:-$root/.data/dev}" && pwd)
[ "${FRESH:-}" = 1 ] && rm -rf "$data" && mkdir -p "$data"
pg_port=${PARLEY_DEV_PG_PORT:-54329}
rpc_port=${PARLEY_DEV_RPC_PORT:-8545}
api_addr=${PARLEY_API_ADDR:-127.0.0.1:${PARLEY_DEV_HTTP_PORT:-8080}}
block_time=${PARLEY_DEV_BLOCK_TIME:-1}
rpc="http://127.0.0.1:$rpc_port"
tracked=contracts/deployments/31337.json

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  echo "dev: stopping"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  as_pg "$pgbin/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

# Postgres: a cluster owned by the postgres user when running as root (initdb refuses root).
if [ ! -f "$data/pg/PG_VERSION" ]; then
  mkdir -p "$data/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$data" "$data/pg"
  as_pg "$pgbin/initdb" -D "$data/pg" -U postgres -A trust >/dev/null
fi
[ "$(id -u)" = 0 ] && chown postgres "$data"
as_pg "$pgbin/pg_ctl" -D "$data/pg" -l "$data/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $data/pg" start >/dev/null
db_url="postgres://postgres@127.0.0.1:$pg_port/parley?sslmode=disable"
"$pgbin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='parley'" | grep -q 1 \
  || "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres parley

# anvil: the devnet, its state saved on exit and loaded on the next run. It starts mining only on
# transactions, so a fresh chain is still at block 0 when the contracts are deployed and the
# deploy script writes exactly the tracked deployment file; interval mining starts after.
anvil --host 127.0.0.1 --port "$rpc_port" --state "$data/anvil-state.json" --silent &
pids+=($!)
for _ in $(seq 100); do cast chain-id --rpc-url "$rpc" >/dev/null 2>&1 && break; sleep 0.1; done
registry=$(node -p "require('./$tracked').deviceRegistry")
if [ "$(cast code "$registry" --rpc-url "$rpc")" = "0x" ]; then
  echo "dev: deploying DeviceRegistry and TipJar"
  before=$(cat "$tracked")
  PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    forge script contracts/script/Deploy.s.sol --rpc-url "$rpc" --broadcast --quiet >/dev/null
  cp "$tracked" "$data/deployment.json"
  # A chain that was not at block 0 gets another deviceRegistryBlock: keep that in the data dir only.
  [ "$(cat "$tracked")" = "$before" ] || printf '%s' "$before" > "$tracked"
fi
[ -f "$data/deployment.json" ] || cp "$tracked" "$data/deployment.json"
[ "$block_time" = 0 ] || cast rpc evm_setIntervalMining "$block_time" --rpc-url "$rpc" >/dev/null

# anvil's account 9 pays for gasless device registrations in dev.
relayer_key=0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6
go build -o bin/parley ./cmd/parley

# Migrate first, so an old data dir gets a hint instead of a stack trace of the failure.
if ! out=$(bin/parley migrate -database-url "$db_url" 2>&1); then
  echo "$out" >&2
  if grep -q "out-of-order" <<<"$out"; then
    echo "dev: $data holds a database from another checkout whose migrations are out of order: run FRESH=1 make dev to start from empty data" >&2
  else
    echo "dev: migrating $data failed; if it was made by another checkout, FRESH=1 make dev starts from empty data" >&2
  fi
  exit 1
fi
cat <<MSG

  Parley dev stack
    web app                    http://$api_addr   open it in a browser with MetaMask (or another wallet)
    API, relay, IPFS gateway   http://$api_addr/v1/openapi.json, /v1/ws, /ipfs/{cid}
    anvil devnet (chain 31337) $rpc   add it to MetaMask as a network, import a demo key
    Postgres                   $db_url
    data                       $data
    demo accounts: anvil's funded keys, e.g.
      0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
      0x70997970C51812dc3A010C7d01b50e0d17dc79C8  0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
    Chat with yourself: open the web app in a second browser profile with the other key.
    Ctrl-C stops everything; FRESH=1 make dev starts from empty data.

MSG
PARLEY_DATABASE_URL="$db_url" PARLEY_RPC_URL="ws://127.0.0.1:$rpc_port" PARLEY_API_ADDR="$api_addr" \
PARLEY_API_PUBLIC_URL="${PARLEY_API_PUBLIC_URL:-http://$api_addr}" PARLEY_IPFS_DIR="$data/ipfs" \
PARLEY_DEPLOYMENT="$data/deployment.json" PARLEY_API_DEVICE_REGISTRY="$registry" \
PARLEY_API_RELAYER_KEY="${PARLEY_API_RELAYER_KEY:-$relayer_key}" \
PARLEY_API_TOKEN_KEY="${PARLEY_API_TOKEN_KEY:-$(cat "$data/token-key" 2>/dev/null || (head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tee "$data/token-key"))}" \
  bin/parley dev &
pids+=($!)
wait "${pids[-1]}"
