package ipfs

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/ipfs/boxo/ipld/merkledag"
	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	"github.com/ipfs/go-cid"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// legacyPinsPrefix holds the keys of boxo's dspinner, which kept the pins before pin records.
var legacyPinsPrefix = []byte("/pins/")

// migrateLegacyPins turns a datastore pinned by boxo's dspinner into pin records, in one synced
// write: every dspinner pin (this package only ever pinned raw blocks) gets a pin record with
// the pin time recorded beside it (now when there is none), a pin time without a dspinner pin
// (left by a crash inside an earlier unpin) is dropped, and the dspinner's keys are deleted.
func (n *Node) migrateLegacyPins(ctx context.Context) error {
	keys, err := n.keysWithPrefix(legacyPinsPrefix)
	if err != nil || len(keys) == 0 {
		return err
	}
	pinner, err := dspinner.New(ctx, n.dstore, merkledag.NewDAGService(n.bserv))
	if err != nil {
		return fmt.Errorf("ipfs: open legacy pinner: %w", err)
	}
	pinned := map[string]cid.Cid{}
	for _, list := range []<-chan ipfspinner.StreamedPin{pinner.RecursiveKeys(ctx, false), pinner.DirectKeys(ctx, false)} {
		for sp := range list {
			if sp.Err != nil {
				err = fmt.Errorf("ipfs: list legacy pins: %w", sp.Err)
				continue
			}
			pinned[sp.Pin.Key.String()] = sp.Pin.Key
		}
	}
	if cerr := pinner.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("ipfs: close legacy pinner: %w", cerr)
	}
	if err != nil {
		return err
	}
	var b goleveldb.Batch
	if err := n.dropPinTimesExcept(&b, pinned); err != nil {
		return err
	}
	now := n.cfg.Now().UnixNano()
	for _, c := range pinned {
		if err := n.pinInto(&b, c, now); err != nil {
			return err
		}
	}
	for _, k := range keys {
		b.Delete(k)
	}
	if err := n.dstore.commitSynced(&b); err != nil {
		return err
	}
	n.log.Info("migrated dspinner pins to pin records", "pins", len(pinned))
	return nil
}

// dropPinTimesExcept adds to b the deletion of every pin record whose CID is not in keep.
func (n *Node) dropPinTimesExcept(b *goleveldb.Batch, keep map[string]cid.Cid) error {
	it := n.dstore.DB.NewIterator(util.BytesPrefix([]byte(pinAtDir)), nil)
	defer it.Release()
	for it.Next() {
		s := string(it.Key()[len(pinAtDir):])
		if _, ok := keep[s]; ok {
			continue
		}
		c, err := cid.Decode(s)
		if err != nil || len(it.Value()) != 8 {
			return fmt.Errorf("%w: pin record %s", ErrCorrupt, it.Key())
		}
		b.Delete(pinTimeKey(int64(binary.BigEndian.Uint64(it.Value())), c))
		b.Delete(it.Key())
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("ipfs: list pin records: %w", err)
	}
	return nil
}

// keysWithPrefix returns the datastore's keys that start with prefix.
func (n *Node) keysWithPrefix(prefix []byte) ([][]byte, error) {
	it := n.dstore.DB.NewIterator(util.BytesPrefix(prefix), nil)
	defer it.Release()
	var keys [][]byte
	for it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("ipfs: list %s: %w", prefix, err)
	}
	return keys, nil
}
