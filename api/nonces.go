package api

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spruceid/siwe-go"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// Nonce batching: CreateNonce hands out nonces that were stored ahead of demand, nonceBatch
// rows per INSERT, instead of one INSERT per request. Every nonce is still random, stored
// before anyone sees it, handed out once, and consumed (deleted) by the sign-in; a stored nonce
// is handed out only while it is younger than nonceMaxAge, so the expiry a client sees is at
// most that much shorter than NonceTTL.
const (
	nonceBatch  = 32
	nonceMaxAge = 30 * time.Second
)

// noncePool holds stored, not yet issued nonces of one server, oldest first.
type noncePool struct {
	mu   sync.Mutex
	free []string
	// created and expires are the stored times of every nonce in free.
	created, expires time.Time
}

// take issues one stored nonce, storing a new batch when none is fresh at now.
func (p *noncePool) take(ctx context.Context, q *appdb.Queries, now time.Time, ttl time.Duration) (gen.Nonce, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) == 0 || now.Sub(p.created) >= min(nonceMaxAge, ttl/2) || now.Before(p.created) {
		batch := make([]string, nonceBatch)
		for i := range batch {
			batch[i] = siwe.GenerateNonce()
		}
		expires := now.Add(ttl)
		if err := q.InsertNonces(ctx, appdb.InsertNoncesParams{Nonces: batch, CreatedAt: ts(now), ExpiresAt: ts(expires)}); err != nil {
			return gen.Nonce{}, fmt.Errorf("insert nonces: %w", err)
		}
		p.free, p.created, p.expires = batch, now, expires
	}
	n := gen.Nonce{Nonce: p.free[0], ExpiresAt: p.expires.UTC()}
	p.free = p.free[1:]
	return n, nil
}
