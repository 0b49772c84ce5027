package indexer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/parleychat/parley/internal/store/chaindb"
)

// Client is the part of an Ethereum RPC client the indexer uses; *ethclient.Client and the
// go-ethereum simulated backend's client implement it.
type Client interface {
	ChainID(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
	SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error)
}

// Indexer follows the registry and tip jar of one chain into Postgres.
type Indexer struct {
	cfg       Config
	pool      *pgxpool.Pool
	rpc       Client
	log       *slog.Logger
	m         *metrics
	contracts *contracts
	ranges    *rangeSizer
}

// cursor is the last indexed block.
type cursor struct {
	number int64 // -1 before the first block
	hash   common.Hash
}

// New validates cfg and returns an Indexer writing to pool and reading from client.
func New(cfg Config, pool *pgxpool.Pool, client Client) (*Indexer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Indexer{cfg: cfg, pool: pool, rpc: client, log: cfg.Logger, m: newMetrics(cfg.Registerer),
		contracts: newContracts(), ranges: newRangeSizer(cfg.InitialRange, cfg.MaxRange, cfg.TargetRangeLogs)}, nil
}

// Run takes the chain's indexer lock (waiting as a standby while another instance holds it)
// and indexes until ctx ends (returning nil) or a fatal error such as ErrDeepReorg.
func (ix *Indexer) Run(ctx context.Context) error {
	err := ix.run(ctx)
	if ctx.Err() != nil && !errors.Is(err, ErrDeepReorg) {
		return nil
	}
	if err != nil {
		ix.log.Error("indexer stopped", "err", err)
	}
	return err
}

func (ix *Indexer) run(ctx context.Context) error {
	id, err := call(ix, ctx, "eth_chainId", func(ctx context.Context) (*big.Int, error) { return ix.rpc.ChainID(ctx) })
	if err != nil {
		return err
	}
	if id.Uint64() != ix.cfg.ChainID {
		return fmt.Errorf("%w: rpc chain id %s, configured %d", ErrChainMismatch, id, ix.cfg.ChainID)
	}
	conn, err := ix.lead(ctx)
	if err != nil {
		return err
	}
	defer func() {
		ix.m.leader.Set(0)
		_ = conn.Conn().Close(context.Background()) // closing the session releases the lock
		conn.Release()
	}()
	q := chaindb.New(conn)
	cur, err := ix.loadCursor(ctx, q)
	if err != nil {
		return err
	}
	heads := &headWatcher{ix: ix}
	defer heads.close()
	var head *types.Header
	var finalized int64
	for {
		if head == nil || cur.number >= head.Number.Int64() {
			if head, err = heads.next(ctx, cur); err != nil {
				return err
			}
			if finalized, err = ix.finalized(ctx, head); err != nil {
				return err
			}
			ix.m.head.Set(float64(head.Number.Int64()))
			ix.m.finalized.Set(float64(finalized))
		}
		switch {
		case cur.number > head.Number.Int64() || (cur.number == head.Number.Int64() && cur.hash != head.Hash()):
			// The chain is shorter than what we indexed, or replaced at the same height: a reorg.
			cur, err = ix.rollback(ctx, conn, cur, finalized)
		case cur.number < finalized:
			cur, err = ix.backfill(ctx, conn, cur, finalized)
		default:
			var h *types.Header
			if head.Number.Int64() == cur.number+1 {
				h = head
			}
			cur, err = ix.follow(ctx, conn, cur, h, finalized)
		}
		if errors.Is(err, errChainMoved) {
			ix.log.Info("chain moved while indexing; reading the head again", "err", err)
			head = nil
			if err := sleep(ctx, ix.cfg.PollInterval); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		ix.m.indexed.Set(float64(cur.number))
		ix.m.lag.Set(float64(head.Number.Int64() - cur.number))
	}
}

// lockKey is the advisory lock key of a chain's indexer.
func lockKey(chainID uint64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "parley/indexer/%d", chainID)
	return int64(h.Sum64())
}

// lead blocks until this instance holds the chain's advisory lock, on the returned connection.
func (ix *Indexer) lead(ctx context.Context) (*pgxpool.Conn, error) {
	conn, err := ix.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire lock connection: %w", err)
	}
	key := lockKey(ix.cfg.ChainID)
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		conn.Release()
		return nil, fmt.Errorf("try indexer lock: %w", err)
	}
	if !got {
		ix.log.Info("standby: another indexer holds the lock; waiting")
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			_ = conn.Conn().Close(context.Background())
			conn.Release()
			return nil, fmt.Errorf("wait for indexer lock: %w", err)
		}
	}
	ix.m.leader.Set(1)
	ix.log.Info("leader: holding the indexer lock")
	return conn, nil
}

// loadCursor reads the stored cursor, or starts one before StartBlock.
func (ix *Indexer) loadCursor(ctx context.Context, q *chaindb.Queries) (cursor, error) {
	c, err := q.GetCursor(ctx, int64(ix.cfg.ChainID))
	if err == nil {
		if common.BytesToAddress(c.Registry) != ix.cfg.Registry || common.BytesToAddress(c.TipJar) != ix.cfg.TipJar {
			return cursor{}, fmt.Errorf("%w: cursor indexes registry %x and tip jar %x", ErrChainMismatch, c.Registry, c.TipJar)
		}
		return cursor{number: c.BlockNumber, hash: common.BytesToHash(c.BlockHash)}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return cursor{}, fmt.Errorf("load cursor: %w", err)
	}
	cur := cursor{number: int64(ix.cfg.StartBlock) - 1}
	if cur.number >= 0 {
		h, err := ix.header(ctx, cur.number)
		if err != nil {
			return cursor{}, err
		}
		cur.hash = h.Hash()
	}
	return cur, nil
}

// finalized returns the finalized block number for head.
func (ix *Indexer) finalized(ctx context.Context, head *types.Header) (int64, error) {
	depth := ix.cfg.FinalityDepth
	if depth == 0 {
		tctx, cancel := context.WithTimeout(ctx, ix.cfg.RPCTimeout)
		h, err := ix.rpc.HeaderByNumber(tctx, big.NewInt(int64(rpc.FinalizedBlockNumber)))
		cancel()
		if err == nil && h != nil {
			return min(h.Number.Int64(), head.Number.Int64()), nil
		}
		depth = defaultFinalityDepth
	}
	return max(head.Number.Int64()-int64(depth), -1), nil
}

// bloomRetries bounds the re-requests of a block whose bloom filter promises logs that
// eth_getLogs did not return.
const bloomRetries = 3

// errChainMoved means a block the indexer asked for is gone: the chain got shorter
// since the head was read. Run reads the head again.
var errChainMoved = errors.New("indexer: block not found; the chain moved")

// header fetches the header of block n, retrying retryable errors.
func (ix *Indexer) header(ctx context.Context, n int64) (*types.Header, error) {
	h, err := call(ix, ctx, "eth_getBlockByNumber", func(ctx context.Context) (*types.Header, error) {
		return ix.rpc.HeaderByNumber(ctx, big.NewInt(n))
	})
	if errors.Is(err, ethereum.NotFound) {
		return nil, fmt.Errorf("block %d: %w", n, errChainMoved)
	}
	return h, err
}

// call runs one RPC with a timeout, retrying retryable errors with jittered backoff.
func call[T any](ix *Indexer, ctx context.Context, method string, fn func(context.Context) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		tctx, cancel := context.WithTimeout(ctx, ix.cfg.RPCTimeout)
		v, err := fn(tctx)
		cancel()
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return v, ctx.Err()
		}
		if !isRetryable(err) {
			ix.m.rpcErrors.WithLabelValues(method, "fatal").Inc()
			return v, fmt.Errorf("%s: %w", method, err)
		}
		ix.m.rpcErrors.WithLabelValues(method, "retryable").Inc()
		d := backoff(attempt, ix.cfg.RetryBase, ix.cfg.RetryMax)
		ix.log.Warn("rpc error, retrying", "method", method, "attempt", attempt+1, "in", d, "err", err)
		if err := sleep(ctx, d); err != nil {
			return v, err
		}
	}
}

// filterLogs fetches the contracts' logs of [from, to] in up to cfg.GetLogsParallel concurrent
// eth_getLogs requests over equal block ranges (a node serves them on several cores), in
// block order. It fails with the first request's error.
func (ix *Indexer) filterLogs(ctx context.Context, from, to int64) ([]types.Log, error) {
	parts := min(int64(ix.cfg.GetLogsParallel), to-from+1)
	step := (to - from + parts) / parts
	results := make([][]types.Log, parts)
	ctx, cancel := context.WithTimeout(ctx, ix.cfg.RPCTimeout)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	for i := range parts {
		lo, hi := from+i*step, min(to, from+(i+1)*step-1)
		g.Go(func() error {
			var err error
			results[i], err = ix.rpc.FilterLogs(gctx, ethereum.FilterQuery{FromBlock: big.NewInt(lo), ToBlock: big.NewInt(hi),
				Addresses: []common.Address{ix.cfg.Registry, ix.cfg.TipJar}, Topics: [][]common.Hash{ix.contracts.topics}})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(results...), nil
}

// getLogs fetches the contracts' logs of [from, to] or as much of it as the adaptive range
// allows, returning the logs and the last block they cover.
func (ix *Indexer) getLogs(ctx context.Context, from, to int64) ([]types.Log, int64, error) {
	for attempt := 0; ; {
		n := ix.ranges.size
		end := min(to, from+int64(n)-1)
		ix.m.rangeSize.Set(float64(n))
		logs, err := ix.filterLogs(ctx, from, end)
		switch {
		case err == nil:
			ix.ranges.success(uint64(end-from+1), uint64(len(logs)))
			return logs, end, nil
		case ctx.Err() != nil:
			return nil, 0, ctx.Err()
		case isRangeError(err) && ix.ranges.failure(uint64(end-from+1)):
			ix.m.rpcErrors.WithLabelValues("eth_getLogs", "range").Inc()
			ix.log.Info("eth_getLogs range too large, shrinking", "from", from, "to", end, "next_range", ix.ranges.size, "cap", ix.ranges.cap, "err", err)
		case isRetryable(err) || isRangeError(err):
			ix.m.rpcErrors.WithLabelValues("eth_getLogs", "retryable").Inc()
			d := backoff(attempt, ix.cfg.RetryBase, ix.cfg.RetryMax)
			attempt++
			ix.log.Warn("eth_getLogs failed, retrying", "from", from, "to", end, "in", d, "err", err)
			if err := sleep(ctx, d); err != nil {
				return nil, 0, err
			}
		default:
			ix.m.rpcErrors.WithLabelValues("eth_getLogs", "fatal").Inc()
			return nil, 0, fmt.Errorf("eth_getLogs %d-%d: %w", from, end, err)
		}
	}
}

// follow indexes block cur+1 (h when already known), after checking that it extends cur.
func (ix *Indexer) follow(ctx context.Context, conn *pgxpool.Conn, cur cursor, h *types.Header, finalized int64) (cursor, error) {
	var err error
	if h == nil {
		if h, err = ix.header(ctx, cur.number+1); err != nil {
			return cur, err
		}
	}
	if cur.number >= 0 && h.ParentHash != cur.hash {
		ix.log.Warn("parent hash mismatch: reorg", "block", h.Number, "parent", h.ParentHash, "indexed", cur.hash)
		return ix.rollback(ctx, conn, cur, finalized)
	}
	hash := h.Hash()
	var logs []types.Log
	for attempt := 0; ; attempt++ {
		logs, err = call(ix, ctx, "eth_getLogs", func(ctx context.Context) ([]types.Log, error) {
			return ix.rpc.FilterLogs(ctx, ethereum.FilterQuery{BlockHash: &hash,
				Addresses: []common.Address{ix.cfg.Registry, ix.cfg.TipJar}, Topics: [][]common.Hash{ix.contracts.topics}})
		})
		if err != nil {
			return cur, err
		}
		// A node can announce a block before its logs are queryable: when the bloom filter says
		// our contracts may have logged but none came back, ask again a few times (the bloom
		// can give false positives, so not forever).
		if len(logs) > 0 || !(types.BloomLookup(h.Bloom, ix.cfg.Registry) || types.BloomLookup(h.Bloom, ix.cfg.TipJar)) {
			break
		}
		if attempt == bloomRetries {
			ix.log.Warn("bloom filter matches but eth_getLogs returned nothing; taking the block as empty",
				"block", h.Number, "hash", hash)
			break
		}
		ix.m.rpcErrors.WithLabelValues("eth_getLogs", "bloom_mismatch").Inc()
		if err := sleep(ctx, backoff(attempt, ix.cfg.RetryBase, ix.cfg.RetryMax)); err != nil {
			return cur, err
		}
	}
	b, err := ix.decode(logs, finalized)
	if err != nil {
		return cur, err
	}
	next := cursor{number: h.Number.Int64(), hash: hash}
	return next, ix.commit(ctx, conn, b, next, h.ParentHash, finalized, false)
}

// decode turns logs into a batch of rows, marking those at or below finalized as final.
func (ix *Indexer) decode(logs []types.Log, finalized int64) (*batch, error) {
	b := &batch{chainID: ix.cfg.ChainID, registry: ix.cfg.Registry, final: finalized}
	for i := range logs {
		if err := ix.contracts.add(b, &logs[i], ix.cfg.Registry, ix.cfg.TipJar); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// commit writes b, the block of next into the reorg window and the cursor in one transaction.
// A backfill commit does not wait for its WAL flush (see doc.go: rows and cursor are lost or
// kept together, and the lost blocks are final ones the indexer reads again).
func (ix *Indexer) commit(ctx context.Context, conn *pgxpool.Conn, b *batch, next cursor, parent common.Hash, finalized int64, backfill bool) error {
	var counts rowCounts
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if backfill {
			if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
				return fmt.Errorf("asynchronous commit: %w", err)
			}
		}
		q := chaindb.New(tx)
		var err error
		if counts, err = b.write(ctx, q); err != nil {
			return err
		}
		return ix.moveCursor(ctx, q, next, parent, finalized)
	})
	if err != nil {
		return fmt.Errorf("commit block %d: %w", next.number, err)
	}
	for table, n := range counts {
		ix.m.rows.WithLabelValues(table).Add(float64(n))
	}
	return nil
}

// moveCursor records next in the reorg window and as the cursor, and prunes final blocks.
func (ix *Indexer) moveCursor(ctx context.Context, q *chaindb.Queries, next cursor, parent common.Hash, finalized int64) error {
	id := int64(ix.cfg.ChainID)
	if err := q.InsertBlocks(ctx, chaindb.InsertBlocksParams{ChainID: id, Numbers: []int64{next.number},
		Hashes: [][]byte{next.hash.Bytes()}, ParentHashes: [][]byte{parent.Bytes()}}); err != nil {
		return fmt.Errorf("record block: %w", err)
	}
	if err := ix.notifyFinal(ctx, q, finalized); err != nil {
		return err
	}
	// Keep the cursor block even when final: it anchors the next parent-hash check.
	if err := q.PruneBlocksBelow(ctx, chaindb.PruneBlocksBelowParams{ChainID: id, Number: min(finalized, next.number)}); err != nil {
		return fmt.Errorf("prune blocks: %w", err)
	}
	return q.UpsertCursor(ctx, chaindb.UpsertCursorParams{ChainID: id, Registry: ix.cfg.Registry.Bytes(),
		TipJar: ix.cfg.TipJar.Bytes(), StartBlock: int64(ix.cfg.StartBlock), BlockNumber: next.number,
		BlockHash: next.hash.Bytes(), FinalizedNumber: finalized})
}

// notifyFinal queues a notification, with Final set, for each tip and key change committed
// earlier whose block is final at finalized but was not at the last commit (one "bulk"
// notification when there are more than maxNotesPerCommit). It runs before the cursor moves.
func (ix *Indexer) notifyFinal(ctx context.Context, q *chaindb.Queries, finalized int64) error {
	rows, err := q.ListNewlyFinal(ctx, chaindb.ListNewlyFinalParams{ChainID: int64(ix.cfg.ChainID), Finalized: finalized,
		MaxRows: maxNotesPerCommit + 1})
	if err != nil {
		return fmt.Errorf("list newly final rows: %w", err)
	}
	if len(rows) > maxNotesPerCommit {
		return notify(ctx, q, Notification{Kind: "bulk", ChainID: ix.cfg.ChainID, Block: uint64(finalized), Final: true})
	}
	notes := make([]Notification, len(rows))
	for i, r := range rows {
		notes[i] = Notification{Kind: r.Kind, ChainID: ix.cfg.ChainID, Block: uint64(r.BlockNumber),
			TxHash: common.BytesToHash(r.TxHash).Hex(), LogIndex: uint(r.LogIndex),
			Account: common.BytesToAddress(r.Account).Hex(), DeviceID: uint32(r.DeviceID), Final: true}
	}
	return notify(ctx, q, notes...)
}

// rollback walks the reorg window back to the newest block still on the canonical chain and
// deletes everything above it, moving the cursor there, in one transaction.
func (ix *Indexer) rollback(ctx context.Context, conn *pgxpool.Conn, cur cursor, finalized int64) (cursor, error) {
	q := chaindb.New(conn)
	id := int64(ix.cfg.ChainID)
	blocks, err := q.ListBlocks(ctx, id)
	if err != nil {
		return cur, fmt.Errorf("list reorg window: %w", err)
	}
	ancestor := cursor{number: -2}
	var ancestorParent common.Hash
	for _, b := range blocks {
		h, err := call(ix, ctx, "eth_getBlockByNumber", func(ctx context.Context) (*types.Header, error) {
			return ix.rpc.HeaderByNumber(ctx, big.NewInt(b.Number))
		})
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			return cur, err
		}
		if h != nil && h.Hash() == common.BytesToHash(b.Hash) {
			ancestor, ancestorParent = cursor{number: b.Number, hash: h.Hash()}, h.ParentHash
			break
		}
	}
	if ancestor.number == -2 {
		// The window reaches down to a block that was final when it was pruned (or to the
		// start block): if even that one changed, the reorg went deeper than finality.
		lowest := cur.number
		if len(blocks) > 0 {
			lowest = blocks[len(blocks)-1].Number
		}
		if lowest >= int64(ix.cfg.StartBlock) {
			return cur, fmt.Errorf("%w: no indexed block from %d down to %d is canonical any more (finalized now %d)",
				ErrDeepReorg, cur.number, lowest, finalized)
		}
		// The whole window, down to the start block, was orphaned: index again from the start.
		ancestor = cursor{number: int64(ix.cfg.StartBlock) - 1}
		if ancestor.number >= 0 {
			h, err := ix.header(ctx, ancestor.number)
			if err != nil {
				return cur, err
			}
			ancestor.hash, ancestorParent = h.Hash(), h.ParentHash
		}
	}
	var deleted int64
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		q := chaindb.New(tx)
		var err error
		if deleted, err = q.DeleteEventsAbove(ctx, chaindb.DeleteEventsAboveParams{ChainID: id, BlockNumber: ancestor.number}); err != nil {
			return fmt.Errorf("delete orphaned rows: %w", err)
		}
		if err := q.DeleteBlocksAbove(ctx, chaindb.DeleteBlocksAboveParams{ChainID: id, Number: ancestor.number}); err != nil {
			return fmt.Errorf("delete orphaned blocks: %w", err)
		}
		if err := notify(ctx, q, Notification{Kind: "reorg", ChainID: ix.cfg.ChainID, Block: uint64(max(ancestor.number, 0))}); err != nil {
			return err
		}
		return ix.moveCursor(ctx, q, ancestor, ancestorParent, min(finalized, ancestor.number))
	})
	if err != nil {
		return cur, fmt.Errorf("roll back to block %d: %w", ancestor.number, err)
	}
	ix.m.reorgs.Inc()
	ix.log.Warn("reorg rolled back", "from", cur.number, "to", ancestor.number, "rows_deleted", deleted)
	return ancestor, nil
}
