package api

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley/internal/store/appdb"
)

// searchCacheMaxHits bounds the candidates all cached rankings hold together (a profile is
// at most about 800 bytes, so some 50 MB); when a new ranking goes over it, expired rankings
// are dropped, then all the others.
const searchCacheMaxHits = 1 << 16

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
	hits   int // candidates held by the built rankings in byTags
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
	if ok && isReady(r) { // else being built: wait for it below
		ok = now.Before(r.until)
	}
	if !ok {
		if r != nil {
			sc.drop(key, r)
		}
		r = &ranking{ready: make(chan struct{})}
		sc.byTags[key] = r
		sc.mu.Unlock()
		hits, err := rank(strings.Split(key, "\x00"))
		sc.built(key, r, hits, err, now)
		return hits, err
	}
	sc.mu.Unlock()
	select {
	case <-r.ready:
		return r.hits, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// built completes r, key's ranking, and keeps it while it fits the budget: to make room it
// drops the expired rankings, then every other one.
func (sc *searchCache) built(key string, r *ranking, hits []appdb.RankSearchRow, err error, now time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	r.hits, r.err, r.until = hits, err, now.Add(sc.ttl)
	close(r.ready)
	if sc.byTags[key] != r {
		return // invalidated meanwhile
	}
	if err != nil {
		delete(sc.byTags, key)
		return
	}
	for _, anyAge := range []bool{false, true} { // all the expired first, then all the others
		if sc.hits+len(hits) <= searchCacheMaxHits {
			break
		}
		for k, old := range sc.byTags {
			if old != r && isReady(old) && (anyAge || !now.Before(old.until)) {
				sc.drop(k, old)
			}
		}
	}
	sc.hits += len(hits)
}

// drop removes key's built ranking r; sc.mu is held.
func (sc *searchCache) drop(key string, r *ranking) {
	delete(sc.byTags, key)
	sc.hits -= len(r.hits)
}

// isReady reports whether r is built.
func isReady(r *ranking) bool {
	select {
	case <-r.ready:
		return true
	default:
		return false
	}
}

// invalidate drops every ranking (someone's profile or interests changed here).
func (sc *searchCache) invalidate() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	clear(sc.byTags)
	sc.hits = 0
}
