// Package reliability holds the process-level reliability test of issue 6: the real parley
// binary, two `parley api` instances and a `parley indexer` as subprocesses on a private
// Postgres cluster and an anvil devnet, and two Go clients (internal/client) exchanging
// messages while the instances are killed with SIGKILL and Postgres is restarted.
//
// # Lifecycle
//
// The test builds cmd/parley once into a temp dir, starts Postgres (pgtest.NewCluster, which
// it can restart on the same port), anvil with the contracts (chaintest), the indexer and the
// two API instances, each with its own IPFS repository (the relay pushes envelopes from
// Postgres, so neither needs the other's blocks). Each client signs in at its own instance and
// registers its device gaslessly. Both then send N numbered messages concurrently while a
// chaos goroutine kills an instance at seeded random points of the progress, keeps it down
// until the other side sent more, restarts it on the same address, restarts Postgres once, and
// restarts each client once between two of its sends (client.Start again from the key store,
// resuming the conversation from the session state file: the peer's running chain must keep
// opening, and what the old client delivered but had not acked must not be delivered again).
// After every message arrived the instances are stopped and the blockstores read back.
//
// # Concurrency
//
// One sender and one receiver goroutine per client, and the test goroutine runs the chaos;
// progress is shared through atomic counters, a peer's mutex keeps a client restart between
// two sends, and every wait polls with a deadline. Subprocesses get a parent-death
// signal, so a crashed test leaves none behind.
//
// # Invariants checked
//
// Every message arrives exactly once at the client API (after the client's dedupe by CID), in
// per-sender order; every pending row is acked away; neither pg_dump, nor any block of any
// instance's blockstore, nor any log line contains a plaintext.
//
// # Knobs
//
// PARLEY_RELIABILITY_MESSAGES sets N per direction (default 300, which `make test` runs in
// well under a minute; the long run is 10000). PARLEY_RELIABILITY_SEED replays a
// chaos schedule; the test logs the seed it used.
//
// # Dependencies
//
// cmd/parley (as a binary), internal/client, internal/pgtest, internal/chaintest, boxo's
// blockstore over go-ds-leveldb for the scan. Test code only.
package reliability
