package relay

import (
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// socket is the part shared by device and room sockets: a bounded outgoing queue drained by
// one writer goroutine, heartbeats, a read deadline and a frame rate limit.
type socket struct {
	ws  *websocket.Conn
	cfg *Config
	log *slog.Logger
	// queue holds the frames waiting for the writer, at most SendBuffer; it grows only while
	// frames wait, so an idle socket holds no buffer. ready (capacity 1) wakes the writer.
	qmu     sync.Mutex
	queue   []outFrame
	ready   chan struct{}
	done    chan struct{}
	once    sync.Once
	reason  string
	onClose func() // called once by close, e.g. to cancel the socket's context
	limiter *rate.Limiter
}

type outFrame struct {
	kind int // websocket.TextMessage or BinaryMessage
	data []byte
}

func newSocket(ws *websocket.Conn, cfg *Config, log *slog.Logger, readLimit int64) *socket {
	s := &socket{
		ws: ws, cfg: cfg, log: log,
		ready:   make(chan struct{}, 1),
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

// close ends the socket once: the writer sends a close frame and the connection is closed,
// which also ends the reader.
func (s *socket) close(reason string) {
	s.once.Do(func() {
		s.reason = reason
		close(s.done)
		if s.onClose != nil {
			s.onClose()
		}
	})
}

// enqueue queues a frame without blocking; a full queue means a slow consumer, which is
// disconnected rather than allowed to grow memory.
func (s *socket) enqueue(kind int, data []byte) bool {
	select {
	case <-s.done:
		return false
	default:
	}
	s.qmu.Lock()
	full := len(s.queue) >= s.cfg.SendBuffer
	if !full {
		s.queue = append(s.queue, outFrame{kind, data})
	}
	s.qmu.Unlock()
	if full {
		s.close("slow consumer")
		return false
	}
	select {
	case s.ready <- struct{}{}:
	default:
	}
	return true
}

// take returns the queued frames and releases the queue's memory.
func (s *socket) take() []outFrame {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// enqueueJSON marshals and queues a text frame.
func (s *socket) enqueueJSON(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("marshal frame", "err", err)
		return false
	}
	return s.enqueue(websocket.TextMessage, b)
}

// writeLoop owns every write to the connection until the socket closes.
func (s *socket) writeLoop() {
	ping := time.NewTicker(s.cfg.PingInterval)
	defer ping.Stop()
	defer s.ws.Close()
	for {
		select {
		case <-s.ready:
			for _, f := range s.take() {
				_ = s.ws.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
				if err := s.ws.WriteMessage(f.kind, f.data); err != nil {
					s.close("write failed")
					return
				}
			}
		case <-ping.C:
			if err := s.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WriteTimeout)); err != nil {
				s.close("ping failed")
				return
			}
		case <-s.done:
			code := websocket.CloseNormalClosure
			switch s.reason {
			case "slow consumer", "rate limited":
				code = websocket.ClosePolicyViolation
			case "relay shutting down":
				code = websocket.CloseGoingAway
			}
			_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, s.reason), time.Now().Add(time.Second))
			return
		}
	}
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
