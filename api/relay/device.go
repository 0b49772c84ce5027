package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/store/relaydb"
)

// deviceConn is the one socket of one device on this instance.
type deviceConn struct {
	*socket
	r         *Relay
	codec     wire.Codec      // JSON, or CBOR when the device negotiated it
	ctx       context.Context // ends when the socket closes
	key       deviceKey
	session   string        // the API session (canonical UUID text) the socket authenticated with
	id        string        // instance-unique socket id, for kicks
	connected time.Time     // when the socket was accepted
	cursor    atomic.Int64  // highest sequence number pushed on this socket
	window    chan struct{} // one token per pushed, unacknowledged envelope
	notified  int64         // the last notification id pushed (owned by the pump after hello)

	// Guarded by socket.mu: the pump goroutine runs while rows or notifications are wanted,
	// and only once ready (after hello).
	wanted, notifyWanted, pumping, ready bool

	mu       sync.Mutex
	inflight map[int64]struct{} // nil while nothing awaits an ack
	offered  []pushRow          // committed rows handed over by this instance, not yet pushed
}

// wakeUp tells the pump that new pending rows may exist.
func (c *deviceConn) wakeUp() { c.want(&c.wanted) }

// notifyUp tells the pump that the account has new notifications.
func (c *deviceConn) notifyUp() { c.want(&c.notifyWanted) }

// want sets a pump flag and starts the pump unless it runs or the socket is not ready.
func (c *deviceConn) want(flag *bool) {
	c.socket.mu.Lock()
	defer c.socket.mu.Unlock()
	*flag = true
	if c.ready && !c.pumping {
		c.pumping = c.spawnLocked(c.pump)
	}
}

// spawn runs f on a goroutine the socket's handler waits for.
func (c *deviceConn) spawn(f func()) bool {
	c.socket.mu.Lock()
	defer c.socket.mu.Unlock()
	return c.spawnLocked(f)
}

// logger returns the relay's logger with the device's attributes (built when needed, so
// sockets hold none).
func (c *deviceConn) logger() *slog.Logger {
	return c.log.With("account", c.key.account.Hex(), "device", c.key.device)
}

// sendFrame encodes and queues a frame.
func (c *deviceConn) sendFrame(f *wire.Frame) bool {
	kind, b, err := c.codec.Marshal(f)
	if err != nil {
		c.log.Error("encode frame", "err", err)
		return false
	}
	return c.enqueue(kind, b)
}

// sendEvent queues a pushed event (an ephemeral frame, a chain event) once the hello went out,
// so that the hello is always the socket's first frame; earlier events are dropped, as for a
// socket not yet open. An ephemeral frame is also dropped while a quarter of the send buffer
// waits: a peer's flood of them must not make the socket a slow consumer.
func (c *deviceConn) sendEvent(f *wire.Frame) {
	c.socket.mu.Lock()
	ready, busy := c.ready, len(c.queue) >= c.cfg.SendBuffer/4
	c.socket.mu.Unlock()
	if ready && !(busy && f.Type == wire.TypeFrame) {
		c.sendFrame(f)
	}
}

func (c *deviceConn) sendError(id, code, msg string) {
	c.sendFrame(&wire.Frame{Type: wire.TypeError, ID: id, Code: code, Message: msg})
}

// serveDevice authenticates and upgrades a device socket, then returns: the socket runs on a
// goroutine of its own, so the HTTP server's goroutine and buffers are released.
func (r *Relay) serveDevice(w http.ResponseWriter, req *http.Request) {
	p, err := r.deps.Authenticate(req)
	if err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if p.DeviceID == 0 {
		http.Error(w, "the session is not bound to a device (POST /v1/auth/device/verify)", http.StatusForbidden)
		return
	}
	session, err := uuid.Parse(p.SessionID)
	if err != nil {
		r.deps.Logger.Error("Authenticate returned a session id that is no UUID", "session", p.SessionID)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	n, ok := r.enter()
	if !ok {
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	ws, out, err := r.upgrade(w, req, wire.SubprotocolCBOR)
	if err != nil {
		r.wg.Done()
		return // the upgrader answered the request
	}
	go r.runDevice(ws, out, deviceKey{p.Account, p.DeviceID}, session.String(), n)
}

// runDevice sets up one device socket: it announces the socket, says hello and starts the
// pump, then hands the socket to its reader on a fresh goroutine. The hello's queries and
// encoding grow this goroutine's stack, which an idle socket's reader would keep for good.
func (r *Relay) runDevice(ws *websocket.Conn, out *gatherConn, key deviceKey, session string, n uint64) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &deviceConn{
		r: r, codec: wire.CodecFor(ws.Subprotocol()), ctx: ctx, key: key, session: session, id: r.instance + "-" + strconv.FormatUint(n, 10), connected: time.Now(),
		socket: newSocket(ws, out, n, &r.cfg, r.deps.Logger, r.cfg.MaxFrameSize),
		window: make(chan struct{}, r.cfg.MaxInflight),
	}
	c.onClose = cancel
	r.register(c)
	if err := r.notify(ctx, chanConn, key.payload()+":"+c.id+":"+strconv.FormatInt(c.connected.UnixNano(), 10)); err != nil {
		c.logger().Warn("announce socket", "err", err)
	}
	// Checked once registered: a revocation announced from now on closes the socket
	// (chainEvent, endSession), one made before is seen here: the device's, even with the
	// session still live, and the session's since Authenticate checked it.
	switch ended, err := r.endedSockets(ctx, []*deviceConn{c}); {
	case err != nil:
		c.logger().Warn("check the device and session", "err", err)
		c.close("internal error")
	case ended[c] != "":
		c.close(ended[c])
	default:
		if err := c.hello(ctx); err != nil {
			c.logger().Warn("hello", "err", err)
			c.close("internal error")
		}
	}
	c.socket.mu.Lock()
	c.ready, c.wanted = true, true // drain the queue from its start
	c.pumping = c.spawnLocked(c.pump)
	c.socket.mu.Unlock()
	go r.readDevice(c, cancel)
}

// readDevice reads the socket's frames until it closes, then closes it and waits for its
// goroutines.
func (r *Relay) readDevice(c *deviceConn, cancel context.CancelFunc) {
	defer r.wg.Done()
	defer cancel()
	defer c.wait("read ended")
	defer r.unregister(c)
	c.readLoop(c.ctx)
}

// register makes c the device's socket on this instance, closing an older one.
func (r *Relay) register(c *deviceConn) {
	r.mu.Lock()
	old := r.devices[c.key]
	r.devices[c.key] = c
	if r.byAcct[c.key.account] == nil {
		r.byAcct[c.key.account] = map[uint32]*deviceConn{}
	}
	r.byAcct[c.key.account][c.key.device] = c
	r.bySession[c.session] = c
	r.mu.Unlock()
	if old != nil {
		old.close("device connected again")
	}
}

func (r *Relay) unregister(c *deviceConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bySession[c.session] == c {
		delete(r.bySession, c.session)
	}
	if r.devices[c.key] == c {
		delete(r.devices, c.key)
		delete(r.byAcct[c.key.account], c.key.device)
		if len(r.byAcct[c.key.account]) == 0 {
			delete(r.byAcct, c.key.account)
		}
	}
}

// hello reports the device's limits and the envelopes dropped since it last connected.
func (c *deviceConn) hello(ctx context.Context) error {
	var err error
	if c.notified, err = c.r.q.LatestNotificationID(ctx, c.accountText()); err != nil {
		return fmt.Errorf("latest notification: %w", err)
	}
	dropped, err := c.r.q.TakeDropped(ctx, relaydb.TakeDroppedParams{Account: c.key.account.Bytes(), DeviceID: int64(c.key.device)})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("take dropped count: %w", err)
	}
	c.sendFrame(&wire.Frame{Type: wire.TypeHello, Hello: &wire.Hello{
		Device:     wire.DeviceRef{Account: c.key.account, Device: c.key.device},
		TTLSeconds: int64(c.r.cfg.PendingTTL.Seconds()), MaxPending: c.r.cfg.MaxPending,
		Dropped: dropped, MaxFrameSize: c.r.cfg.MaxFrameSize,
	}})
	return nil
}

// pump runs while the socket has work: it pushes notifications when told of new ones, and
// pending rows when woken, then exits.
func (c *deviceConn) pump() {
	for {
		c.socket.mu.Lock()
		rows, notes := c.wanted, c.notifyWanted
		c.wanted, c.notifyWanted = false, false
		if !rows && !notes {
			c.pumping = false
			c.socket.mu.Unlock()
			return
		}
		c.socket.mu.Unlock()
		if notes {
			if err := c.pushNotifications(c.ctx); err != nil && c.ctx.Err() == nil {
				c.logger().Warn("read notifications", "err", err)
			}
		}
		if rows && !c.pushPending() {
			return // closed; pumping stays set so that no pump starts again
		}
	}
}

// pushPending pushes the device's pending envelopes in sequence order, at most MaxInflight
// awaiting an ack. Rows committed by this instance arrive through offer and are pushed as they
// are when they continue the cursor; otherwise (a gap, another instance's commits, a
// reconnect) it reads the queue a page at a time until it is drained. It returns false once
// the socket is closed.
func (c *deviceConn) pushPending() bool {
	for {
		rows, fromDB := c.takeOffered(), false
		if rows == nil {
			page, err := c.r.q.PendingPage(c.ctx, relaydb.PendingPageParams{
				Account: c.key.account.Bytes(), DeviceID: int64(c.key.device),
				After: c.cursor.Load(), Now: c.r.now(), PageSize: int32(c.r.cfg.PageSize),
			})
			if err != nil {
				if c.ctx.Err() == nil {
					c.logger().Warn("read pending envelopes", "err", err)
					c.close("internal error")
				}
				return false
			}
			rows, fromDB = make([]pushRow, len(page)), true
			for i, row := range page {
				rows[i] = pushRow{seq: row.Seq, body: row.Body}
				if rows[i].cid, err = cidString(row.Cid); err != nil {
					c.logger().Error("stored envelope cid", "err", err)
				}
			}
		}
		for _, row := range rows {
			select {
			case c.window <- struct{}{}:
			case <-c.done:
				return false
			}
			c.mu.Lock()
			if c.inflight == nil {
				c.inflight = map[int64]struct{}{}
			}
			c.inflight[row.seq] = struct{}{}
			c.mu.Unlock()
			if !c.sendFrame(&wire.Frame{Type: wire.TypeEnvelope, Seq: row.seq, CID: row.cid, Envelope: row.body}) {
				return false
			}
			c.cursor.Store(row.seq)
		}
		if !fromDB || len(rows) < c.r.cfg.PageSize {
			return true
		}
	}
}

// pushRow is a pending envelope on its way to the socket.
type pushRow struct {
	seq  int64
	cid  string
	body []byte
}

// offer hands committed rows (in sequence order) to the pump and wakes it. At most a page
// waits; beyond that the rows are dropped and the pump reads them back.
func (c *deviceConn) offer(rows []pushRow) {
	c.mu.Lock()
	if len(c.offered)+len(rows) <= c.r.cfg.PageSize {
		c.offered = append(c.offered, rows...)
	} else {
		c.offered = nil
	}
	c.mu.Unlock()
	c.wakeUp()
}

// takeOffered returns the offered rows after the cursor when they continue it without a gap,
// and nil when the pump must read the queue instead.
func (c *deviceConn) takeOffered() []pushRow {
	c.mu.Lock()
	rows := c.offered
	c.offered = nil
	c.mu.Unlock()
	cursor := c.cursor.Load()
	for len(rows) > 0 && rows[0].seq <= cursor {
		rows = rows[1:]
	}
	for i, row := range rows {
		if row.seq != cursor+1+int64(i) {
			return nil
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return rows
}

func (c *deviceConn) accountText() string { return strings.ToLower(c.key.account.Hex()) }

// notificationsPage is how many notifications one NotificationsAfter query reads.
const notificationsPage = 100

// pushNotifications pushes the account's notifications newer than the last one pushed, a page
// at a time: one announcement may stand for many rows.
func (c *deviceConn) pushNotifications(ctx context.Context) error {
	for {
		rows, err := c.r.q.NotificationsAfter(ctx, relaydb.NotificationsAfterParams{Account: c.accountText(), After: c.notified, PageSize: notificationsPage})
		if err != nil {
			return fmt.Errorf("notifications after %d: %w", c.notified, err)
		}
		for _, n := range rows {
			if !c.sendFrame(&wire.Frame{Type: wire.TypeNotification, Notification: &wire.Notification{
				ID: n.ID, Kind: n.Kind, Data: n.Data, CreatedAt: n.CreatedAt.Time}}) {
				return nil // closed
			}
			c.notified = n.ID
		}
		if len(rows) < notificationsPage {
			return nil
		}
	}
}

// commitLoop hands checked sends to the commit pipeline in the order they were read, so one
// device's sends keep their order for every recipient; rejected ones are answered here.
func (c *deviceConn) commitLoop(commits <-chan *prepared) {
	for p := range commits {
		<-p.done
		if p.err != nil {
			c.replyError(p.f.ID, p.err)
			continue
		}
		select {
		case c.r.commits <- p:
		case <-c.done:
		}
	}
}

// readLoop handles the device's frames until the socket closes. Sends are prepared (checked
// and pinned) concurrently, up to SendPipeline at a time, and committed in order by commitLoop.
func (c *deviceConn) readLoop(ctx context.Context) {
	var commits chan *prepared // started with the first send: idle sockets have no committer
	defer func() {
		if commits != nil {
			close(commits)
		}
	}()
	for {
		kind, b, err := c.read()
		if errors.Is(err, errRateLimited) {
			c.sendError("", wire.CodeRateLimited, "too many frames per second")
			c.close("rate limited")
			return
		}
		if err != nil {
			return
		}
		var f wire.Frame
		if err := c.codec.Unmarshal(kind, b, &f); err != nil {
			c.sendError("", wire.CodeMalformed, err.Error())
			continue
		}
		switch f.Type {
		case wire.TypeAck:
			err = c.ack(f.Seqs)
		case wire.TypeSend:
			if commits == nil {
				commits = make(chan *prepared, c.r.cfg.SendPipeline)
				if !c.spawn(func() { c.commitLoop(commits) }) {
					return
				}
			}
			p := &prepared{c: c, f: &f, done: make(chan struct{})}
			c.r.startPrepare(ctx, p)
			select {
			case commits <- p:
			case <-c.done:
				return
			}
		case wire.TypeFrame:
			err = c.r.relayFrame(ctx, c, &f)
		case wire.TypePing:
			c.sendFrame(&wire.Frame{Type: wire.TypePong, ID: f.ID})
		default:
			err = reject(wire.CodeMalformed, fmt.Sprintf("unknown frame type %q", f.Type), nil)
		}
		if err != nil {
			c.replyError(f.ID, err)
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// replyError answers a rejected frame; internal failures are logged and reported without detail.
func (c *deviceConn) replyError(id string, err error) {
	var rej *rejection
	if errors.Is(err, context.Canceled) {
		return // the socket is closing
	}
	if errors.As(err, &rej) {
		c.sendFrame(&wire.Frame{Type: wire.TypeError, ID: id, Code: rej.code, Message: rej.msg, CID: rej.cid, Missing: rej.missing, Stale: rej.stale})
		return
	}
	c.logger().Error("handle frame", "err", err)
	c.sendError(id, wire.CodeInternal, "internal error, retry")
}

// ack frees the window slots of acknowledged rows and hands them to the acker, which deletes
// them.
func (c *deviceConn) ack(seqs []int64) error {
	if len(seqs) == 0 {
		return reject(wire.CodeMalformed, "ack without seqs", nil)
	}
	c.mu.Lock()
	freed := 0
	for _, s := range seqs {
		if _, ok := c.inflight[s]; ok {
			delete(c.inflight, s)
			freed++
		}
	}
	if len(c.inflight) == 0 {
		c.inflight = nil // an idle socket keeps no map
	}
	c.mu.Unlock()
	for range freed {
		<-c.window
	}
	select {
	case c.r.acks <- ackReq{key: c.key, seqs: seqs}:
	case <-c.done:
	}
	return nil
}
