package protocol

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/ethereum/go-ethereum/common"
)

var ecdhX25519 = ecdh.X25519()

// xwingCommitmentDomain prefixes the SHA-256 commitment to an X-Wing public key (suite 2).
const xwingCommitmentDomain = "parley/x-wing-commitment/v1"

// Device holds the private keys of one device. Its secrets never leave the device except in a
// passphrase-encrypted backup or over the device-linking channel.
type Device struct {
	suite       Suite
	signingSeed [32]byte
	kemSeed     [32]byte
	signing     ed25519.PrivateKey
	kem         hpke.PrivateKey
	public      DeviceKeys
}

// DeviceKeys are the public keys of a device as other devices see them.
type DeviceKeys struct {
	// Suite is the key suite.
	Suite Suite
	// SigningKey is the Ed25519 public key.
	SigningKey [32]byte
	// KEMPublicKey is the serialized HPKE public key: 32 bytes (X25519) or 1216 bytes (X-Wing).
	KEMPublicKey []byte
}

// NewDevice creates a device of the given suite, reading 64 bytes from rand (signing seed, then KEM seed).
func NewDevice(rand io.Reader, suite Suite) (*Device, error) {
	var seeds [64]byte
	if _, err := io.ReadFull(rand, seeds[:]); err != nil {
		return nil, fmt.Errorf("read device seeds: %w", err)
	}
	return DeviceFromSeeds(suite, [32]byte(seeds[:32]), [32]byte(seeds[32:]))
}

// DeviceFromSeeds rebuilds a device from its Ed25519 seed and its KEM private key (RFC 9180
// SerializePrivateKey form: the X25519 scalar for suite 1, the 32-byte X-Wing seed for suite 2).
func DeviceFromSeeds(suite Suite, signingSeed, kemSeed [32]byte) (*Device, error) {
	if err := suite.check(); err != nil {
		return nil, err
	}
	kem, err := suite.kem().NewPrivateKey(kemSeed[:])
	if err != nil {
		return nil, fmt.Errorf("kem private key: %w", err)
	}
	signing := ed25519.NewKeyFromSeed(signingSeed[:])
	return &Device{
		suite:       suite,
		signingSeed: signingSeed,
		kemSeed:     kemSeed,
		signing:     signing,
		kem:         kem,
		public: DeviceKeys{
			Suite:        suite,
			SigningKey:   [32]byte(signing.Public().(ed25519.PublicKey)),
			KEMPublicKey: kem.PublicKey().Bytes(),
		},
	}, nil
}

// Keys returns the device's public keys.
func (d *Device) Keys() DeviceKeys { return d.public }

// Registration returns the registration record of this device for the given account and id.
func (d *Device) Registration(chainID uint64, registry, account common.Address, deviceID uint32) DeviceRegistration {
	return DeviceRegistration{
		ChainID:         chainID,
		Registry:        registry,
		Account:         account,
		DeviceID:        deviceID,
		Suite:           d.suite,
		SigningKey:      d.public.SigningKey,
		KeyAgreementKey: d.public.KeyAgreementKey(),
	}
}

// SignRegistration signs a registration record of this device (see SignDeviceRegistration).
func (d *Device) SignRegistration(reg DeviceRegistration) ([]byte, error) {
	return SignDeviceRegistration(d.signing, reg)
}

// Sign signs msg with the device's Ed25519 key.
func (d *Device) Sign(msg []byte) []byte { return ed25519.Sign(d.signing, msg) }

// KeyAgreementKey returns the 32-byte on-chain key-agreement key: the X25519 public key (suite 1) or
// SHA-256("parley/x-wing-commitment/v1" || X-Wing public key) (suite 2).
func (k DeviceKeys) KeyAgreementKey() [32]byte {
	if k.Suite == SuiteXWing {
		h := sha256.New()
		h.Write([]byte(xwingCommitmentDomain))
		h.Write(k.KEMPublicKey)
		return [32]byte(h.Sum(nil))
	}
	var out [32]byte
	copy(out[:], k.KEMPublicKey)
	return out
}

// CheckOnChain reports whether k matches the keys a DeviceRegistry holds for the device, so a full
// X-Wing key received off chain is bound to its on-chain commitment. It returns ErrStaleKey on mismatch.
func (k DeviceKeys) CheckOnChain(suite Suite, signingKey, keyAgreementKey [32]byte) error {
	if err := k.Suite.check(); err != nil {
		return err
	}
	if _, err := k.Suite.kem().NewPublicKey(k.KEMPublicKey); err != nil {
		return fmt.Errorf("kem public key: %w: %w", ErrMalformed, err)
	}
	if k.Suite != suite || k.SigningKey != signingKey || k.KeyAgreementKey() != keyAgreementKey {
		return fmt.Errorf("device keys differ from the registry: %w", ErrStaleKey)
	}
	return nil
}
