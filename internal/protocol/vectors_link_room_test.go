package protocol

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

type linkFrame struct {
	From      string   `json:"from"` // "old" or "new"
	Counter   uint64   `json:"counter"`
	Plaintext hexBytes `json:"plaintextCbor"`
	Frame     hexBytes `json:"frame"`
}

type badLinkFrame struct {
	Name string `json:"name"`
	// To is the receiving side; it first opens AfterFrames valid frames of the other side in order.
	To          string   `json:"to"`
	AfterFrames int      `json:"afterFrames"`
	Frame       hexBytes `json:"frame"`
	Error       string   `json:"error"`
}

type badString struct {
	Name  string `json:"name"`
	Input string `json:"input"`
	Error string `json:"error"`
}

type linkVectors struct {
	Comment          string         `json:"comment"`
	OldDevice        deviceInput    `json:"oldDevice"`
	NewDevice        deviceInput    `json:"newDevice"`
	Secret           hexBytes       `json:"secret"`
	QR               string         `json:"qr"`
	ChannelID        hexBytes       `json:"channelId"`
	Key              hexBytes       `json:"key"`
	Frames           []linkFrame    `json:"frames"`
	ConfirmationCode string         `json:"confirmationCode"`
	Invalid          []badLinkFrame `json:"invalid"`
	InvalidQR        []badString    `json:"invalidQr"`
}

func TestVectorsLink(t *testing.T) {
	oldDev, oldIn := vectorDevice(t, SuiteX25519, 0xb0)
	newDev, newIn := vectorDevice(t, SuiteXWing, 0xc0)
	inv, err := NewLinkInvite(bytes.NewReader(fill(0x4c, 32)), oldDev)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	clk := func() time.Time { return now }
	open := func(role LinkRole) *LinkChannel {
		c, err := NewLinkChannel(inv, role, now.Add(LinkLifetime), clk)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	oldSide, newSide := open(LinkOldDevice), open(LinkNewDevice)
	offer := &LinkMessage{Type: LinkOffer, ChainID: 31337, Registry: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3").Bytes(),
		Account: common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").Bytes(), DeviceID: 2}
	hello, err := NewLinkHello(newDev, offer)
	if err != nil {
		t.Fatal(err)
	}
	key := inv.key()
	chID := inv.ChannelID()
	out := linkVectors{
		Comment:   "frames in the order they are sent; counters are implicit (nonce = direction || 000000 || counter u64)",
		OldDevice: oldIn, NewDevice: newIn, Secret: inv.Secret[:], QR: inv.QR(), ChannelID: chID[:], Key: key[:],
	}
	if out.ConfirmationCode, err = newSide.ConfirmationCode(newDev.Keys()); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		from *LinkChannel
		name string
		m    *LinkMessage
	}{
		{oldSide, "old", offer},
		{newSide, "new", hello},
		{oldSide, "old", &LinkMessage{Type: LinkData, Data: []byte("history and contacts, chunk 1")}},
		{oldSide, "old", &LinkMessage{Type: LinkDone}},
	}
	for _, st := range steps {
		ctr := st.from.sent
		frame, err := st.from.Seal(st.m)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := encMode.Marshal(st.m)
		if err != nil {
			t.Fatal(err)
		}
		out.Frames = append(out.Frames, linkFrame{st.name, ctr, pt, frame})
	}
	// rawFrame seals arbitrary plaintext as frame counter of direction dir, bypassing the sequence checks.
	rawFrame := func(dir LinkRole, counter uint64, m *LinkMessage) []byte {
		pt, err := encMode.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return newAEAD(key).Seal(nil, linkNonce(dir, counter), pt, []byte(linkDomain))
	}
	badHello := *hello
	badHello.DeviceSig = bytes.Clone(hello.DeviceSig)
	badHello.DeviceSig[0] ^= 1
	out.Invalid = []badLinkFrame{
		{"replayed offer", "new", 1, out.Frames[0].Frame, "ErrDecrypt"},
		{"hello reflected back to the new device", "new", 0, out.Frames[1].Frame, "ErrDecrypt"},
		{"data frame skipping the offer", "new", 0, out.Frames[2].Frame, "ErrDecrypt"},
		{"data as the first frame", "new", 0, rawFrame(LinkOldDevice, 0, &LinkMessage{Type: LinkData, Data: []byte("x")}), "ErrMalformed"},
		{"offer without a device id", "new", 0, rawFrame(LinkOldDevice, 0, &LinkMessage{Type: LinkOffer, ChainID: 1, Registry: offer.Registry, Account: offer.Account}), "ErrMalformed"},
		{"hello with an unknown suite", "old", 0, rawFrame(LinkNewDevice, 0, &LinkMessage{Type: LinkHello, Suite: 3, SigningKey: hello.SigningKey, KEMPublicKey: hello.KEMPublicKey, DeviceSig: hello.DeviceSig}), "ErrUnsupportedSuite"},
		{"hello whose registration signature fails (check with VerifyLinkHello)", "old", 0, rawFrame(LinkNewDevice, 0, &badHello), "ErrBadSignature"},
		{"frame under another secret", "old", 0, func() []byte {
			f, err := NewLinkChannel(LinkInvite{Secret: [32]byte{1}, OldSigningKey: inv.OldSigningKey}, LinkNewDevice, now.Add(time.Minute), clk)
			if err != nil {
				t.Fatal(err)
			}
			b, err := f.Seal(hello)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}(), "ErrDecrypt"},
	}
	qr := inv.QR()
	out.InvalidQR = []badString{
		{"wrong prefix", "parley-link:2:" + qr[len(linkQRPrefix):], "ErrMalformed"},
		{"padded base64", qr + "==", "ErrMalformed"},
		{"truncated payload", qr[:len(qr)-4], "ErrMalformed"},
	}
	goldenJSON(t, "link.json", out)

	// Consume the vectors as another implementation would.
	got, err := ParseLinkQR(out.QR)
	if err != nil || got != inv {
		t.Fatalf("parse QR: %v", err)
	}
	sides := map[string]*LinkChannel{"old": open(LinkOldDevice), "new": open(LinkNewDevice)}
	var gotOffer, gotHello *LinkMessage
	for i, f := range out.Frames {
		to := map[string]string{"old": "new", "new": "old"}[f.From]
		m, err := sides[to].Open(f.Frame)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if pt, _ := encMode.Marshal(m); !bytes.Equal(pt, f.Plaintext) {
			t.Fatalf("frame %d: plaintext differs", i)
		}
		switch m.Type {
		case LinkOffer:
			gotOffer = m
		case LinkHello:
			gotHello = m
		}
	}
	keys, reg, err := VerifyLinkHello(gotOffer, gotHello)
	if err != nil || reg.DeviceID != 2 || keys.SigningKey != newDev.Keys().SigningKey {
		t.Fatalf("verify hello: %v", err)
	}
	if code, err := sides["old"].ConfirmationCode(keys); err != nil || code != out.ConfirmationCode {
		t.Fatalf("confirmation code %s (%v), want %s", code, err, out.ConfirmationCode)
	}
	if _, err := sides["new"].ConfirmationCode(keys); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("confirmation code after done: got %v, want ErrStaleKey", err)
	}
	if _, err := sides["new"].Open(out.Frames[3].Frame); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("frame after done: got %v, want ErrStaleKey", err)
	}
	for _, n := range out.Invalid {
		c := open(map[string]LinkRole{"old": LinkOldDevice, "new": LinkNewDevice}[n.To])
		var sent []linkFrame
		for _, f := range out.Frames {
			if f.From != n.To {
				sent = append(sent, f)
			}
		}
		for _, f := range sent[:n.AfterFrames] {
			if _, err := c.Open(f.Frame); err != nil {
				t.Fatal(err)
			}
		}
		m, err := c.Open(n.Frame)
		if err == nil && m.Type == LinkHello {
			_, _, err = VerifyLinkHello(gotOffer, m)
		}
		checkError(t, n.Name, err, n.Error)
	}
	for _, n := range out.InvalidQR {
		_, err := ParseLinkQR(n.Input)
		checkError(t, n.Name, err, n.Error)
	}
}

type roomStep struct {
	Nonce     hexBytes `json:"nonce"`
	Plaintext string   `json:"plaintext"`
	AAD       hexBytes `json:"aad"`
	Message   hexBytes `json:"message"`
}

type roomVectors struct {
	Key         hexBytes      `json:"roomKey"`
	RoomID      string        `json:"roomId"`
	Link        string        `json:"link"`
	MessageKey  hexBytes      `json:"messageKey"`
	Messages    []roomStep    `json:"messages"`
	Invalid     []badEnvelope `json:"invalid"`
	InvalidLink []badString   `json:"invalidLinks"`
}

func TestVectorsRoom(t *testing.T) {
	key := [32]byte(fill(0x52, 32))
	r := RoomFromKey(key)
	mk, err := hkdf.Key(sha256.New, key[:], nil, roomDomain, 32)
	if err != nil {
		t.Fatal(err)
	}
	out := roomVectors{Key: key[:], RoomID: r.ID(), Link: r.Link("https://parley.example/"), MessageKey: mk}
	for i, pt := range []string{"hi room", "anyone here?"} {
		nonce := fill(byte(0xe0+i), 12)
		b, err := r.Seal(bytes.NewReader(nonce), []byte(pt))
		if err != nil {
			t.Fatal(err)
		}
		out.Messages = append(out.Messages, roomStep{nonce, pt, r.aad(RoomVersion), b})
	}
	other, err := RoomFromKey([32]byte(fill(0x53, 32))).Seal(bytes.NewReader(fill(0xe0, 12)), []byte("hi room"))
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(mutate func(*RoomMessage)) []byte {
		m, err := DecodeRoomMessage(out.Messages[0].Message)
		if err != nil {
			t.Fatal(err)
		}
		mutate(m)
		b, err := encMode.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := out.Messages[0].Message
	out.Invalid = []badEnvelope{
		{"message of another room", other, "ErrDecrypt"},
		{"ciphertext bit flipped", reencode(func(m *RoomMessage) { m.Ciphertext[0] ^= 1 }), "ErrDecrypt"},
		{"version 2", reencode(func(m *RoomMessage) { m.Version = 2 }), "ErrUnsupportedVersion"},
		{"11-byte nonce", reencode(func(m *RoomMessage) { m.Nonce = m.Nonce[:11] }), "ErrMalformed"},
		{"non-canonical CBOR length", append([]byte{0xb9, 0x00}, first[1:]...), "ErrMalformed"},
	}
	fragment := out.Link[bytes.IndexByte([]byte(out.Link), '#'):]
	out.InvalidLink = []badString{
		{"room id of another key", "https://parley.example/r/AAAAAAAAAAAAAAAAAAAAAA" + fragment, "ErrMalformed"},
		{"no key in the fragment", "https://parley.example/r/" + r.ID(), "ErrMalformed"},
		{"31-byte key", out.Link[:len(out.Link)-2], "ErrMalformed"},
	}
	goldenJSON(t, "rooms.json", out)

	got, err := ParseRoomLink(out.Link)
	if err != nil || got.ID() != out.RoomID {
		t.Fatalf("parse link: %v", err)
	}
	for i, m := range out.Messages {
		pt, err := got.Open(m.Message)
		if err != nil || string(pt) != m.Plaintext {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	for _, n := range out.Invalid {
		_, err := got.Open(n.Envelope)
		checkError(t, n.Name, err, n.Error)
	}
	for _, n := range out.InvalidLink {
		_, err := ParseRoomLink(n.Input)
		checkError(t, n.Name, err, n.Error)
	}
}
