// Package ipfs is Parley's embedded IPFS node: it stores every encrypted envelope as a raw block
// (CIDv1, raw codec, sha2-256), pins it, serves it through boxo's trustless gateway at /ipfs/{cid},
// and garbage-collects what the operator's retention policy unpinned.
//
// # Storage
//
// One LevelDB datastore (github.com/ipfs/go-ds-leveldb) under Config.Dir holds everything, so a
// block, its pin and its pin time live and die together:
//
//   - /blocks/…        the blockstore (boxo/blockstore), verified against its hash on every read;
//   - /parley/pinat/…  the pins: one record per pinned CID holding its pin time;
//   - /parley/pintime/… the pins ordered by time, for UnpinOlderThan (the history TTL); a kept
//     pin (PutKept: blocks that are not history, such as profile pictures) has no entry here.
//
// A pin is a block's own record, not boxo's dspinner (whose index look-ups cost more than the
// block write): every CID this node pins is a raw block without links. Open migrates a
// datastore pinned by the dspinner, which earlier versions used, into pin records once.
// A PutRaw or PutMany that returned is synced to disk, so it survives a crash of the process or
// the machine.
//
// # Lifecycle
//
// Open creates or reopens the node; Close releases the datastore. Every method
// called after Close returns ErrClosed. The HTTP handler from GatewayHandler fails its requests
// with a server error once the node is closed, so stop the HTTP server first.
//
// # Concurrency
//
// A Node is safe for concurrent use. PutMany (and PutRaw, a batch of one) writes a batch's
// blocks and pins in one atomic LevelDB write, then returns after a synced write (LevelDB
// merges those of concurrent callers into one fsync); pin changes are serialized from the
// look-up of a pin record to its write. PutRaw holds the blockstore's pin lock from storing
// the block until the pin is written, and GC holds the exclusive GC lock while it marks pinned
// blocks and sweeps the rest, so GC never removes a block that a concurrent PutRaw is about to
// pin. Close waits for the calls in flight.
//
// # Remote pinning
//
// When Config.Remote names an IPFS Pinning Service API endpoint, every CID pinned by PutRaw is
// queued (durably, in the same datastore) for a background worker that pins it remotely with
// retries and capped, jittered backoff; RemoteStatus reports the state of each CID.
//
// This package depends only on boxo, go-datastore and the standard library; it knows nothing of
// envelopes beyond their bytes.
package ipfs
