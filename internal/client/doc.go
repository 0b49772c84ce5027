// Package client is Parley's Go client: it signs in with a private key (SIWE) against the
// HTTP API, binds the session to a device, keeps the device's keys on disk encrypted with a
// passphrase, and exchanges end-to-end encrypted messages through the relay.
//
// # Layers
//
//   - API: HTTP calls (nonce, SIWE verify, token refresh before the access token expires,
//     device challenge and proof, device lists, gasless device registration through POST
//     /v1/devices/relayed, safety numbers).
//   - Start: sign in, load the device from the key store or register a new one and wait until
//     the API lists it as confirmed, bind the session, and build a Client dialing /v1/ws whose
//     directory keeps only the API's devices the registry confirms (Registry.Check).
//   - Conn: one relay WebSocket speaking the frames of package wire; its reader goroutine
//     answers Send calls by request id and queues pushes on Incoming.
//   - Client: one protocol.Session per conversation, direct (Send, History) or a group's
//     (SendGroup, GroupHistory; members and epoch from Config.Groups, the API's groups; a send
//     the relay finds stale after a membership change re-reads them and goes out on a new
//     chain, as does a group_epoch notification; an envelope of an unknown conversation is
//     matched against this account's groups);
//     Run keeps a Conn up (pinging it every Config.Heartbeat, giving up a connection silent for
//     two) and reconnects with capped backoff; Send seals and resends the same envelope across
//     reconnects until the relay acks it (a duplicate answer or an internal error is retried
//     with the same bytes, so the same CID); received envelopes are deduplicated by CID,
//     opened, delivered on Received, then acked.
//   - StateFile: the conversations on disk beside the key store (Start uses StorePath +
//     StateSuffix), encrypted with XChaCha20-Poly1305 under an Argon2id key of the key store
//     passphrase derived once per process, replaced atomically after every send and before
//     every ack. It keeps the members, epoch and last Config.HistoryLimit messages (History) of
//     each conversation and, per receiver chain, the chain's first envelope (which carries this
//     device's wrap of the chain key) and the counters already delivered. A restarted client replays those first envelopes into new sessions, so it
//     keeps opening the peers' running chains, and rejects counters delivered before. Sender
//     chains are not saved: a restarted client starts a new chain, as a rotation would, so a
//     stale file can never make it reuse a message key.
//
// # Concurrency
//
// Conn and Client are safe for concurrent use. Client.Run owns the connection; sends of one
// conversation are serialized (per-sender order), receives never wait for a send. Delivery
// is at-least-once from the relay and exactly-once to the caller of Received, also across
// restarts with a StateFile (delivered counters are saved before the ack); a message handed to
// Received but not yet acked when the process dies comes again after the restart.
//
// # Dependencies
//
// internal/protocol, internal/client/wire, go-ethereum, siwe-go, gorilla/websocket. Never api,
// indexer or cmd (tests start the real API as an external test package).
package client
