// Package api is Parley's HTTP API: Sign-In with Ethereum, sessions, profiles, interest
// search and the social graph, served by Echo v4.
//
// # Source of truth
//
// api/openapi.yaml defines every route, type and constraint. scripts/generate-api.sh turns it
// into api/gen (oapi-codegen: Echo server interface, models, embedded spec); requests are
// validated against it (kin-openapi) before a handler runs, including bearer authentication.
// The document is served at /v1/openapi.json.
//
// # Lifecycle and concurrency
//
// New builds a Server; its Handler is safe for concurrent use by any number of goroutines.
// Its one piece of mutable state besides caches and limiters is the nonce pool: a mutex-guarded
// batch of stored, not yet issued SIWE nonces, refilled (one INSERT) under the mutex when empty
// or older than 30 s. Run (or Serve) owns one http.Server and one janitor loop that purges expired
// nonces and dead sessions every JanitorInterval; both stop when the context ends, after a
// graceful shutdown of at most ten seconds. Rate limiters are in-memory per instance. The
// gasless-registration relayer holds a mutex across simulation and send, so its key's nonces
// never collide within an instance (give each instance its own relayer key); the ENS resolver
// checks once, under a mutex, whether the chain has a registry. Mail is sent synchronously
// within the request, bounded by a timeout.
//
// # Invariants
//
//   - All state lives in Postgres (internal/store/appdb), so instances are interchangeable.
//   - A SIWE nonce is stored before it is issued, issued once, and consumed in the same
//     statement that creates the session.
//   - A refresh token is stored only as its SHA-256 hash and rotates on every use; presenting a
//     rotated token revokes its session (the token family).
//   - Every access token is checked against its session, so logout and revocation take
//     effect at once.
//   - Errors leave the package only as RFC 9457 problem+json with a stable code; internal
//     detail is logged (once, for 5xx) and never sent.
//
// # Dependencies
//
// api imports internal/* and api/gen only; never indexer or cmd (internal/archtest).
package api
