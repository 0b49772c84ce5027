package relay_test

import (
	"bytes"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// TestFrameFloodDropsFrames floods a device that reads slowly with ephemeral frames from its
// peer: frames beyond what its queue can spare are dropped, not counted against the device,
// whose socket stays open (a peer cannot disconnect it).
func TestFrameFloodDropsFrames(t *testing.T) {
	f := newFixture(t)
	// No rate limit for the flood, and writes that wait for the slow reader as long as it takes.
	f.override = func(c *relay.Config) { c.FramesPerSecond, c.FrameBurst, c.WriteTimeout = 1e6, 1e6, time.Minute }
	in := f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 7)
	// Alice's socket has a small receive buffer and does not read during the flood.
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		nd := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			if err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) }); err != nil {
				return err
			}
			return serr
		}}
		return nd.Dial(network, addr)
	}}
	victim, _, err := d.Dial(in.wsURL(), header(alice))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Close() })
	s := session(t, f, bob, aliceAddr)
	typing := must(s.SealFrame(bytes.Repeat([]byte("x"), protocol.MaxFramePlaintextSize)))
	attacker := rawDial(t, in.wsURL(), header(bob))
	pong := make(chan struct{})
	go func() {
		for {
			var fr wire.Frame
			if err := attacker.ReadJSON(&fr); err != nil {
				return
			}
			if fr.Type == wire.TypePong && fr.ID == "flood" {
				close(pong)
			}
		}
	}()
	const sent = 3000
	for range sent {
		if err := attacker.WriteJSON(wire.Frame{Type: wire.TypeFrame, Peer: &aliceAddr, Envelope: typing}); err != nil {
			t.Fatal(err)
		}
	}
	// Bob's socket reads its frames in order: its pong comes once every typing frame was
	// checked and announced, while alice has not read any.
	if err := attacker.WriteJSON(wire.Frame{Type: wire.TypePing, ID: "flood"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-pong:
	case <-time.After(time.Minute):
		t.Fatal("no pong after the flood")
	}
	frames := 0
	for {
		_ = victim.SetReadDeadline(time.Now().Add(2 * time.Second))
		var fr wire.Frame
		err := victim.ReadJSON(&fr)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			break // quiet, and still open
		}
		if err != nil {
			t.Fatalf("alice's socket ended after %d typing frames: %v, want it open", frames, err)
		}
		if fr.Type == wire.TypeFrame {
			frames++
		}
	}
	if frames == 0 || frames >= sent {
		t.Fatalf("%d of %d typing frames reached alice, want some, and fewer than all (the rest dropped)", frames, sent)
	}
	t.Logf("%d of %d typing frames reached alice", frames, sent)
}
