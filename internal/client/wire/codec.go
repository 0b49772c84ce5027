package wire

import (
	"encoding/json"
	"fmt"

	"github.com/fxamacker/cbor/v2"
	"github.com/gorilla/websocket"
)

// SubprotocolCBOR is the WebSocket subprotocol (Sec-WebSocket-Protocol) a client offers to
// exchange frames as CBOR binary messages instead of JSON text messages: the same Frame
// fields under the same names (CBOR takes them from the json tags), with byte strings instead
// of base64 text. It saves the relay and the client the JSON and base64 work of every
// envelope. A client that offers no subprotocol, such as the browser, speaks JSON; a CBOR
// socket still accepts JSON text messages.
const SubprotocolCBOR = "parley.cbor.v1"

var (
	cborEnc cbor.EncMode
	cborDec cbor.DecMode
)

func init() {
	var err error
	if cborEnc, err = (cbor.EncOptions{Time: cbor.TimeRFC3339Nano}).EncMode(); err != nil {
		panic(err)
	}
	cborDec, err = cbor.DecOptions{
		DupMapKey:       cbor.DupMapKeyEnforcedAPF,
		IndefLength:     cbor.IndefLengthForbidden,
		MaxNestedLevels: 8,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Codec encodes and decodes the frames of one socket.
type Codec struct {
	cbor bool
}

// CodecFor returns the codec of a socket that negotiated subprotocol ("" for none).
func CodecFor(subprotocol string) Codec { return Codec{cbor: subprotocol == SubprotocolCBOR} }

// CBOR reports whether the codec writes CBOR binary messages.
func (c Codec) CBOR() bool { return c.cbor }

// Marshal encodes f as a message of the returned WebSocket message type.
func (c Codec) Marshal(f *Frame) (messageType int, data []byte, err error) {
	if c.cbor {
		data, err = cborEnc.Marshal(f)
		messageType = websocket.BinaryMessage
	} else {
		data, err = json.Marshal(f)
		messageType = websocket.TextMessage
	}
	if err != nil {
		return 0, nil, fmt.Errorf("wire: encode %s frame: %w", f.Type, err)
	}
	return messageType, data, nil
}

// Unmarshal decodes a message into f: a binary message on a CBOR socket is CBOR, anything
// else JSON (as before subprotocols, a JSON socket reads binary messages as JSON too).
func (c Codec) Unmarshal(messageType int, data []byte, f *Frame) error {
	if c.cbor && messageType == websocket.BinaryMessage {
		if err := cborDec.Unmarshal(data, f); err != nil {
			return fmt.Errorf("frame is not CBOR: %w", err)
		}
		return nil
	}
	if err := json.Unmarshal(data, f); err != nil {
		return fmt.Errorf("frame is not JSON: %w", err)
	}
	return nil
}
