package protocol

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// Chain-key ratchet labels (docs/protocol.md §4.2). For chain key ck:
// key = HMAC-SHA256(ck, 0x01), next ck = HMAC-SHA256(ck, 0x02), nonce = HMAC-SHA256(ck, 0x03)[:12];
// the frame key of a chain is HMAC-SHA256(ck0, "parley/frame-key/v1").
var (
	messageKeyLabel = []byte{0x01}
	nextChainLabel  = []byte{0x02}
	nonceLabel      = []byte{0x03}
	frameKeyLabel   = []byte("parley/frame-key/v1")
)

func hmacSHA256(key []byte, label []byte) [32]byte {
	m := hmac.New(sha256.New, key)
	m.Write(label)
	return [32]byte(m.Sum(nil))
}

// messageKey holds the AEAD key and nonce of one message.
type messageKey struct {
	key   [32]byte
	nonce [12]byte
}

// ratchet returns the message key of chain key ck and the next chain key. The three HMACs share one
// key setup: Reset restores the keyed state instead of hashing the padded key again.
func ratchet(ck [32]byte) (messageKey, [32]byte) {
	m := hmac.New(sha256.New, ck[:])
	var buf [sha256.Size]byte
	sum := func(label []byte) [32]byte {
		m.Reset()
		m.Write(label)
		return [32]byte(m.Sum(buf[:0]))
	}
	nonce := sum(nonceLabel)
	return messageKey{key: sum(messageKeyLabel), nonce: [12]byte(nonce[:12])}, sum(nextChainLabel)
}

func newAEAD(key [32]byte) cipher.AEAD {
	aead, err := chacha20poly1305.New(key[:])
	if err != nil {
		panic(fmt.Sprintf("chacha20poly1305 with a 32-byte key: %v", err)) // unreachable: the key size is fixed
	}
	return aead
}

func (k messageKey) seal(aad, plaintext []byte) []byte {
	return newAEAD(k.key).Seal(nil, k.nonce[:], plaintext, aad)
}

func (k messageKey) open(aad, ciphertext []byte) ([]byte, error) {
	pt, err := newAEAD(k.key).Open(nil, k.nonce[:], ciphertext, aad)
	if err != nil {
		return nil, fmt.Errorf("open message: %w", ErrDecrypt)
	}
	return pt, nil
}
