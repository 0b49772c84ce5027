package ipfs

import (
	"context"
	"fmt"

	ds "github.com/ipfs/go-datastore"
	leveldb "github.com/ipfs/go-ds-leveldb"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

var (
	noSync  = &opt.WriteOptions{Sync: false}
	doSync  = &opt.WriteOptions{Sync: true}
	syncKey = ds.NewKey("/parley/synced").Bytes()
)

// groupCommitStore is go-ds-leveldb's datastore with writes that reach the operating system
// (so they survive a crash of the process) but not the disk: flush makes every earlier write
// durable with one synced journal write, and LevelDB merges the synced writes of concurrent
// callers into one fsync. A PutRaw does five or six writes through the pinner; syncing each,
// as go-ds-leveldb does, made it ten times slower. LevelDB's journal is append-only, so after a
// power loss the store holds a prefix of the writes, which the pinner's dirty flag and the
// pin-time order in PutRaw are built to survive.
type groupCommitStore struct {
	*leveldb.Datastore
}

var _ ds.Batching = groupCommitStore{}

// Put stores a value without waiting for the disk.
func (s groupCommitStore) Put(_ context.Context, k ds.Key, v []byte) error {
	return s.DB.Put(k.Bytes(), v, noSync)
}

// Delete removes a key without waiting for the disk.
func (s groupCommitStore) Delete(_ context.Context, k ds.Key) error {
	return s.DB.Delete(k.Bytes(), noSync)
}

// Sync does nothing: the pinner calls it after every change, and flush is the one durability
// point of an operation.
func (s groupCommitStore) Sync(context.Context, ds.Key) error { return nil }

// Batch returns a batch committed without waiting for the disk.
func (s groupCommitStore) Batch(context.Context) (ds.Batch, error) {
	return &groupCommitBatch{store: s}, nil
}

// flush makes every write before it durable.
func (s groupCommitStore) flush() error {
	if err := s.DB.Put(syncKey, nil, doSync); err != nil {
		return fmt.Errorf("ipfs: sync datastore: %w", err)
	}
	return nil
}

type groupCommitBatch struct {
	store groupCommitStore
	b     goleveldb.Batch
}

func (b *groupCommitBatch) Put(_ context.Context, k ds.Key, v []byte) error {
	b.b.Put(k.Bytes(), v)
	return nil
}

func (b *groupCommitBatch) Delete(_ context.Context, k ds.Key) error {
	b.b.Delete(k.Bytes())
	return nil
}

func (b *groupCommitBatch) Commit(context.Context) error {
	return b.store.DB.Write(&b.b, noSync)
}
