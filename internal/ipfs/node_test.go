package ipfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"
	leveldb "github.com/ipfs/go-ds-leveldb"
	"github.com/multiformats/go-multihash"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
)

// openNode opens a node on dir and closes it when the test ends.
func openNode(t testing.TB, dir string, now func() time.Time) *Node {
	t.Helper()
	n, err := Open(t.Context(), Config{Dir: dir, Now: now, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return n
}

// envelope returns size deterministic bytes that differ for every seed.
func envelope(seed, size int) []byte {
	b := bytes.Repeat([]byte{byte(seed)}, size)
	copy(b, fmt.Sprintf("envelope-%d:", seed))
	return b
}

func mustPut(t testing.TB, n *Node, data []byte) cid.Cid {
	t.Helper()
	c, err := n.PutRaw(t.Context(), data)
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	return c
}

func TestPutRawGet(t *testing.T) {
	t.Parallel()
	n := openNode(t, t.TempDir(), nil)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"one byte", []byte{0}},
		{"1 KiB envelope", envelope(1, 1024)},
		{"max block size", envelope(2, DefaultMaxBlockSize)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			c := mustPut(t, n, tc.data)
			p := c.Prefix()
			if p.Version != 1 || p.Codec != cid.Raw || p.MhType != multihash.SHA2_256 {
				t.Fatalf("cid %s has prefix %+v, want v1 raw sha2-256", c, p)
			}
			want, err := p.Sum(tc.data)
			if err != nil || !want.Equals(c) {
				t.Fatalf("cid %s does not hash the data (want %s, err %v)", c, want, err)
			}
			got, err := n.Get(ctx, c)
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Fatalf("get = %d bytes, %v; want the %d bytes put", len(got), err, len(tc.data))
			}
			if ok, err := n.Has(ctx, c); !ok || err != nil {
				t.Fatalf("has = %v, %v; want true", ok, err)
			}
			if ok, err := n.IsPinned(ctx, c); !ok || err != nil {
				t.Fatalf("pinned = %v, %v; want true", ok, err)
			}
			again := mustPut(t, n, tc.data)
			if !again.Equals(c) {
				t.Fatalf("second put = %s, want %s", again, c)
			}
		})
	}
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	n := openNode(t, t.TempDir(), nil)
	unknown, err := cid.V1Builder{Codec: cid.Raw, MhType: multihash.SHA2_256}.Sum([]byte("never stored"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		call func(context.Context) error
		want error
	}{
		{"put empty", func(ctx context.Context) error { _, err := n.PutRaw(ctx, nil); return err }, ErrEmpty},
		{"put too large", func(ctx context.Context) error {
			_, err := n.PutRaw(ctx, make([]byte, DefaultMaxBlockSize+1))
			return err
		}, ErrTooLarge},
		{"get undefined", func(ctx context.Context) error { _, err := n.Get(ctx, cid.Undef); return err }, ErrInvalidCID},
		{"has undefined", func(ctx context.Context) error { _, err := n.Has(ctx, cid.Undef); return err }, ErrInvalidCID},
		{"unpin undefined", func(ctx context.Context) error { return n.Unpin(ctx, cid.Undef) }, ErrInvalidCID},
		{"get unknown", func(ctx context.Context) error { _, err := n.Get(ctx, unknown); return err }, ErrNotFound},
		{"unpin unknown", func(ctx context.Context) error { return n.Unpin(ctx, unknown) }, ErrNotPinned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(t.Context()); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if ok, err := n.Has(t.Context(), unknown); ok || err != nil {
		t.Fatalf("has unknown = %v, %v; want false, nil", ok, err)
	}
}

func TestConfigRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no dir", Config{}},
		{"negative max block size", Config{Dir: t.TempDir(), MaxBlockSize: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n, err := Open(t.Context(), tc.cfg); err == nil {
				n.Close()
				t.Fatal("open succeeded, want an error")
			}
		})
	}
}

func TestCorruptBlockDetected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n, err := Open(t.Context(), Config{Dir: dir, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	c := mustPut(t, n, envelope(3, 512))
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	// Flip the stored bytes behind the node's back, as a failing disk would.
	store, err := leveldb.NewDatastore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := blockstore.BlockPrefix.Child(dshelp.MultihashToDsKey(c.Hash()))
	if err := store.Put(t.Context(), key, envelope(4, 512)); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	n = openNode(t, dir, nil)
	if _, err := n.Get(t.Context(), c); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("get corrupted block: err = %v, want ErrCorrupt", err)
	}
}

func TestUnpinAndGC(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := openNode(t, t.TempDir(), nil)
	kept, dropped := mustPut(t, n, envelope(5, 100)), mustPut(t, n, envelope(6, 100))

	if removed, err := n.GC(ctx); removed != 0 || err != nil {
		t.Fatalf("gc with everything pinned = %d, %v; want 0", removed, err)
	}
	if err := n.Unpin(ctx, dropped); err != nil {
		t.Fatal(err)
	}
	if ok, err := n.Has(ctx, dropped); !ok || err != nil {
		t.Fatalf("unpinned block before gc: has = %v, %v; want true", ok, err)
	}
	if err := n.Unpin(ctx, dropped); !errors.Is(err, ErrNotPinned) {
		t.Fatalf("second unpin: err = %v, want ErrNotPinned", err)
	}
	if removed, err := n.GC(ctx); removed != 1 || err != nil {
		t.Fatalf("gc = %d, %v; want 1", removed, err)
	}
	if _, err := n.Get(ctx, dropped); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get collected block: err = %v, want ErrNotFound", err)
	}
	if _, err := n.Get(ctx, kept); err != nil {
		t.Fatalf("get pinned block after gc: %v", err)
	}
	if removed, err := n.GC(ctx); removed != 0 || err != nil {
		t.Fatalf("second gc = %d, %v; want 0", removed, err)
	}

	// Storing a collected envelope again brings it back, pinned.
	if again := mustPut(t, n, envelope(6, 100)); !again.Equals(dropped) {
		t.Fatalf("re-put = %s, want %s", again, dropped)
	}
	if removed, err := n.GC(ctx); removed != 0 || err != nil {
		t.Fatalf("gc after re-put = %d, %v; want 0", removed, err)
	}
	if ok, err := n.IsPinned(ctx, dropped); !ok || err != nil {
		t.Fatalf("re-put pinned = %v, %v; want true", ok, err)
	}
}

func TestSurvivesReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n, err := Open(t.Context(), Config{Dir: dir, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	pinned, unpinned := mustPut(t, n, envelope(7, 300)), mustPut(t, n, envelope(8, 300))
	if err := n.Unpin(t.Context(), unpinned); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Get(t.Context(), pinned); !errors.Is(err, ErrClosed) {
		t.Fatalf("get after close: err = %v, want ErrClosed", err)
	}
	if _, err := n.PutRaw(t.Context(), envelope(9, 1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("put after close: err = %v, want ErrClosed", err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}

	n = openNode(t, dir, nil)
	if got, err := n.Get(t.Context(), pinned); err != nil || !bytes.Equal(got, envelope(7, 300)) {
		t.Fatalf("get after reopen = %d bytes, %v", len(got), err)
	}
	if ok, err := n.IsPinned(t.Context(), pinned); !ok || err != nil {
		t.Fatalf("pinned after reopen = %v, %v; want true", ok, err)
	}
	if ok, err := n.IsPinned(t.Context(), unpinned); ok || err != nil {
		t.Fatalf("unpinned after reopen = %v, %v; want false", ok, err)
	}
	if removed, err := n.GC(t.Context()); removed != 1 || err != nil {
		t.Fatalf("gc after reopen = %d, %v; want 1", removed, err)
	}
}

// TestKeptPinsOutliveHistory checks that the history TTL (UnpinOlderThan + GC) leaves kept
// pins alone, also after a reopen, that an envelope's pin becomes kept when the same block is
// kept, and that Unpin still removes a kept pin.
func TestKeptPinsOutliveHistory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	n := openNode(t, dir, func() time.Time { return t0 })
	history := mustPut(t, n, envelope(1, 64))
	upgraded := mustPut(t, n, envelope(2, 64))
	var kept []cid.Cid
	for _, data := range [][]byte{envelope(3, 64), envelope(2, 64)} {
		c, err := n.PutKept(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, c)
	}
	if kept[1] != upgraded {
		t.Fatalf("kept cid %s, want %s", kept[1], upgraded)
	}
	// Storing a kept block again as history leaves it kept.
	mustPut(t, n, envelope(3, 64))
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n = openNode(t, dir, func() time.Time { return t0 })

	if got, err := n.UnpinOlderThan(ctx, t0.Add(24*time.Hour)); got != 1 || err != nil {
		t.Fatalf("unpin older than = %d, %v; want 1 (the history block only)", got, err)
	}
	if removed, err := n.GC(ctx); removed != 1 || err != nil {
		t.Fatalf("gc = %d, %v; want 1", removed, err)
	}
	if ok, err := n.Has(ctx, history); ok || err != nil {
		t.Fatalf("history block kept = %v, %v", ok, err)
	}
	for _, c := range kept {
		if ok, err := n.IsPinned(ctx, c); !ok || err != nil {
			t.Fatalf("kept %s pinned = %v, %v; want true", c, ok, err)
		}
	}
	if err := n.Unpin(ctx, kept[0]); err != nil {
		t.Fatal(err)
	}
	if removed, err := n.GC(ctx); removed != 1 || err != nil {
		t.Fatalf("gc after unpin = %d, %v; want 1", removed, err)
	}
}

func TestUnpinOlderThan(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	n := openNode(t, t.TempDir(), clock)
	var cids []cid.Cid
	for i := range 4 {
		cids = append(cids, mustPut(t, n, envelope(10+i, 64)))
		advance(time.Hour)
	}
	// Storing an envelope again keeps its first pin time.
	mustPut(t, n, envelope(10, 64))
	if err := n.Unpin(ctx, cids[1]); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		cutoff time.Time
		want   int
		pinned []bool
	}{
		{"nothing before the first", t0, 0, []bool{true, false, true, true}},
		{"up to the third, skipping the unpinned", t0.Add(150 * time.Minute), 2, []bool{false, false, false, true}},
		{"again is a no-op", t0.Add(150 * time.Minute), 0, []bool{false, false, false, true}},
		{"everything", t0.Add(24 * time.Hour), 1, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := n.UnpinOlderThan(t.Context(), tc.cutoff)
			if got != tc.want || err != nil {
				t.Fatalf("unpin older than = %d, %v; want %d", got, err, tc.want)
			}
			for i, want := range tc.pinned {
				if ok, err := n.IsPinned(t.Context(), cids[i]); ok != want || err != nil {
					t.Fatalf("envelope %d pinned = %v, %v; want %v", i, ok, err, want)
				}
			}
		})
	}
	if removed, err := n.GC(ctx); removed != 4 || err != nil {
		t.Fatalf("gc = %d, %v; want 4", removed, err)
	}
}

// TestGCDuringPuts checks that GC never collects a block that a concurrent PutRaw stores.
func TestGCDuringPuts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := openNode(t, t.TempDir(), nil)
	const writers, perWriter = 4, 50
	results := make([][]cid.Cid, writers)
	var g errgroup.Group
	done := make(chan struct{})
	for w := range writers {
		g.Go(func() error {
			for i := range perWriter {
				c, err := n.PutRaw(ctx, envelope(w*perWriter+i, 256))
				if err != nil {
					return err
				}
				results[w] = append(results[w], c)
			}
			return nil
		})
	}
	var gcs errgroup.Group
	gcs.Go(func() error {
		for {
			select {
			case <-done:
				return nil
			default:
			}
			if removed, err := n.GC(ctx); err != nil || removed != 0 {
				return fmt.Errorf("gc = %d, %v; want 0", removed, err)
			}
		}
	})
	err := g.Wait()
	close(done)
	if err := errors.Join(err, gcs.Wait()); err != nil {
		t.Fatal(err)
	}
	for _, cs := range results {
		for _, c := range cs {
			if ok, err := n.Has(ctx, c); !ok || err != nil {
				t.Fatalf("has %s = %v, %v; want true", c, ok, err)
			}
		}
	}
}
