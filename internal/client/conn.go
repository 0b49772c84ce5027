package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/internal/client/wire"
)

// RelayError is a frame the relay rejected. Match codes with errors.Is against the Err*
// sentinels below, or read Missing and Stale with errors.As.
type RelayError struct {
	// Code is a wire.Code* constant.
	Code string
	// Message is the relay's explanation.
	Message string
	// CID names the envelope of a duplicate.
	CID string
	// Missing and Stale explain a devices mismatch.
	Missing, Stale []wire.DeviceRef
}

func (e *RelayError) Error() string { return "relay: " + e.Code + ": " + e.Message }

// Is matches another RelayError with the same code.
func (e *RelayError) Is(target error) bool {
	t, ok := target.(*RelayError)
	return ok && t.Code == e.Code
}

// Sentinels for the relay's error codes most callers branch on.
var (
	// ErrDuplicate means the envelope was accepted before (a resend after a lost ack).
	ErrDuplicate = &RelayError{Code: wire.CodeDuplicate}
	// ErrDevicesMismatch means the recipient devices are out of date.
	ErrDevicesMismatch = &RelayError{Code: wire.CodeDevicesMismatch}
	// ErrNotMember means the conversation is not open to this account.
	ErrNotMember = &RelayError{Code: wire.CodeNotMember}
	// ErrStaleEpoch matches a group send whose chain predates the group's current members.
	ErrStaleEpoch = &RelayError{Code: wire.CodeStaleEpoch}
	// ErrInternal means the relay failed for a passing reason (its database, say): retry.
	ErrInternal = &RelayError{Code: wire.CodeInternal}
	// ErrConnClosed is returned by Conn methods once the socket is gone.
	ErrConnClosed = errors.New("client: relay connection closed")
)

// Conn is one WebSocket to the relay's GET /v1/ws. Its reader goroutine answers Send calls
// and queues pushed envelopes and frames on Incoming. Safe for concurrent use.
type Conn struct {
	ws       *websocket.Conn
	codec    wire.Codec
	hello    wire.Hello
	incoming chan *wire.Frame
	done     chan struct{}
	closing  chan struct{} // closed by Close: the reader stops waiting for room on incoming
	once     sync.Once

	wmu sync.Mutex // serializes writes

	idle atomic.Int64 // keepAlive's read timeout in nanoseconds; 0: none

	mu      sync.Mutex
	err     error
	nextID  uint64
	waiters map[string]chan *wire.Frame
}

// dialer offers the CBOR framing; a relay without it answers in JSON.
var dialer = &websocket.Dialer{
	Proxy: http.ProxyFromEnvironment, HandshakeTimeout: websocket.DefaultDialer.HandshakeTimeout,
	Subprotocols: []string{wire.SubprotocolCBOR},
}

// Dial opens a socket (header carries the credentials, e.g. Authorization) and waits for the
// relay's hello, at most until ctx ends. Frames are CBOR when the relay agrees to
// wire.SubprotocolCBOR, else JSON.
func Dial(ctx context.Context, url string, header http.Header) (*Conn, error) {
	ws, resp, err := dialer.DialContext(ctx, url, header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial relay: %s: %w", resp.Status, err)
		}
		return nil, fmt.Errorf("dial relay: %w", err)
	}
	ws.SetReadLimit(wire.MaxFrameSize)
	codec := wire.CodecFor(ws.Subprotocol())
	var f wire.Frame
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	kind, b, err := ws.ReadMessage()
	if !stop() { // ctx ended and closed the socket
		err = errors.Join(err, ctx.Err())
	}
	if err == nil {
		err = codec.Unmarshal(kind, b, &f)
	}
	if err != nil || f.Type != wire.TypeHello || f.Hello == nil {
		ws.Close()
		return nil, fmt.Errorf("relay hello: type %q: %w", f.Type, errors.Join(err, ErrConnClosed))
	}
	c := &Conn{ws: ws, codec: codec, hello: *f.Hello, incoming: make(chan *wire.Frame, 256), done: make(chan struct{}), closing: make(chan struct{}),
		waiters: map[string]chan *wire.Frame{}}
	ws.SetPongHandler(func(string) error { c.extendRead(); return nil })
	go c.readLoop()
	return c, nil
}

// extendRead moves the read deadline keepAlive set past the frame or pong just read.
func (c *Conn) extendRead() {
	if d := c.idle.Load(); d > 0 {
		_ = c.ws.SetReadDeadline(time.Now().Add(time.Duration(d)))
	}
}

// keepAlive pings the relay every interval until the socket ends, and ends it when nothing (a
// frame, a pong) arrived for two intervals: a connection that died silently, which would
// hold every send and receive, is given up so that Run dials again.
func (c *Conn) keepAlive(interval time.Duration) {
	c.idle.Store(int64(2 * interval))
	c.extendRead()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			_ = c.ws.WriteControl(websocket.PingMessage, nil, deadline())
		}
	}
}

// Hello is what the relay said on connect: limits and the count of dropped envelopes.
func (c *Conn) Hello() wire.Hello { return c.hello }

// Incoming delivers pushed envelopes (wire.TypeEnvelope), ephemeral frames (wire.TypeFrame) and
// errors not tied to a request; it is closed when the socket ends.
func (c *Conn) Incoming() <-chan *wire.Frame { return c.incoming }

// Done is closed when the socket ends; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is the reason the socket ended, or nil while it is open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the socket; pushes not read from Incoming are dropped.
func (c *Conn) Close() error {
	c.once.Do(func() { close(c.closing) })
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline())
	c.wmu.Unlock()
	err := c.ws.Close()
	<-c.done
	return err
}

func (c *Conn) readLoop() {
	var err error
	defer func() {
		c.mu.Lock()
		c.err = errors.Join(ErrConnClosed, err)
		for id, w := range c.waiters {
			close(w)
			delete(c.waiters, id)
		}
		c.mu.Unlock()
		close(c.incoming)
		close(c.done)
	}()
	for {
		var f wire.Frame
		kind, b, rerr := c.ws.ReadMessage()
		if rerr != nil {
			err = rerr
			return
		}
		c.extendRead()
		if derr := c.codec.Unmarshal(kind, b, &f); derr != nil {
			err = fmt.Errorf("relay sent a bad frame: %w", derr)
			c.ws.Close()
			return
		}
		if f.ID != "" && (f.Type == wire.TypeSent || f.Type == wire.TypeError) {
			c.mu.Lock()
			w := c.waiters[f.ID]
			delete(c.waiters, f.ID)
			c.mu.Unlock()
			if w != nil {
				w <- &f
				continue
			}
		}
		select {
		case c.incoming <- &f:
		case <-c.closing:
			return
		}
	}
}

func (c *Conn) write(f *wire.Frame) error {
	kind, b, err := c.codec.Marshal(f)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	select {
	case <-c.done:
		return c.Err()
	default:
	}
	_ = c.ws.SetWriteDeadline(deadline())
	if err := c.ws.WriteMessage(kind, b); err != nil {
		return errors.Join(ErrConnClosed, err)
	}
	return nil
}

// Submit sends an envelope without waiting; wait returns the CID once the relay made it
// durable, or the relay's *RelayError.
func (c *Conn) Submit(peer common.Address, to []wire.DeviceRef, envelope []byte) (wait func(context.Context) (string, error), err error) {
	return c.request(&wire.Frame{Type: wire.TypeSend, Peer: &peer, To: to, Envelope: envelope})
}

// Send sends an envelope to the direct conversation with peer, addressed to the devices in to,
// and waits until the relay made it durable; it returns the envelope's CID.
func (c *Conn) Send(ctx context.Context, peer common.Address, to []wire.DeviceRef, envelope []byte) (string, error) {
	return c.send(ctx, &wire.Frame{Type: wire.TypeSend, Peer: &peer, To: to, Envelope: envelope})
}

// send writes a send frame and waits for the relay's answer.
func (c *Conn) send(ctx context.Context, f *wire.Frame) (string, error) {
	wait, err := c.request(f)
	if err != nil {
		return "", err
	}
	return wait(ctx)
}

func (c *Conn) request(f *wire.Frame) (func(context.Context) (string, error), error) {
	ch := make(chan *wire.Frame, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	c.nextID++
	f.ID = strconv.FormatUint(c.nextID, 10)
	c.waiters[f.ID] = ch
	c.mu.Unlock()
	if err := c.write(f); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (string, error) {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r, ok := <-ch:
			if !ok {
				return "", c.Err()
			}
			if r.Type == wire.TypeError {
				return r.CID, &RelayError{Code: r.Code, Message: r.Message, CID: r.CID, Missing: r.Missing, Stale: r.Stale}
			}
			return r.CID, nil
		}
	}, nil
}

// SendGroup sends an envelope to the conversation of the group with id group, addressed to
// the devices in to, and waits until the relay made it durable; it returns the envelope's CID.
func (c *Conn) SendGroup(ctx context.Context, group uuid.UUID, to []wire.DeviceRef, envelope []byte) (string, error) {
	return c.send(ctx, &wire.Frame{Type: wire.TypeSend, Group: group.String(), To: to, Envelope: envelope})
}

// Ack tells the relay that pushed envelopes are safely handled, so it deletes them.
func (c *Conn) Ack(seqs ...int64) error {
	return c.write(&wire.Frame{Type: wire.TypeAck, Seqs: seqs})
}
