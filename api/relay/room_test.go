package relay_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/api/relay"
)

// TestRoomSlotsLease checks the room cap's slots: they outlive many lease periods while their
// sockets stay (renewed), a leaving socket frees its slot at once, a dead instance's slot frees
// itself when its lease lapses and the janitor deletes it, and no slot outlives its room.
func TestRoomSlotsLease(t *testing.T) {
	f := newFixture(t)
	const lease = 300 * time.Millisecond
	f.override = func(c *relay.Config) { c.RoomLease = lease }
	a, b := f.start(t, ""), f.start(t, "")
	newRoom := func(t *testing.T, id string, members int, ttl time.Duration) {
		if _, err := f.pool.Exec(t.Context(), `INSERT INTO rooms (id, max_members, created_at, expires_at) VALUES ($1, $2, now(), now() + $3::interval)`,
			id, members, ttl.String()); err != nil {
			t.Fatal(err)
		}
	}
	url := func(in *instance, room string) string { return "ws://" + in.addr + "/v1/rooms/" + room + "/ws" }
	join := func(t *testing.T, url string, want int) *websocket.Conn {
		t.Helper()
		ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if resp == nil || resp.StatusCode != want {
			t.Fatalf("join %s: %v %v, want status %d", url, err, resp, want)
		}
		if ws != nil {
			t.Cleanup(func() { ws.Close() })
		}
		return ws
	}
	slots := func(t *testing.T, room string) (n int) {
		if err := f.pool.QueryRow(t.Context(), `SELECT count(*) FROM relay_room_members WHERE room = $1`, room).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("renewed while open, freed on leave", func(t *testing.T) {
		newRoom(t, "pair", 2, time.Hour)
		first := join(t, url(a, "pair"), http.StatusSwitchingProtocols)
		join(t, url(b, "pair"), http.StatusSwitchingProtocols)
		time.Sleep(4 * lease)
		join(t, url(b, "pair"), http.StatusForbidden)
		first.Close()
		eventually(t, 10*time.Second, "the leaving socket's slot", func() bool { return slots(t, "pair") == 1 })
		join(t, url(b, "pair"), http.StatusSwitchingProtocols)
	})

	t.Run("a dead instance's slot lapses", func(t *testing.T) {
		newRoom(t, "crash", 2, time.Hour)
		join(t, url(b, "crash"), http.StatusSwitchingProtocols)
		// What an instance killed with -9 leaves behind: a slot nobody renews.
		if _, err := f.pool.Exec(t.Context(), `INSERT INTO relay_room_members (room, socket, instance, lease_until)
			VALUES ('crash', 'dead-1', 'dead', now() + $1::interval)`, lease.String()); err != nil {
			t.Fatal(err)
		}
		join(t, url(a, "crash"), http.StatusForbidden)
		time.Sleep(lease)
		join(t, url(a, "crash"), http.StatusSwitchingProtocols)
		if err := a.relay.Purge(t.Context()); err != nil {
			t.Fatal(err)
		}
		var dead int
		if err := f.pool.QueryRow(t.Context(), `SELECT count(*) FROM relay_room_members WHERE instance = 'dead'`).Scan(&dead); err != nil {
			t.Fatal(err)
		}
		if n := slots(t, "crash"); dead != 0 || n != 2 {
			t.Fatalf("after the purge: %d dead slots, %d in the room; want 0 and 2", dead, n)
		}
	})

	t.Run("concurrent joins", func(t *testing.T) {
		newRoom(t, "rush", 2, time.Hour)
		var wg sync.WaitGroup
		var admitted atomic.Int32
		for i := range 12 {
			wg.Go(func() {
				ws, _, err := websocket.DefaultDialer.Dial(url([]*instance{a, b}[i%2], "rush"), nil)
				if err == nil {
					admitted.Add(1)
					t.Cleanup(func() { ws.Close() })
				}
			})
		}
		wg.Wait()
		if n := admitted.Load(); n != 2 {
			t.Fatalf("%d of 12 concurrent joins admitted to a room of 2", n)
		}
	})

	t.Run("no slot outlives its room", func(t *testing.T) {
		f.override = func(c *relay.Config) { c.RoomLease = time.Hour }
		long := f.start(t, "")
		newRoom(t, "brief", 2, 2*time.Second)
		join(t, url(long, "brief"), http.StatusSwitchingProtocols)
		var outlives bool
		if err := f.pool.QueryRow(t.Context(), `SELECT bool_or(m.lease_until > r.expires_at) FROM relay_room_members m JOIN rooms r ON r.id = m.room`).Scan(&outlives); err != nil {
			t.Fatal(err)
		}
		if outlives {
			t.Fatal("a slot's lease outlives its room")
		}
		eventually(t, 10*time.Second, "the expired room's slots to go", func() bool { return slots(t, "brief") == 0 })
	})
}
