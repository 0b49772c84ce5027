package relay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/parleychat/parley/internal/store/relaydb"
)

// roomConn is one anonymous participant's socket in a room.
type roomConn struct {
	*socket
	room string
	id   string
}

// roomNote is the NOTIFY payload of a room frame.
type roomNote struct {
	Room string `json:"r"`
	From string `json:"f"`
	Kind int    `json:"k"`
	Data []byte `json:"d"`
}

// serveRoom joins an anonymous room without login: every frame (ciphertext or encrypted WebRTC
// signaling, opaque to the relay) goes to the room's other sockets on every instance. Nothing is
// stored, and the sockets close when the room expires.
func (r *Relay) serveRoom(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	room, err := r.q.LiveRoom(req.Context(), relaydb.LiveRoomParams{ID: id, Now: r.now()})
	if errors.Is(err, pgx.ErrNoRows) {
		http.Error(w, "no such room, or it expired", http.StatusNotFound)
		return
	}
	if err != nil {
		r.deps.Logger.Error("look up room", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	n, ok := r.enter()
	if !ok {
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	defer r.wg.Done()
	// The slot is taken before the upgrade, so the cap holds however fast sockets arrive.
	r.mu.Lock()
	full := r.roomSize[id] >= int(room.MaxMembers)
	if !full {
		r.roomSize[id]++
	}
	r.mu.Unlock()
	if full {
		http.Error(w, "the room is full", http.StatusForbidden)
		return
	}
	defer func() {
		r.mu.Lock()
		if r.roomSize[id]--; r.roomSize[id] == 0 {
			delete(r.roomSize, id)
		}
		r.mu.Unlock()
	}()
	ws, out, err := r.upgrade(w, req, "")
	if err != nil {
		return
	}
	c := &roomConn{room: id, id: r.instance + "-" + strconv.FormatUint(n, 10),
		socket: newSocket(ws, out, n, &r.cfg, r.deps.Logger, int64(r.cfg.RoomMaxFrame))}
	r.mu.Lock()
	if r.rooms[id] == nil {
		r.rooms[id] = map[*roomConn]struct{}{}
	}
	r.rooms[id][c] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.rooms[id], c)
		if len(r.rooms[id]) == 0 {
			delete(r.rooms, id)
		}
		r.mu.Unlock()
	}()
	expiry := time.AfterFunc(time.Until(room.ExpiresAt.Time), func() { c.close("room expired") })
	defer expiry.Stop()
	defer c.wait("read ended")
	for {
		kind, b, err := c.read()
		if errors.Is(err, errRateLimited) {
			c.close("rate limited")
			return
		}
		if err != nil {
			return
		}
		note, err := json.Marshal(roomNote{Room: id, From: c.id, Kind: kind, Data: b})
		if err == nil {
			err = r.notify(context.Background(), chanRoom, string(note))
		}
		if err != nil {
			c.log.Warn("relay room frame", "room", id, "err", err)
			return
		}
	}
}

// deliverRoom pushes a room frame to the room's local sockets except its sender.
func (r *Relay) deliverRoom(payload string) {
	var n roomNote
	if json.Unmarshal([]byte(payload), &n) != nil || (n.Kind != websocket.TextMessage && n.Kind != websocket.BinaryMessage) {
		return
	}
	var targets []*roomConn
	r.mu.Lock()
	for c := range r.rooms[n.Room] {
		if c.id != n.From {
			targets = append(targets, c)
		}
	}
	r.mu.Unlock()
	for _, c := range targets {
		c.enqueue(n.Kind, n.Data)
	}
}
