package indexer

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// fetchAhead is how many read backfill ranges may wait for their decoding.
const fetchAhead = 2

// fetched is a backfill range read from the RPC (logs), then decoded (batch), waiting for
// its commit.
type fetched struct {
	first, last *types.Header // the range's first and last block
	logs        []types.Log
	batch       *batch
}

// backfill indexes the finalized blocks after cur up to finalized in a three-stage pipeline:
// a fetcher goroutine reads the next ranges (at most fetchAhead ahead), a decoder goroutine
// decodes them and verifies their signatures, and this goroutine commits them in block
// order, each range's rows with its cursor in one transaction.
func (ix *Indexer) backfill(ctx context.Context, conn *pgxpool.Conn, cur cursor, finalized int64) (cursor, error) {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(pctx)
	read := make(chan fetched, fetchAhead-1) // plus the one the fetcher holds while sending
	decoded := make(chan fetched)
	g.Go(func() error {
		defer close(read)
		return ix.fetchRanges(gctx, cur.number+1, finalized, read)
	})
	g.Go(func() error {
		defer close(decoded)
		for f := range read {
			b, err := ix.decode(f.logs, finalized)
			if err != nil {
				return fmt.Errorf("decode blocks %d-%d: %w", f.first.Number, f.last.Number, err)
			}
			f.logs, f.batch = nil, b
			select {
			case decoded <- f:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	stop := func() { cancel(); _ = g.Wait() }
	for f := range decoded {
		// The cursor block may have been orphaned while it was unfinalized (for example while
		// this indexer was down): check that the range extends it before trusting the range.
		if cur.number >= 0 && f.first.ParentHash != cur.hash {
			stop()
			ix.log.Warn("parent hash mismatch before backfill: reorg", "block", f.first.Number, "indexed", cur.hash)
			return ix.rollback(ctx, conn, cur, finalized)
		}
		next := cursor{number: f.last.Number.Int64(), hash: f.last.Hash()}
		if err := ix.commit(ctx, conn, f.batch, next, f.last.ParentHash, finalized, true); err != nil {
			stop()
			return cur, err
		}
		cur = next
		ix.m.indexed.Set(float64(cur.number))
	}
	return cur, g.Wait()
}

// fetchRanges reads the logs of blocks [from, to] range by range into out, in order.
func (ix *Indexer) fetchRanges(ctx context.Context, from, to int64, out chan<- fetched) error {
	for from <= to {
		first, err := ix.header(ctx, from)
		if err != nil {
			return err
		}
		logs, end, err := ix.getLogs(ctx, from, to)
		if err != nil {
			return err
		}
		last := first
		if end != from {
			if last, err = ix.header(ctx, end); err != nil {
				return err
			}
		}
		select {
		case out <- fetched{first: first, last: last, logs: logs}:
		case <-ctx.Done():
			return ctx.Err()
		}
		from = end + 1
	}
	return nil
}
