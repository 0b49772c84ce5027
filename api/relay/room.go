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
	"github.com/jackc/pgx/v5/pgtype"

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
// stored, and the sockets close when the room expires. The member cap counts the room's
// sockets on every instance (relay_room_members).
func (r *Relay) serveRoom(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	n, ok := r.enter()
	if !ok {
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	defer r.wg.Done()
	sock := r.instance + "-" + strconv.FormatUint(n, 10)
	// The slot is taken before the upgrade, so the cap holds however fast sockets arrive.
	room, joined, err := r.joinRoom(req.Context(), id, sock)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		http.Error(w, "no such room, or it expired", http.StatusNotFound)
		return
	case err != nil:
		r.deps.Logger.Error("join room", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case !joined:
		http.Error(w, "the room is full", http.StatusForbidden)
		return
	}
	defer r.leaveRoom(id, sock)
	ws, out, err := r.upgrade(w, req, "")
	if err != nil {
		return
	}
	c := &roomConn{room: id, id: sock,
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

// joinRoom adds a socket to a live room unless the room's members on every instance reach its
// cap: under the room's row lock, so that concurrent joins count each other. pgx.ErrNoRows:
// no such live room.
func (r *Relay) joinRoom(ctx context.Context, id, sock string) (room relaydb.LockLiveRoomRow, joined bool, err error) {
	err = pgx.BeginFunc(ctx, r.deps.Pool, func(tx pgx.Tx) error {
		q := r.q.WithTx(tx)
		now := r.deps.Now()
		if room, err = q.LockLiveRoom(ctx, relaydb.LockLiveRoomParams{ID: id, Now: pgtype.Timestamptz{Time: now, Valid: true}}); err != nil {
			return err
		}
		n, err := q.JoinRoom(ctx, relaydb.JoinRoomParams{
			Room: id, Socket: sock, Instance: r.instance, MaxMembers: room.MaxMembers,
			Now:        pgtype.Timestamptz{Time: now, Valid: true},
			LeaseUntil: pgtype.Timestamptz{Time: minTime(now.Add(r.cfg.RoomLease), room.ExpiresAt.Time), Valid: true},
		})
		joined = n == 1
		return err
	})
	return room, joined, err
}

// leaveRoom frees a socket's slot in its room; a slot left behind frees itself when its lease
// lapses.
func (r *Relay) leaveRoom(id, sock string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.WriteTimeout)
	defer cancel()
	if err := r.q.LeaveRoom(ctx, relaydb.LeaveRoomParams{Room: id, Socket: sock}); err != nil {
		r.deps.Logger.Warn("leave room", "room", id, "err", err)
	}
}

// roomLeases renews the leases of this instance's room members every third of RoomLease, and
// closes the local room sockets whose lease lapsed meanwhile (their slot may have been given
// to another socket).
func (r *Relay) roomLeases(ctx context.Context) {
	every(ctx, r.cfg.RoomLease/3, func() {
		local := r.localRooms()
		if len(local) == 0 {
			return
		}
		now := r.deps.Now()
		renewed, err := r.q.RenewRoomLeases(ctx, relaydb.RenewRoomLeasesParams{Instance: r.instance,
			Now: pgtype.Timestamptz{Time: now, Valid: true}, Until: pgtype.Timestamptz{Time: now.Add(r.cfg.RoomLease), Valid: true}})
		if err != nil {
			if ctx.Err() == nil {
				r.deps.Logger.Warn("renew room leases", "err", err)
			}
			return
		}
		live := make(map[string]bool, len(renewed))
		for _, sock := range renewed {
			live[sock] = true
		}
		for _, c := range local {
			if !live[c.id] {
				c.close("room membership lapsed")
			}
		}
	})
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
