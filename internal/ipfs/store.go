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
// callers into one fsync; syncing each write, as go-ds-leveldb does, made a put ten times
// slower. LevelDB's journal is append-only, so after a power loss the store holds a prefix of
// the writes.
//
// A context made by withBatch collects the writes made with it (Put, Delete and Batch) in one
// LevelDB batch instead, which commit writes atomically with one synced journal write: PutMany
// pins a whole batch of blocks that way. Reads never see a pending batch.
type groupCommitStore struct {
	*leveldb.Datastore
}

var _ ds.Batching = groupCommitStore{}

type batchKey struct{}

// withBatch returns a context whose writes go to b until b is committed.
func withBatch(ctx context.Context, b *goleveldb.Batch) context.Context {
	return context.WithValue(ctx, batchKey{}, b)
}

func batchOf(ctx context.Context) *goleveldb.Batch {
	b, _ := ctx.Value(batchKey{}).(*goleveldb.Batch)
	return b
}

// Put stores a value without waiting for the disk, or adds it to the context's batch.
func (s groupCommitStore) Put(ctx context.Context, k ds.Key, v []byte) error {
	if b := batchOf(ctx); b != nil {
		b.Put(k.Bytes(), v)
		return nil
	}
	return s.DB.Put(k.Bytes(), v, noSync)
}

// Delete removes a key without waiting for the disk, or adds the deletion to the context's batch.
func (s groupCommitStore) Delete(ctx context.Context, k ds.Key) error {
	if b := batchOf(ctx); b != nil {
		b.Delete(k.Bytes())
		return nil
	}
	return s.DB.Delete(k.Bytes(), noSync)
}

// Sync does nothing: flush and commitSynced are the durability points of an operation (the
// legacy pinner calls Sync after every change).
func (s groupCommitStore) Sync(context.Context, ds.Key) error { return nil }

// Batch returns a batch committed without waiting for the disk, or one that adds to the
// context's batch.
func (s groupCommitStore) Batch(ctx context.Context) (ds.Batch, error) {
	if b := batchOf(ctx); b != nil {
		return &groupCommitBatch{store: s, shared: b}, nil
	}
	return &groupCommitBatch{store: s}, nil
}

// flush makes every write before it durable.
func (s groupCommitStore) flush() error {
	if err := s.DB.Put(syncKey, nil, doSync); err != nil {
		return fmt.Errorf("ipfs: sync datastore: %w", err)
	}
	return nil
}

// commit writes b atomically without waiting for the disk.
func (s groupCommitStore) commit(b *goleveldb.Batch) error {
	if err := s.DB.Write(b, noSync); err != nil {
		return fmt.Errorf("ipfs: commit batch: %w", err)
	}
	return nil
}

// commitSynced writes b atomically and makes it and every write before it durable.
func (s groupCommitStore) commitSynced(b *goleveldb.Batch) error {
	b.Put(syncKey, nil)
	if err := s.DB.Write(b, doSync); err != nil {
		return fmt.Errorf("ipfs: commit batch: %w", err)
	}
	return nil
}

type groupCommitBatch struct {
	store  groupCommitStore
	b      goleveldb.Batch
	shared *goleveldb.Batch // the context's batch, committed by its owner
}

func (b *groupCommitBatch) target() *goleveldb.Batch {
	if b.shared != nil {
		return b.shared
	}
	return &b.b
}

func (b *groupCommitBatch) Put(_ context.Context, k ds.Key, v []byte) error {
	b.target().Put(k.Bytes(), v)
	return nil
}

func (b *groupCommitBatch) Delete(_ context.Context, k ds.Key) error {
	b.target().Delete(k.Bytes())
	return nil
}

func (b *groupCommitBatch) Commit(context.Context) error {
	if b.shared != nil {
		return nil
	}
	return b.store.DB.Write(&b.b, noSync)
}
