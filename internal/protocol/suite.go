package protocol

import (
	"crypto/hpke"
	"fmt"
)

// Suite selects the device key algorithms (docs/protocol.md §2).
type Suite uint8

const (
	// SuiteX25519 is Ed25519 signatures with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305.
	SuiteX25519 Suite = 1
	// SuiteXWing is Ed25519 signatures with the X-Wing hybrid KEM (ML-KEM-768 + X25519), HKDF-SHA256 and
	// ChaCha20-Poly1305; the on-chain key-agreement key is a SHA-256 commitment to the X-Wing public key.
	SuiteXWing Suite = 2
)

func (s Suite) check() error {
	if s != SuiteX25519 && s != SuiteXWing {
		return fmt.Errorf("suite %d: %w", s, ErrUnsupportedSuite)
	}
	return nil
}

// kem returns the HPKE KEM of the suite; s must have passed check.
func (s Suite) kem() hpke.KEM {
	if s == SuiteXWing {
		return hpke.MLKEM768X25519()
	}
	return hpke.DHKEM(ecdhX25519)
}
