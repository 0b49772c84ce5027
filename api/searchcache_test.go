package api

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/store/appdb"
)

// TestSearchCacheRanksOnce checks that concurrent searches for one tag set (in any order, with
// repeats) share one ranking, that a failed ranking is not kept, and that the TTL ends reuse.
func TestSearchCacheRanksOnce(t *testing.T) {
	sc := newSearchCache(time.Second)
	now := time.Now()
	var calls atomic.Int32
	release := make(chan struct{})
	rank := func(tags []string) ([]appdb.RankSearchRow, error) {
		calls.Add(1)
		<-release
		return []appdb.RankSearchRow{{Account: tags[0] + "+" + tags[1]}}, nil
	}
	var wg sync.WaitGroup
	sets := [][]string{{"music", "tech"}, {"tech", "music"}, {"music", "tech", "music"}}
	for i := range 30 {
		wg.Go(func() {
			hits, err := sc.ranked(t.Context(), sets[i%len(sets)], now, rank)
			if err != nil || len(hits) != 1 || hits[0].Account != "music+tech" {
				t.Errorf("hits %v err %v", hits, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the searchers queue behind the first ranking
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("ranked %d times, want once", n)
	}
	if _, err := sc.ranked(t.Context(), []string{"music", "tech"}, now.Add(time.Second), rank); err != nil || calls.Load() != 2 {
		t.Fatalf("after the TTL: err %v, %d rankings, want 2", err, calls.Load())
	}

	boom := errors.New("boom")
	fail := func([]string) ([]appdb.RankSearchRow, error) { calls.Add(1); return nil, boom }
	if _, err := sc.ranked(t.Context(), []string{"art"}, now, fail); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	if _, err := sc.ranked(t.Context(), []string{"art"}, now, func([]string) ([]appdb.RankSearchRow, error) { calls.Add(1); return nil, nil }); err != nil || calls.Load() != 4 {
		t.Fatalf("after a failed ranking: err %v, %d rankings, want 4 (the failure is not kept)", err, calls.Load())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	block := make(chan struct{})
	go sc.ranked(t.Context(), []string{"slow"}, now, func([]string) ([]appdb.RankSearchRow, error) { <-block; return nil, nil })
	time.Sleep(10 * time.Millisecond)
	if _, err := sc.ranked(ctx, []string{"slow"}, now, rank); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled waiter: err %v", err)
	}
	close(block)
}

// TestSearchCacheBudget checks that the cached rankings stay within searchCacheMaxHits: a new
// ranking that does not fit pushes out the expired ones first, then the others.
func TestSearchCacheBudget(t *testing.T) {
	sc := newSearchCache(10 * time.Second)
	now := time.Now()
	part := func([]string) ([]appdb.RankSearchRow, error) {
		return make([]appdb.RankSearchRow, searchCacheMaxHits*2/5), nil
	}
	for tag, at := range map[string]time.Duration{"a": 0, "b": 9 * time.Second} {
		if _, err := sc.ranked(t.Context(), []string{tag}, now.Add(at), part); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sc.ranked(t.Context(), []string{"c"}, now.Add(10*time.Second), part); err != nil {
		t.Fatal(err)
	}
	// "a" expired when "c" was ranked, so it made room for it.
	if _, ok := sc.byTags["a"]; ok || len(sc.byTags) != 2 || sc.hits != 2*(searchCacheMaxHits*2/5) {
		t.Fatalf("after three rankings: %d kept, %d hits; want b and c", len(sc.byTags), sc.hits)
	}
	half := func([]string) ([]appdb.RankSearchRow, error) {
		return make([]appdb.RankSearchRow, searchCacheMaxHits/2), nil
	}
	if _, err := sc.ranked(t.Context(), []string{"d"}, now.Add(10*time.Second), half); err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.byTags["d"]; !ok || len(sc.byTags) != 1 || sc.hits != searchCacheMaxHits/2 {
		t.Fatalf("after a ranking that fits with nothing else: %d kept, %d hits; want d alone", len(sc.byTags), sc.hits)
	}
	sc.invalidate()
	if len(sc.byTags) != 0 || sc.hits != 0 {
		t.Fatalf("after invalidate: %d kept, %d hits", len(sc.byTags), sc.hits)
	}
}
