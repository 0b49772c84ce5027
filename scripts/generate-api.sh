#!/usr/bin/env bash
# Regenerates api/gen (Echo server interface, models, embedded spec) from api/openapi.yaml with
# the oapi-codegen pinned in tools/go.mod. Called by scripts/generate.sh; output is committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/api"
go tool -modfile="$root/tools/go.mod" oapi-codegen -config oapi-codegen.yaml openapi.yaml
