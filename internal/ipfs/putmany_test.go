package ipfs

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/prometheus/client_golang/prometheus"
)

// TestPutMany checks that a batch stores and pins every distinct item with its pin time, keeps
// the order and the first pin time of items stored before, survives a reopen, and fails as a
// whole on a bad item.
func TestPutMany(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := t0
	n, err := Open(t.Context(), Config{Dir: dir, Now: func() time.Time { return now }, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	early := mustPut(t, n, envelope(1, 100))
	now = t0.Add(time.Hour)
	data := [][]byte{envelope(2, 100), envelope(1, 100), envelope(3, 2000), envelope(2, 100)}
	cids, err := n.PutMany(t.Context(), data)
	if err != nil {
		t.Fatalf("put many: %v", err)
	}
	if len(cids) != len(data) || !cids[1].Equals(early) || !cids[0].Equals(cids[3]) {
		t.Fatalf("cids %v: want one per item, in order, equal for equal data", cids)
	}
	for _, tc := range []struct {
		name string
		data [][]byte
		want error
	}{
		{"an empty item", [][]byte{envelope(4, 10), nil}, ErrEmpty},
		{"an item too large", [][]byte{envelope(5, 10), envelope(6, DefaultMaxBlockSize+1)}, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := n.PutMany(t.Context(), tc.data); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if ok, err := n.Has(t.Context(), cidOf(tc.data[0])); ok || err != nil {
				t.Fatalf("the good item of a failed batch was stored: %v, %v", ok, err)
			}
		})
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	n = openNode(t, dir, func() time.Time { return now })
	for i, c := range cids {
		got, err := n.Get(t.Context(), c)
		if err != nil || !bytes.Equal(got, data[i]) {
			t.Fatalf("item %d after reopen: %d bytes, %v", i, len(got), err)
		}
		if ok, err := n.IsPinned(t.Context(), c); !ok || err != nil {
			t.Fatalf("item %d pinned after reopen = %v, %v", i, ok, err)
		}
	}
	// Only the envelope stored before the batch is older than half past t0.
	if got, err := n.UnpinOlderThan(t.Context(), t0.Add(30*time.Minute)); got != 1 || err != nil {
		t.Fatalf("unpin older than = %d, %v; want 1", got, err)
	}
	if got, err := n.UnpinOlderThan(t.Context(), t0.Add(2*time.Hour)); got != 2 || err != nil {
		t.Fatalf("unpin older than = %d, %v; want 2", got, err)
	}
	if removed, err := n.GC(t.Context()); removed != 3 || err != nil {
		t.Fatalf("gc = %d, %v; want 3", removed, err)
	}
}

func cidOf(data []byte) cid.Cid {
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(data)
	if err != nil {
		panic(err)
	}
	return c
}
