// Package relay is Parley's WebSocket relay: durable, at-least-once delivery of encrypted
// envelopes between registered devices, ephemeral frames (typing, read receipts) and anonymous
// rooms. The frames it speaks are defined in internal/client/wire: JSON text messages, or CBOR
// binary messages on a device socket whose client offered the wire.SubprotocolCBOR
// subprotocol (the Go client does; the browser speaks JSON).
//
// # Routes
//
//   - GET /v1/ws: one socket per device. Deps.Authenticate must return a Principal whose session
//     is bound to a device (the API's device challenge, a device-key signature over a server
//     nonce). Browsers must come from Config.AllowedOrigins. A device the registry revoked is
//     closed before its hello, even while its session lives; so is a socket whose session
//     ended after Authenticate checked it.
//   - GET /v1/rooms/{id}/ws: no login; frames go to the room's other sockets, nothing is stored.
//     The room's member cap counts its sockets on every instance: a socket takes a slot in
//     relay_room_members before its upgrade, counted under the room's row lock so that
//     concurrent joins on any instance see each other, and frees it when it leaves. Each
//     instance renews its slots' leases every third of Config.RoomLease and closes a socket
//     whose lease lapsed; the slots of an instance that died (kill -9) stop counting when their
//     lease lapses and the janitor deletes them. No lease outlasts its room.
//
// # Delivery
//
// A frame addresses a direct conversation (Peer) or a group's (Group: the members the API keeps
// in groups and group_members; the envelope's epoch must be the group's, an older one is
// refused as stale_epoch, so every membership change moves senders onto new chains that leave
// removed members out). A send is checked (protocol.DecodeEnvelope, sender = the socket's device, membership, the
// device signature against the registry's signing key, verified as crypto/ed25519 does with
// the key expanded once (curve25519-voi), recipient devices = the members'
// registered unrevoked devices minus the sender; the members' devices and blocks come from a
// cache that triggers on the registry and blocks tables invalidate through NOTIFY, used only
// while the listener is connected), up to SendPipeline sends of a socket at once,
// and handed to the commit pipeline in the order the socket read them. The pipeline group-
// commits the sends of every socket: pinStage takes up to CommitBatch sends (waiting at most
// CommitDelay after the first) and stores and pins their blocks with one synced blockstore
// write (ipfs.PutMany); commitStage then stores the batch in one transaction of two
// pipelined round trips on a connection it keeps: the envelopes not accepted before and the
// next sequence numbers of every recipient device (relay_devices, whose row lock orders
// commits per device; a duplicate among them rolls the transaction back, which is redone
// without it), then one pending row each, the trim of rows beyond the per-device cap, one
// pg_notify for the other instances and the commit. Only then are the senders acked with
// the CID. An orphan block is harmless; a row without its block cannot happen. Batches commit in order, so each sender's order holds for
// every recipient. The committed rows go straight to the recipients' sockets on this instance
// (deviceConn.offer); each socket's pump pushes them when they continue its cursor and reads
// the queue in pages otherwise, at most MaxInflight unacknowledged. A row is deleted only when
// the device acks it: ack frames free the window at once and the acker deletes the rows of
// all sockets in batches. A new socket drains from the start of the queue, so anything pushed
// but not deleted before is pushed again: clients deduplicate by CID. Replays of an accepted
// envelope (same CID) are rejected as duplicates and store nothing.
//
// # Events
//
// Ephemeral frames are checked like messages (minus the recipient list) and go to the members'
// online devices through a notification; nothing is stored. Rows the API adds to its
// notifications table (announced on parley_notifications) are pushed to the account's open
// sockets from the newest id at connect time; the backlog is the API's to serve. The indexer's
// notifications (parley_chain) of this chain go to the account's sockets as chain frames (tips,
// device changes, with finality), and a revoked device's socket is closed. A trigger on the
// API's sessions table announces a session revoked (logout, a refresh token's reuse, "revoke my
// session") or deleted on parley_session_ended, and the session's socket is closed ("session
// revoked"); the device may connect again with a new session.
//
// # Lifecycle
//
// New validates Config and Deps. Handler may serve as soon as New returns; sends and acks wait
// for Run, which runs the commit pipeline (pinStage, commitStage, acker). Run LISTENs for
// notifications on a dedicated connection (reconnecting with backoff; after each reconnect it
// closes the sockets of devices and sessions revoked meanwhile and wakes every local socket),
// runs the cursor poll (the fallback for lost notifications), the room lease renewal and the
// janitor (TTL, lapsed room slots), until its context ends; then it closes every socket, waits for their
// handlers and returns. Sockets opened after that get 503.
//
// # Concurrency
//
// An idle socket costs one goroutine, its reader (a device socket's reader is started by the
// handler, which returns so that the HTTP server's goroutine and buffers go away), and no
// buffers, timers or queues: a writer goroutine runs only while frames are queued, a device's
// pump goroutine only while it has rows or notifications to push, and a commit goroutine
// (handing the socket's checked sends to the pipeline in order) from its first send. One
// scheduler pings every socket each PingInterval through its queue, a thirtieth of the sockets
// at a time; the read deadline closes a silent peer. A device that cannot send WebSocket pings
// (a browser) probes with a ping frame, answered by a pong frame. The relay has one pinStage, one commitStage and one acker. Outgoing frames
// go through a bounded
// queue; a socket whose queue is full is a slow consumer and is closed, never buffered
// further (ephemeral frames are dropped once a quarter of it waits, so a peer's flood of
// them cannot close a socket). Relay.mu guards the socket maps only; no lock is held across I/O. Several
// instances share one Postgres: wake-ups, ephemeral frames, room frames and "device connected
// again" kicks travel as notifications to every instance.
//
// # Invariants
//
//   - The relay never sees plaintext and stores only encoded envelopes (ciphertext).
//   - Per recipient device, sequence numbers commit in increasing order, so the pump's cursor
//     never skips a row.
//   - Ephemeral and room frames are never written to a table or the blockstore.
//
// # Dependencies
//
// internal/protocol, internal/ipfs, internal/store/relaydb, internal/client/wire, pgx/v5,
// gorilla/websocket. Never package api (which mounts this one).
package relay
