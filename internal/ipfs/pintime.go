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
	dsq "github.com/ipfs/go-datastore/query"
)

var (
	pinAtPrefix   = ds.NewKey("/parley/pinat")
	pinTimePrefix = ds.NewKey("/parley/pintime")
)

// pinTimeKey orders the time index by time: 16 hex digits of the Unix nanoseconds.
func pinTimeKey(t int64, c cid.Cid) ds.Key {
	return pinTimePrefix.ChildString(fmt.Sprintf("%016x", uint64(t))).ChildString(c.String())
}

func (n *Node) recordPinTime(ctx context.Context, c cid.Cid) error {
	at := pinAtPrefix.ChildString(c.String())
	switch ok, err := n.dstore.Has(ctx, at); {
	case err != nil:
		return fmt.Errorf("ipfs: read pin time %s: %w", c, err)
	case ok:
		return nil
	}
	t := n.cfg.Now().UnixNano()
	b, err := n.dstore.Batch(ctx)
	if err != nil {
		return fmt.Errorf("ipfs: record pin time %s: %w", c, err)
	}
	err = errors.Join(
		b.Put(ctx, at, binary.BigEndian.AppendUint64(nil, uint64(t))),
		b.Put(ctx, pinTimeKey(t, c), nil),
	)
	if err == nil {
		err = b.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("ipfs: record pin time %s: %w", c, err)
	}
	return nil
}

func (n *Node) deletePinTime(ctx context.Context, c cid.Cid) error {
	at := pinAtPrefix.ChildString(c.String())
	v, err := n.dstore.Get(ctx, at)
	switch {
	case errors.Is(err, ds.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("ipfs: read pin time %s: %w", c, err)
	case len(v) != 8:
		return fmt.Errorf("%w: pin time of %s has %d bytes", ErrCorrupt, c, len(v))
	}
	b, err := n.dstore.Batch(ctx)
	if err != nil {
		return fmt.Errorf("ipfs: delete pin time %s: %w", c, err)
	}
	err = errors.Join(
		b.Delete(ctx, pinTimeKey(int64(binary.BigEndian.Uint64(v)), c)),
		b.Delete(ctx, at),
	)
	if err == nil {
		err = b.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("ipfs: delete pin time %s: %w", c, err)
	}
	return nil
}

// pinnedBefore returns the CIDs pinned before cutoff, oldest first.
func (n *Node) pinnedBefore(ctx context.Context, cutoff time.Time) ([]cid.Cid, error) {
	res, err := n.dstore.Query(ctx, dsq.Query{
		Prefix:   pinTimePrefix.String(),
		KeysOnly: true,
		Orders:   []dsq.Order{dsq.OrderByKey{}},
	})
	if err != nil {
		return nil, fmt.Errorf("ipfs: list pin times: %w", err)
	}
	defer res.Close()
	var out []cid.Cid
	for r, ok := res.NextSync(); ok; r, ok = res.NextSync() {
		if r.Error != nil {
			return nil, fmt.Errorf("ipfs: list pin times: %w", r.Error)
		}
		t, c, err := parsePinTimeKey(ds.RawKey(r.Key))
		if err != nil {
			return nil, err
		}
		if !t.Before(cutoff) {
			break
		}
		out = append(out, c)
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
