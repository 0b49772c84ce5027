package relay_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// session returns a protocol session of id in the direct conversation with peer.
func session(t *testing.T, f *fixture, id client.Identity, peer common.Address) *protocol.Session {
	t.Helper()
	var members []protocol.Member
	for _, a := range []common.Address{id.Account, peer} {
		m, err := f.directory()(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m...)
	}
	s, err := protocol.NewSession(protocol.SessionConfig{ConversationID: wire.DirectConversationID(id.Account, peer),
		Account: id.Account, DeviceID: id.DeviceID, Device: id.Device, Members: members})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func seal(t *testing.T, s *protocol.Session, text string) []byte {
	t.Helper()
	env, _, err := s.Seal([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// rawDial opens a socket with gorilla directly, so tests can write anything, and reads hello.
func rawDial(t *testing.T, url string, h http.Header) *websocket.Conn {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	if f := readFrame(t, ws); f.Type != wire.TypeHello {
		t.Fatalf("first frame %q, want hello", f.Type)
	}
	return ws
}

func readFrame(t *testing.T, ws *websocket.Conn) wire.Frame {
	t.Helper()
	var f wire.Frame
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return f
}

func TestRejectedFramesStoreNothing(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	alice := f.register(t, aliceAddr, 1)
	bob := f.register(t, bobAddr, 7)
	f.register(t, carolAddr, 3)
	f.register(t, daveAddr, 4)
	for _, a := range []common.Address{aliceAddr, carolAddr} {
		if _, err := f.pool.Exec(t.Context(), `INSERT INTO accounts (address, created_at, last_active_at) VALUES (lower($1), now(), now())`, a.Hex()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO blocks (blocker, blocked, created_at) VALUES (lower($1), lower($2), now())`, carolAddr.Hex(), aliceAddr.Hex()); err != nil {
		t.Fatal(err)
	}

	toBob := []wire.DeviceRef{{Account: bobAddr, Device: 7}}
	aliceBob := session(t, f, alice, bobAddr)
	bobAlice := session(t, f, bob, aliceAddr)
	forged := session(t, f, client.Identity{Account: aliceAddr, DeviceID: 1, Device: f.register(t, common.Address{1}, 1).Device}, bobAddr)
	aliceCarol := session(t, f, alice, carolAddr)
	accepted := seal(t, aliceBob, "first")

	ws := rawDial(t, in.wsURL(), header(alice))
	send := func(fr wire.Frame) wire.Frame {
		t.Helper()
		if err := ws.WriteJSON(fr); err != nil {
			t.Fatal(err)
		}
		return readFrame(t, ws)
	}
	if got := send(wire.Frame{Type: wire.TypeSend, ID: "ok", Peer: &bobAddr, To: toBob, Envelope: accepted}); got.Type != wire.TypeSent || got.ID != "ok" {
		t.Fatalf("valid send answered %+v", got)
	}
	// A browser's heartbeat probe (it cannot send WebSocket pings) is answered, not refused.
	if got := send(wire.Frame{Type: wire.TypePing, ID: "beat"}); got.Type != wire.TypePong || got.ID != "beat" {
		t.Fatalf("ping answered %+v, want a pong with its id", got)
	}
	stored := f.count(t, "relay_envelopes")

	tests := []struct {
		name  string
		raw   string     // written as is when set
		frame wire.Frame // otherwise
		code  string
		check func(t *testing.T, got wire.Frame)
	}{
		{name: "not json", raw: "{", code: wire.CodeMalformed},
		{name: "unknown type", raw: `{"type":"nope"}`, code: wire.CodeMalformed},
		{name: "ack without seqs", raw: `{"type":"ack"}`, code: wire.CodeMalformed},
		{name: "no conversation", frame: wire.Frame{Type: wire.TypeSend, Envelope: seal(t, aliceBob, "x")}, code: wire.CodeMalformed},
		{name: "garbage envelope", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: []byte("garbage")}, code: wire.CodeMalformed},
		{name: "oversize envelope", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: make([]byte, protocol.MaxEnvelopeSize+1)}, code: wire.CodeOversize},
		{name: "frame envelope on send", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: must(aliceBob.SealFrame([]byte("typing")))}, code: wire.CodeMalformed},
		{name: "forged signature", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: seal(t, forged, "forged")}, code: wire.CodeBadSignature},
		{name: "another device's envelope", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: seal(t, bobAlice, "not yours")}, code: wire.CodeForbidden},
		{name: "wrong conversation", frame: wire.Frame{Type: wire.TypeSend, Peer: &daveAddr, To: []wire.DeviceRef{{Account: daveAddr, Device: 4}}, Envelope: seal(t, aliceBob, "elsewhere")}, code: wire.CodeMalformed},
		{name: "blocked peer", frame: wire.Frame{Type: wire.TypeSend, Peer: &carolAddr, To: []wire.DeviceRef{{Account: carolAddr, Device: 3}}, Envelope: seal(t, aliceCarol, "hi carol")}, code: wire.CodeNotMember},
		{name: "missing device", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, Envelope: seal(t, aliceBob, "x")}, code: wire.CodeDevicesMismatch,
			check: func(t *testing.T, got wire.Frame) {
				if len(got.Missing) != 1 || got.Missing[0] != toBob[0] || len(got.Stale) != 0 {
					t.Errorf("missing %v stale %v, want missing bob/7", got.Missing, got.Stale)
				}
			}},
		{name: "stale device", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: append([]wire.DeviceRef{{Account: bobAddr, Device: 8}}, toBob...), Envelope: seal(t, aliceBob, "x")}, code: wire.CodeDevicesMismatch,
			check: func(t *testing.T, got wire.Frame) {
				if len(got.Stale) != 1 || got.Stale[0].Device != 8 || len(got.Missing) != 0 {
					t.Errorf("missing %v stale %v, want stale bob/8", got.Missing, got.Stale)
				}
			}},
		{name: "replayed envelope", frame: wire.Frame{Type: wire.TypeSend, Peer: &bobAddr, To: toBob, Envelope: accepted}, code: wire.CodeDuplicate,
			check: func(t *testing.T, got wire.Frame) {
				if want := protocol.EnvelopeCID(accepted).String(); got.CID != want {
					t.Errorf("duplicate names %q, want %q", got.CID, want)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.frame.ID = tc.name
			var got wire.Frame
			if tc.raw != "" {
				if err := ws.WriteMessage(websocket.TextMessage, []byte(tc.raw)); err != nil {
					t.Fatal(err)
				}
				got = readFrame(t, ws)
			} else {
				got = send(tc.frame)
			}
			if got.Type != wire.TypeError || got.Code != tc.code || got.Message == "" {
				t.Fatalf("got %s %q (%s), want error %q", got.Type, got.Code, got.Message, tc.code)
			}
			if tc.raw == "" && got.ID != tc.name {
				t.Errorf("error answers id %q, want %q", got.ID, tc.name)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
			if n := f.count(t, "relay_envelopes"); n != stored {
				t.Fatalf("relay_envelopes has %d rows after a rejected frame, want %d", n, stored)
			}
			// The connection stays usable.
			ok := send(wire.Frame{Type: wire.TypeSend, ID: "after", Peer: &bobAddr, To: toBob, Envelope: seal(t, aliceBob, "after "+tc.name)})
			if ok.Type != wire.TypeSent {
				t.Fatalf("valid send after the rejection answered %+v", ok)
			}
			stored++
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSocketAdmission(t *testing.T) {
	f := newFixture(t)
	f.override = func(c *relay.Config) { c.FramesPerSecond, c.FrameBurst = 1, 3 }
	in := f.start(t, "")
	alice := f.register(t, aliceAddr, 1)
	revoked := f.register(t, aliceAddr, 2)
	f.revoke(t, revoked)
	f.register(t, bobAddr, 7)
	toBob := []wire.DeviceRef{{Account: bobAddr, Device: 7}}
	unregistered := client.Identity{Account: aliceAddr, DeviceID: 9, Device: f.register(t, common.Address{2}, 9).Device}

	t.Run("handshake", func(t *testing.T) {
		tests := []struct {
			name   string
			header http.Header
			status int
		}{
			{"no credentials", http.Header{}, http.StatusUnauthorized},
			{"device not bound", http.Header{"X-Test-Account": {aliceAddr.Hex()}, "X-Test-Device": {"0"}}, http.StatusForbidden},
			{"origin not allowed", func() http.Header { h := header(alice); h.Set("Origin", "https://evil.test"); return h }(), http.StatusForbidden},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, resp, err := websocket.DefaultDialer.Dial(in.wsURL(), tc.header)
				if err == nil || resp == nil || resp.StatusCode != tc.status {
					t.Fatalf("dial: %v, response %v, want status %d", err, resp, tc.status)
				}
			})
		}
		h := header(alice)
		h.Set("Origin", "https://app.parley.test")
		rawDial(t, in.wsURL(), h) // an allowlisted origin gets in
	})

	t.Run("revoked device closed before hello", func(t *testing.T) {
		// Its session may still be live: the relay itself refuses the socket.
		ws, _, err := websocket.DefaultDialer.Dial(in.wsURL(), header(revoked))
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || ce.Text != "device revoked" {
			t.Fatalf("revoked device read %q, %v; want close 1000 device revoked", b, err)
		}
	})

	t.Run("device not allowed to send", func(t *testing.T) {
		tests := []struct {
			name string
			id   client.Identity
			code string
		}{
			{"unregistered device", unregistered, wire.CodeUnknownDevice},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				s, err := protocol.NewSession(protocol.SessionConfig{ConversationID: wire.DirectConversationID(aliceAddr, bobAddr),
					Account: aliceAddr, DeviceID: tc.id.DeviceID, Device: tc.id.Device, Members: must(f.directory()(t.Context(), bobAddr))})
				if err != nil {
					t.Fatal(err)
				}
				c, err := client.Dial(t.Context(), in.wsURL(), header(tc.id))
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				_, err = c.Send(t.Context(), bobAddr, toBob, seal(t, s, "from "+tc.name))
				var rerr *client.RelayError
				if !errors.As(err, &rerr) || rerr.Code != tc.code {
					t.Fatalf("send: %v, want %s", err, tc.code)
				}
			})
		}
		if n := f.count(t, "relay_envelopes"); n != 0 {
			t.Fatalf("%d envelopes stored", n)
		}
	})

	t.Run("oversize frame closes with 1009", func(t *testing.T) {
		ws := rawDial(t, in.wsURL(), header(alice))
		if err := ws.WriteMessage(websocket.TextMessage, bytes.Repeat([]byte("x"), relay.DefaultMaxFrameSize+1)); err != nil {
			t.Fatal(err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _, err := ws.ReadMessage()
		if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
			t.Fatalf("read after oversize frame: %v, want close 1009", err)
		}
	})

	t.Run("frame flood closes with rate_limited", func(t *testing.T) {
		ws := rawDial(t, in.wsURL(), header(alice))
		var got wire.Frame
		for range 10 {
			if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ack","seqs":[1]}`)); err != nil {
				break // closed already
			}
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			err := ws.ReadJSON(&got)
			if err != nil {
				if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
					t.Fatalf("read: %v, want close 1008", err)
				}
				return
			}
			if got.Type == wire.TypeError && got.Code != wire.CodeRateLimited {
				t.Fatalf("unexpected error frame %+v", got)
			}
		}
	})
}
