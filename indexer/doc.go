// Package indexer follows Parley's DeviceRegistry and TipJar events into Postgres.
//
// Lifecycle: New validates a Config; Run blocks until its context ends or a fatal error. Run
// first takes a Postgres advisory lock for the chain (a standby instance blocks there and takes
// over when the leader's session ends), then backfills finalized blocks with eth_getLogs over
// adaptive block ranges, then follows new heads block by block (newHeads subscription when the
// RPC offers it, polling otherwise, with a stale-head timeout). Backfill ranges adapt to the
// node (range errors) and to log density (TargetRangeLogs); each range is read in
// GetLogsParallel concurrent eth_getLogs requests.
//
// Invariants:
//   - The event rows of a block range and the cursor that covers them commit in one
//     transaction, on the session that holds the advisory lock; inserts use ON CONFLICT on the
//     natural key (chain id, tx hash, log index). A crash at any point therefore resumes from
//     the last committed cursor with no gaps and no duplicates.
//   - Unfinalized blocks are fetched one at a time, their logs by block hash, and their hashes
//     kept in chain_blocks. A block whose parent hash differs from the cursor's hash starts a
//     walk back to the common ancestor; the orphaned rows are deleted and the cursor moved back
//     in one transaction. A reorg that reaches a finalized block returns ErrDeepReorg.
//   - Device self-signatures are verified with internal/protocol and stored as sig_valid;
//     revocations are rows, so revoked devices are marked, never deleted.
//   - Each committed transaction notifies (pg_notify on NotifyChannel) the tips and key changes
//     it wrote, with whether their block is final, the earlier ones whose block became final
//     since the last commit (Final true), and reorg rollbacks.
//   - Backfill transactions commit with synchronous_commit off: a Postgres crash can lose the
//     last few commits, but only whole (an unflushed transaction is lost atomically, rows and
//     cursor together), so the indexer resumes from an older cursor and reads those final
//     blocks again. Commits of
//     unfinalized blocks stay synchronous.
//
// Concurrency: Run's goroutine does all database work. During a backfill a fetcher goroutine
// reads the next ranges (at most fetchAhead of them ahead) and a decoder goroutine decodes
// them while Run commits the previous ones in block order; the fetcher owns the range sizer,
// and both stop before backfill returns. The newHeads subscription Run opens is closed before it returns. One Indexer must not be Run twice at the same time; run several Indexers (in one
// or many processes) for standby.
//
// Dependencies: go-ethereum (RPC client, bindings), pgx/v5, internal/store/chaindb,
// internal/protocol, bindings/*, prometheus client_golang. Never api or cmd.
package indexer
