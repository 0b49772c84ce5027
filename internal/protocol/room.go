package protocol

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Anonymous-room constants (docs/protocol.md §10).
const (
	// RoomVersion is the only room message version this implementation speaks.
	RoomVersion = 1
	// MaxRoomMessageSize bounds an encoded room message (64 KiB plaintext plus framing).
	MaxRoomMessageSize = MaxPlaintextSize + 64

	roomIDDomain = "parley/room-id/v1"
	roomDomain   = "parley/room/v1"
	roomIDLen    = 16
	roomPathPart = "/r/"
	roomFragment = "k="
)

// Room is an anonymous room: everyone holding its key (the link's fragment) reads and writes. It is
// immutable and safe for concurrent use.
type Room struct {
	key  [32]byte
	id   [roomIDLen]byte
	aead cipher.AEAD
}

// RoomMessage is the wire form of a room message; the relay may decode it to check its shape.
type RoomMessage struct {
	// Version is RoomVersion.
	Version uint64 `cbor:"1,keyasint"`
	// Nonce is the 12 random bytes of the ChaCha20-Poly1305 nonce.
	Nonce []byte `cbor:"2,keyasint"`
	// Ciphertext is the AEAD output with its 16-byte tag.
	Ciphertext []byte `cbor:"3,keyasint"`
}

// NewRoom creates a room with a 32-byte key read from rand.
func NewRoom(rand io.Reader) (*Room, error) {
	var key [32]byte
	if _, err := io.ReadFull(rand, key[:]); err != nil {
		return nil, fmt.Errorf("read room key: %w", err)
	}
	return RoomFromKey(key), nil
}

// RoomFromKey rebuilds a room from its key: id = SHA-256("parley/room-id/v1" || key)[:16], message key
// = HKDF-SHA256(ikm = key, salt = empty, info = "parley/room/v1", 32 bytes).
func RoomFromKey(key [32]byte) *Room {
	id := sha256.Sum256(append([]byte(roomIDDomain), key[:]...))
	mk, err := hkdf.Key(sha256.New, key[:], nil, roomDomain, 32)
	if err != nil {
		panic(fmt.Sprintf("hkdf of 32 bytes: %v", err)) // unreachable: 32 bytes is far below the HKDF limit
	}
	return &Room{key: key, id: [roomIDLen]byte(id[:roomIDLen]), aead: newAEAD([32]byte(mk))}
}

// ParseRoomLink opens a room link "https://<host>/r/<roomId>#k=<roomKey>" (both base64url without
// padding). It returns ErrMalformed unless the path id is the one the key derives.
func ParseRoomLink(link string) (*Room, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("room link: %w: %w", ErrMalformed, err)
	}
	_, id, ok := strings.Cut(u.Path, roomPathPart)
	frag, hasKey := strings.CutPrefix(u.Fragment, roomFragment)
	if !ok || !hasKey {
		return nil, fmt.Errorf("room link without /r/<id>#k=<key>: %w", ErrMalformed)
	}
	key, err := base64.RawURLEncoding.Strict().DecodeString(frag)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("room key in link: %w", ErrMalformed)
	}
	r := RoomFromKey([32]byte(key))
	if id != r.ID() {
		return nil, fmt.Errorf("room id %q does not match the key: %w", id, ErrMalformed)
	}
	return r, nil
}

// ID returns the room id the server routes by: base64url-nopad of the 16-byte id.
func (r *Room) ID() string { return base64.RawURLEncoding.EncodeToString(r.id[:]) }

// Link returns the shareable link under origin (for example "https://parley.example"); the key is in
// the fragment, which browsers never send to the server.
func (r *Room) Link(origin string) string {
	return strings.TrimSuffix(origin, "/") + roomPathPart + r.ID() + "#" + roomFragment + base64.RawURLEncoding.EncodeToString(r.key[:])
}

// aad is "parley/room/v1" || version u8 || roomId 16.
func (r *Room) aad(version uint64) []byte {
	return append(append([]byte(roomDomain), byte(version)), r.id[:]...)
}

// Seal encrypts a room message with a 12-byte nonce read from rand.
func (r *Room) Seal(rand io.Reader, plaintext []byte) ([]byte, error) {
	if len(plaintext) > MaxPlaintextSize {
		return nil, fmt.Errorf("room plaintext of %d bytes: %w", len(plaintext), ErrOversize)
	}
	m := RoomMessage{Version: RoomVersion, Nonce: make([]byte, 12)}
	if _, err := io.ReadFull(rand, m.Nonce); err != nil {
		return nil, fmt.Errorf("read room nonce: %w", err)
	}
	m.Ciphertext = r.aead.Seal(nil, m.Nonce, plaintext, r.aad(m.Version))
	b, err := encMode.Marshal(&m)
	if err != nil {
		return nil, fmt.Errorf("encode room message: %w", err)
	}
	return b, nil
}

// Open decrypts a room message. It returns ErrOversize, ErrMalformed, ErrUnsupportedVersion or
// ErrDecrypt (another room's message, or junk injected by someone without the key).
func (r *Room) Open(b []byte) ([]byte, error) {
	m, err := DecodeRoomMessage(b)
	if err != nil {
		return nil, err
	}
	pt, err := r.aead.Open(nil, m.Nonce, m.Ciphertext, r.aad(m.Version))
	if err != nil {
		return nil, fmt.Errorf("open room message: %w", ErrDecrypt)
	}
	return pt, nil
}

// DecodeRoomMessage checks the shape of a room message without the key (what a relay can check).
func DecodeRoomMessage(b []byte) (*RoomMessage, error) {
	if len(b) > MaxRoomMessageSize {
		return nil, fmt.Errorf("room message of %d bytes: %w", len(b), ErrOversize)
	}
	var m RoomMessage
	if err := decodeCanonical("room message", b, &m); err != nil {
		return nil, err
	}
	if m.Version != RoomVersion {
		return nil, fmt.Errorf("room message version %d: %w", m.Version, ErrUnsupportedVersion)
	}
	if len(m.Nonce) != 12 || len(m.Ciphertext) < aeadOverhead {
		return nil, fmt.Errorf("room message nonce or ciphertext size: %w", ErrMalformed)
	}
	return &m, nil
}
