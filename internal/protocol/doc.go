// Package protocol implements the Parley end-to-end encryption protocol specified in
// docs/protocol.md: device keys and their on-chain registration signatures, sender chains wrapped
// with HPKE, signed envelopes with stable CIDs, safety numbers, device linking, encrypted backups and
// anonymous rooms.
//
// Every function that needs randomness or the clock takes an io.Reader or a time value, so the test
// vectors under testdata/protocol are reproducible. Decoders never panic and report failures with the
// sentinel errors of errors.go. A Session guards its state with a mutex and may be used from several
// goroutines; everything else is either immutable or owned by one caller. The package depends only on
// the standard library, go-ethereum/common, fxamacker/cbor, go-cid, go-multihash and x/crypto.
package protocol
