package relay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/store/relaydb"
)

// Notification channels shared by every instance.
const (
	chanWake  = "parley_relay"       // payload instance|hex(account):device,… — devices with new pending rows
	chanConn  = "parley_relay_conn"  // payload hex(account):device:socket — close older sockets of the device
	chanFrame = "parley_relay_frame" // payload frameNote — an ephemeral frame for the members' devices
	chanRoom  = "parley_relay_room"  // payload roomNote — an anonymous-room frame
	// chanNotify is the API's channel: payload the account (lowercase 0x hex) with a new row in
	// the notifications table.
	chanNotify = "parley_notifications"
	// chanChain is the indexer's channel: payload a JSON wire.ChainEvent (or a reorg/bulk note).
	chanChain = "parley_chain"
	// chanSession is announced by a trigger on the API's sessions table: payload the id of a
	// session revoked or deleted (migration 00080).
	chanSession = "parley_session_ended"
)

// ErrClosed is returned by Run when it is called twice, and answered (503) to sockets opened
// after Run returned.
var ErrClosed = errors.New("relay: closed")

// deviceKey identifies one device.
type deviceKey struct {
	account common.Address
	device  uint32
}

func (k deviceKey) payload() string {
	return hex.EncodeToString(k.account[:]) + ":" + strconv.FormatUint(uint64(k.device), 10)
}

func parseDeviceKey(s string) (deviceKey, bool) {
	acct, dev, ok := strings.Cut(s, ":")
	b, err := hex.DecodeString(acct)
	n, err2 := strconv.ParseUint(dev, 10, 32)
	if !ok || err != nil || err2 != nil || len(b) != common.AddressLength {
		return deviceKey{}, false
	}
	return deviceKey{common.BytesToAddress(b), uint32(n)}, true
}

// Relay is one instance of the WebSocket relay. Create it with New, serve Handler, and run Run.
type Relay struct {
	cfg      Config
	deps     Deps
	q        *relaydb.Queries
	upgrader websocket.Upgrader
	instance string // random id of this instance, in socket ids

	mu      sync.Mutex
	closed  bool
	devices map[deviceKey]*deviceConn
	byAcct  map[common.Address]map[uint32]*deviceConn
	// bySession finds a device socket by its API session (a session is bound to one device).
	bySession map[string]*deviceConn
	rooms     map[string]map[*roomConn]struct{}
	wg        sync.WaitGroup // socket handlers
	nextID    uint64
	started   bool

	// commits carries checked sends, in each socket's order, to pinStage; pinned carries
	// pinned batches to commitStage; acks carries ack frames to acker.
	commits chan *prepared
	pinned  chan []*prepared
	acks    chan ackReq
	// prepares hands sends to idle prepare workers (unbuffered: a send waits for none).
	prepares chan preparedCtx

	dir dirCache // the checks' directory, live while the listener is connected
}

// New validates the configuration and builds a relay.
func New(cfg Config, deps Deps) (*Relay, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if err := deps.check(); err != nil {
		return nil, err
	}
	r := &Relay{
		cfg: cfg, deps: deps, q: relaydb.New(deps.Pool),
		instance:  rand.Text()[:12],
		devices:   map[deviceKey]*deviceConn{},
		byAcct:    map[common.Address]map[uint32]*deviceConn{},
		bySession: map[string]*deviceConn{},
		rooms:     map[string]map[*roomConn]struct{}{},
		commits:   make(chan *prepared, cfg.CommitBatch),
		pinned:    make(chan []*prepared, 1),
		acks:      make(chan ackReq, cfg.CommitBatch),
		prepares:  make(chan preparedCtx),
	}
	r.dir.reset(false)
	// Idle sockets hold no write buffer: writes borrow one from the pool.
	r.upgrader = websocket.Upgrader{CheckOrigin: r.checkOrigin, ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	return r, nil
}

// checkOrigin admits requests without an Origin (non-browser clients) and allowlisted origins.
func (r *Relay) checkOrigin(req *http.Request) bool {
	origin := req.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return slices.Contains(r.cfg.AllowedOrigins, u.Scheme+"://"+u.Host)
}

// Handler serves GET /v1/ws (devices) and GET /v1/rooms/{id}/ws (anonymous rooms).
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/ws", r.serveDevice)
	mux.HandleFunc("GET /v1/rooms/{id}/ws", r.serveRoom)
	return mux
}

// enter registers a socket handler; false once the relay is closed.
func (r *Relay) enter() (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, false
	}
	r.wg.Add(1)
	r.nextID++
	return r.nextID, true
}

func (r *Relay) now() pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: r.deps.Now(), Valid: true}
}

// prepareWorkers is how many prepare workers run per CPU: a check is mostly CPU (the
// signature), sometimes a database round trip.
const prepareWorkers = 4

// Run listens for notifications, runs the prepare workers, the commit pipeline (pinStage,
// commitStage, acker), the cursor poll and the janitor until ctx ends; then it closes every
// socket, waits for their handlers and returns ctx's error.
func (r *Relay) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return ErrClosed
	}
	r.started = true
	r.mu.Unlock()

	var wg sync.WaitGroup
	loops := []func(context.Context){r.listen, r.poll, r.janitor, r.heartbeat, r.roomLeases, r.pinStage, r.commitStage, r.acker}
	for range prepareWorkers * runtime.GOMAXPROCS(0) {
		loops = append(loops, r.prepareWorker)
	}
	for _, loop := range loops {
		wg.Go(func() { loop(ctx) })
	}
	<-ctx.Done()
	wg.Wait()
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	for _, c := range r.localDevices() {
		c.close("relay shutting down")
	}
	for _, c := range r.localRooms() {
		c.close("relay shutting down")
	}
	r.wg.Wait()
	return ctx.Err()
}

// notify publishes a payload on a channel to every instance (this one included).
func (r *Relay) notify(ctx context.Context, channel, payload string) error {
	if _, err := r.deps.Pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, payload); err != nil {
		return fmt.Errorf("notify %s: %w", channel, err)
	}
	return nil
}

// listen holds a dedicated connection LISTENing on the relay channels and reconnects with
// capped backoff. After every (re)connect it closes the sockets of revoked devices and wakes
// every local device, since notifications sent while it was away are lost.
func (r *Relay) listen(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := r.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		r.deps.Logger.Warn("notification listener lost", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (r *Relay) listenOnce(ctx context.Context) error {
	pc, err := r.deps.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire listener connection: %w", err)
	}
	conn := pc.Hijack() // never returned to the pool: it stays in LISTEN mode
	defer conn.Close(context.Background())
	for _, ch := range []string{chanWake, chanConn, chanFrame, chanRoom, chanNotify, chanChain, chanSession, chanDir} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return fmt.Errorf("listen %s: %w", ch, err)
		}
	}
	// Changes made while no one listened were not announced: start the cache afresh, and
	// stop using it when the connection is lost.
	r.dir.reset(true)
	defer r.dir.reset(false)
	r.closeEnded(ctx)
	r.wakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		switch n.Channel {
		case chanWake:
			r.wakeNote(n.Payload)
		case chanConn:
			r.kick(n.Payload)
		case chanFrame:
			r.deliverFrame(n.Payload)
		case chanRoom:
			r.deliverRoom(n.Payload)
		case chanNotify:
			r.notifyAccount(n.Payload)
		case chanChain:
			r.chainEvent(n.Payload)
		case chanSession:
			r.endSession(n.Payload)
		case chanDir:
			r.dir.reset(true)
		}
	}
}

func (r *Relay) wake(k deviceKey) {
	r.mu.Lock()
	c := r.devices[k]
	r.mu.Unlock()
	if c != nil {
		c.wakeUp()
	}
}

// notifyAccount wakes the local sockets of an account that has new notifications.
func (r *Relay) notifyAccount(payload string) {
	if !common.IsHexAddress(payload) {
		return
	}
	r.mu.Lock()
	var conns []*deviceConn
	for _, c := range r.byAcct[common.HexToAddress(payload)] {
		conns = append(conns, c)
	}
	r.mu.Unlock()
	for _, c := range conns {
		c.notifyUp()
	}
}

// chainEvent forwards an indexed event of this relay's chain to the account's local sockets,
// and closes the socket of a device the registry revoked.
func (r *Relay) chainEvent(payload string) {
	var ev wire.ChainEvent
	if json.Unmarshal([]byte(payload), &ev) != nil || ev.ChainID != uint64(r.cfg.ChainID) || !common.IsHexAddress(ev.Account) {
		return // reorg and bulk notes name no account; sockets re-read state when told to
	}
	account := common.HexToAddress(ev.Account)
	r.mu.Lock()
	var conns []*deviceConn
	for _, c := range r.byAcct[account] {
		conns = append(conns, c)
	}
	r.mu.Unlock()
	for _, c := range conns {
		c.sendEvent(&wire.Frame{Type: wire.TypeChain, Chain: &ev})
		if ev.Kind == "device_revoked" && c.key.device == ev.DeviceID {
			c.close(closeDeviceRevoked)
		}
	}
}

// endSession closes the local socket of an API session that was revoked or deleted.
func (r *Relay) endSession(id string) {
	r.mu.Lock()
	c := r.bySession[id]
	r.mu.Unlock()
	if c != nil {
		c.close(closeSessionRevoked)
	}
}

// closeEnded closes the local sockets of devices the registry revoked and of API sessions
// revoked or deleted, whose announcements may have been sent while no listener was connected.
func (r *Relay) closeEnded(ctx context.Context) {
	ended, err := r.endedSockets(ctx, r.localDevices())
	if err != nil && ctx.Err() == nil {
		r.deps.Logger.Warn("check connected devices and sessions for revocations", "err", err)
	}
	for c, reason := range ended {
		c.close(reason)
	}
}

// endedChunk is how many accounts or sessions one endedSockets query checks.
const endedChunk = 1000

// endedSockets returns why each of conns may not stay open (its device revoked, its session
// revoked or deleted); a socket that may stay is not in the map. On an error it returns the
// ones found so far.
func (r *Relay) endedSockets(ctx context.Context, conns []*deviceConn) (map[*deviceConn]string, error) {
	ended := make(map[*deviceConn]string)
	byAcct := make(map[common.Address][]*deviceConn)
	for _, c := range conns {
		byAcct[c.key.account] = append(byAcct[c.key.account], c)
	}
	for chunk := range slices.Chunk(slices.Collect(maps.Keys(byAcct)), endedChunk) {
		rows, err := r.memberDevices(ctx, chunk)
		if err != nil {
			return ended, err
		}
		for _, d := range rows {
			for _, c := range byAcct[common.BytesToAddress(d.Account)] {
				if d.Revoked && c.key.device == uint32(d.DeviceID) {
					ended[c] = closeDeviceRevoked
				}
			}
		}
	}
	for chunk := range slices.Chunk(conns, endedChunk) {
		ids := make([]string, len(chunk))
		for i, c := range chunk {
			ids[i] = c.session
		}
		sessions, err := r.q.EndedSessions(ctx, ids)
		if err != nil {
			return ended, fmt.Errorf("ended sessions: %w", err)
		}
		for _, c := range chunk {
			if _, done := ended[c]; !done && slices.Contains(sessions, c.session) {
				ended[c] = closeSessionRevoked
			}
		}
	}
	return ended, nil
}

// Close reasons of a socket whose credentials ended.
const (
	closeDeviceRevoked  = "device revoked"
	closeSessionRevoked = "session revoked"
)

// localDevices returns this instance's device sockets.
func (r *Relay) localDevices() []*deviceConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	conns := make([]*deviceConn, 0, len(r.devices))
	for _, c := range r.devices {
		conns = append(conns, c)
	}
	return conns
}

// localRooms returns this instance's room sockets.
func (r *Relay) localRooms() []*roomConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var conns []*roomConn
	for _, room := range r.rooms {
		for c := range room {
			conns = append(conns, c)
		}
	}
	return conns
}

// every calls f every period until ctx ends.
func every(ctx context.Context, period time.Duration, f func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// wakeAll makes every local socket read its queue and its notifications, which may have been
// announced while no listener was connected.
func (r *Relay) wakeAll() {
	conns := r.localDevices()
	for _, c := range conns {
		c.wakeUp()
		c.notifyUp()
	}
}

// kick closes the local socket of a device that connected later on another instance. The
// payload is hex(account):device:socket id:connect time in Unix nanoseconds; a socket on this
// instance was already handled by register, and an older announcement never closes a newer socket.
func (r *Relay) kick(payload string) {
	parts := strings.Split(payload, ":")
	if len(parts) != 4 || strings.HasPrefix(parts[2], r.instance+"-") {
		return
	}
	k, ok := parseDeviceKey(parts[0] + ":" + parts[1])
	at, err := strconv.ParseInt(parts[3], 10, 64)
	if !ok || err != nil {
		return
	}
	r.mu.Lock()
	c := r.devices[k]
	r.mu.Unlock()
	if c != nil && c.connected.UnixNano() < at {
		c.close("device connected again")
	}
}

// poll is the fallback for lost notifications: it compares the last sequence number of every
// local device with what its socket has read and wakes those behind.
func (r *Relay) poll(ctx context.Context) {
	every(ctx, r.cfg.PollInterval, func() {
		r.mu.Lock()
		conns := make(map[deviceKey]*deviceConn, len(r.devices))
		for k, c := range r.devices {
			conns[k] = c
		}
		r.mu.Unlock()
		keys := slices.Collect(func(yield func(deviceKey) bool) {
			for k := range conns {
				if !yield(k) {
					return
				}
			}
		})
		for chunk := range slices.Chunk(keys, 1000) {
			p := relaydb.DeviceHeadsParams{}
			for _, k := range chunk {
				p.Accounts = append(p.Accounts, k.account.Bytes())
				p.DeviceIds = append(p.DeviceIds, int64(k.device))
			}
			heads, err := r.q.DeviceHeads(ctx, p)
			if err != nil {
				if ctx.Err() == nil {
					r.deps.Logger.Warn("cursor poll", "err", err)
				}
				break
			}
			for _, h := range heads {
				if c := conns[deviceKey{common.BytesToAddress(h.Account), uint32(h.DeviceID)}]; c != nil && h.LastSeq > c.cursor.Load() {
					c.wakeUp()
				}
			}
		}
	})
}

// heartbeatSlots spreads the heartbeat: each tick pings the sockets of one slot, so that the
// pings (and their writer goroutines) of many sockets do not all start at once.
const heartbeatSlots = 30

// heartbeat pings every socket of this instance once per PingInterval: one scheduler for all,
// so an idle socket needs no timer or goroutine of its own. A peer silent for two periods is
// closed by its read deadline.
func (r *Relay) heartbeat(ctx context.Context) {
	t := time.NewTicker(max(r.cfg.PingInterval/heartbeatSlots, time.Millisecond))
	defer t.Stop()
	var socks []*socket
	for tick := uint32(0); ; tick = (tick + 1) % heartbeatSlots {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.mu.Lock()
		for _, c := range r.devices {
			if c.slot == tick {
				socks = append(socks, c.socket)
			}
		}
		for _, room := range r.rooms {
			for c := range room {
				if c.slot == tick {
					socks = append(socks, c.socket)
				}
			}
		}
		r.mu.Unlock()
		for _, s := range socks {
			s.ping()
		}
		clear(socks)
		socks = socks[:0]
	}
}

// janitor deletes expired pending rows (counted as dropped), envelopes nobody waits for and
// lapsed room members.
func (r *Relay) janitor(ctx context.Context) {
	every(ctx, r.cfg.JanitorInterval, func() {
		if err := r.Purge(ctx); err != nil && ctx.Err() == nil {
			r.deps.Logger.Warn("relay janitor", "err", err)
		}
	})
}

// Purge deletes expired pending rows, counting them as dropped for their devices, the
// envelopes older than the TTL that no device waits for, and the room members whose lease
// lapsed. Run calls it every JanitorInterval.
func (r *Relay) Purge(ctx context.Context) error {
	now := r.deps.Now()
	expired, err := r.q.ExpirePending(ctx, pgtype.Timestamptz{Time: now, Valid: true})
	if err != nil {
		return fmt.Errorf("expire pending: %w", err)
	}
	pruned, err := r.q.PruneEnvelopes(ctx, pgtype.Timestamptz{Time: now.Add(-r.cfg.PendingTTL), Valid: true})
	if err != nil {
		return fmt.Errorf("prune envelopes: %w", err)
	}
	lapsed, err := r.q.ExpireRoomMembers(ctx, pgtype.Timestamptz{Time: now, Valid: true})
	if err != nil {
		return fmt.Errorf("expire room members: %w", err)
	}
	if expired+pruned+lapsed > 0 {
		r.deps.Logger.Info("relay purge", "expired_devices", expired, "pruned_envelopes", pruned, "lapsed_room_members", lapsed)
	}
	return nil
}

// frameNote is the NOTIFY payload of an ephemeral frame.
type frameNote struct {
	Accounts []common.Address `json:"a"`
	From     string           `json:"f"` // hex(account):device of the sender
	Envelope []byte           `json:"e"`
}

// deliverFrame pushes an ephemeral frame to the local sockets of the members' devices.
func (r *Relay) deliverFrame(payload string) {
	var n frameNote
	if json.Unmarshal([]byte(payload), &n) != nil {
		return
	}
	from, _ := parseDeviceKey(n.From)
	var targets []*deviceConn
	r.mu.Lock()
	for _, a := range n.Accounts {
		for dev, c := range r.byAcct[a] {
			if (deviceKey{a, dev}) != from {
				targets = append(targets, c)
			}
		}
	}
	r.mu.Unlock()
	for _, c := range targets {
		c.sendEvent(&wire.Frame{Type: wire.TypeFrame, Envelope: n.Envelope})
	}
}
