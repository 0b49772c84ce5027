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
	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	leveldb "github.com/ipfs/go-ds-leveldb"
	format "github.com/ipfs/go-ipld-format"
	"github.com/prometheus/client_golang/prometheus"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
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

// Node is an embedded IPFS node: an on-disk blockstore, a pinner and a trustless gateway.
type Node struct {
	cfg     Config
	log     *slog.Logger
	dstore  groupCommitStore
	bstore  blockstore.GCBlockstore
	bserv   blockservice.BlockService
	pinner  ipfspinner.Pinner
	gateway http.Handler
	remote  *remotePinner // nil when remote pinning is off

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

	ldb, err := leveldb.NewDatastore(cfg.Dir, nil)
	if err != nil {
		return nil, fmt.Errorf("ipfs: open datastore %s: %w", cfg.Dir, err)
	}
	dstore := groupCommitStore{ldb}
	bstore := blockstore.NewGCBlockstore(
		&blockstore.ValidatingBlockstore{Blockstore: blockstore.NewBlockstore(dstore)},
		blockstore.NewGCLocker(),
	)
	bserv := blockservice.New(bstore, offline.Exchange(bstore))
	pinner, err := dspinner.New(ctx, dstore, merkledag.NewDAGService(bserv))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("ipfs: open pinner: %w", err), dstore.Close())
	}
	n := &Node{cfg: cfg, log: cfg.Logger, dstore: dstore, bstore: bstore, bserv: bserv, pinner: pinner}
	if n.gateway, err = newGateway(bserv, cfg.Registerer); err != nil {
		return nil, errors.Join(err, pinner.Close(), dstore.Close())
	}
	if cfg.Remote.Endpoint != "" {
		n.remote = newRemotePinner(cfg.Remote, dstore, cfg.Logger)
	}
	return n, nil
}

// Close stops remote pinning and closes the pinner and the datastore, after the calls in
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
	return errors.Join(n.pinner.Close(), n.dstore.Close())
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
	cids, err := n.PutMany(ctx, [][]byte{data})
	if err != nil {
		return cid.Undef, err
	}
	return cids[0], nil
}

// PutMany stores and pins every item as PutRaw does and returns their CIDs in order. The
// blocks, pins and pin times of the whole batch go to the datastore in one atomic, synced
// write, so a batch costs one fsync. It fails as a whole when any item is empty or too large.
func (n *Node) PutMany(ctx context.Context, data [][]byte) ([]cid.Cid, error) {
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

	// Blocks, pin times and pins go to one batch, written atomically with one synced write.
	// PinWithMode does not read the block back (a raw block has no links to fetch). Pinned
	// items are not looked up first: the pinner checks each pin anyway and replaces an
	// existing one, and recordPinTime keeps the first pin time.
	var batch goleveldb.Batch
	bctx := withBatch(ctx, &batch)
	blks := make([]blocks.Block, len(nodes))
	for i, node := range nodes {
		blks[i] = node
	}
	if err := n.bstore.PutMany(bctx, blks); err != nil {
		return nil, fmt.Errorf("ipfs: store blocks: %w", err)
	}
	for _, node := range nodes {
		c := node.Cid()
		if err := n.recordPinTime(bctx, c); err != nil {
			return nil, err
		}
		if err := n.pinner.PinWithMode(bctx, c, ipfspinner.Recursive, ""); err != nil {
			return nil, fmt.Errorf("ipfs: pin %s: %w", c, err)
		}
		if n.remote != nil {
			if err := n.remote.want(bctx, c, true); err != nil {
				return nil, err
			}
		}
	}
	if err := n.dstore.commitSynced(&batch); err != nil {
		return nil, err
	}
	if n.remote != nil {
		n.remote.poke() // its wake-ups above came before the commit
	}
	return cids, nil
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
	_, pinned, err := n.pinner.IsPinned(ctx, c)
	if err != nil {
		return false, fmt.Errorf("ipfs: check pin %s: %w", c, err)
	}
	return pinned, nil
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

func (n *Node) unpin(ctx context.Context, c cid.Cid) error {
	err := n.pinner.Unpin(ctx, c, true)
	if errors.Is(err, ipfspinner.ErrNotPinned) {
		err = fmt.Errorf("%w: %s", ErrNotPinned, c)
	} else if err != nil {
		err = fmt.Errorf("ipfs: unpin %s: %w", c, err)
	}
	// The pin time goes last, and also when there was no pin: see PutRaw.
	err = errors.Join(err, n.deletePinTime(ctx, c))
	if n.remote != nil && err == nil {
		err = n.remote.want(ctx, c, false)
	}
	if err == nil {
		err = n.dstore.flush()
	}
	return err
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

// UnpinOlderThan unpins every CID pinned before cutoff and returns how many it unpinned; the
// blocks stay until the next GC.
func (n *Node) UnpinOlderThan(ctx context.Context, cutoff time.Time) (int, error) {
	leave, err := n.enter()
	if err != nil {
		return 0, err
	}
	defer leave()
	expired, err := n.pinnedBefore(ctx, cutoff)
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

	keep, err := n.pinnedSet(ctx)
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

// pinnedSet returns the multihashes of every block a pin keeps: direct pins, recursive pins
// with their descendants, and the pinner's internal pins.
func (n *Node) pinnedSet(ctx context.Context) (map[string]struct{}, error) {
	keep := make(map[string]struct{})
	visit := func(c cid.Cid) bool {
		k := string(c.Hash())
		if _, seen := keep[k]; seen {
			return false
		}
		keep[k] = struct{}{}
		return true
	}
	getLinks := merkledag.GetLinksWithDAG(merkledag.NewDAGService(n.bserv))
	for sp := range n.pinner.RecursiveKeys(ctx, false) {
		if sp.Err != nil {
			return nil, fmt.Errorf("ipfs: gc: list recursive pins: %w", sp.Err)
		}
		c := sp.Pin.Key
		if c.Type() == cid.Raw { // a raw block has no links
			visit(c)
			continue
		}
		if err := merkledag.Walk(ctx, getLinks, c, visit); err != nil {
			return nil, fmt.Errorf("ipfs: gc: walk %s: %w", c, err)
		}
	}
	for _, list := range []<-chan ipfspinner.StreamedPin{
		n.pinner.DirectKeys(ctx, false), n.pinner.InternalPins(ctx, false),
	} {
		for sp := range list {
			if sp.Err != nil {
				return nil, fmt.Errorf("ipfs: gc: list pins: %w", sp.Err)
			}
			visit(sp.Pin.Key)
		}
	}
	return keep, nil
}

// GatewayHandler returns the trustless gateway (raw blocks and CAR) serving /ipfs/{cid}.
func (n *Node) GatewayHandler() http.Handler {
	return n.gateway
}
