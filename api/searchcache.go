package api

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley/internal/store/appdb"
)

// searchCacheMax bounds how many tag sets keep a ranking; when full, expired rankings are
// dropped, then all of them.
const searchCacheMax = 4096

// ranking is the ranked candidates of one tag set with their profiles (appdb.RankSearch), shared by every viewer
// searching that set until it expires. ready is closed once hits or err is set; the first
// searcher builds it and the others wait for it.
type ranking struct {
	ready chan struct{}
	hits  []appdb.RankSearchRow
	err   error
	until time.Time
}

// searchCache keeps the ranking of each tag set searched, with the profiles, for a short TTL,
// so a burst of searches for the same interests costs one ranking query. What is per viewer
// (their interests, blocks either way) is still read for every page. Changes made through this
// server (profiles, interests) drop every ranking at once; those made through another instance
// show within the TTL.
type searchCache struct {
	ttl    time.Duration
	mu     sync.Mutex
	byTags map[string]*ranking
}

func newSearchCache(ttl time.Duration) *searchCache {
	return &searchCache{ttl: ttl, byTags: make(map[string]*ranking)}
}

// searchKey is the canonical key of a tag set: sorted, without repeats.
func searchKey(tags []string) string {
	tags = slices.Clone(tags)
	slices.Sort(tags)
	return strings.Join(slices.Compact(tags), "\x00")
}

// ranked answers the ranking of tags at now, from the cache while it is fresh, otherwise from
// rank, which runs once however many searchers wait for it.
func (sc *searchCache) ranked(ctx context.Context, tags []string, now time.Time, rank func([]string) ([]appdb.RankSearchRow, error)) ([]appdb.RankSearchRow, error) {
	key := searchKey(tags)
	sc.mu.Lock()
	r, ok := sc.byTags[key]
	if ok {
		select {
		case <-r.ready:
			ok = r.err == nil && now.Before(r.until)
		default: // being built: wait for it below
		}
	}
	if !ok {
		if len(sc.byTags) >= searchCacheMax {
			sc.dropExpired(now)
		}
		r = &ranking{ready: make(chan struct{})}
		sc.byTags[key] = r
		sc.mu.Unlock()
		r.hits, r.err = rank(strings.Split(key, "\x00"))
		r.until = now.Add(sc.ttl)
		close(r.ready)
		if r.err != nil {
			sc.forget(key, r)
		}
		return r.hits, r.err
	}
	sc.mu.Unlock()
	select {
	case <-r.ready:
		return r.hits, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dropExpired removes the rankings expired at now, or all of them when none is; sc.mu is held.
func (sc *searchCache) dropExpired(now time.Time) {
	for key, r := range sc.byTags {
		select {
		case <-r.ready:
			if !now.Before(r.until) {
				delete(sc.byTags, key)
			}
		default:
		}
	}
	if len(sc.byTags) >= searchCacheMax {
		clear(sc.byTags)
	}
}

// forget removes key's ranking if it is still r.
func (sc *searchCache) forget(key string, r *ranking) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.byTags[key] == r {
		delete(sc.byTags, key)
	}
}

// invalidate drops every ranking (someone's interests or discoverability changed here).
func (sc *searchCache) invalidate() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	clear(sc.byTags)
}
