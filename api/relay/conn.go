package relay

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gatherBuffers lend write buffers to sockets while their writer drains a queue.
var gatherBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 16<<10) }}

// gatherConn is a socket's connection whose writes can be gathered: between gather and flush
// (one drain of the socket's queue) they go to a pooled buffer written with one syscall at the
// end, instead of one syscall per frame. An idle socket holds no buffer.
type gatherConn struct {
	net.Conn
	mu  sync.Mutex // guards buf: gorilla also writes pongs and close replies from the reader
	buf *bufio.Writer
}

func (c *gatherConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf != nil {
		return c.buf.Write(p)
	}
	return c.Conn.Write(p)
}

// gather starts collecting writes.
func (c *gatherConn) gather() {
	b := gatherBuffers.Get().(*bufio.Writer)
	b.Reset(c.Conn)
	c.mu.Lock()
	c.buf = b
	c.mu.Unlock()
}

// flush writes what gather collected, by deadline, and returns the buffer to the pool.
func (c *gatherConn) flush(deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.buf
	c.buf = nil
	_ = c.Conn.SetWriteDeadline(deadline)
	err := b.Flush()
	b.Reset(nil)
	gatherBuffers.Put(b)
	if err != nil {
		return fmt.Errorf("flush socket: %w", err)
	}
	return nil
}

// hijacker hands gorilla's Upgrade a gatherConn around the hijacked connection.
type hijacker struct {
	http.ResponseWriter
	conn *gatherConn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijack: %w", err)
	}
	h.conn = &gatherConn{Conn: c}
	return h.conn, brw, nil
}

// upgrade upgrades a request to a WebSocket over a gatherConn, agreeing to the subprotocol
// when it is not empty and the client offered it; on error the upgrader has answered the
// request.
func (r *Relay) upgrade(w http.ResponseWriter, req *http.Request, subprotocol string) (*websocket.Conn, *gatherConn, error) {
	var header http.Header
	if subprotocol != "" && slices.Contains(websocket.Subprotocols(req), subprotocol) {
		header = http.Header{"Sec-Websocket-Protocol": {subprotocol}}
	}
	h := &hijacker{ResponseWriter: w}
	ws, err := r.upgrader.Upgrade(h, req, header)
	if err != nil {
		return nil, nil, err
	}
	return ws, h.conn, nil
}
