package ipfs

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange/offline"
	"github.com/ipfs/boxo/ipld/merkledag"
	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	leveldb "github.com/ipfs/go-ds-leveldb"
)

// TestMigratesLegacyPins opens a datastore written by the dspinner-based node: its pins become
// pin records with their recorded pin times, a pin time left without a pin is dropped, and
// the dspinner's keys are gone.
func TestMigratesLegacyPins(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	ldb, err := leveldb.NewDatastore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bstore := blockstore.NewBlockstore(ldb)
	pinner, err := dspinner.New(ctx, ldb, merkledag.NewDAGService(blockservice.New(bstore, offline.Exchange(bstore))))
	if err != nil {
		t.Fatal(err)
	}
	put := func(data []byte, pin bool, at time.Time) cid.Cid {
		node := merkledag.NewRawNode(data)
		if err := bstore.Put(ctx, node); err != nil {
			t.Fatal(err)
		}
		if pin {
			if err := pinner.PinWithMode(ctx, node.Cid(), ipfspinner.Recursive, ""); err != nil {
				t.Fatal(err)
			}
		}
		if !at.IsZero() {
			nanos := at.UnixNano()
			// The keys as the dspinner-based node wrote them.
			at := ds.NewKey("/parley/pinat").ChildString(node.Cid().String())
			if err := ldb.Put(ctx, at, binary.BigEndian.AppendUint64(nil, uint64(nanos))); err != nil {
				t.Fatal(err)
			}
			byTime := ds.NewKey("/parley/pintime").ChildString(fmt.Sprintf("%016x", uint64(nanos))).ChildString(node.Cid().String())
			if err := ldb.Put(ctx, byTime, nil); err != nil {
				t.Fatal(err)
			}
		}
		return node.Cid()
	}
	old := put(envelope(1, 100), true, t0)                    // pinned, with its pin time
	leftover := put(envelope(2, 100), false, t0)              // a pin time whose pin an unpin removed
	untimed := put(envelope(3, 100), true, time.Time{})       // pinned without a pin time
	newer := put(envelope(4, 100), true, t0.Add(2*time.Hour)) // pinned later
	if err := pinner.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ldb.Close(); err != nil {
		t.Fatal(err)
	}

	now := t0.Add(4 * time.Hour)
	n := openNode(t, dir, func() time.Time { return now })
	for c, want := range map[cid.Cid]bool{old: true, leftover: false, untimed: true, newer: true} {
		if ok, err := n.IsPinned(ctx, c); ok != want || err != nil {
			t.Fatalf("%s pinned = %v, %v; want %v", c, ok, err, want)
		}
	}
	if keys, err := n.keysWithPrefix(legacyPinsPrefix); len(keys) != 0 || err != nil {
		t.Fatalf("dspinner keys after migration: %d, %v", len(keys), err)
	}
	if removed, err := n.GC(ctx); removed != 1 || err != nil {
		t.Fatalf("gc = %d, %v; want 1 (the unpinned block)", removed, err)
	}
	// The recorded pin times survive: only the first pin is older than an hour past t0; the
	// untimed one counts from the migration.
	if got, err := n.UnpinOlderThan(ctx, t0.Add(time.Hour)); got != 1 || err != nil {
		t.Fatalf("unpin older than t0+1h = %d, %v; want 1", got, err)
	}
	if got, err := n.UnpinOlderThan(ctx, t0.Add(3*time.Hour)); got != 1 || err != nil {
		t.Fatalf("unpin older than t0+3h = %d, %v; want 1", got, err)
	}
	if ok, err := n.IsPinned(ctx, untimed); !ok || err != nil {
		t.Fatalf("untimed pinned = %v, %v; want true", ok, err)
	}
}
