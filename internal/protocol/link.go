package protocol

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Device-linking constants (docs/protocol.md §8).
const (
	// LinkLifetime is how long a linking secret stays valid after the old device shows it.
	LinkLifetime = 5 * time.Minute
	// MaxLinkPlaintextSize bounds the plaintext of one link frame; history moves in several data frames.
	MaxLinkPlaintextSize = 256 << 10

	linkQRPrefix      = "parley-link:1:"
	linkDomain        = "parley/link/v1"
	linkChannelDomain = "parley/link-channel/v1"
	linkConfirmDomain = "parley/link-confirm/v1"
	linkChannelIDLen  = 16
)

// LinkRole says which side of a device-linking channel a LinkChannel is; its value is the direction
// byte of the frames that side sends.
type LinkRole uint8

const (
	// LinkNewDevice is the device being linked: it scans the QR code and sends its hello.
	LinkNewDevice LinkRole = 1
	// LinkOldDevice is the registered device that shows the QR code, sends the offer and then history.
	LinkOldDevice LinkRole = 2
)

// LinkType is the type of a device-linking message.
type LinkType uint64

const (
	// LinkOffer (old → new, first frame) names the account, registry and device id the new device gets.
	LinkOffer LinkType = 1
	// LinkHello (new → old, only frame) carries the new device's public keys and registration signature.
	LinkHello LinkType = 2
	// LinkData (old → new) carries one chunk of history and contacts (the backup `data` of §9).
	LinkData LinkType = 3
	// LinkDone (old → new, last frame) ends the transfer; both sides erase the channel key.
	LinkDone LinkType = 4
)

// LinkInvite is what the old device's QR code carries: the one-time secret and its own signing key.
type LinkInvite struct {
	// Secret is the 32-byte one-time secret.
	Secret [32]byte
	// OldSigningKey is the Ed25519 key of the old device, which the new device checks on chain.
	OldSigningKey [32]byte
}

// NewLinkInvite draws a one-time secret from rand for the old device.
func NewLinkInvite(rand io.Reader, old *Device) (LinkInvite, error) {
	inv := LinkInvite{OldSigningKey: old.public.SigningKey}
	if _, err := io.ReadFull(rand, inv.Secret[:]); err != nil {
		return LinkInvite{}, fmt.Errorf("read link secret: %w", err)
	}
	return inv, nil
}

// QR returns the QR code text: "parley-link:1:" || base64url-nopad(secret || oldSigningKey).
func (inv LinkInvite) QR() string {
	return linkQRPrefix + base64.RawURLEncoding.EncodeToString(append(inv.Secret[:], inv.OldSigningKey[:]...))
}

// ParseLinkQR parses the text of a linking QR code; anything else is ErrMalformed.
func ParseLinkQR(qr string) (LinkInvite, error) {
	rest, ok := strings.CutPrefix(qr, linkQRPrefix)
	if !ok {
		return LinkInvite{}, fmt.Errorf("link QR without the %q prefix: %w", linkQRPrefix, ErrMalformed)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil || len(b) != 64 {
		return LinkInvite{}, fmt.Errorf("link QR payload: %w", ErrMalformed)
	}
	return LinkInvite{Secret: [32]byte(b[:32]), OldSigningKey: [32]byte(b[32:])}, nil
}

// ChannelID returns the id both devices meet under on the relay: SHA-256(domain || secret)[:16].
func (inv LinkInvite) ChannelID() [linkChannelIDLen]byte {
	h := sha256.Sum256(append([]byte(linkChannelDomain), inv.Secret[:]...))
	return [linkChannelIDLen]byte(h[:linkChannelIDLen])
}

// key derives the channel key: HKDF-SHA256(ikm = secret, salt = "parley/link/v1", info = oldSigningKey).
func (inv LinkInvite) key() [32]byte {
	k, err := hkdf.Key(sha256.New, inv.Secret[:], []byte(linkDomain), string(inv.OldSigningKey[:]), 32)
	if err != nil {
		panic(fmt.Sprintf("hkdf of 32 bytes: %v", err)) // unreachable: 32 bytes is far below the HKDF limit
	}
	return [32]byte(k)
}

// LinkMessage is the plaintext of one device-linking frame: a CBOR map whose fields depend on Type.
type LinkMessage struct {
	// Type is the message type.
	Type LinkType `cbor:"1,keyasint"`
	// ChainID is the registry's EIP-155 chain id (offer).
	ChainID uint64 `cbor:"2,keyasint,omitempty"`
	// Registry is the DeviceRegistry address (offer).
	Registry []byte `cbor:"3,keyasint,omitempty"`
	// Account is the account the new device joins (offer).
	Account []byte `cbor:"4,keyasint,omitempty"`
	// DeviceID is the id the new device registers under, nextDeviceId(account) (offer).
	DeviceID uint32 `cbor:"5,keyasint,omitempty"`
	// Suite is the new device's key suite (hello).
	Suite uint8 `cbor:"6,keyasint,omitempty"`
	// SigningKey is the new device's Ed25519 public key (hello).
	SigningKey []byte `cbor:"7,keyasint,omitempty"`
	// KEMPublicKey is the new device's full HPKE public key (hello).
	KEMPublicKey []byte `cbor:"8,keyasint,omitempty"`
	// DeviceSig is the new device's registration signature of §3.1 over the offer (hello).
	DeviceSig []byte `cbor:"9,keyasint,omitempty"`
	// Data is a chunk of history and contacts (data).
	Data []byte `cbor:"10,keyasint,omitempty"`
}

func (m *LinkMessage) validate() error {
	var ok bool
	switch m.Type {
	case LinkOffer:
		ok = m.ChainID != 0 && len(m.Registry) == common.AddressLength && len(m.Account) == common.AddressLength &&
			m.DeviceID != 0 && m.Suite == 0 && m.SigningKey == nil && m.KEMPublicKey == nil && m.DeviceSig == nil && m.Data == nil
	case LinkHello:
		ok = m.ChainID == 0 && m.Registry == nil && m.Account == nil && m.DeviceID == 0 &&
			len(m.SigningKey) == 32 && len(m.KEMPublicKey) > 0 && len(m.DeviceSig) == SignatureSize && m.Data == nil
		if ok {
			if err := Suite(m.Suite).check(); err != nil {
				return err
			}
		}
	case LinkData:
		bare := *m
		bare.Data = nil
		ok = len(m.Data) > 0 && bare.isBare()
	case LinkDone:
		ok = m.isBare()
	}
	if !ok {
		return fmt.Errorf("link message of type %d with wrong fields: %w", m.Type, ErrMalformed)
	}
	return nil
}

func (m *LinkMessage) isBare() bool {
	return m.ChainID == 0 && m.Registry == nil && m.Account == nil && m.DeviceID == 0 && m.Suite == 0 &&
		m.SigningKey == nil && m.KEMPublicKey == nil && m.DeviceSig == nil && m.Data == nil
}

// NewLinkHello builds the new device's hello for an offer: its public keys and its registration
// signature over (offer.ChainID, offer.Registry, offer.Account, offer.DeviceID, keys).
func NewLinkHello(d *Device, offer *LinkMessage) (*LinkMessage, error) {
	if err := offer.validate(); err != nil || offer.Type != LinkOffer {
		return nil, fmt.Errorf("hello needs an offer: %w", ErrMalformed)
	}
	reg := d.Registration(offer.ChainID, common.BytesToAddress(offer.Registry), common.BytesToAddress(offer.Account), offer.DeviceID)
	sig, err := d.SignRegistration(reg)
	if err != nil {
		return nil, err
	}
	return &LinkMessage{Type: LinkHello, Suite: uint8(d.suite), SigningKey: d.public.SigningKey[:],
		KEMPublicKey: d.public.KEMPublicKey, DeviceSig: sig}, nil
}

// VerifyLinkHello checks a hello against the offer the old device sent: the KEM key parses for its
// suite and the registration signature verifies. It returns the new device's keys and the registration
// the wallet is asked to authorize.
func VerifyLinkHello(offer, hello *LinkMessage) (DeviceKeys, DeviceRegistration, error) {
	if offer.validate() != nil || hello.validate() != nil || offer.Type != LinkOffer || hello.Type != LinkHello {
		return DeviceKeys{}, DeviceRegistration{}, fmt.Errorf("verify hello: %w", ErrMalformed)
	}
	keys := DeviceKeys{Suite: Suite(hello.Suite), SigningKey: [32]byte(hello.SigningKey), KEMPublicKey: hello.KEMPublicKey}
	if _, err := keys.Suite.kem().NewPublicKey(keys.KEMPublicKey); err != nil {
		return DeviceKeys{}, DeviceRegistration{}, fmt.Errorf("hello kem public key: %w: %w", ErrMalformed, err)
	}
	reg := DeviceRegistration{ChainID: offer.ChainID, Registry: common.BytesToAddress(offer.Registry),
		Account: common.BytesToAddress(offer.Account), DeviceID: offer.DeviceID, Suite: keys.Suite,
		SigningKey: keys.SigningKey, KeyAgreementKey: keys.KeyAgreementKey()}
	if err := VerifyDeviceRegistration(reg, hello.DeviceSig); err != nil {
		return DeviceKeys{}, DeviceRegistration{}, err
	}
	return keys, reg, nil
}

// LinkChannel encrypts and decrypts the frames of one side of a device-linking channel. It is owned
// by one goroutine. Frames are ChaCha20-Poly1305 under the channel key with the nonce
// direction u8 || 0x000000 || counter u64 and the aad "parley/link/v1"; counters are implicit, so a
// replayed, reordered, reflected or dropped frame fails with ErrDecrypt.
type LinkChannel struct {
	role     LinkRole
	key      [32]byte
	aead     cipher.AEAD
	sent     uint64
	received uint64
	done     bool
	expires  time.Time
	now      func() time.Time
}

// NewLinkChannel opens one side of the channel of inv. It refuses every frame after expires
// (the old device uses the time it showed the QR code plus LinkLifetime; the new device the time it
// scanned it plus LinkLifetime).
func NewLinkChannel(inv LinkInvite, role LinkRole, expires time.Time, now func() time.Time) (*LinkChannel, error) {
	if role != LinkNewDevice && role != LinkOldDevice {
		return nil, fmt.Errorf("link role %d: %w", role, ErrMalformed)
	}
	k := inv.key()
	return &LinkChannel{role: role, key: k, aead: newAEAD(k), expires: expires, now: now}, nil
}

func linkNonce(dir LinkRole, counter uint64) []byte {
	n := make([]byte, 12)
	n[0] = byte(dir)
	binary.BigEndian.PutUint64(n[4:], counter)
	return n
}

// allowed reports whether a message of type t may be the counter-th frame in direction dir:
// old → new is one offer, data chunks, then done; new → old is one hello.
func allowed(dir LinkRole, counter uint64, t LinkType) bool {
	if dir == LinkNewDevice {
		return counter == 0 && t == LinkHello
	}
	if counter == 0 {
		return t == LinkOffer
	}
	return t == LinkData || t == LinkDone
}

func (c *LinkChannel) usable() error {
	if c.done {
		return fmt.Errorf("link channel closed: %w", ErrStaleKey)
	}
	if !c.now().Before(c.expires) {
		return fmt.Errorf("link secret expired at %s: %w", c.expires.UTC().Format(time.RFC3339), ErrStaleKey)
	}
	return nil
}

// Seal encrypts the next frame this side sends. The sequence is enforced: the old device sends an
// offer, data chunks and done; the new device sends one hello.
func (c *LinkChannel) Seal(m *LinkMessage) ([]byte, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	if !allowed(c.role, c.sent, m.Type) {
		return nil, fmt.Errorf("link message type %d as frame %d of role %d: %w", m.Type, c.sent, c.role, ErrMalformed)
	}
	pt, err := encMode.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode link message: %w", err)
	}
	if len(pt) > MaxLinkPlaintextSize {
		return nil, fmt.Errorf("link message of %d bytes: %w", len(pt), ErrOversize)
	}
	frame := c.aead.Seal(nil, linkNonce(c.role, c.sent), pt, []byte(linkDomain))
	c.sent++
	c.closeAfter(m.Type)
	return frame, nil
}

// Open decrypts the next frame from the other side. It returns ErrStaleKey after expiry or done,
// ErrOversize, ErrDecrypt (wrong key, replayed, reordered or reflected frame) or ErrMalformed
// (non-canonical, wrong fields, or a type out of sequence).
func (c *LinkChannel) Open(frame []byte) (*LinkMessage, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if len(frame) > MaxLinkPlaintextSize+aeadOverhead {
		return nil, fmt.Errorf("link frame of %d bytes: %w", len(frame), ErrOversize)
	}
	peer := LinkNewDevice + LinkOldDevice - c.role
	pt, err := c.aead.Open(nil, linkNonce(peer, c.received), frame, []byte(linkDomain))
	if err != nil {
		return nil, fmt.Errorf("open link frame %d: %w", c.received, ErrDecrypt)
	}
	m, err := decodeLinkMessage(pt)
	if err != nil {
		return nil, err
	}
	if !allowed(peer, c.received, m.Type) {
		return nil, fmt.Errorf("link message type %d as frame %d: %w", m.Type, c.received, ErrMalformed)
	}
	c.received++
	c.closeAfter(m.Type)
	return m, nil
}

// decodeLinkMessage decodes and validates the plaintext of a link frame.
func decodeLinkMessage(pt []byte) (*LinkMessage, error) {
	var m LinkMessage
	if err := decodeCanonical("link message", pt, &m); err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// closeAfter erases the channel key once done went either way.
func (c *LinkChannel) closeAfter(t LinkType) {
	if t == LinkDone {
		c.done, c.key, c.aead = true, [32]byte{}, nil
	}
}

// ConfirmationCode returns the 6 digits both devices show once the hello is sent: the first 4 bytes of
// HMAC-SHA256(channel key, "parley/link-confirm/v1" || suite || signingKey || keyAgreementKey) as a
// big-endian integer mod 10^6. The user compares them before the wallet signs, which detects a
// photographer of the QR code who sent their own hello first.
// It returns ErrStaleKey once the channel is closed and its key erased.
func (c *LinkChannel) ConfirmationCode(newDevice DeviceKeys) (string, error) {
	if c.done {
		return "", fmt.Errorf("link channel closed: %w", ErrStaleKey)
	}
	kak := newDevice.KeyAgreementKey()
	m := hmac.New(sha256.New, c.key[:])
	m.Write([]byte(linkConfirmDomain))
	m.Write([]byte{byte(newDevice.Suite)})
	m.Write(newDevice.SigningKey[:])
	m.Write(kak[:])
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(m.Sum(nil)[:4])%1_000_000), nil
}
