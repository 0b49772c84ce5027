package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"
)

func TestCodecRoundTrip(t *testing.T) {
	peer := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	dev := DeviceRef{Account: peer, Device: 7}
	frames := []Frame{
		{Type: TypeSend, ID: "42", Peer: &peer, To: []DeviceRef{dev}, Envelope: bytes.Repeat([]byte{0xfe, 0}, 600)},
		{Type: TypeEnvelope, Seq: 9, CID: "bafkrei", Envelope: []byte{1, 2, 3}},
		{Type: TypeAck, Seqs: []int64{1, 2, 1 << 40}},
		{Type: TypeError, ID: "1", Code: CodeDevicesMismatch, Message: "m", Missing: []DeviceRef{dev}, Stale: []DeviceRef{{Device: 1}}},
		{Type: TypeHello, Hello: &Hello{Device: dev, TTLSeconds: 60, MaxPending: 10, Dropped: 2, MaxFrameSize: 1 << 20}},
		{Type: TypeNotification, Notification: &Notification{ID: 5, Kind: "tip", Data: json.RawMessage(`{"a":1}`), CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}},
		{Type: TypeChain, Chain: &ChainEvent{Kind: "tip", ChainID: 31337, Block: 3, TxHash: "0x1", LogIndex: 2, Account: "0xa", DeviceID: 4, Final: true}},
	}
	for _, sub := range []string{"", SubprotocolCBOR} {
		c := CodecFor(sub)
		for _, f := range frames {
			kind, b, err := c.Marshal(&f)
			if err != nil {
				t.Fatalf("%q: marshal %s: %v", sub, f.Type, err)
			}
			if want := map[bool]int{false: websocket.TextMessage, true: websocket.BinaryMessage}[sub != ""]; kind != want {
				t.Fatalf("%q: %s frame as message type %d, want %d", sub, f.Type, kind, want)
			}
			var got Frame
			if err := c.Unmarshal(kind, b, &got); err != nil {
				t.Fatalf("%q: unmarshal %s: %v", sub, f.Type, err)
			}
			if !reflect.DeepEqual(got, f) {
				t.Fatalf("%q: round trip of %s:\n got %+v\nwant %+v", sub, f.Type, got, f)
			}
		}
	}
}

func TestCodecMessageTypes(t *testing.T) {
	f := Frame{Type: TypeSend, ID: "1", Envelope: bytes.Repeat([]byte{7}, 900)}
	_, js, err := CodecFor("").Marshal(&f)
	if err != nil {
		t.Fatal(err)
	}
	_, cb, err := CodecFor(SubprotocolCBOR).Marshal(&f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cb) >= len(f.Envelope)+64 || len(js) < len(f.Envelope)*4/3 {
		t.Fatalf("cbor %d bytes, json %d bytes for a %d-byte envelope: want raw bytes in cbor, base64 in json", len(cb), len(js), len(f.Envelope))
	}
	var got Frame
	// A CBOR socket still reads JSON text; a JSON socket never reads CBOR.
	if err := CodecFor(SubprotocolCBOR).Unmarshal(websocket.TextMessage, js, &got); err != nil || got.ID != "1" {
		t.Fatalf("json text on a cbor socket: %+v, %v", got, err)
	}
	if err := CodecFor("").Unmarshal(websocket.BinaryMessage, cb, &got); err == nil {
		t.Fatal("cbor on a json socket decoded")
	}
	if err := CodecFor(SubprotocolCBOR).Unmarshal(websocket.BinaryMessage, []byte{0xff}, &got); err == nil {
		t.Fatal("garbage cbor decoded")
	}
}
