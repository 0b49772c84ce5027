# Parley — run `make` to list the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/.tools/bin:$(PATH)
GO_TOOL := go tool -modfile=tools/go.mod

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: tools
tools: ## install the pinned toolchain (Foundry, solc from npm; Go tools build on first use)
	@bash scripts/toolchain.sh

.PHONY: web
web: ## build the web app into web/dist (npm ci first when needed), embedded by the next go build
	@bash scripts/npm-ci.sh web
	cd web && npm run build
	@touch web/dist/.gitkeep # vite empties dist; go:embed needs the tracked placeholder

.PHONY: build
build: web ## build the parley binary with the web app into ./bin/parley
	go build -o bin/parley ./cmd/parley

.PHONY: dev
dev: web ## run the whole stack locally: Postgres, anvil, contracts, parley dev on :8080 (FRESH=1 wipes data)
	@bash scripts/dev.sh

.PHONY: test
test: ## run every test suite (contracts, Go, fuzz seeds, web, browser e2e) and print "N passed, N failed"
	@rm -rf .data/results
	@status=0; \
	bash scripts/test-contracts.sh || status=1; \
	bash scripts/test-go.sh || status=1; \
	bash scripts/fuzz-go.sh || status=1; \
	bash scripts/test-web.sh || status=1; \
	bash scripts/test-e2e.sh || status=1; \
	bash scripts/ci/summary.sh || status=1; \
	exit $$status

.PHONY: test-contracts
test-contracts: ## Foundry unit, fuzz and invariant tests and the gas snapshot check
	@bash scripts/test-contracts.sh

.PHONY: test-go
test-go: ## Go tests (start their own Postgres and anvil)
	@bash scripts/test-go.sh

.PHONY: test-web
test-web: ## web tests: TypeScript protocol vectors and app code in Node and in Chromium
	@bash scripts/test-web.sh

.PHONY: test-e2e
test-e2e: ## browser end-to-end scenario in Chromium against its own stack (screenshots in .data/e2e/artifacts)
	@bash scripts/test-e2e.sh

.PHONY: test-reliability
test-reliability: ## the long reliability run: 10,000 messages each way under kill -9 and a Postgres restart (~3 min)
	PARLEY_RELIABILITY_MESSAGES=10000 go test -count=1 -v -timeout 30m -run TestKillAndRestart ./cmd/parley/internal/reliability/

.PHONY: fuzz
fuzz: ## run every Go fuzz target briefly (FUZZTIME=60000x inputs each; a duration such as 30s also works)
	@bash scripts/fuzz-go.sh

.PHONY: bench
bench: bench-protocol bench-ipfs bench-indexer bench-api bench-relay ## run every benchmark (each ends with "bench: <name> ..." lines)

.PHONY: bench-protocol
bench-protocol: ## Go benchmarks of the protocol (seal/open, key wrap, envelope verify)
	bash scripts/bench/gobench.sh protocol ./internal/protocol/ . -count 3

.PHONY: bench-ipfs
bench-ipfs: ## Go benchmark of pinning 1 KiB envelopes into the embedded IPFS node
	bash scripts/bench/gobench.sh ipfs ./internal/ipfs/ BenchmarkPutRaw -benchtime 2s -count 3

.PHONY: bench-indexer
bench-indexer: tools ## cold backfill of 100,000 events from anvil and realtime lag (scripts/bench/indexer.sh)
	bash scripts/bench/indexer.sh

.PHONY: bench-api
bench-api: tools ## SIWE logins per second and interest search p99 at 1,000,000 users (scripts/bench/api.sh)
	bash scripts/bench/api.sh

.PHONY: bench-relay
bench-relay: tools ## relay connections, durable deliveries per second and latency (scripts/bench/relay.sh)
	bash scripts/bench/relay.sh

.PHONY: gas-snapshot
gas-snapshot: tools ## rewrite .gas-snapshot from the gas tests
	forge snapshot --isolate --match-path 'contracts/test/gas/*'

.PHONY: generate
generate: tools ## regenerate Go bindings (abigen v2), web ABIs and sqlc code
	@bash scripts/generate.sh

.PHONY: verify
verify: ## fail when generated code is stale or sources are unformatted
	@bash scripts/verify.sh

.PHONY: fmt
fmt: tools ## format Go and Solidity sources
	gofmt -w $$(git ls-files '*.go' | grep -v '^bindings/')
	forge fmt

.PHONY: lint
lint: tools ## go vet, gofmt check, forge fmt check
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^bindings/')); [ -z "$$out" ] || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	forge fmt --check
