package protocol

import (
	"bytes"
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
	sA.Rotate()
	frame, err := sA.SealFrame([]byte("typing on a new chain")) // carries the new chain's wraps
	if err != nil {
		f.Fatal(err)
	}
	f.Add(frame)
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

// FuzzDecodeLinkMessage checks the decoder of device-linking plaintexts (what is left once a frame
// authenticates) and the hello check on whatever it accepts.
func FuzzDecodeLinkMessage(f *testing.F) {
	offer := &LinkMessage{Type: LinkOffer, ChainID: 1, Registry: make([]byte, 20), Account: make([]byte, 20), DeviceID: 2}
	hello, err := NewLinkHello(testDevice(f, SuiteX25519, 1), offer)
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range []*LinkMessage{offer, hello, {Type: LinkData, Data: []byte("x")}, {Type: LinkDone}} {
		b, err := encMode.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeLinkMessage(b)
		if err != nil {
			if !isOneOf(err, decodeErrors...) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if m.Type == LinkHello {
			if _, _, err := VerifyLinkHello(offer, m); err != nil && !isOneOf(err, ErrMalformed, ErrBadSignature) {
				t.Fatalf("unexpected hello error %v", err)
			}
		}
	})
}

// FuzzRoom checks the room message decoder and the link parser.
func FuzzRoom(f *testing.F) {
	r := RoomFromKey([32]byte{1})
	msg, err := r.Seal(bytes.NewReader(make([]byte, 12)), []byte("hi"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msg, r.Link("https://parley.example"))
	f.Fuzz(func(t *testing.T, b []byte, link string) {
		if _, err := r.Open(b); err != nil && !isOneOf(err, append(decodeErrors, ErrDecrypt)...) {
			t.Fatalf("unexpected error %v", err)
		}
		if _, err := ParseRoomLink(link); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("unexpected link error %v", err)
		}
	})
}
