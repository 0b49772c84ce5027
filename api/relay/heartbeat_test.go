package relay_test

import (
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/api/relay"
)

// TestHeartbeat checks the shared heartbeat: a peer that answers pings stays connected past
// two periods, and one that stays silent (reads nothing, so sends no pong) is closed.
func TestHeartbeat(t *testing.T) {
	f := newFixture(t)
	// A period of a second: a pong must come back within two, which a loaded 2-core machine
	// does not always manage within 300 ms twice (the live peer was then closed).
	f.override = func(c *relay.Config) { c.PingInterval = time.Second }
	in := f.start(t, "")
	dial := func(n int64) *websocket.Conn {
		id := f.register(t, common.BigToAddress(big.NewInt(n)), 1)
		ws, _, err := websocket.DefaultDialer.Dial(in.wsURL(), header(id))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		return ws
	}
	live, silent := dial(0xbee1), dial(0xbee2)

	var pings atomic.Int32
	readErr := make(chan error, 1)
	live.SetPingHandler(func(data string) error {
		pings.Add(1)
		return live.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	go func() {
		for {
			if _, _, err := live.ReadMessage(); err != nil {
				readErr <- err
				return
			}
		}
	}()
	eventually(t, 20*time.Second, "four pings to the live peer", func() bool { return pings.Load() >= 4 })
	select {
	case err := <-readErr:
		t.Fatalf("the live peer was disconnected: %v", err)
	default:
	}

	// The silent peer's buffered hello and pings come first (left unanswered), then the close.
	silent.SetPingHandler(func(string) error { return nil })
	deadline := time.Now().Add(20 * time.Second)
	_ = silent.SetReadDeadline(deadline)
	for {
		_, _, err := silent.ReadMessage()
		if websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			return
		}
		if err != nil {
			t.Fatalf("silent peer: %v, want a close frame", err)
		}
	}
}
