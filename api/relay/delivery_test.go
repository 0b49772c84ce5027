package relay_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// runClient starts a client on one instance and stops it with the test.
func runClient(t *testing.T, f *fixture, id client.Identity, in *instance) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Identity: id, Directory: f.directory(), Dial: dialer(id, func() []string { return []string{in.wsURL()} })})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

func next(t *testing.T, c *client.Client) client.Received {
	t.Helper()
	select {
	case r := <-c.Received():
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("timed out waiting for a message")
		return client.Received{}
	}
}

// TestMultiDeviceAndFrames checks fan-out to every device of both accounts across instances,
// and ephemeral frames that reach online devices without being stored.
func TestMultiDeviceAndFrames(t *testing.T) {
	f := newFixture(t)
	a, b := f.start(t, ""), f.start(t, "")
	alice1, alice2, bob := f.register(t, aliceAddr, 1), f.register(t, aliceAddr, 2), f.register(t, bobAddr, 7)
	ca1, ca2, cb := runClient(t, f, alice1, a), runClient(t, f, alice2, b), runClient(t, f, bob, b)

	if _, err := ca1.Send(t.Context(), bobAddr, []byte("hello bob")); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client.Client{"bob": cb, "alice's second device": ca2} {
		r := next(t, c)
		if string(r.Message.Plaintext) != "hello bob" || r.Peer != bobAddr && r.Peer != aliceAddr {
			t.Fatalf("%s got %q from peer %s", name, r.Message.Plaintext, r.Peer.Hex())
		}
	}
	// The client records a message in its history right after handing it over.
	eventually(t, 5*time.Second, "alice's second device has the message in its history with bob", func() bool {
		return len(ca2.History(bobAddr)) == 1
	})
	stored := f.count(t, "relay_envelopes")
	if err := cb.SendFrame(t.Context(), aliceAddr, []byte("typing")); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client.Client{"alice 1": ca1, "alice 2": ca2} {
		r := next(t, c)
		if r.Message.Kind != protocol.KindFrame || string(r.Message.Plaintext) != "typing" {
			t.Fatalf("%s got kind %d %q, want the typing frame", name, r.Message.Kind, r.Message.Plaintext)
		}
	}
	if n := f.count(t, "relay_envelopes"); n != stored {
		t.Fatalf("an ephemeral frame was stored: %d envelopes, want %d", n, stored)
	}
	eventually(t, 10*time.Second, "acks", func() bool { return f.count(t, "relay_pending") == 0 })
}

// TestCapAndTTLAreReported checks that envelopes beyond the per-device cap and past the TTL
// are dropped and that the device is told how many on its next connect.
func TestCapAndTTLAreReported(t *testing.T) {
	f := newFixture(t)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	f.now = func() time.Time { return time.Unix(0, clock.Load()) }
	f.override = func(c *relay.Config) { c.MaxPending, c.PendingTTL = 3, time.Hour }
	in := f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 7)
	ca := runClient(t, f, alice, in)
	for i := range 5 {
		if _, err := ca.Send(t.Context(), bobAddr, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	connect := func() *client.Conn {
		c, err := client.Dial(t.Context(), in.wsURL(), header(bob))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	c := connect()
	if h := c.Hello(); h.Dropped != 2 || h.MaxPending != 3 || h.TTLSeconds != 3600 {
		t.Fatalf("hello %+v, want 2 dropped by the cap of 3, TTL 3600", h)
	}
	var seqs []int64
	for range 3 {
		fr := <-c.Incoming()
		seqs = append(seqs, fr.Seq)
	}
	if seqs[0] != 3 || seqs[2] != 5 {
		t.Fatalf("pushed seqs %v, want 3..5", seqs)
	}
	c.Close()

	clock.Add(int64(2 * time.Hour))
	if err := in.relay.Purge(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "relay_pending"); n != 0 {
		t.Fatalf("%d pending rows after the TTL", n)
	}
	if h := connect().Hello(); h.Dropped != 3 {
		t.Fatalf("hello after TTL reports %d dropped, want 3", h.Dropped)
	}
}

// TestAnonymousRoom relays opaque frames between a room's sockets on two instances, enforces
// the member cap across them, refuses unknown rooms and stores nothing.
func TestAnonymousRoom(t *testing.T) {
	f := newFixture(t)
	a, b := f.start(t, ""), f.start(t, "")
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO rooms (id, max_members, created_at, expires_at) VALUES ('room1', 2, now(), now() + interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	roomURL := func(in *instance, id string) string { return "ws://" + in.addr + "/v1/rooms/" + id + "/ws" }
	dial := func(url string) *websocket.Conn {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("dial %s: %v", url, err)
		}
		t.Cleanup(func() { ws.Close() })
		return ws
	}
	p1, p2 := dial(roomURL(a, "room1")), dial(roomURL(b, "room1"))
	secret := []byte(marker + " room ciphertext stand-in")
	// Room frames reach the sockets present when they are relayed, and p2 may still be
	// joining on instance B: p1 repeats until p2 has one.
	got := make(chan []byte, 1)
	go func() {
		defer close(got)
		_ = p2.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, m, err := p2.ReadMessage(); err == nil {
			got <- m
		}
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for m, waiting := []byte(nil), true; waiting; {
		if err := p1.WriteMessage(websocket.BinaryMessage, secret); err != nil {
			t.Fatal(err)
		}
		select {
		case m, waiting = <-got:
			if string(m) != string(secret) {
				t.Fatalf("peer got %q", m)
			}
			waiting = false
		case <-tick.C:
		}
	}

	// The cap counts the members of every instance: p1 on A and p2 on B fill the room.
	tests := []struct {
		name   string
		url    string
		status int
	}{
		{"unknown room", roomURL(a, "nope"), http.StatusNotFound},
		{"full room, first instance", roomURL(a, "room1"), http.StatusForbidden},
		{"full room, second instance", roomURL(b, "room1"), http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, err := websocket.DefaultDialer.Dial(tc.url, nil)
			if err == nil || resp == nil || resp.StatusCode != tc.status {
				t.Fatalf("dial: %v %v, want %d", err, resp, tc.status)
			}
		})
	}
	f.scanTables(t, []byte(marker))
}

// TestOneSocketPerDevice checks that a device connecting again, on this or another instance,
// closes its older socket and keeps the newer one.
func TestOneSocketPerDevice(t *testing.T) {
	f := newFixture(t)
	a, b := f.start(t, ""), f.start(t, "")
	alice := f.register(t, common.HexToAddress("0x00000000000000000000000000000000000a11ce"), 1)
	tests := []struct {
		name          string
		first, second *instance
	}{
		{"same instance", a, a},
		{"other instance", a, b},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := rawDial(t, tc.first.wsURL(), header(alice))
			newer := rawDial(t, tc.second.wsURL(), header(alice))
			_ = old.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, _, err := old.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Fatalf("older socket: %v, want a normal close", err)
			}
			expectOpen(t, newer)
		})
	}
}

// TestNotificationsArePushed checks that a notification the API stores (and announces on
// parley_notifications) reaches the account's open socket, and older ones are left to HTTP.
func TestNotificationsArePushed(t *testing.T) {
	f := newFixture(t)
	a := f.start(t, "")
	alice := f.register(t, aliceAddr, 1)
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO accounts (address, created_at, last_active_at) VALUES (lower($1), now(), now())`, aliceAddr.Hex()); err != nil {
		t.Fatal(err)
	}
	insert := func(kind string) {
		// The API's InsertNotification statement.
		if _, err := f.pool.Exec(t.Context(), `WITH n AS (INSERT INTO notifications (account, kind, data, created_at)
			VALUES (lower($1), $2, '{"from":"0xb0b"}', now()) RETURNING account) SELECT pg_notify('parley_notifications', account) FROM n`, aliceAddr.Hex(), kind); err != nil {
			t.Fatal(err)
		}
	}
	insert("before_connect") // read over HTTP, not pushed
	ws := rawDial(t, a.wsURL(), header(alice))
	insert("chat_request")
	got := readFrame(t, ws)
	if got.Type != wire.TypeNotification || got.Notification == nil || got.Notification.Kind != "chat_request" || string(got.Notification.Data) != `{"from":"0xb0b"}` {
		t.Fatalf("got %+v (%+v), want the chat_request notification", got, got.Notification)
	}
	// More rows than one read returns, announced once (Postgres folds a transaction's equal
	// notifications into one): every one is pushed, in order.
	if _, err := f.pool.Exec(t.Context(), `WITH n AS (INSERT INTO notifications (account, kind, data, created_at)
		SELECT lower($1), 'tip', '{}', now() FROM generate_series(1, 150) RETURNING account)
		SELECT pg_notify('parley_notifications', account) FROM n`, aliceAddr.Hex()); err != nil {
		t.Fatal(err)
	}
	last := got.Notification.ID
	for i := range 150 {
		got := readFrame(t, ws)
		if got.Type != wire.TypeNotification || got.Notification == nil || got.Notification.ID <= last {
			t.Fatalf("notification %d of the burst: got %+v (%+v) after id %d", i+1, got, got.Notification, last)
		}
		last = got.Notification.ID
	}
}

// TestChainEvents forwards the indexer's notifications to the account's sockets and closes the
// socket of a device the registry revoked.
func TestChainEvents(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	d1, d2 := f.register(t, aliceAddr, 1), f.register(t, aliceAddr, 2)
	ws1, ws2 := rawDial(t, in.wsURL(), header(d1)), rawDial(t, in.wsURL(), header(d2))
	notify := func(ev wire.ChainEvent) {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.pool.Exec(t.Context(), `SELECT pg_notify('parley_chain', $1)`, string(b)); err != nil {
			t.Fatal(err)
		}
	}
	account := strings.ToLower(aliceAddr.Hex())
	notify(wire.ChainEvent{Kind: "tip", ChainID: 1, Block: 9, Account: account}) // another chain: ignored
	notify(wire.ChainEvent{Kind: "tip", ChainID: testChainID, Block: 10, Account: account, Final: false})
	notify(wire.ChainEvent{Kind: "device_revoked", ChainID: testChainID, Block: 11, Account: account, DeviceID: 2})
	tests := []struct {
		name  string
		kind  string
		block uint64
	}{
		{"tip", "tip", 10},
		{"revocation", "device_revoked", 11},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := readFrame(t, ws1)
			if got.Type != wire.TypeChain || got.Chain == nil || got.Chain.Kind != tc.kind || got.Chain.Block != tc.block {
				t.Fatalf("got %+v (%+v), want %s at block %d", got, got.Chain, tc.kind, tc.block)
			}
		})
	}
	_ = ws2.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		if _, _, err := ws2.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Fatalf("revoked device's socket: %v, want a close", err)
			}
			break
		}
	}
}

// TestHelloComesFirst connects a device again and again while its peer sends it typing
// frames: the hello is always the socket's first frame, whatever arrives while it is made.
func TestHelloComesFirst(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 7)
	s := session(t, f, bob, aliceAddr)
	typing := must(s.SealFrame([]byte("typing")))
	ws := rawDial(t, in.wsURL(), header(bob))
	stop := make(chan struct{})
	flooding := make(chan struct{})
	go func() {
		defer close(flooding)
		tick := time.NewTicker(2 * time.Millisecond) // within the frame rate limit
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if ws.WriteJSON(wire.Frame{Type: wire.TypeFrame, Peer: &aliceAddr, Envelope: typing}) != nil {
				return
			}
		}
	}()
	defer func() { close(stop); <-flooding }()
	go func() { // bob's socket answers nothing, but its reads keep it open
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for i := range 100 {
		c, err := client.Dial(t.Context(), in.wsURL(), header(alice))
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		c.Close()
	}
}

// TestRevocationMissedWhileNotListening revokes a connected device, and another device's
// session, without the notifications reaching the relay (as when they are sent while the
// relay's listener reconnects): the listener's reconnect re-checks the connected devices and
// sessions and closes those sockets.
func TestRevocationMissedWhileNotListening(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	d1, d2, d3 := f.register(t, aliceAddr, 1), f.register(t, aliceAddr, 2), f.register(t, aliceAddr, 3)
	ws1, ws2, ws3 := rawDial(t, in.wsURL(), header(d1)), rawDial(t, in.wsURL(), header(d2)), rawDial(t, in.wsURL(), header(d3))
	f.revoke(t, d2) // no parley_chain notification
	// The session's trigger announces the revocation; with triggers off (replica role) it does not.
	tx, err := f.pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(t.Context())
	if _, err := tx.Exec(t.Context(), `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), `UPDATE sessions SET revoked_at = now() WHERE account = $1 AND device_id = 3`, strings.ToLower(aliceAddr.Hex())); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := f.listeners(t)
	if _, err := f.pool.Exec(t.Context(), `SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid`, before); err != nil {
		t.Fatal(err)
	}
	expectClose(t, ws2, "device revoked")
	expectClose(t, ws3, "session revoked")
	expectOpen(t, ws1)
}
