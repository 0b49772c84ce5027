package indexer

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/jackc/pgx/v5/pgxpool"
)

// fetchAhead is how many read and decoded backfill ranges may wait for their commit.
const fetchAhead = 2

// fetched is a backfill range read from the RPC and decoded, waiting for its commit.
type fetched struct {
	first, last *types.Header // the range's first and last block
	batch       *batch
}

// backfill indexes the finalized blocks after cur up to finalized. A fetcher goroutine reads
// and decodes the next ranges (at most fetchAhead ahead) while this one commits the previous
// ones in order, each range's rows with its cursor in one transaction.
func (ix *Indexer) backfill(ctx context.Context, conn *pgxpool.Conn, cur cursor, finalized int64) (cursor, error) {
	ctx, cancel := context.WithCancel(ctx)
	ranges := make(chan fetched, fetchAhead-1) // plus the one the fetcher holds while sending
	done := make(chan struct{})
	var fetchErr error
	go func() {
		defer close(done)
		defer close(ranges)
		fetchErr = ix.fetchRanges(ctx, cur.number+1, finalized, ranges)
	}()
	defer func() {
		cancel()
		<-done
	}()
	for f := range ranges {
		// The cursor block may have been orphaned while it was unfinalized (for example while
		// this indexer was down): check that the range extends it before trusting the range.
		if cur.number >= 0 && f.first.ParentHash != cur.hash {
			ix.log.Warn("parent hash mismatch before backfill: reorg", "block", f.first.Number, "indexed", cur.hash)
			return ix.rollback(ctx, conn, cur, finalized)
		}
		next := cursor{number: f.last.Number.Int64(), hash: f.last.Hash()}
		if err := ix.commit(ctx, conn, f.batch, next, f.last.ParentHash, finalized, true); err != nil {
			return cur, err
		}
		cur = next
		ix.m.indexed.Set(float64(cur.number))
	}
	<-done
	return cur, fetchErr
}

// fetchRanges reads and decodes the blocks [from, to] range by range into out, in order, and
// closes nothing: the caller owns out.
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
		b, err := ix.decode(logs, to)
		if err != nil {
			return fmt.Errorf("decode blocks %d-%d: %w", from, end, err)
		}
		select {
		case out <- fetched{first: first, last: last, batch: b}:
		case <-ctx.Done():
			return ctx.Err()
		}
		from = end + 1
	}
	return nil
}
