package relay

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/ipfs"
)

// Named defaults of Config.
const (
	// DefaultMaxFrameSize fits the largest envelope base64-encoded in a JSON frame.
	DefaultMaxFrameSize = wire.MaxFrameSize
	// DefaultFramesPerSecond is the sustained frame rate a socket may send.
	DefaultFramesPerSecond = 1000
	// DefaultFrameBurst is the frame burst a socket may send.
	DefaultFrameBurst = 2000
	// DefaultSendBuffer is how many outgoing frames may queue for one socket before it is
	// disconnected as a slow consumer.
	DefaultSendBuffer = 256
	// DefaultMaxInflight is how many pushed envelopes may await a device's ack.
	DefaultMaxInflight = 128
	// DefaultSendPipeline is how many sends of one socket are checked and pinned concurrently
	// while they wait for their ordered commit.
	DefaultSendPipeline = 32
	// DefaultCommitBatch is the most sends (and acked rows) one transaction commits.
	DefaultCommitBatch = 1024
	// DefaultCommitDelay is how long a commit batch waits for more sends after its first.
	DefaultCommitDelay = time.Millisecond
	// DefaultPageSize is how many pending envelopes one drain query reads.
	DefaultPageSize = 128
	// DefaultPingInterval is how often the relay pings an idle socket.
	DefaultPingInterval = 30 * time.Second
	// DefaultWriteTimeout bounds one socket write.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultPendingTTL is how long an unacknowledged envelope waits for its device.
	DefaultPendingTTL = 30 * 24 * time.Hour
	// DefaultMaxPending is how many unacknowledged envelopes a device may have.
	DefaultMaxPending = 10000
	// DefaultPollInterval is how often the cursor poll checks for envelopes a lost
	// notification did not announce.
	DefaultPollInterval = 5 * time.Second
	// DefaultJanitorInterval is how often expired rows are deleted.
	DefaultJanitorInterval = time.Minute
	// DefaultRoomMaxFrame bounds one anonymous-room frame (it travels in a NOTIFY payload).
	DefaultRoomMaxFrame = 4 << 10
	// DefaultRoomLease is how long a room member's slot outlives its instance's last renewal:
	// the slots of an instance that died free themselves within it.
	DefaultRoomLease = 30 * time.Second
)

// Config holds the relay's settings; zero fields take the named defaults.
type Config struct {
	// ChainID is the chain whose DeviceRegistry (the indexer's devices view) is authoritative.
	ChainID int64
	// AllowedOrigins lists the browser origins that may open sockets; requests without an
	// Origin header (non-browser clients) are always allowed.
	AllowedOrigins []string
	// MaxFrameSize is the largest frame read from a socket, in bytes (DefaultMaxFrameSize).
	MaxFrameSize int64
	// FramesPerSecond and FrameBurst limit the frames a socket sends (DefaultFramesPerSecond,
	// DefaultFrameBurst); a socket beyond them is told so and closed.
	FramesPerSecond float64
	FrameBurst      int
	// SendBuffer is the outgoing queue of a socket (DefaultSendBuffer).
	SendBuffer int
	// MaxInflight is how many pushed envelopes may await an ack (DefaultMaxInflight).
	MaxInflight int
	// SendPipeline bounds a socket's sends in flight (DefaultSendPipeline).
	SendPipeline int
	// CommitBatch bounds the sends one transaction and one blockstore write commit, and the
	// acknowledged rows one statement deletes (DefaultCommitBatch).
	CommitBatch int
	// CommitDelay is how long a batch waits for more sends after its first; negative: not at
	// all (DefaultCommitDelay).
	CommitDelay time.Duration
	// PageSize is the drain page size (DefaultPageSize).
	PageSize int
	// PingInterval is the heartbeat period; a socket silent for two periods is closed
	// (DefaultPingInterval).
	PingInterval time.Duration
	// WriteTimeout bounds a socket write (DefaultWriteTimeout).
	WriteTimeout time.Duration
	// PendingTTL is how long an envelope waits for a device's ack (DefaultPendingTTL).
	PendingTTL time.Duration
	// MaxPending caps a device's unacknowledged envelopes; older ones drop (DefaultMaxPending).
	MaxPending int64
	// PollInterval is the cursor poll period, the fallback for lost notifications
	// (DefaultPollInterval).
	PollInterval time.Duration
	// JanitorInterval is how often expired pending rows and old envelopes are deleted
	// (DefaultJanitorInterval).
	JanitorInterval time.Duration
	// RoomMaxFrame bounds an anonymous-room frame in bytes (DefaultRoomMaxFrame, at most 5 KiB).
	RoomMaxFrame int
	// RoomLease is how long a room member's slot counts against the room's cap without being
	// renewed; each instance renews its members' slots every third of it (DefaultRoomLease).
	RoomLease time.Duration
}

// Principal is the authenticated owner of a socket: an account whose session is bound to one
// of its registered devices.
type Principal struct {
	// Account is the signed-in account.
	Account common.Address
	// SessionID identifies the API session.
	SessionID string
	// DeviceID is the device the session proved it holds; 0 when unbound.
	DeviceID uint32
}

// Deps are the relay's collaborators.
type Deps struct {
	// Authenticate checks a socket request's credentials (the API's access token of a
	// device-bound session).
	Authenticate func(r *http.Request) (Principal, error)
	// Pool is the shared Postgres pool.
	Pool *pgxpool.Pool
	// IPFS pins every accepted envelope.
	IPFS *ipfs.Node
	// Logger receives the relay's logs (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// maxRoomFrame keeps a base64 room frame inside Postgres' 8000-byte NOTIFY payload.
const maxRoomFrame = 5 << 10

func (c *Config) setDefaults() error {
	c.MaxFrameSize = cmp.Or(c.MaxFrameSize, DefaultMaxFrameSize)
	c.FramesPerSecond = cmp.Or(c.FramesPerSecond, DefaultFramesPerSecond)
	c.FrameBurst = cmp.Or(c.FrameBurst, DefaultFrameBurst)
	c.SendBuffer = cmp.Or(c.SendBuffer, DefaultSendBuffer)
	c.MaxInflight = cmp.Or(c.MaxInflight, DefaultMaxInflight)
	c.PageSize = cmp.Or(c.PageSize, DefaultPageSize)
	c.CommitBatch = cmp.Or(c.CommitBatch, DefaultCommitBatch)
	c.CommitDelay = max(cmp.Or(c.CommitDelay, DefaultCommitDelay), 0)
	c.SendPipeline = cmp.Or(c.SendPipeline, DefaultSendPipeline)
	c.PingInterval = cmp.Or(c.PingInterval, DefaultPingInterval)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, DefaultWriteTimeout)
	c.PendingTTL = cmp.Or(c.PendingTTL, DefaultPendingTTL)
	c.MaxPending = cmp.Or(c.MaxPending, DefaultMaxPending)
	c.PollInterval = cmp.Or(c.PollInterval, DefaultPollInterval)
	c.JanitorInterval = cmp.Or(c.JanitorInterval, DefaultJanitorInterval)
	c.RoomMaxFrame = cmp.Or(c.RoomMaxFrame, DefaultRoomMaxFrame)
	c.RoomLease = max(cmp.Or(c.RoomLease, DefaultRoomLease), 3*time.Millisecond)
	switch {
	case c.ChainID <= 0:
		return errors.New("relay: config needs a chain id")
	case c.RoomMaxFrame > maxRoomFrame:
		return fmt.Errorf("relay: room frames above %d bytes do not fit a notification", maxRoomFrame)
	case c.SendBuffer <= c.MaxInflight:
		return fmt.Errorf("relay: send buffer (%d) must exceed max inflight (%d)", c.SendBuffer, c.MaxInflight)
	}
	return nil
}

func (d *Deps) check() error {
	if d.Authenticate == nil || d.Pool == nil || d.IPFS == nil {
		return errors.New("relay: deps need Authenticate, Pool and IPFS")
	}
	d.Logger = cmp.Or(d.Logger, slog.Default()).With("component", "relay")
	if d.Now == nil {
		d.Now = time.Now
	}
	return nil
}
