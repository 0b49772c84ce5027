package relay

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// pingFrame is the outFrame kind of a heartbeat ping (a control frame, never a data message).
const pingFrame = websocket.PingMessage

// socket is the part shared by device and room sockets: a bounded outgoing queue, a read
// deadline and a frame rate limit. An idle socket has no goroutine besides its reader and no
// buffers: a writer goroutine exists only while frames are queued (started by enqueue, gone
// once the queue is empty), and heartbeats come from the relay's shared scheduler as queued
// pings.
type socket struct {
	ws  *websocket.Conn
	out *gatherConn // ws's connection
	cfg *Config
	log *slog.Logger // the relay's logger, shared

	// mu guards queue, writing and stopped. queue holds the frames waiting for the writer, at
	// most SendBuffer; it is nil while empty. writing is true while a writer goroutine runs (and
	// for good once the closing writer started). stopped refuses new goroutines once the
	// socket's handler waits for them.
	mu      sync.Mutex
	queue   []outFrame
	writing bool
	stopped bool
	tasks   sync.WaitGroup // writer and pump goroutines

	slot    uint32 // the heartbeat slot (see Relay.heartbeat)
	done    chan struct{}
	once    sync.Once
	reason  string
	onClose func() // called once by close, e.g. to cancel the socket's context
	limiter *rate.Limiter
}

type outFrame struct {
	kind int // websocket.TextMessage, BinaryMessage or pingFrame
	data []byte
}

func newSocket(ws *websocket.Conn, out *gatherConn, n uint64, cfg *Config, log *slog.Logger, readLimit int64) *socket {
	s := &socket{
		ws: ws, out: out, cfg: cfg, log: log, slot: uint32(n % heartbeatSlots),
		done:    make(chan struct{}),
		limiter: rate.NewLimiter(rate.Limit(cfg.FramesPerSecond), cfg.FrameBurst),
	}
	ws.SetReadLimit(readLimit)
	s.extendRead()
	ws.SetPongHandler(func(string) error { s.extendRead(); return nil })
	return s
}

// extendRead lets the peer stay silent for two heartbeat periods.
func (s *socket) extendRead() {
	_ = s.ws.SetReadDeadline(time.Now().Add(2 * s.cfg.PingInterval))
}

// spawnLocked runs f on a goroutine the socket's handler waits for; false once it stopped.
// s.mu must be held.
func (s *socket) spawnLocked(f func()) bool {
	if s.stopped {
		return false
	}
	s.tasks.Add(1)
	go func() {
		defer s.tasks.Done()
		f()
	}()
	return true
}

// close ends the socket once: a writer sends a close frame and closes the connection, which
// also ends the reader.
func (s *socket) close(reason string) {
	s.once.Do(func() {
		s.reason = reason
		close(s.done)
		if s.onClose != nil {
			s.onClose()
		}
		s.mu.Lock()
		if !s.writing {
			s.writing = s.spawnLocked(s.writeLoop)
		}
		s.mu.Unlock()
	})
}

// wait closes the socket and waits for its goroutines; the connection is closed after it.
func (s *socket) wait(reason string) {
	s.close(reason)
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.tasks.Wait()
	_ = s.ws.Close() // in case the closing writer could not start
}

// enqueue queues a frame without blocking and starts a writer unless one runs; a full queue
// means a slow consumer, which is disconnected rather than allowed to grow memory.
func (s *socket) enqueue(kind int, data []byte) bool {
	select {
	case <-s.done:
		return false
	default:
	}
	s.mu.Lock()
	full := len(s.queue) >= s.cfg.SendBuffer
	if !full {
		s.queue = append(s.queue, outFrame{kind, data})
		if !s.writing {
			s.writing = s.spawnLocked(s.writeLoop)
		}
	}
	s.mu.Unlock()
	if full {
		s.close("slow consumer")
		return false
	}
	return true
}

// ping queues a heartbeat; the relay's scheduler calls it every PingInterval.
func (s *socket) ping() { s.enqueue(pingFrame, nil) }

// writeLoop writes the queued frames, each drain of several frames with one syscall, until the
// queue is empty, then exits; once the socket is
// closed it sends the close frame and closes the connection instead. At most one runs.
func (s *socket) writeLoop() {
	for {
		select {
		case <-s.done:
			s.finish()
			return
		default:
		}
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		if len(q) == 0 {
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		var err error
		if len(q) == 1 { // nothing to gather
			err = s.writeFrames(q)
		} else {
			s.out.gather()
			err = s.writeFrames(q)
			if ferr := s.out.flush(time.Now().Add(s.cfg.WriteTimeout)); err == nil {
				err = ferr
			}
		}
		if err != nil {
			s.close("write failed") // writing stays true: this loop finishes the socket
			s.finish()
			return
		}
	}
}

// writeFrames writes frames into the gathered buffer (a frame larger than the buffer goes
// out directly, within WriteTimeout).
func (s *socket) writeFrames(q []outFrame) error {
	for _, f := range q {
		deadline := time.Now().Add(s.cfg.WriteTimeout)
		var err error
		if f.kind == pingFrame {
			err = s.ws.WriteControl(websocket.PingMessage, nil, deadline)
		} else {
			_ = s.ws.SetWriteDeadline(deadline)
			err = s.ws.WriteMessage(f.kind, f.data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// finish sends the close frame and closes the connection.
func (s *socket) finish() {
	code := websocket.CloseNormalClosure
	switch s.reason {
	case "slow consumer", "rate limited":
		code = websocket.ClosePolicyViolation
	case "relay shutting down":
		code = websocket.CloseGoingAway
	}
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, s.reason), time.Now().Add(time.Second))
	_ = s.ws.Close()
}

// read returns the next message, or an error once the socket is closed or the peer broke a
// limit (size, rate, heartbeat).
func (s *socket) read() (int, []byte, error) {
	kind, b, err := s.ws.ReadMessage()
	if err != nil {
		s.close("read failed")
		return 0, nil, err
	}
	s.extendRead()
	if !s.limiter.Allow() {
		return kind, b, errRateLimited
	}
	return kind, b, nil
}

var errRateLimited = errors.New("relay: frame rate limit exceeded")
