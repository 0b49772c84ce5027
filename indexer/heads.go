package indexer

import (
	"context"
	"errors"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// headWatcher yields new chain heads: from a newHeads subscription when the RPC offers one,
// by polling otherwise, and by a poll whenever the subscription is silent for too long.
type headWatcher struct {
	ix     *Indexer
	sub    ethereum.Subscription
	ch     chan *types.Header
	noSubs bool // the RPC does not support subscriptions
}

// next returns the latest head once it differs from cur: above it, at its height with another
// hash (a same-height reorg), or below it (the chain got shorter, a reorg Run rolls back).
func (w *headWatcher) next(ctx context.Context, cur cursor) (*types.Header, error) {
	ix := w.ix
	for {
		h, err := call(ix, ctx, "eth_getBlockByNumber", func(ctx context.Context) (*types.Header, error) {
			return ix.rpc.HeaderByNumber(ctx, nil)
		})
		if err != nil {
			return nil, err
		}
		if moved(h, cur) {
			return h, nil
		}
		if h, err = w.wait(ctx, cur); h != nil || err != nil {
			return h, err
		}
	}
}

// moved reports whether head h differs from the indexed block cur.
func moved(h *types.Header, cur cursor) bool {
	return h.Number.Int64() != cur.number || h.Hash() != cur.hash
}

// wait blocks until a head above cur arrives, or returns nil when it is time to poll (also
// when a head at or below cur's height differs from it).
func (w *headWatcher) wait(ctx context.Context, cur cursor) (*types.Header, error) {
	ix := w.ix
	if w.sub == nil && !w.noSubs {
		w.ch = make(chan *types.Header, 16)
		sub, err := ix.rpc.SubscribeNewHead(ctx, w.ch)
		switch {
		case err == nil:
			w.sub = sub
		case errors.Is(err, rpc.ErrNotificationsUnsupported):
			w.noSubs = true
			ix.log.Info("rpc has no subscriptions; polling for new heads", "interval", ix.cfg.PollInterval)
		default:
			ix.log.Warn("newHeads subscription failed; polling this round", "err", err)
		}
	}
	if w.sub == nil {
		return nil, sleep(ctx, ix.cfg.PollInterval)
	}
	stale := time.NewTimer(ix.cfg.StaleHeadTimeout)
	defer stale.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case h := <-w.ch:
			switch {
			case h.Number.Int64() > cur.number:
				return h, nil
			case moved(h, cur):
				// Lower or replaced: maybe a reorg, maybe a head buffered long ago. Poll.
				return nil, nil
			}
		case err := <-w.sub.Err():
			ix.log.Warn("newHeads subscription ended; resubscribing", "err", err)
			w.close()
			return nil, nil
		case <-stale.C:
			ix.log.Warn("no new head within the stale-head timeout; polling and resubscribing", "timeout", ix.cfg.StaleHeadTimeout)
			w.close()
			return nil, nil
		}
	}
}

func (w *headWatcher) close() {
	if w.sub != nil {
		w.sub.Unsubscribe()
		w.sub = nil
	}
}
