package protocol

import (
	"bytes"
	"crypto/hpke"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/cryptotest"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

var update = flag.Bool("update", false, "rewrite testdata/protocol/*.json from the implementation")

const vectorDir = "../../testdata/protocol"

// hexBytes marshals as lowercase hex in vectors.
type hexBytes []byte

func (h hexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

func (h *hexBytes) UnmarshalText(b []byte) error {
	d, err := hex.DecodeString(string(b))
	*h = d
	return err
}

// errorNames maps the error names used in negative vectors to sentinels.
var errorNames = map[string]error{
	"ErrMalformed": ErrMalformed, "ErrOversize": ErrOversize, "ErrBadSignature": ErrBadSignature,
	"ErrUnsupportedSuite": ErrUnsupportedSuite, "ErrUnsupportedVersion": ErrUnsupportedVersion,
	"ErrDowngrade": ErrDowngrade, "ErrDuplicate": ErrDuplicate, "ErrUnknownChain": ErrUnknownChain,
	"ErrUnknownSender": ErrUnknownSender, "ErrWrongConversation": ErrWrongConversation,
	"ErrNotRecipient": ErrNotRecipient, "ErrBadPassphrase": ErrBadPassphrase, "ErrDecrypt": ErrDecrypt,
	"ErrStaleKey": ErrStaleKey, "ErrTooManySkipped": ErrTooManySkipped,
}

func checkError(t *testing.T, name string, err error, want string) {
	t.Helper()
	sentinel, ok := errorNames[want]
	if !ok {
		t.Fatalf("%s: unknown error name %q", name, want)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("%s: got %v, want %s", name, err, want)
	}
}

// goldenJSON compares v with the vector file, or rewrites it with -update.
func goldenJSON(t *testing.T, file string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join(vectorDir, file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/protocol -run TestVectors -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the implementation's output (regenerate with -update and review the diff)", path)
	}
}

func fill(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

type deviceInput struct {
	Suite       Suite    `json:"suite"`
	SigningSeed hexBytes `json:"signingSeed"`
	KEMSeed     hexBytes `json:"kemSeed"`
	// Derived public keys, for the reader's convenience.
	SigningKey      hexBytes `json:"signingKey"`
	KEMPublicKey    hexBytes `json:"kemPublicKey"`
	KeyAgreementKey hexBytes `json:"keyAgreementKey"`
}

func vectorDevice(t *testing.T, suite Suite, b byte) (*Device, deviceInput) {
	t.Helper()
	d, err := DeviceFromSeeds(suite, [32]byte(fill(b, 32)), [32]byte(fill(b+1, 32)))
	if err != nil {
		t.Fatal(err)
	}
	k := d.Keys()
	kak := k.KeyAgreementKey()
	return d, deviceInput{suite, fill(b, 32), fill(b+1, 32), k.SigningKey[:], k.KEMPublicKey, kak[:]}
}

type registrationVector struct {
	Name        string      `json:"name"`
	Device      deviceInput `json:"device"`
	ChainID     uint64      `json:"chainId"`
	Registry    string      `json:"registry"`
	Account     string      `json:"account"`
	DeviceID    uint32      `json:"deviceId"`
	SignedBytes hexBytes    `json:"signedBytes"`
	Signature   hexBytes    `json:"signature"`
	Rotation    struct {
		NewKeyAgreementKey hexBytes `json:"newKeyAgreementKey"`
		SignedBytes        hexBytes `json:"signedBytes"`
		Signature          hexBytes `json:"signature"`
	} `json:"rotation"`
}

type negativeRegistration struct {
	Name      string   `json:"name"`
	Suite     Suite    `json:"suite"`
	DeviceID  uint32   `json:"deviceId"`
	ChainID   uint64   `json:"chainId"`
	Signature hexBytes `json:"signature"`
	Error     string   `json:"error"`
}

func TestVectorsRegistration(t *testing.T) {
	var out struct {
		Valid   []registrationVector   `json:"valid"`
		Invalid []negativeRegistration `json:"invalid"`
	}
	registry := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	account := common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
	for i, suite := range []Suite{SuiteX25519, SuiteXWing} {
		d, in := vectorDevice(t, suite, byte(0x10*(i+1)))
		reg := d.Registration(31337, registry, account, uint32(i+1))
		sig, err := d.SignRegistration(reg)
		if err != nil {
			t.Fatal(err)
		}
		v := registrationVector{Name: map[Suite]string{1: "suite 1 (X25519)", 2: "suite 2 (X-Wing commitment)"}[suite],
			Device: in, ChainID: reg.ChainID, Registry: registry.Hex(), Account: account.Hex(), DeviceID: reg.DeviceID,
			SignedBytes: reg.SignedBytes(), Signature: sig}
		next, _ := vectorDevice(t, suite, 0x70)
		rot := KeyRotation{reg.ChainID, registry, account, reg.DeviceID, suite, next.Keys().KeyAgreementKey()}
		rsig, err := SignKeyRotation(d.signing, rot)
		if err != nil {
			t.Fatal(err)
		}
		v.Rotation.NewKeyAgreementKey, v.Rotation.SignedBytes, v.Rotation.Signature = rot.KeyAgreementKey[:], rot.SignedBytes(), rsig
		out.Valid = append(out.Valid, v)
	}
	first := out.Valid[0]
	flipped := bytes.Clone(first.Signature)
	flipped[10] ^= 0x80
	out.Invalid = []negativeRegistration{
		{"signature over another chain id", 1, 1, 1, first.Signature, "ErrBadSignature"},
		{"signature over another device id", 1, 2, 31337, first.Signature, "ErrBadSignature"},
		{"flipped signature bit", 1, 1, 31337, flipped, "ErrBadSignature"},
		{"63-byte signature", 1, 1, 31337, first.Signature[:63], "ErrMalformed"},
		{"unknown suite 0", 0, 1, 31337, first.Signature, "ErrUnsupportedSuite"},
		{"device id 0", 1, 0, 31337, first.Signature, "ErrMalformed"},
	}
	goldenJSON(t, "registration.json", out)

	// Consume the vectors as another implementation would.
	for _, v := range out.Valid {
		reg := DeviceRegistration{v.ChainID, common.HexToAddress(v.Registry), common.HexToAddress(v.Account), v.DeviceID,
			v.Device.Suite, [32]byte(v.Device.SigningKey), [32]byte(v.Device.KeyAgreementKey)}
		if !bytes.Equal(reg.SignedBytes(), v.SignedBytes) {
			t.Errorf("%s: signed bytes differ", v.Name)
		}
		if err := VerifyDeviceRegistration(reg, v.Signature); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
		rot := KeyRotation{reg.ChainID, reg.Registry, reg.Account, reg.DeviceID, reg.Suite, [32]byte(v.Rotation.NewKeyAgreementKey)}
		if err := VerifyKeyRotation(rot, reg.SigningKey, v.Rotation.Signature); err != nil {
			t.Errorf("%s rotation: %v", v.Name, err)
		}
	}
	for _, n := range out.Invalid {
		reg := DeviceRegistration{n.ChainID, registry, account, n.DeviceID, n.Suite,
			[32]byte(first.Device.SigningKey), [32]byte(first.Device.KeyAgreementKey)}
		checkError(t, n.Name, VerifyDeviceRegistration(reg, n.Signature), n.Error)
	}
}

// randomSeed seeds crypto/rand (through testing/cryptotest) while vectors are generated, which fixes
// the HPKE ephemeral keys; the vectors record those bytes.
const randomSeed = 0x7061726c6579

type wrapVector struct {
	Name      string      `json:"name"`
	Recipient deviceInput `json:"recipient"`
	Info      hexBytes    `json:"info"`
	ChainKey  hexBytes    `json:"chainKey"`
	// EphemeralRandom is the randomness HPKE encapsulation drew (X25519: the ephemeral private key).
	EphemeralRandom hexBytes `json:"ephemeralRandom"`
	Sealed          hexBytes `json:"sealed"`
}

func TestVectorsKeyWrap(t *testing.T) {
	var out []wrapVector
	for i, suite := range []Suite{SuiteX25519, SuiteXWing} {
		d, in := vectorDevice(t, suite, byte(0x30+0x10*i))
		pk, err := suite.kem().NewPublicKey(d.Keys().KEMPublicKey)
		if err != nil {
			t.Fatal(err)
		}
		var chain [chainIDLen]byte
		copy(chain[:], fill(0xcc, chainIDLen))
		info := wrapInfo([32]byte(fill(0xaa, 32)), 1, deviceRef{common.Address{0xa}, 1}, chain, deviceRef{common.Address{0xb}, 1}, suite)
		ck := fill(0xee, 32)
		cryptotest.SetGlobalRandom(t, randomSeed)
		eph := make([]byte, 64)
		rand.Read(eph)
		cryptotest.SetGlobalRandom(t, randomSeed)
		sealed, err := hpke.Seal(pk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, ck)
		if err != nil {
			t.Fatal(err)
		}
		if suite == SuiteX25519 {
			eph = eph[:32]
		}
		out = append(out, wrapVector{map[Suite]string{1: "DHKEM(X25519)", 2: "X-Wing"}[suite], in, info, ck, eph, sealed})
	}
	goldenJSON(t, "keywrap.json", out)
	for _, v := range out {
		d, err := DeviceFromSeeds(v.Recipient.Suite, [32]byte(v.Recipient.SigningSeed), [32]byte(v.Recipient.KEMSeed))
		if err != nil {
			t.Fatal(err)
		}
		ck, err := hpke.Open(d.kem, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), v.Info, v.Sealed)
		if err != nil || !bytes.Equal(ck, v.ChainKey) {
			t.Errorf("%s: open: %v", v.Name, err)
		}
		if v.Recipient.Suite == SuiteX25519 {
			eph, err := ecdhX25519.NewPrivateKey(v.EphemeralRandom)
			if err != nil || !bytes.Equal(eph.PublicKey().Bytes(), v.Sealed[:32]) {
				t.Errorf("%s: enc is not the public key of ephemeralRandom", v.Name)
			}
		}
	}
}

type envelopeStep struct {
	Plaintext string   `json:"plaintext"`
	ChainKey  hexBytes `json:"chainKey"` // chain key before this message
	AAD       hexBytes `json:"aad"`
	Key       hexBytes `json:"messageKey"`
	Nonce     hexBytes `json:"nonce"`
	Envelope  hexBytes `json:"envelope"`
	CID       string   `json:"cid"`
}

// frameStep is an ephemeral frame sealed after the messages (so it carries no wraps).
type frameStep struct {
	Plaintext string   `json:"plaintext"`
	FrameKey  hexBytes `json:"frameKey"`
	Nonce     hexBytes `json:"nonce"`
	AAD       hexBytes `json:"aad"`
	Envelope  hexBytes `json:"envelope"`
}

type badEnvelope struct {
	Name     string   `json:"name"`
	Envelope hexBytes `json:"envelope"`
	Error    string   `json:"error"`
}

type messageVectors struct {
	Comment        string         `json:"comment"`
	ConversationID hexBytes       `json:"conversationId"`
	Epoch          uint64         `json:"epoch"`
	Sender         deviceInput    `json:"sender"`
	SenderAccount  string         `json:"senderAccount"`
	SenderDevice   uint32         `json:"senderDevice"`
	Recipient      deviceInput    `json:"recipient"`
	RecipientAcct  string         `json:"recipientAccount"`
	RecipientDev   uint32         `json:"recipientDevice"`
	ChainID        hexBytes       `json:"chainId"`
	Messages       []envelopeStep `json:"messages"`
	Frame          frameStep      `json:"frame"`
	Invalid        []badEnvelope  `json:"invalid"`
}

func TestVectorsMessages(t *testing.T) {
	aliceDev, aliceIn := vectorDevice(t, SuiteX25519, 0x50)
	bobDev, bobIn := vectorDevice(t, SuiteXWing, 0x60)
	alice := party{Member{common.Address{0xa}, 1, aliceDev.Keys()}, aliceDev}
	bob := party{Member{common.Address{0xb}, 1, bobDev.Keys()}, bobDev}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte(fill(0xc0, 32))
	chainID, ck0, frameNonce := fill(0x11, chainIDLen), fill(0x22, 32), fill(0x33, frameNonceLen)
	cryptotest.SetGlobalRandom(t, randomSeed)
	sA := newTestSession(t, conv, alice, []party{alice, bob}, clk, func(c *SessionConfig) {
		c.Rand = bytes.NewReader(slices.Concat(chainID, ck0, frameNonce))
	})
	out := messageVectors{
		Comment:        "envelope 0 carries the HPKE wrap (encapsulation randomness from Go's seeded crypto/rand, so only decrypt it); envelopes 1.. are fully determined by the chain key",
		ConversationID: conv[:], Epoch: 1, Sender: aliceIn, SenderAccount: alice.member.Account.Hex(), SenderDevice: 1,
		Recipient: bobIn, RecipientAcct: bob.member.Account.Hex(), RecipientDev: 1, ChainID: chainID,
	}
	ck := [32]byte(ck0)
	for i, pt := range []string{"hello bob", "second message", "third, with prev links"} {
		b, id, err := sA.Seal([]byte(pt))
		if err != nil {
			t.Fatal(err)
		}
		env, err := DecodeEnvelope(b)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		mk, next := ratchet(ck)
		out.Messages = append(out.Messages, envelopeStep{pt, bytes.Clone(ck[:]), env.aad(), mk.key[:], mk.nonce[:], b, id.String()})
		ck = next
	}
	frame, err := sA.SealFrame([]byte("typing"))
	if err != nil {
		t.Fatal(err)
	}
	fk := hmacSHA256(ck0, frameKeyLabel)
	fenv, err := DecodeEnvelope(frame)
	if err != nil {
		t.Fatal(err)
	}
	out.Frame = frameStep{"typing", fk[:], frameNonce, fenv.aad(), frame}
	// Negative vectors, each checked against a recipient that has opened message 0 only.
	resign := func(mutate func(*Envelope)) []byte {
		env, err := DecodeEnvelope(out.Messages[1].Envelope)
		if err != nil {
			t.Fatal(err)
		}
		mutate(env)
		b, err := sA.sign(env)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tampered := bytes.Clone(out.Messages[1].Envelope)
	tampered[len(tampered)-1] ^= 1
	nonCanonical := append([]byte{0xb9, 0x00}, out.Messages[1].Envelope[1:]...) // map header with a 2-byte length
	fakeWrap := Wrap{Account: bob.member.Account.Bytes(), Device: 1, Suite: 1, Sealed: fill(0x99, sealedSize(SuiteX25519))}
	out.Invalid = []badEnvelope{
		{"replay of message 0", out.Messages[0].Envelope, "ErrDuplicate"},
		{"signature bit flipped", tampered, "ErrBadSignature"},
		{"non-canonical CBOR length", nonCanonical, "ErrMalformed"},
		{"truncated", out.Messages[1].Envelope[:40], "ErrMalformed"},
		{"version 2", resign(func(e *Envelope) { e.Version = 2 }), "ErrUnsupportedVersion"},
		{"other conversation", resign(func(e *Envelope) { e.Conversation = fill(0xc1, 32) }), "ErrWrongConversation"},
		{"unknown sender device", resign(func(e *Envelope) { e.Device = 9 }), "ErrUnknownSender"},
		{"unknown chain", resign(func(e *Envelope) { e.Chain = fill(0x12, chainIDLen) }), "ErrUnknownChain"},
		{"X25519 wrap to an X-Wing device", resign(func(e *Envelope) {
			e.Chain, e.Counter, e.Wraps = fill(0x13, chainIDLen), 0, []Wrap{fakeWrap}
		}), "ErrDowngrade"},
		{"ciphertext re-signed by the sender but altered", resign(func(e *Envelope) { e.Ciphertext[0] ^= 1 }), "ErrDecrypt"},
		{"too many prev links", resign(func(e *Envelope) {
			for range MaxPrev + 1 {
				e.Prev = append(e.Prev, EnvelopeCID(nil).Bytes())
			}
		}), "ErrOversize"},
	}
	goldenJSON(t, "messages.json", out)

	// Consume: the recipient opens all messages in order, then each negative vector on a fresh state.
	recipient := func() *Session {
		return newTestSession(t, conv, bob, []party{alice, bob}, clk, nil)
	}
	sB := recipient()
	for i, m := range out.Messages {
		got, err := sB.Open(m.Envelope)
		if err != nil || string(got.Plaintext) != m.Plaintext || got.CID.String() != m.CID {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if got, err := sB.Open(out.Frame.Envelope); err != nil || got.Kind != KindFrame || string(got.Plaintext) != out.Frame.Plaintext {
		t.Fatalf("frame: %v", err)
	}
	for _, n := range out.Invalid {
		s := recipient()
		if _, err := s.Open(out.Messages[0].Envelope); err != nil {
			t.Fatal(err)
		}
		_, err := s.Open(n.Envelope)
		checkError(t, n.Name, err, n.Error)
	}
}

type safetyVector struct {
	PartyA   string        `json:"accountA"`
	DevicesA []deviceInput `json:"devicesA"`
	PartyB   string        `json:"accountB"`
	DevicesB []deviceInput `json:"devicesB"`
	Digits   string        `json:"digits"`
	QR       hexBytes      `json:"qr"`
}

func TestVectorsSafetyNumber(t *testing.T) {
	mk := func(account byte, seeds ...byte) (Party, []deviceInput) {
		p := Party{Account: common.Address{account}}
		var ins []deviceInput
		for i, s := range seeds {
			d, in := vectorDevice(t, Suite(1+i%2), s)
			p.Devices = append(p.Devices, d.Keys())
			ins = append(ins, in)
		}
		return p, ins
	}
	a, ainp := mk(0xa, 0x80, 0x82)
	b, binp := mk(0xb, 0x90)
	digits, qr := SafetyNumber(b, a)
	goldenJSON(t, "safety.json", safetyVector{a.Account.Hex(), ainp, b.Account.Hex(), binp, digits, qr})
	a.Devices[0], a.Devices[1] = a.Devices[1], a.Devices[0]
	if d2, qr2 := SafetyNumber(a, b); d2 != digits || !bytes.Equal(qr, qr2) {
		t.Fatal("safety number depends on party or device order")
	}
	a.Devices = a.Devices[:1]
	if d3, _ := SafetyNumber(a, b); d3 == digits {
		t.Fatal("safety number ignores a removed device")
	}
}

type backupVector struct {
	Passphrase string        `json:"passphrase"`
	Params     Argon2Params  `json:"argon2id"`
	Salt       hexBytes      `json:"salt"`
	Nonce      hexBytes      `json:"nonce"`
	Contents   hexBytes      `json:"contentsCbor"`
	Archive    hexBytes      `json:"archive"`
	Invalid    []badEnvelope `json:"invalid"`
}

func TestVectorsBackup(t *testing.T) {
	d, _ := vectorDevice(t, SuiteXWing, 0xa0)
	contents := BackupContentsOf(d, common.Address{0xa}, 3, []byte("history"))
	params := Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}
	salt, nonce := fill(0x5a, backupSaltLen), fill(0x4e, 12)
	archive, err := Backup(bytes.NewReader(append(bytes.Clone(salt), nonce...)), []byte("correct horse"), params, contents)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := encMode.Marshal(&contents)
	if err != nil {
		t.Fatal(err)
	}
	badMem, err := Backup(bytes.NewReader(append(bytes.Clone(salt), nonce...)), []byte("x"), Argon2Params{1, 64, 1}, contents)
	if err != nil {
		t.Fatal(err)
	}
	badMem[bytes.Index(badMem, []byte{0x03, 0x18, 0x40})+2] = 0x04 // memory 64 KiB -> 4 KiB, below 8*threads
	v := backupVector{"correct horse", params, salt, nonce, cb, archive, []badEnvelope{
		{"wrong passphrase (archive above, passphrase \"wrong horse\")", archive, "ErrBadPassphrase"},
		{"memory below the minimum", badMem, "ErrMalformed"},
	}}
	goldenJSON(t, "backup.json", v)
	got, err := Restore([]byte(v.Passphrase), v.Archive)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := got.Device()
	if err != nil || restored.Keys().SigningKey != d.Keys().SigningKey || string(got.Data) != "history" {
		t.Fatalf("restored device differs: %v", err)
	}
	_, err = Restore([]byte("wrong horse"), v.Invalid[0].Envelope)
	checkError(t, v.Invalid[0].Name, err, v.Invalid[0].Error)
	_, err = Restore([]byte(v.Passphrase), v.Invalid[1].Envelope)
	checkError(t, v.Invalid[1].Name, err, v.Invalid[1].Error)
}
