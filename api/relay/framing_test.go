package relay_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/internal/client/wire"
)

// TestCBORAndJSONSockets has a device that negotiated the CBOR framing and one that speaks
// JSON (as the browser does) exchange envelopes both ways: each reads its own framing.
func TestCBORAndJSONSockets(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 2)

	cborWS, _, err := (&websocket.Dialer{Subprotocols: []string{"x-other", wire.SubprotocolCBOR}}).Dial(in.wsURL(), header(alice))
	if err != nil {
		t.Fatal(err)
	}
	defer cborWS.Close()
	if got := cborWS.Subprotocol(); got != wire.SubprotocolCBOR {
		t.Fatalf("subprotocol %q, want %q", got, wire.SubprotocolCBOR)
	}
	cborCodec := wire.CodecFor(cborWS.Subprotocol())
	read := func(ws *websocket.Conn, codec wire.Codec, wantKind int) wire.Frame {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		kind, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if kind != wantKind {
			t.Fatalf("message type %d, want %d", kind, wantKind)
		}
		var fr wire.Frame
		if err := codec.Unmarshal(kind, b, &fr); err != nil {
			t.Fatal(err)
		}
		return fr
	}
	write := func(ws *websocket.Conn, codec wire.Codec, fr wire.Frame) {
		t.Helper()
		kind, b, err := codec.Marshal(&fr)
		if err != nil {
			t.Fatal(err)
		}
		if err := ws.WriteMessage(kind, b); err != nil {
			t.Fatal(err)
		}
	}
	if hello := read(cborWS, cborCodec, websocket.BinaryMessage); hello.Type != wire.TypeHello {
		t.Fatalf("first cbor frame %q, want hello", hello.Type)
	}
	jsonWS := rawDial(t, in.wsURL(), header(bob)) // offers no subprotocol; reads the JSON hello
	jsonCodec := wire.CodecFor(jsonWS.Subprotocol())
	if jsonCodec.CBOR() {
		t.Fatal("a socket without subprotocols got cbor")
	}

	toAlice := seal(t, session(t, f, bob, aliceAddr), "to alice, in json")
	toBob := seal(t, session(t, f, alice, bobAddr), "to bob, in cbor")
	write(cborWS, cborCodec, wire.Frame{Type: wire.TypeSend, ID: "c1", Peer: &bobAddr, To: []wire.DeviceRef{{Account: bobAddr, Device: 2}}, Envelope: toBob})
	if sent := read(cborWS, cborCodec, websocket.BinaryMessage); sent.Type != wire.TypeSent || sent.ID != "c1" {
		t.Fatalf("cbor send answered %+v", sent)
	}
	got := read(jsonWS, jsonCodec, websocket.TextMessage)
	if got.Type != wire.TypeEnvelope || !bytes.Equal(got.Envelope, toBob) {
		t.Fatalf("json socket got %+v, want the cbor sender's envelope", got)
	}
	write(jsonWS, jsonCodec, wire.Frame{Type: wire.TypeAck, Seqs: []int64{got.Seq}})

	write(jsonWS, jsonCodec, wire.Frame{Type: wire.TypeSend, ID: "j1", Peer: &aliceAddr, To: []wire.DeviceRef{{Account: aliceAddr, Device: 1}}, Envelope: toAlice})
	if sent := read(jsonWS, jsonCodec, websocket.TextMessage); sent.Type != wire.TypeSent || sent.ID != "j1" {
		t.Fatalf("json send answered %+v", sent)
	}
	got = read(cborWS, cborCodec, websocket.BinaryMessage)
	if got.Type != wire.TypeEnvelope || !bytes.Equal(got.Envelope, toAlice) {
		t.Fatalf("cbor socket got %+v, want the json sender's envelope", got)
	}
	// A CBOR socket still reads JSON text; the answer keeps its framing.
	write(cborWS, jsonCodec, wire.Frame{Type: wire.TypeAck, Seqs: []int64{got.Seq}})
	write(cborWS, jsonCodec, wire.Frame{Type: "nope"})
	if e := read(cborWS, cborCodec, websocket.BinaryMessage); e.Type != wire.TypeError || e.Code != wire.CodeMalformed {
		t.Fatalf("unknown frame answered %+v", e)
	}
	eventually(t, 10*time.Second, "acknowledged rows deleted", func() bool { return f.count(t, "relay_pending") == 0 })
}
