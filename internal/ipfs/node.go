package ipfs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange/offline"
	"github.com/ipfs/boxo/ipld/merkledag"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	leveldb "github.com/ipfs/go-ds-leveldb"
	format "github.com/ipfs/go-ipld-format"
	"github.com/prometheus/client_golang/prometheus"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// DefaultMaxBlockSize is the largest envelope PutRaw accepts unless Config.MaxBlockSize says
// otherwise: 1 MiB, the block size every IPFS implementation exchanges.
const DefaultMaxBlockSize = 1 << 20

var (
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("ipfs: node closed")
	// ErrNotFound is returned when the node does not hold the requested block.
	ErrNotFound = errors.New("ipfs: block not found")
	// ErrNotPinned is returned by Unpin for a CID that is not pinned.
	ErrNotPinned = errors.New("ipfs: not pinned")
	// ErrCorrupt is returned when a stored block does not hash to its CID.
	ErrCorrupt = errors.New("ipfs: stored block does not match its cid")
	// ErrInvalidCID is returned for an undefined CID.
	ErrInvalidCID = errors.New("ipfs: invalid cid")
	// ErrEmpty is returned by PutRaw for empty data.
	ErrEmpty = errors.New("ipfs: empty block")
	// ErrTooLarge is returned by PutRaw for data over Config.MaxBlockSize.
	ErrTooLarge = errors.New("ipfs: block too large")
)

// Config configures a Node.
type Config struct {
	// Dir is the directory of the on-disk datastore; it is created when missing. Required.
	Dir string
	// MaxBlockSize is the largest block PutRaw accepts, in bytes; DefaultMaxBlockSize when 0.
	MaxBlockSize int
	// Now returns the current time, recorded as a CID's pin time; time.Now when nil.
	Now func() time.Time
	// Registerer receives the gateway's metrics; prometheus.DefaultRegisterer when nil.
	Registerer prometheus.Registerer
	// Logger receives the node's logs; slog.Default() with component=ipfs when nil.
	Logger *slog.Logger
	// Remote configures optional remote pinning; off when Remote.Endpoint is empty.
	Remote RemoteConfig
}

// Node is an embedded IPFS node: an on-disk blockstore, pin records and a trustless gateway.
type Node struct {
	cfg     Config
	log     *slog.Logger
	dstore  groupCommitStore
	bstore  blockstore.GCBlockstore
	bserv   blockservice.BlockService
	gateway http.Handler
	remote  *remotePinner // nil when remote pinning is off

	// pinMu serializes changes of pin records, from their look-up to their commit.
	pinMu sync.Mutex

	// mu guards closed: methods hold it for reading while they run, Close for writing.
	mu     sync.RWMutex
	closed bool
}

// Open creates or reopens the node stored under cfg.Dir.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Dir == "" {
		return nil, errors.New("ipfs: config: dir is required")
	}
	if cfg.MaxBlockSize < 0 {
		return nil, fmt.Errorf("ipfs: config: max block size %d is negative", cfg.MaxBlockSize)
	}
	cfg.MaxBlockSize = cmp.Or(cfg.MaxBlockSize, DefaultMaxBlockSize)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Registerer == nil {
		cfg.Registerer = prometheus.DefaultRegisterer
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default().With("component", "ipfs")
	}
	if err := cfg.Remote.validate(); err != nil {
		return nil, err
	}

	// A Bloom filter per table makes the look-ups of absent keys (new pins) cheap; envelopes
	// are encrypted, so compressing them only costs CPU.
	ldb, err := leveldb.NewDatastore(cfg.Dir, &leveldb.Options{Filter: filter.NewBloomFilter(10), Compression: opt.NoCompression})
	if err != nil {
		return nil, fmt.Errorf("ipfs: open datastore %s: %w", cfg.Dir, err)
	}
	dstore := groupCommitStore{ldb}
	// Write-through: PutMany stores its blocks without looking each up first (rewriting a
	// block it holds changes nothing).
	bstore := blockstore.NewGCBlockstore(
		&blockstore.ValidatingBlockstore{Blockstore: blockstore.NewBlockstore(dstore, blockstore.WriteThrough(true))},
		blockstore.NewGCLocker(),
	)
	bserv := blockservice.New(bstore, offline.Exchange(bstore))
	n := &Node{cfg: cfg, log: cfg.Logger, dstore: dstore, bstore: bstore, bserv: bserv}
	if err := n.migrateLegacyPins(ctx); err != nil {
		return nil, errors.Join(err, dstore.Close())
	}
	if n.gateway, err = newGateway(bserv, cfg.Registerer); err != nil {
		return nil, errors.Join(err, dstore.Close())
	}
	if cfg.Remote.Endpoint != "" {
		n.remote = newRemotePinner(cfg.Remote, dstore, cfg.Logger)
	}
	return n, nil
}

// Close stops remote pinning and closes the datastore, after the calls in
// flight have returned. Calling Close again returns nil.
func (n *Node) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	if n.remote != nil {
		n.remote.shutdown()
	}
	return n.dstore.Close()
}

// enter admits a call unless the node is closed; the caller must call the returned function.
func (n *Node) enter() (func(), error) {
	n.mu.RLock()
	if n.closed {
		n.mu.RUnlock()
		return nil, ErrClosed
	}
	return n.mu.RUnlock, nil
}

// MaxBlockSize is the largest block PutRaw and PutMany accept, in bytes.
func (n *Node) MaxBlockSize() int { return n.cfg.MaxBlockSize }

// PutRaw stores data as a raw block (CIDv1, raw codec, sha2-256), pins it and returns its CID.
// Storing the same data again returns the same CID and keeps the first pin time.
func (n *Node) PutRaw(ctx context.Context, data []byte) (cid.Cid, error) {
	return n.putOne(ctx, data, false)
}

// PutKept stores data as PutRaw does with a kept pin: UnpinOlderThan (the history TTL) never
// removes it, only Unpin does. For blocks that are not history, such as profile pictures.
func (n *Node) PutKept(ctx context.Context, data []byte) (cid.Cid, error) {
	return n.putOne(ctx, data, true)
}

// putOne is put of a single block.
func (n *Node) putOne(ctx context.Context, data []byte, kept bool) (cid.Cid, error) {
	cids, err := n.put(ctx, [][]byte{data}, kept)
	if err != nil {
		return cid.Undef, err
	}
	return cids[0], nil
}

// PutMany stores and pins every item as PutRaw does and returns their CIDs in order. The
// blocks and pins of the whole batch go to the datastore in one atomic write, made durable by
// one fsync before PutMany returns. It fails as a whole when any item is empty or too large.
func (n *Node) PutMany(ctx context.Context, data [][]byte) ([]cid.Cid, error) {
	return n.put(ctx, data, false)
}

// put is PutMany, with kept pins when kept is set.
func (n *Node) put(ctx context.Context, data [][]byte, kept bool) ([]cid.Cid, error) {
	for _, d := range data {
		switch {
		case len(d) == 0:
			return nil, ErrEmpty
		case len(d) > n.cfg.MaxBlockSize:
			return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(d), n.cfg.MaxBlockSize)
		}
	}
	leave, err := n.enter()
	if err != nil {
		return nil, err
	}
	defer leave()

	cids := make([]cid.Cid, len(data))
	nodes := make([]*merkledag.RawNode, 0, len(data))
	seen := make(map[cid.Cid]struct{}, len(data))
	for i, d := range data {
		node := merkledag.NewRawNode(d)
		cids[i] = node.Cid()
		if _, dup := seen[cids[i]]; !dup {
			seen[cids[i]] = struct{}{}
			nodes = append(nodes, node)
		}
	}
	unlock := n.bstore.PinLock(ctx)
	defer unlock.Unlock(ctx)
	if err := n.store(ctx, nodes, kept); err != nil {
		return nil, err
	}
	// One synced write makes the batch durable; LevelDB merges those of concurrent callers.
	if err := n.dstore.flush(); err != nil {
		return nil, err
	}
	if n.remote != nil {
		n.remote.poke() // its wake-ups in store came before the flush
	}
	return cids, nil
}

// store writes the blocks and the pins of the new ones (kept pins when kept is set) in one
// atomic batch, not yet synced.
func (n *Node) store(ctx context.Context, nodes []*merkledag.RawNode, kept bool) error {
	n.pinMu.Lock()
	defer n.pinMu.Unlock()
	var batch goleveldb.Batch
	bctx := withBatch(ctx, &batch)
	blks := make([]blocks.Block, len(nodes))
	for i, node := range nodes {
		blks[i] = node
	}
	if err := n.bstore.PutMany(bctx, blks); err != nil {
		return fmt.Errorf("ipfs: store blocks: %w", err)
	}
	pinTime := n.cfg.Now().UnixNano()
	if kept {
		pinTime = keptPin
	}
	for _, node := range nodes {
		c := node.Cid()
		if err := n.pinInto(&batch, c, pinTime); err != nil {
			return err
		}
		if n.remote != nil {
			if err := n.remote.want(bctx, c, true); err != nil {
				return err
			}
		}
	}
	return n.dstore.commit(&batch)
}

// Get returns the block's bytes after checking that they hash to c.
func (n *Node) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	if !c.Defined() {
		return nil, ErrInvalidCID
	}
	leave, err := n.enter()
	if err != nil {
		return nil, err
	}
	defer leave()
	b, err := n.bstore.Get(ctx, c)
	switch {
	case format.IsNotFound(err):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, c)
	case errors.Is(err, blockstore.ErrHashMismatch):
		return nil, fmt.Errorf("%w: %s", ErrCorrupt, c)
	case err != nil:
		return nil, fmt.Errorf("ipfs: get %s: %w", c, err)
	}
	return b.RawData(), nil
}

// Has reports whether the node holds the block c.
func (n *Node) Has(ctx context.Context, c cid.Cid) (bool, error) {
	if !c.Defined() {
		return false, ErrInvalidCID
	}
	leave, err := n.enter()
	if err != nil {
		return false, err
	}
	defer leave()
	ok, err := n.bstore.Has(ctx, c)
	if err != nil {
		return false, fmt.Errorf("ipfs: has %s: %w", c, err)
	}
	return ok, nil
}

// IsPinned reports whether c is pinned, directly or recursively.
func (n *Node) IsPinned(ctx context.Context, c cid.Cid) (bool, error) {
	if !c.Defined() {
		return false, ErrInvalidCID
	}
	leave, err := n.enter()
	if err != nil {
		return false, err
	}
	defer leave()
	return n.isPinned(c)
}

// Unpin removes the pin of c (and its pin time); the block stays until the next GC.
func (n *Node) Unpin(ctx context.Context, c cid.Cid) error {
	if !c.Defined() {
		return ErrInvalidCID
	}
	leave, err := n.enter()
	if err != nil {
		return err
	}
	defer leave()
	return n.unpin(ctx, c)
}

// RemoteStatus returns the remote pinning state of c; its Status is RemoteNone when remote
// pinning is off or c is not tracked.
func (n *Node) RemoteStatus(ctx context.Context, c cid.Cid) (RemoteState, error) {
	if !c.Defined() {
		return RemoteState{}, ErrInvalidCID
	}
	leave, err := n.enter()
	if err != nil {
		return RemoteState{}, err
	}
	defer leave()
	if n.remote == nil {
		return RemoteState{}, nil
	}
	return n.remote.status(ctx, c)
}

// UnpinOlderThan unpins every CID pinned before cutoff, except kept pins (PutKept), and returns
// how many it unpinned; the blocks stay until the next GC.
func (n *Node) UnpinOlderThan(ctx context.Context, cutoff time.Time) (int, error) {
	leave, err := n.enter()
	if err != nil {
		return 0, err
	}
	defer leave()
	expired, err := n.pinnedBefore(cutoff)
	if err != nil {
		return 0, err
	}
	unpinned := 0
	for _, c := range expired {
		switch err := n.unpin(ctx, c); {
		case err == nil:
			unpinned++
		case !errors.Is(err, ErrNotPinned):
			return unpinned, err
		}
	}
	return unpinned, nil
}

// GC deletes every block that no pin keeps and returns how many it deleted. PutRaw calls wait
// while it runs.
func (n *Node) GC(ctx context.Context) (removed int, err error) {
	leave, err := n.enter()
	if err != nil {
		return 0, err
	}
	defer leave()
	start := time.Now()
	unlock := n.bstore.GCLock(ctx)
	defer unlock.Unlock(ctx)

	keep, err := n.pinnedSet()
	if err != nil {
		return 0, err
	}
	keys, err := n.bstore.AllKeysChan(ctx)
	if err != nil {
		return 0, fmt.Errorf("ipfs: gc: list blocks: %w", err)
	}
	for c := range keys {
		if _, ok := keep[string(c.Hash())]; ok {
			continue
		}
		if err := n.bstore.DeleteBlock(ctx, c); err != nil {
			return removed, fmt.Errorf("ipfs: gc: delete %s: %w", c, err)
		}
		removed++
	}
	if err := ctx.Err(); err != nil {
		return removed, fmt.Errorf("ipfs: gc: %w", err)
	}
	n.log.Info("gc done", "removed", removed, "kept", len(keep), "duration", time.Since(start))
	return removed, nil
}

// GatewayHandler returns the trustless gateway (raw blocks and CAR) serving /ipfs/{cid}.
func (n *Node) GatewayHandler() http.Handler {
	return n.gateway
}
