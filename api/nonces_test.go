package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/parleychat/parley/api/gen"
)

// TestNonceBatches checks that batched nonces are unique, stored before they are issued, and
// expire no earlier than nonceMaxAge before a fresh nonce would.
func TestNonceBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ttl := e.srv.cfg.NonceTTL
	issue := func() gen.Nonce {
		var n gen.Nonce
		e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/auth/nonce"}).decode(t, &n)
		return n
	}
	tests := []struct {
		name    string
		advance time.Duration
		count   int
	}{
		{"first batch and the next", 0, 2*nonceBatch + 1},
		{"aging batch", nonceMaxAge - time.Second, 3},
		{"stale batch replaced", time.Second, 1},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		e.clock.advance(tt.advance)
		now := e.clock.now()
		for range tt.count {
			n := issue()
			if seen[n.Nonce] {
				t.Fatalf("%s: nonce %s issued twice", tt.name, n.Nonce)
			}
			seen[n.Nonce] = true
			if n.ExpiresAt.After(now.Add(ttl)) || n.ExpiresAt.Before(now.Add(ttl-nonceMaxAge+time.Second)) {
				t.Fatalf("%s: expires at %s, now %s", tt.name, n.ExpiresAt, now)
			}
			var stored bool
			if err := e.srv.db.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM siwe_nonces WHERE nonce = $1 AND expires_at = $2)", n.Nonce, n.ExpiresAt).Scan(&stored); err != nil || !stored {
				t.Fatalf("%s: nonce %s not stored with its expiry (%v)", tt.name, n.Nonce, err)
			}
		}
	}
	if n := issue(); !n.ExpiresAt.Equal(e.clock.now().Add(ttl)) {
		t.Fatalf("a new batch after the stale one: expires at %s, want %s", n.ExpiresAt, e.clock.now().Add(ttl))
	}
}
