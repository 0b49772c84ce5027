package protocol

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/fxamacker/cbor/v2"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// Envelope versions and kinds (docs/protocol.md §5).
const (
	// Version is the only envelope version this implementation speaks.
	Version = 1
	// KindMessage is a stored, hash-linked conversation message.
	KindMessage = 1
	// KindFrame is an ephemeral frame (typing, read receipt): relayed, never stored or pinned.
	KindFrame = 2
)

// Size limits (docs/protocol.md §5.4).
const (
	// MaxEnvelopeSize bounds an encoded envelope: MaxWraps X-Wing wraps (about 1.2 MiB) plus a maximal
	// message fit.
	MaxEnvelopeSize = 1536 << 10
	// MaxPlaintextSize bounds the plaintext of a message.
	MaxPlaintextSize = 64 << 10
	// MaxFramePlaintextSize bounds the plaintext of an ephemeral frame.
	MaxFramePlaintextSize = 1 << 10
	// MaxPrev bounds the prev links of an envelope.
	MaxPrev = 8
	// MaxWraps bounds the key wraps of an envelope (recipient devices of one chain).
	MaxWraps = 1024
	// maxCIDSize bounds one prev link (a CIDv1 sha2-256 is 36 bytes).
	maxCIDSize = 64
)

const (
	envelopeSigDomain = "parley/envelope/v1"
	messageAADDomain  = "parley/message/v1"
	conversationIDLen = 32
	chainIDLen        = 16
	frameNonceLen     = 12
	aeadOverhead      = 16
)

// Envelope is the decoded form of the wire envelope. Field numbers are the CBOR map keys.
type Envelope struct {
	// Version is the envelope format version.
	Version uint64 `cbor:"1,keyasint"`
	// Kind is KindMessage or KindFrame.
	Kind uint64 `cbor:"2,keyasint"`
	// Conversation is the 32-byte conversation id.
	Conversation []byte `cbor:"3,keyasint"`
	// Epoch is the membership epoch the sender chain was created in.
	Epoch uint64 `cbor:"4,keyasint"`
	// Sender is the sender's account address (20 bytes).
	Sender []byte `cbor:"5,keyasint"`
	// Device is the sender's device id.
	Device uint32 `cbor:"6,keyasint"`
	// Chain is the 16-byte sender chain id.
	Chain []byte `cbor:"7,keyasint"`
	// Counter is the message index in the chain (0 for frames).
	Counter uint32 `cbor:"8,keyasint"`
	// Nonce is the 12-byte AEAD nonce of a frame; absent for messages.
	Nonce []byte `cbor:"9,keyasint,omitempty"`
	// Prev holds binary CIDs of envelopes the sender had seen and not yet linked.
	Prev [][]byte `cbor:"10,keyasint,omitempty"`
	// Wraps carries the chain key wrapped to each recipient device; only on counter 0 (the chain's first
	// message and the frames sent before it).
	Wraps []Wrap `cbor:"11,keyasint,omitempty"`
	// Ciphertext is the AEAD ciphertext with its 16-byte tag.
	Ciphertext []byte `cbor:"12,keyasint"`
	// Signature is the sender device's Ed25519 signature over the rest.
	Signature []byte `cbor:"13,keyasint,omitempty"`
}

// Wrap is the chain key sealed with HPKE to one recipient device.
type Wrap struct {
	// Account is the recipient's account address (20 bytes).
	Account []byte `cbor:"1,keyasint"`
	// Device is the recipient's device id.
	Device uint32 `cbor:"2,keyasint"`
	// Suite is the recipient's key suite, which fixes the HPKE KEM.
	Suite uint8 `cbor:"3,keyasint"`
	// Sealed is the HPKE encapsulated key followed by the sealed chain key.
	Sealed []byte `cbor:"4,keyasint"`
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   4,
		MaxArrayElements:  MaxWraps,
		MaxMapPairs:       16,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// sealedSize is the size of Wrap.Sealed for a suite: HPKE enc plus the 32-byte chain key and tag.
func sealedSize(s Suite) int {
	if s == SuiteXWing {
		return 1120 + 32 + aeadOverhead
	}
	return 32 + 32 + aeadOverhead
}

// DecodeEnvelope parses and structurally validates an envelope without any key: canonical
// deterministic CBOR, field sizes, limits and version. It never panics.
func DecodeEnvelope(b []byte) (*Envelope, error) {
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("envelope of %d bytes: %w", len(b), ErrOversize)
	}
	var e Envelope
	if err := decodeCanonical("envelope", b, &e); err != nil {
		return nil, err
	}
	if err := e.validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

// decodeCanonical decodes b into v and rejects it unless re-encoding v reproduces b exactly
// (Core Deterministic Encoding, docs/protocol.md §5.2), so every accepted value has one encoding.
func decodeCanonical(what string, b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w: %w", what, ErrMalformed, err)
	}
	canon, err := encMode.Marshal(v)
	if err != nil {
		return fmt.Errorf("re-encode %s: %w: %w", what, ErrMalformed, err)
	}
	if !bytes.Equal(canon, b) {
		return fmt.Errorf("%s is not in deterministic encoding: %w", what, ErrMalformed)
	}
	return nil
}

func (e *Envelope) validate() error {
	if e.Version != Version {
		return fmt.Errorf("envelope version %d: %w", e.Version, ErrUnsupportedVersion)
	}
	malformed := func(what string, args ...any) error {
		return fmt.Errorf("envelope "+what+": %w", append(args, ErrMalformed)...)
	}
	switch {
	case len(e.Conversation) != conversationIDLen:
		return malformed("conversation id of %d bytes", len(e.Conversation))
	case len(e.Sender) != common.AddressLength:
		return malformed("sender of %d bytes", len(e.Sender))
	case e.Device == 0:
		return malformed("device id 0")
	case len(e.Chain) != chainIDLen:
		return malformed("chain id of %d bytes", len(e.Chain))
	case len(e.Signature) != SignatureSize:
		return malformed("signature of %d bytes", len(e.Signature))
	case len(e.Prev) > MaxPrev:
		return fmt.Errorf("%d prev links: %w", len(e.Prev), ErrOversize)
	}
	for _, p := range e.Prev {
		if len(p) > maxCIDSize {
			return malformed("prev link of %d bytes", len(p))
		}
		if _, err := cid.Cast(p); err != nil {
			return malformed("prev link: %v", err)
		}
	}
	switch e.Kind {
	case KindMessage:
		if e.Nonce != nil {
			return malformed("message with a nonce")
		}
		if len(e.Ciphertext) < aeadOverhead || len(e.Ciphertext) > MaxPlaintextSize+aeadOverhead {
			return fmt.Errorf("message ciphertext of %d bytes: %w", len(e.Ciphertext), ErrOversize)
		}
		if len(e.Wraps) > 0 && e.Counter != 0 {
			return malformed("key wraps on counter %d", e.Counter)
		}
	case KindFrame:
		if len(e.Nonce) != frameNonceLen || e.Counter != 0 || e.Prev != nil {
			return malformed("frame with a counter, prev links or a bad nonce")
		}
		if len(e.Ciphertext) < aeadOverhead || len(e.Ciphertext) > MaxFramePlaintextSize+aeadOverhead {
			return fmt.Errorf("frame ciphertext of %d bytes: %w", len(e.Ciphertext), ErrOversize)
		}
	default:
		return malformed("kind %d", e.Kind)
	}
	for _, w := range e.Wraps {
		s := Suite(w.Suite)
		if err := s.check(); err != nil {
			return err
		}
		if len(w.Account) != common.AddressLength || w.Device == 0 || len(w.Sealed) != sealedSize(s) {
			return malformed("key wrap for device %d", w.Device)
		}
	}
	return nil
}

// Encode returns the deterministic CBOR encoding of the envelope.
func (e *Envelope) Encode() ([]byte, error) {
	b, err := encMode.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	return b, nil
}

// SignedBytes returns the bytes the sender device signs: "parley/envelope/v1" followed by the
// deterministic CBOR of the envelope without its signature (key 13).
func (e *Envelope) SignedBytes() ([]byte, error) {
	unsigned := *e
	unsigned.Signature = nil
	b, err := encMode.Marshal(&unsigned)
	if err != nil {
		return nil, fmt.Errorf("encode unsigned envelope: %w", err)
	}
	return append([]byte(envelopeSigDomain), b...), nil
}

// VerifySignature checks the sender device signature with its registered Ed25519 key.
func (e *Envelope) VerifySignature(signingKey [32]byte) error {
	msg, err := e.SignedBytes()
	if err != nil {
		return err
	}
	return verify(signingKey, msg, e.Signature)
}

// SenderAccount returns the sender's account address.
func (e *Envelope) SenderAccount() common.Address { return common.BytesToAddress(e.Sender) }

// aad returns the associated data of the envelope's AEAD (docs/protocol.md §4.3): fixed-width header fields.
func (e *Envelope) aad() []byte {
	b := make([]byte, 0, len(messageAADDomain)+2+conversationIDLen+8+20+4+chainIDLen+4)
	b = append(b, messageAADDomain...)
	b = append(b, byte(e.Version), byte(e.Kind))
	b = append(b, e.Conversation...)
	b = binary.BigEndian.AppendUint64(b, e.Epoch)
	b = append(b, e.Sender...)
	b = binary.BigEndian.AppendUint32(b, e.Device)
	b = append(b, e.Chain...)
	return binary.BigEndian.AppendUint32(b, e.Counter)
}

// EnvelopeCID returns the CID of an encoded envelope: CIDv1, raw codec, sha2-256.
func EnvelopeCID(encoded []byte) cid.Cid {
	h, err := multihash.Sum(encoded, multihash.SHA2_256, -1)
	if err != nil {
		panic(err) // sha2-256 is always registered; a failure is a programming error
	}
	return cid.NewCidV1(cid.Raw, h)
}
