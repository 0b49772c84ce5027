package protocol

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Domain separation prefixes of the device signatures carried in DeviceRegistry events.
const (
	registrationDomain = "parley/device-registration/v1"
	rotationDomain     = "parley/key-agreement-rotation/v1"
)

// SignatureSize is the size of every Ed25519 signature in the protocol.
const SignatureSize = ed25519.SignatureSize

// DeviceRegistration is what a device signs before the DeviceAdded transaction: the fields of the event
// plus the chain and the registry contract it is bound to.
type DeviceRegistration struct {
	// ChainID is the EIP-155 chain id of the registry's chain (encoded as uint256 big-endian).
	ChainID uint64
	// Registry is the DeviceRegistry contract address.
	Registry common.Address
	// Account is the wallet that owns the device.
	Account common.Address
	// DeviceID is the per-account device id (sequential from 1).
	DeviceID uint32
	// Suite is the key suite of the device.
	Suite Suite
	// SigningKey is the device's Ed25519 public key.
	SigningKey [32]byte
	// KeyAgreementKey is the on-chain key-agreement key: the X25519 public key (suite 1) or the
	// X-Wing public key commitment (suite 2).
	KeyAgreementKey [32]byte
}

// KeyRotation is what a device signs before the KeyAgreementKeyRotated transaction.
type KeyRotation struct {
	// ChainID is the EIP-155 chain id of the registry's chain (encoded as uint256 big-endian).
	ChainID uint64
	// Registry is the DeviceRegistry contract address.
	Registry common.Address
	// Account is the wallet that owns the device.
	Account common.Address
	// DeviceID is the per-account device id.
	DeviceID uint32
	// Suite is the key suite of the device (it never changes on rotation).
	Suite Suite
	// KeyAgreementKey is the new on-chain key-agreement key.
	KeyAgreementKey [32]byte
}

// SignedBytes returns the exact bytes covered by the registration signature (docs/protocol.md §3.1):
// domain || chainId u256 || registry 20 || account 20 || deviceId u32 || suite u8 || signingKey 32 || keyAgreementKey 32.
func (r DeviceRegistration) SignedBytes() []byte {
	b := appendBinding(nil, registrationDomain, r.ChainID, r.Registry, r.Account, r.DeviceID, r.Suite)
	b = append(b, r.SigningKey[:]...)
	return append(b, r.KeyAgreementKey[:]...)
}

// SignedBytes returns the exact bytes covered by the rotation signature (docs/protocol.md §3.2):
// domain || chainId u256 || registry 20 || account 20 || deviceId u32 || suite u8 || newKeyAgreementKey 32.
func (r KeyRotation) SignedBytes() []byte {
	b := appendBinding(nil, rotationDomain, r.ChainID, r.Registry, r.Account, r.DeviceID, r.Suite)
	return append(b, r.KeyAgreementKey[:]...)
}

func appendBinding(b []byte, domain string, chainID uint64, registry, account common.Address, deviceID uint32, suite Suite) []byte {
	b = append(b, domain...)
	b = append(b, make([]byte, 24)...) // chain id as uint256 big-endian: 24 zero bytes then 8
	b = binary.BigEndian.AppendUint64(b, chainID)
	b = append(b, registry[:]...)
	b = append(b, account[:]...)
	b = binary.BigEndian.AppendUint32(b, deviceID)
	return append(b, byte(suite))
}

func (r DeviceRegistration) validate() error {
	if err := r.Suite.check(); err != nil {
		return err
	}
	if r.DeviceID == 0 || r.SigningKey == ([32]byte{}) || r.KeyAgreementKey == ([32]byte{}) {
		return fmt.Errorf("registration with zero device id or key: %w", ErrMalformed)
	}
	return nil
}

// SignDeviceRegistration signs reg with the device's Ed25519 key, which must match reg.SigningKey.
func SignDeviceRegistration(priv ed25519.PrivateKey, reg DeviceRegistration) ([]byte, error) {
	if err := reg.validate(); err != nil {
		return nil, err
	}
	if err := checkSigner(priv, reg.SigningKey); err != nil {
		return nil, err
	}
	return ed25519.Sign(priv, reg.SignedBytes()), nil
}

// VerifyDeviceRegistration checks the 64-byte device self-signature of a DeviceAdded event.
// It returns ErrUnsupportedSuite, ErrMalformed (zero id or keys, bad length) or ErrBadSignature.
func VerifyDeviceRegistration(reg DeviceRegistration, sig []byte) error {
	if err := reg.validate(); err != nil {
		return err
	}
	return verify(reg.SigningKey, reg.SignedBytes(), sig)
}

// SignKeyRotation signs rot with the device's Ed25519 key (the registered signing key).
func SignKeyRotation(priv ed25519.PrivateKey, rot KeyRotation) ([]byte, error) {
	if err := rot.validate(); err != nil {
		return nil, err
	}
	return ed25519.Sign(priv, rot.SignedBytes()), nil
}

// VerifyKeyRotation checks the device signature of a KeyAgreementKeyRotated event against the
// device's registered signing key.
func VerifyKeyRotation(rot KeyRotation, signingKey [32]byte, sig []byte) error {
	if err := rot.validate(); err != nil {
		return err
	}
	return verify(signingKey, rot.SignedBytes(), sig)
}

func (r KeyRotation) validate() error {
	if err := r.Suite.check(); err != nil {
		return err
	}
	if r.DeviceID == 0 || r.KeyAgreementKey == ([32]byte{}) {
		return fmt.Errorf("rotation with zero device id or key: %w", ErrMalformed)
	}
	return nil
}

func checkSigner(priv ed25519.PrivateKey, want [32]byte) error {
	if len(priv) != ed25519.PrivateKeySize {
		return fmt.Errorf("ed25519 private key of %d bytes: %w", len(priv), ErrMalformed)
	}
	if [32]byte(priv.Public().(ed25519.PublicKey)) != want {
		return fmt.Errorf("private key does not match the signing key: %w", ErrMalformed)
	}
	return nil
}

// verify checks an Ed25519 signature (RFC 8032, cofactorless, S < L as crypto/ed25519 does).
func verify(pub [32]byte, msg, sig []byte) error {
	if len(sig) != SignatureSize {
		return fmt.Errorf("signature of %d bytes: %w", len(sig), ErrMalformed)
	}
	if !ed25519.Verify(pub[:], msg, sig) {
		return ErrBadSignature
	}
	return nil
}
