// Package client is Parley's Go client: it signs in with a private key (SIWE) against the
// HTTP API, binds the session to a device, keeps the device's keys on disk encrypted with a
// passphrase, and exchanges end-to-end encrypted messages through the relay.
//
// # Layers
//
//   - API: HTTP calls (nonce, SIWE verify, device challenge and proof, device lists, gasless
//     device registration through POST /v1/devices/relayed, safety numbers).
//   - Start: sign in, load the device from the key store or register a new one and wait until
//     the API lists it as confirmed, bind the session, and build a Client dialing /v1/ws.
//   - Conn: one relay WebSocket speaking the frames of package wire; its reader goroutine
//     answers Send calls by request id and queues pushes on Incoming.
//   - Client: one protocol.Session per direct conversation; Run keeps a Conn up and
//     reconnects with capped backoff; Send seals and resends the same envelope across
//     reconnects until the relay acks it (a duplicate answer counts as acked); received
//     envelopes are deduplicated by CID, opened, delivered on Received, then acked.
//
// # Concurrency
//
// Conn and Client are safe for concurrent use. Client.Run owns the connection; sends of one
// conversation are serialized (per-sender order), receives never wait for a send. Delivery
// is at-least-once from the relay and exactly-once to the caller of Received within one
// Client's lifetime (the seen set is in memory).
//
// # Dependencies
//
// internal/protocol, internal/client/wire, go-ethereum, siwe-go, gorilla/websocket. Never api,
// indexer or cmd (tests start the real API as an external test package).
package client
