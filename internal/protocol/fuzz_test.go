package protocol

import (
	"errors"
	"testing"
	"time"
)

// decodeErrors are the only errors the decoders may return.
var decodeErrors = []error{ErrMalformed, ErrOversize, ErrUnsupportedVersion, ErrUnsupportedSuite}

func isOneOf(err error, sentinels ...error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzDecodeEnvelope checks that the relay's decoder never panics, reports only its sentinels, and
// accepts only canonical encodings (re-encoding an accepted envelope reproduces the input).
func FuzzDecodeEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := DecodeEnvelope(b)
		if err != nil {
			if !isOneOf(err, decodeErrors...) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		out, err := env.Encode()
		if err != nil || string(out) != string(b) {
			t.Fatalf("accepted a non-canonical envelope")
		}
		_ = env.VerifySignature([32]byte{1})
	})
}

// FuzzSessionOpen feeds arbitrary bytes to a recipient session that has opened a valid chain.
func FuzzSessionOpen(f *testing.F) {
	alice, bob := newParty(f, SuiteX25519, 0xa, 1), newParty(f, SuiteX25519, 0xb, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{7}
	sA := newTestSession(f, conv, alice, []party{alice, bob}, clk, nil)
	first := mustSeal(f, sA, "first")
	f.Add(mustSeal(f, sA, "second"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sB := newTestSession(t, conv, bob, []party{alice, bob}, clk, nil)
		if _, err := sB.Open(first); err != nil {
			t.Fatal(err)
		}
		if _, err := sB.Open(b); err != nil && !isOneOf(err, append(decodeErrors, ErrBadSignature, ErrDuplicate,
			ErrUnknownChain, ErrUnknownSender, ErrWrongConversation, ErrNotRecipient, ErrDowngrade, ErrStaleKey,
			ErrTooManySkipped, ErrDecrypt)...) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzParseBackup checks the backup header decoder (key derivation is left out: its cost is bounded by
// the parameter limits, not by the fuzzer).
func FuzzParseBackup(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseBackup(b); err != nil && !isOneOf(err, decodeErrors...) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
