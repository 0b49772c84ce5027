#!/usr/bin/env bash
# make dev: the whole Parley stack on this machine. Starts a Postgres cluster under .data/dev/pg,
# an anvil devnet (state kept in .data/dev/anvil-state.json), deploys the contracts when the
# chain does not have them, then runs one `parley dev` process (API, relay, IPFS, indexer) on
# http://127.0.0.1:8080. Ctrl-C stops everything. FRESH=1 starts from empty data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh
bash scripts/ensure-postgres.sh
export PATH="$root/.tools/bin:$PATH"
pgbin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")

data="$root/.data/dev"
[ "${FRESH:-}" = 1 ] && rm -rf "$data"
mkdir -p "$data"
pg_port=${PARLEY_DEV_PG_PORT:-54329}
rpc_port=${PARLEY_DEV_RPC_PORT:-8545}
api_addr=${PARLEY_API_ADDR:-127.0.0.1:8080}

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

# anvil: the devnet, its state saved on exit and loaded on the next run.
anvil --host 127.0.0.1 --port "$rpc_port" --block-time "${PARLEY_DEV_BLOCK_TIME:-1}" --state "$data/anvil-state.json" --silent &
pids+=($!)
for _ in $(seq 100); do cast chain-id --rpc-url "http://127.0.0.1:$rpc_port" >/dev/null 2>&1 && break; sleep 0.1; done
registry=$(node -p 'require("./contracts/deployments/31337.json").deviceRegistry')
if [ "$(cast code "$registry" --rpc-url "http://127.0.0.1:$rpc_port")" = "0x" ]; then
  echo "dev: deploying DeviceRegistry and TipJar"
  PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    forge script contracts/script/Deploy.s.sol --rpc-url "http://127.0.0.1:$rpc_port" --broadcast --quiet >/dev/null
fi

# anvil's account 9 pays for gasless device registrations in dev.
relayer_key=0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6
go build -o bin/parley ./cmd/parley
cat <<MSG

  Parley dev stack
    API, relay, IPFS gateway  http://$api_addr   (OpenAPI: http://$api_addr/v1/openapi.json)
    anvil devnet (chain 31337) http://127.0.0.1:$rpc_port
    Postgres                   $db_url
    demo accounts: anvil's funded keys, e.g.
      0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
      0x70997970C51812dc3A010C7d01b50e0d17dc79C8  0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
    Ctrl-C stops everything; FRESH=1 make dev starts from empty data.

MSG
PARLEY_DATABASE_URL="$db_url" PARLEY_RPC_URL="ws://127.0.0.1:$rpc_port" PARLEY_API_ADDR="$api_addr" \
PARLEY_API_PUBLIC_URL="${PARLEY_API_PUBLIC_URL:-http://$api_addr}" PARLEY_IPFS_DIR="$data/ipfs" \
PARLEY_API_DEVICE_REGISTRY="$registry" PARLEY_API_RELAYER_KEY="${PARLEY_API_RELAYER_KEY:-$relayer_key}" \
PARLEY_API_TOKEN_KEY="${PARLEY_API_TOKEN_KEY:-$(cat "$data/token-key" 2>/dev/null || (head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tee "$data/token-key"))}" \
  bin/parley dev &
pids+=($!)
wait "${pids[-1]}"
