package api

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// sessionCacheTTL bounds how long an access token whose session was found live in Postgres is
// trusted without checking again: a revocation made elsewhere (another API instance, SQL)
// takes effect within it, one made through this server at once (revoke evicts the session).
const sessionCacheTTL = time.Second

// sessionCacheMax bounds the cache; when full, expired entries are dropped, then all of them.
const sessionCacheMax = 1 << 16

// authenticated is what a checked access token grants.
type authenticated struct {
	account string
	session uuid.UUID
	until   time.Time // the earlier of the token's expiry and the check plus sessionCacheTTL
}

// sessionCache remembers access tokens already verified (signature, claims) whose session
// was live, so a client's burst of requests costs one JWT parse and one query per TTL.
type sessionCache struct {
	mu     sync.Mutex
	tokens map[string]authenticated
}

func newSessionCache() *sessionCache {
	return &sessionCache{tokens: make(map[string]authenticated)}
}

// get answers token's grant if it was checked less than sessionCacheTTL before now.
func (sc *sessionCache) get(token string, now time.Time) (authenticated, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	a, ok := sc.tokens[token]
	return a, ok && now.Before(a.until)
}

// put records that token was checked at now and grants a until at most expires.
func (sc *sessionCache) put(token string, a authenticated, now, expires time.Time) {
	a.until = now.Add(sessionCacheTTL)
	if expires.Before(a.until) {
		a.until = expires
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.tokens) >= sessionCacheMax {
		for tok, old := range sc.tokens {
			if !now.Before(old.until) {
				delete(sc.tokens, tok)
			}
		}
		if len(sc.tokens) >= sessionCacheMax {
			clear(sc.tokens)
		}
	}
	sc.tokens[token] = a
}

// evict forgets every token of session sid (it was just revoked).
func (sc *sessionCache) evict(sid uuid.UUID) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for tok, a := range sc.tokens {
		if a.session == sid {
			delete(sc.tokens, tok)
		}
	}
}
