package client_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// silentRelay serves sockets that say hello (when hello is set) and then nothing, not even
// pongs, until the test ends; it returns the socket URL and counts the sockets in dials.
func silentRelay(t *testing.T, hello bool, dials *atomic.Int32) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		dials.Add(1)
		if hello && ws.WriteJSON(wire.Frame{Type: wire.TypeHello, Hello: &wire.Hello{}}) != nil {
			return
		}
		<-release // never reads, so never answers a ping
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// TestDialGivesUpWithItsContext checks that a relay which accepts the socket but never says
// hello does not hold Dial (and so Run) past its context.
func TestDialGivesUpWithItsContext(t *testing.T) {
	t.Parallel()
	url := silentRelay(t, false, new(atomic.Int32))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c, err := client.Dial(ctx, url, nil)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("dial succeeded without a hello")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Dial still waits for the hello 10 s after its context ended")
	}
}

// TestSilentConnectionIsReplaced plays a relay that says hello and then nothing, not even
// pongs, as a connection that died without a close looks: Run gives it up after two
// heartbeats and dials again.
func TestSilentConnectionIsReplaced(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	url := silentRelay(t, true, &dials)
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Identity: client.Identity{Account: common.HexToAddress("0xa11ce"), DeviceID: 1, Device: dev},
		Directory: func(context.Context, common.Address) ([]protocol.Member, error) { return nil, nil },
		Dial: func(ctx context.Context) (*client.Conn, error) {
			return client.Dial(ctx, url, nil)
		},
		Heartbeat: 100 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); dials.Load() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the silent connection was kept for 10 s (100 ms heartbeats)")
		}
	}
}

// TestCloseWithUnreadFrames closes a connection whose pushes nobody read, more than Incoming
// holds: Close returns (the reader does not stay blocked on the full queue).
func TestCloseWithUnreadFrames(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if ws.WriteJSON(wire.Frame{Type: wire.TypeHello, Hello: &wire.Hello{}}) != nil {
			return
		}
		for range 1000 {
			if ws.WriteJSON(wire.Frame{Type: wire.TypeFrame, Envelope: []byte("x")}) != nil {
				return
			}
		}
		_, _, _ = ws.ReadMessage() // until the client closes
	}))
	t.Cleanup(srv.Close)
	c, err := client.Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(c.Incoming()) < cap(c.Incoming()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Incoming holds %d of %d pushes 10 s later", len(c.Incoming()), cap(c.Incoming()))
		}
	}
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits 10 s later")
	}
}
