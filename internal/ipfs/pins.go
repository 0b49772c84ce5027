package ipfs

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// A pin is one record per CID, /parley/pinat/<cid> holding its pin time (Unix nanoseconds,
// big-endian), plus /parley/pintime/<time>/<cid> ordering the pins by time for UnpinOlderThan.
// Both are written in the same batch as the block, so a pin costs two keys and one look-up.
// A kept pin (PutKept) records keptPin and has no time index entry: UnpinOlderThan never sees it.
var (
	pinAtPrefix   = ds.NewKey("/parley/pinat")
	pinTimePrefix = ds.NewKey("/parley/pintime")

	pinAtDir = pinAtPrefix.String() + "/" // a pin record's key without its CID
)

// keptPin is the pin time recorded for a kept pin, which only Unpin removes.
const keptPin int64 = 0

func pinAtKey(c cid.Cid) []byte { return pinAtText(c.String()) }

func pinAtText(c string) []byte { return []byte(pinAtDir + c) }

// pinTimeKey orders the time index by time: 16 hex digits of the Unix nanoseconds.
func pinTimeKey(t int64, c cid.Cid) []byte { return pinTimeText(t, c.String()) }

func pinTimeText(t int64, c string) []byte {
	return fmt.Appendf(nil, "%s/%016x/%s", pinTimePrefix, uint64(t), c)
}

// pinInto adds the pin of c at time t (keptPin: a kept pin) to b unless c is pinned already,
// which keeps its first pin time, except that an expiring pin becomes kept when t is keptPin.
// The caller holds n.pinMu until b is committed.
func (n *Node) pinInto(b *goleveldb.Batch, c cid.Cid, t int64) error {
	text := c.String()
	at := pinAtText(text)
	v, err := n.dstore.DB.Get(at, nil)
	switch {
	case errors.Is(err, goleveldb.ErrNotFound):
	case err != nil:
		return fmt.Errorf("ipfs: read pin %s: %w", c, err)
	case len(v) != 8:
		return fmt.Errorf("%w: pin time of %s has %d bytes", ErrCorrupt, c, len(v))
	case t != keptPin || int64(binary.BigEndian.Uint64(v)) == keptPin:
		return nil
	default:
		b.Delete(pinTimeText(int64(binary.BigEndian.Uint64(v)), text))
	}
	b.Put(at, binary.BigEndian.AppendUint64(nil, uint64(t)))
	if t != keptPin {
		b.Put(pinTimeText(t, text), nil)
	}
	return nil
}

func (n *Node) isPinned(c cid.Cid) (bool, error) {
	ok, err := n.dstore.DB.Has(pinAtKey(c), nil)
	if err != nil {
		return false, fmt.Errorf("ipfs: check pin %s: %w", c, err)
	}
	return ok, nil
}

// unpin deletes the pin of c, its time index entry and (with remote pinning) wants the remote
// pin gone, in one synced write.
func (n *Node) unpin(ctx context.Context, c cid.Cid) error {
	n.pinMu.Lock()
	defer n.pinMu.Unlock()
	at := pinAtKey(c)
	v, err := n.dstore.DB.Get(at, nil)
	switch {
	case errors.Is(err, goleveldb.ErrNotFound):
		return fmt.Errorf("%w: %s", ErrNotPinned, c)
	case err != nil:
		return fmt.Errorf("ipfs: read pin %s: %w", c, err)
	case len(v) != 8:
		return fmt.Errorf("%w: pin time of %s has %d bytes", ErrCorrupt, c, len(v))
	}
	var b goleveldb.Batch
	b.Delete(pinTimeKey(int64(binary.BigEndian.Uint64(v)), c))
	b.Delete(at)
	if n.remote != nil {
		if err := n.remote.want(withBatch(ctx, &b), c, false); err != nil {
			return err
		}
	}
	if err := n.dstore.commitSynced(&b); err != nil {
		return err
	}
	if n.remote != nil {
		n.remote.poke() // its wake-up above came before the commit
	}
	return nil
}

// pinnedSet returns the multihashes of every pinned block.
func (n *Node) pinnedSet() (map[string]struct{}, error) {
	keep := make(map[string]struct{})
	it := n.dstore.DB.NewIterator(util.BytesPrefix([]byte(pinAtDir)), nil)
	defer it.Release()
	for it.Next() {
		c, err := cid.Decode(string(it.Key()[len(pinAtDir):]))
		if err != nil {
			return nil, fmt.Errorf("%w: pin key %s: %w", ErrCorrupt, it.Key(), err)
		}
		keep[string(c.Hash())] = struct{}{}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("ipfs: gc: list pins: %w", err)
	}
	return keep, nil
}

// pinnedBefore returns the CIDs pinned before cutoff, oldest first.
func (n *Node) pinnedBefore(cutoff time.Time) ([]cid.Cid, error) {
	it := n.dstore.DB.NewIterator(util.BytesPrefix([]byte(pinTimePrefix.String()+"/")), nil)
	defer it.Release()
	var out []cid.Cid
	for it.Next() {
		t, c, err := parsePinTimeKey(ds.RawKey(string(it.Key())))
		if err != nil {
			return nil, err
		}
		if !t.Before(cutoff) {
			break
		}
		out = append(out, c)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("ipfs: list pin times: %w", err)
	}
	return out, nil
}

func parsePinTimeKey(k ds.Key) (time.Time, cid.Cid, error) {
	parts := k.Namespaces()
	if len(parts) != 4 {
		return time.Time{}, cid.Undef, fmt.Errorf("%w: pin time key %s", ErrCorrupt, k)
	}
	nanos, err := strconv.ParseUint(parts[2], 16, 64)
	if err != nil {
		return time.Time{}, cid.Undef, fmt.Errorf("%w: pin time key %s: %w", ErrCorrupt, k, err)
	}
	c, err := cid.Decode(parts[3])
	if err != nil {
		return time.Time{}, cid.Undef, fmt.Errorf("%w: pin time key %s: %w", ErrCorrupt, k, err)
	}
	return time.Unix(0, int64(nanos)), c, nil
}
