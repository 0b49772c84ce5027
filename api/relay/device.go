package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/store/relaydb"
)

// deviceConn is the one socket of one device on this instance.
type deviceConn struct {
	*socket
	r         *Relay
	key       deviceKey
	id        string        // instance-unique socket id, for kicks
	connected time.Time     // when the socket was accepted
	wakeCh    chan struct{} // capacity 1: new pending rows may exist
	cursor    atomic.Int64  // highest sequence number pushed on this socket
	window    chan struct{} // one token per pushed, unacknowledged envelope
	// notifyCh (capacity 1) signals new notifications after notified, the last id pushed
	// (owned by the pump goroutine after hello).
	notifyCh chan struct{}
	notified int64

	mu       sync.Mutex
	inflight map[int64]struct{}
	offered  []pushRow // committed rows handed over by this instance, not yet pushed
}

func (c *deviceConn) wakeUp() {
	select {
	case c.wakeCh <- struct{}{}:
	default:
	}
}

func (c *deviceConn) sendFrame(f *wire.Frame) bool { return c.enqueueJSON(f) }

func (c *deviceConn) sendError(id, code, msg string) {
	c.sendFrame(&wire.Frame{Type: wire.TypeError, ID: id, Code: code, Message: msg})
}

// serveDevice authenticates, upgrades and runs one device socket until it closes.
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
	n, ok := r.enter()
	if !ok {
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	defer r.wg.Done()
	ws, err := r.upgrader.Upgrade(w, req, nil)
	if err != nil {
		return // the upgrader answered the request
	}
	key := deviceKey{p.Account, p.DeviceID}
	c := &deviceConn{
		r: r, key: key, id: r.instance + "-" + strconv.FormatUint(n, 10), connected: time.Now(),
		socket:   newSocket(ws, &r.cfg, r.deps.Logger.With("account", p.Account.Hex(), "device", p.DeviceID), r.cfg.MaxFrameSize),
		wakeCh:   make(chan struct{}, 1),
		notifyCh: make(chan struct{}, 1),
		window:   make(chan struct{}, r.cfg.MaxInflight),
		inflight: map[int64]struct{}{},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.onClose = cancel

	r.register(c)
	defer r.unregister(c)
	if err := r.notify(ctx, chanConn, key.payload()+":"+c.id+":"+strconv.FormatInt(c.connected.UnixNano(), 10)); err != nil {
		c.log.Warn("announce socket", "err", err)
	}
	var wg sync.WaitGroup
	wg.Go(c.writeLoop)
	if err := c.hello(ctx); err != nil {
		c.log.Warn("hello", "err", err)
		c.close("internal error")
	}
	wg.Go(func() { c.pump(ctx) })
	c.readLoop(ctx, &wg)
	c.close("read ended")
	wg.Wait()
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
	r.mu.Unlock()
	if old != nil {
		old.close("device connected again")
	}
}

func (r *Relay) unregister(c *deviceConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
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

// pump pushes the device's pending envelopes in sequence order, at most MaxInflight awaiting
// an ack, and sleeps until woken when the queue is drained. Rows committed by this instance
// arrive through offer and are pushed as they are when they continue the cursor; otherwise
// (a gap, another instance's commits, a reconnect) it reads a page at a time.
func (c *deviceConn) pump(ctx context.Context) {
	for {
		rows, fromDB := c.takeOffered(), false
		if rows == nil {
			page, err := c.r.q.PendingPage(ctx, relaydb.PendingPageParams{
				Account: c.key.account.Bytes(), DeviceID: int64(c.key.device),
				After: c.cursor.Load(), Now: c.r.now(), PageSize: int32(c.r.cfg.PageSize),
			})
			if err != nil {
				if ctx.Err() == nil {
					c.log.Warn("read pending envelopes", "err", err)
					c.close("internal error")
				}
				return
			}
			rows, fromDB = make([]pushRow, len(page)), true
			for i, row := range page {
				rows[i] = pushRow{seq: row.Seq, body: row.Body}
				if rows[i].cid, err = cidString(row.Cid); err != nil {
					c.log.Error("stored envelope cid", "err", err)
				}
			}
		}
		for _, row := range rows {
			select {
			case c.window <- struct{}{}:
			case <-c.done:
				return
			}
			c.mu.Lock()
			c.inflight[row.seq] = struct{}{}
			c.mu.Unlock()
			if !c.sendFrame(&wire.Frame{Type: wire.TypeEnvelope, Seq: row.seq, CID: row.cid, Envelope: row.body}) {
				return
			}
			c.cursor.Store(row.seq)
		}
		if fromDB && len(rows) == c.r.cfg.PageSize {
			continue
		}
		for waiting := true; waiting; {
			select {
			case <-c.wakeCh:
				waiting = false
			case <-c.notifyCh:
				if err := c.pushNotifications(ctx); err != nil {
					if ctx.Err() == nil {
						c.log.Warn("read notifications", "err", err)
					}
				}
			case <-c.done:
				return
			}
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

// pushNotifications pushes the account's notifications newer than the last one pushed.
func (c *deviceConn) pushNotifications(ctx context.Context) error {
	rows, err := c.r.q.NotificationsAfter(ctx, relaydb.NotificationsAfterParams{Account: c.accountText(), After: c.notified})
	if err != nil {
		return fmt.Errorf("notifications after %d: %w", c.notified, err)
	}
	for _, n := range rows {
		c.sendFrame(&wire.Frame{Type: wire.TypeNotification, Notification: &wire.Notification{
			ID: n.ID, Kind: n.Kind, Data: n.Data, CreatedAt: n.CreatedAt.Time}})
		c.notified = n.ID
	}
	return nil
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
func (c *deviceConn) readLoop(ctx context.Context, wg *sync.WaitGroup) {
	var commits chan *prepared // started with the first send: idle sockets have no committer
	defer func() {
		if commits != nil {
			close(commits)
		}
	}()
	for {
		_, b, err := c.read()
		if errors.Is(err, errRateLimited) {
			c.sendError("", wire.CodeRateLimited, "too many frames per second")
			c.close("rate limited")
			return
		}
		if err != nil {
			return
		}
		var f wire.Frame
		if err := json.Unmarshal(b, &f); err != nil {
			c.sendError("", wire.CodeMalformed, "frame is not JSON: "+err.Error())
			continue
		}
		switch f.Type {
		case wire.TypeAck:
			err = c.ack(f.Seqs)
		case wire.TypeSend:
			if commits == nil {
				commits = make(chan *prepared, c.r.cfg.SendPipeline)
				wg.Go(func() { c.commitLoop(commits) })
			}
			p := &prepared{c: c, f: &f, done: make(chan struct{})}
			go c.r.prepare(ctx, p)
			select {
			case commits <- p:
			case <-c.done:
				return
			}
		case wire.TypeFrame:
			err = c.r.relayFrame(ctx, c, &f)
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
	c.log.Error("handle frame", "err", err)
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
