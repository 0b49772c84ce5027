package api

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// sessionCacheTTL bounds how long a session found live in Postgres is trusted without asking
// again: a revocation made elsewhere (another API instance, SQL) takes effect within it, one
// made through this server at once (revoke evicts).
const sessionCacheTTL = time.Second

// sessionCacheMax bounds the cache; when full, expired entries are dropped, then all of them.
const sessionCacheMax = 1 << 16

// sessionCache remembers, per session id, until when the session is known to be live.
type sessionCache struct {
	mu    sync.Mutex
	until map[uuid.UUID]time.Time
}

func newSessionCache() *sessionCache {
	return &sessionCache{until: make(map[uuid.UUID]time.Time)}
}

// live reports whether sid was found live less than sessionCacheTTL before now.
func (sc *sessionCache) live(sid uuid.UUID, now time.Time) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	until, ok := sc.until[sid]
	return ok && now.Before(until)
}

// remember records that sid was found live at now.
func (sc *sessionCache) remember(sid uuid.UUID, now time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.until) >= sessionCacheMax {
		for id, until := range sc.until {
			if !now.Before(until) {
				delete(sc.until, id)
			}
		}
		if len(sc.until) >= sessionCacheMax {
			clear(sc.until)
		}
	}
	sc.until[sid] = now.Add(sessionCacheTTL)
}

// evict forgets sid (it was just revoked).
func (sc *sessionCache) evict(sid uuid.UUID) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.until, sid)
}
