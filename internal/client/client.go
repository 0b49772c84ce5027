package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// Identity is one device of one account: what a device needs to sign and decrypt.
type Identity struct {
	// Account is the owner's address.
	Account common.Address
	// DeviceID is the device's id in the DeviceRegistry.
	DeviceID uint32
	// Device holds the device's private keys.
	Device *protocol.Device
}

// Directory returns an account's registered, unrevoked devices with their public keys. The
// HTTP implementation asks the API (which mirrors the chain); tests may read the chain tables.
type Directory func(ctx context.Context, account common.Address) ([]protocol.Member, error)

// Groups reads the groups of the signed-in account for group conversations; *API is one.
type Groups interface {
	// Group answers a group's membership epoch and member accounts.
	Group(ctx context.Context, id uuid.UUID) (epoch uint64, members []common.Address, err error)
	// Mine lists the ids of this account's groups.
	Mine(ctx context.Context) ([]uuid.UUID, error)
}

// Config configures a Client.
type Config struct {
	// Identity is this device.
	Identity Identity
	// Directory looks up devices of conversation members.
	Directory Directory
	// Groups reads group memberships; nil: no group conversations.
	Groups Groups
	// Dial opens a relay socket; Run calls it again after every disconnect.
	Dial func(ctx context.Context) (*Conn, error)
	// Logger receives the client's logs (default slog.Default()).
	Logger *slog.Logger
	// MaxBackoff caps the wait between reconnects (default 2s).
	MaxBackoff time.Duration
	// Heartbeat is how often Run pings the relay; a connection silent for two heartbeats is
	// given up and dialed again (default 30s).
	Heartbeat time.Duration
	// State, when set, keeps the conversations (members, receiver chains, delivered counters)
	// on disk, saved before every ack: a new Client on the same file keeps decrypting. It also
	// keeps each conversation's history (saved after every send and before every ack).
	State *StateFile
	// HistoryLimit is how many of the latest messages History keeps per conversation, in
	// memory and in State (default 1000).
	HistoryLimit int
}

// Received is a decrypted message or ephemeral frame.
type Received struct {
	// Peer is the other account of a direct conversation.
	Peer common.Address
	// Group is the group of a group conversation (uuid.Nil in a direct one).
	Group uuid.UUID
	// CID is the envelope's CID (messages only).
	CID string
	// Message is the opened envelope.
	Message *protocol.Message
	// At is when this device sent or received it.
	At time.Time
}

// Client is a device's messenger: it keeps one relay connection up (Run), encrypts and sends
// messages with per-conversation protocol sessions, and decrypts, deduplicates and acks what
// the relay pushes. Safe for concurrent use.
type Client struct {
	cfg           Config
	log           *slog.Logger
	received      chan Received
	notifications chan wire.Notification

	mu    sync.Mutex
	conn  *Conn
	ready chan struct{} // closed while conn is set
	convs map[[32]byte]*conversation
	seen  map[string]struct{}

	stateMu sync.Mutex  // serializes snapshot and write of cfg.State
	dirty   atomic.Bool // conversation state changed since the last save
}

// conversation is one direct or group conversation's protocol session and recipient devices.
type conversation struct {
	peer  common.Address // the other account of a direct conversation
	group uuid.UUID      // the group of a group conversation, uuid.Nil in a direct one
	id    [32]byte

	sendMu sync.Mutex // serializes sends, keeping per-sender order; never held by the receiver
	sess   *protocol.Session

	mu      sync.Mutex // guards the fields below
	epoch   uint64
	members []protocol.Member
	to      []wire.DeviceRef
	history []Received
	chains  []*recvChain // receiver chains this device can rebuild, oldest first
}

// minBackoff is the first wait before a reconnect or a retried send.
const minBackoff = 20 * time.Millisecond

// New builds a client; call Run to connect.
func New(cfg Config) (*Client, error) {
	if cfg.Identity.Device == nil || cfg.Identity.DeviceID == 0 || cfg.Directory == nil || cfg.Dial == nil {
		return nil, errors.New("client: config needs an identity, a directory and a dialer")
	}
	cfg.MaxBackoff = cmp.Or(cfg.MaxBackoff, 2*time.Second)
	cfg.Heartbeat = cmp.Or(cfg.Heartbeat, 30*time.Second)
	cfg.HistoryLimit = cmp.Or(cfg.HistoryLimit, 1000)
	log := cmp.Or(cfg.Logger, slog.Default()).With("component", "client", "account", cfg.Identity.Account.Hex(), "device", cfg.Identity.DeviceID)
	c := &Client{cfg: cfg, log: log, received: make(chan Received, 1024), notifications: make(chan wire.Notification, 64), ready: make(chan struct{}),
		convs: map[[32]byte]*conversation{}, seen: map[string]struct{}{}}
	if cfg.State != nil && cfg.State.loaded != nil {
		if err := c.restore(cfg.State.loaded); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Received delivers decrypted messages and frames, each message once.
func (c *Client) Received() <-chan Received { return c.received }

// Notifications delivers account events pushed while connected (chat requests, group changes,
// tips); when nobody reads them they are dropped here and stay readable through the API.
func (c *Client) Notifications() <-chan wire.Notification { return c.notifications }

// Run keeps a relay connection open, reconnecting with capped backoff, until ctx ends, and
// then saves the session state.
func (c *Client) Run(ctx context.Context) error {
	backoff := minBackoff
	for ctx.Err() == nil {
		conn, err := c.cfg.Dial(ctx)
		if err != nil {
			c.log.Debug("dial relay", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, c.cfg.MaxBackoff)
			continue
		}
		if d := conn.Hello().Dropped; d > 0 {
			c.log.Warn("the relay dropped envelopes for this device (TTL or cap)", "dropped", d)
		}
		go conn.keepAlive(c.cfg.Heartbeat)
		c.mu.Lock()
		c.conn = conn
		close(c.ready)
		c.mu.Unlock()
		err = c.serve(ctx, conn)
		c.mu.Lock()
		c.conn = nil
		c.ready = make(chan struct{})
		c.mu.Unlock()
		conn.Close()
		if err == nil {
			backoff = minBackoff
			continue
		}
		c.log.Warn("reconnecting after a failed receive", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, c.cfg.MaxBackoff)
	}
	// Remember what the application was given though its acks were not sent: a client started
	// from this state gets those envelopes again and must not show them twice.
	if err := c.persist(); err != nil {
		c.log.Error("save session state", "err", err)
	}
	return ctx.Err()
}

// current waits for a live connection.
func (c *Client) current(ctx context.Context) (*Conn, error) {
	for {
		c.mu.Lock()
		conn, ready := c.conn, c.ready
		c.mu.Unlock()
		if conn != nil {
			select {
			case <-conn.Done():
			default:
				return conn, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ready:
		case <-time.After(10 * time.Millisecond): // the dead conn is being replaced
		}
	}
}

// conversationWith returns the direct conversation with peer, creating its session.
func (c *Client) conversationWith(ctx context.Context, peer common.Address) (*conversation, error) {
	return c.conversation(ctx, peer, uuid.Nil)
}

// conversation returns the direct conversation with peer or, when group is set, the group's,
// creating its session.
func (c *Client) conversation(ctx context.Context, peer common.Address, group uuid.UUID) (*conversation, error) {
	id := c.conversationID(peer, group)
	c.mu.Lock()
	conv := c.convs[id]
	c.mu.Unlock()
	if conv != nil {
		return conv, nil
	}
	epoch, members, err := c.members(ctx, peer, group)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if conv = c.convs[id]; conv == nil {
		if conv, err = c.newConversation(peer, group, epoch, members); err == nil {
			c.convs[id] = conv
			c.dirty.Store(true)
		}
	}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return conv, c.persist()
}

// conversationID is the id of the direct conversation with peer, or of group's when it is set.
func (c *Client) conversationID(peer common.Address, group uuid.UUID) [32]byte {
	if group != uuid.Nil {
		return wire.GroupConversationID(group)
	}
	return wire.DirectConversationID(c.cfg.Identity.Account, peer)
}

// newConversation builds the session of the direct conversation with peer or of group's.
func (c *Client) newConversation(peer common.Address, group uuid.UUID, epoch uint64, members []protocol.Member) (*conversation, error) {
	id := c.conversationID(peer, group)
	sess, err := protocol.NewSession(protocol.SessionConfig{
		ConversationID: id, Account: c.cfg.Identity.Account, DeviceID: c.cfg.Identity.DeviceID,
		Device: c.cfg.Identity.Device, Epoch: epoch, Members: members,
	})
	if err != nil {
		return nil, fmt.Errorf("client: new session: %w", err)
	}
	return &conversation{peer: peer, group: group, id: id, sess: sess, epoch: epoch, members: members, to: c.recipients(members)}, nil
}

// members lists the devices of a conversation's accounts: this one and peer, or group's
// members at the group's epoch (a direct conversation answers epoch 0).
func (c *Client) members(ctx context.Context, peer common.Address, group uuid.UUID) (uint64, []protocol.Member, error) {
	var epoch uint64
	accounts := slices.Compact([]common.Address{c.cfg.Identity.Account, peer})
	if group != uuid.Nil {
		if c.cfg.Groups == nil {
			return 0, nil, errors.New("client: no Groups configured for group conversations")
		}
		var err error
		if epoch, accounts, err = c.cfg.Groups.Group(ctx, group); err != nil {
			return 0, nil, fmt.Errorf("client: group %s: %w", group, err)
		}
	}
	var all []protocol.Member
	for _, a := range accounts {
		m, err := c.cfg.Directory(ctx, a)
		if err != nil {
			return 0, nil, fmt.Errorf("client: devices of %s: %w", a.Hex(), err)
		}
		all = append(all, m...)
	}
	return epoch, all, nil
}

func (c *Client) recipients(members []protocol.Member) []wire.DeviceRef {
	var to []wire.DeviceRef
	for _, m := range members {
		if m.Account != c.cfg.Identity.Account || m.DeviceID != c.cfg.Identity.DeviceID {
			to = append(to, wire.DeviceRef{Account: m.Account, Device: m.DeviceID})
		}
	}
	return to
}

// refresh re-reads the members' devices (and a group's epoch) after the relay said they
// changed; the next Seal starts a new chain. A direct conversation stays at epoch 0: no one
// keeps an epoch both sides share, and a receiver refuses new chains of an epoch below its own.
func (c *Client) refresh(ctx context.Context, conv *conversation) error {
	epoch, members, err := c.members(ctx, conv.peer, conv.group)
	if err != nil {
		return err
	}
	conv.mu.Lock()
	conv.epoch = epoch
	err = conv.sess.SetMembers(conv.epoch, members)
	if err == nil {
		conv.members, conv.to = members, c.recipients(members)
	}
	conv.mu.Unlock()
	if err != nil {
		return fmt.Errorf("client: set members: %w", err)
	}
	c.dirty.Store(true)
	return c.persist()
}

// Send encrypts plaintext for the direct conversation with peer and returns once the relay
// made it durable, resending across reconnects (a resend the relay already had counts as
// sent) and re-reading the devices when the relay says they changed. It returns the CID.
func (c *Client) Send(ctx context.Context, peer common.Address, plaintext []byte) (string, error) {
	conv, err := c.conversationWith(ctx, peer)
	if err != nil {
		return "", err
	}
	return c.send(ctx, conv, plaintext)
}

// SendGroup encrypts plaintext for group's conversation, as Send does for a direct one; when
// the group's members changed (a new epoch), it re-reads them and starts a new chain.
func (c *Client) SendGroup(ctx context.Context, group uuid.UUID, plaintext []byte) (string, error) {
	conv, err := c.conversation(ctx, common.Address{}, group)
	if err != nil {
		return "", err
	}
	return c.send(ctx, conv, plaintext)
}

// send seals plaintext in conv and resends it until the relay made it durable.
func (c *Client) send(ctx context.Context, conv *conversation, plaintext []byte) (string, error) {
	conv.sendMu.Lock()
	defer conv.sendMu.Unlock()
	env, id, err := conv.sess.Seal(plaintext)
	if err != nil {
		return "", fmt.Errorf("client: seal: %w", err)
	}
	backoff := minBackoff
	for refreshed := 0; ; {
		conn, err := c.current(ctx)
		if err != nil {
			return "", err
		}
		conv.mu.Lock()
		to := conv.to
		conv.mu.Unlock()
		_, err = conn.send(ctx, conv.address(&wire.Frame{Type: wire.TypeSend, To: to, Envelope: env}))
		switch {
		case err == nil || errors.Is(err, ErrDuplicate):
			conv.record(Received{Peer: conv.peer, Group: conv.group, CID: id.String(), At: time.Now(), Message: &protocol.Message{
				Sender: c.cfg.Identity.Account, DeviceID: c.cfg.Identity.DeviceID, Kind: protocol.KindMessage, Plaintext: plaintext, CID: id}},
				c.cfg.HistoryLimit)
			c.dirty.Store(true)
			if err := c.persist(); err != nil {
				c.log.Warn("save the sent message to the session state", "err", err)
			}
			return id.String(), nil
		case errors.Is(err, ErrConnClosed):
			continue // Run reconnects; the same envelope goes again
		case errors.Is(err, ErrInternal):
			// The same envelope again after a pause: if it was stored after all, it is a duplicate.
			c.log.Debug("relay failed a send, retrying", "retry_in", backoff)
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, c.cfg.MaxBackoff)
		case (errors.Is(err, ErrDevicesMismatch) || errors.Is(err, ErrStaleEpoch)) && refreshed < 2:
			refreshed++
			if err := c.refresh(ctx, conv); err != nil {
				return "", err
			}
			if env, id, err = conv.sess.Seal(plaintext); err != nil {
				return "", fmt.Errorf("client: seal: %w", err)
			}
		default:
			return "", err
		}
	}
}

// SendFrame sends an ephemeral frame (typing, read receipt) to peer's and this account's
// online devices; it is never stored.
func (c *Client) SendFrame(ctx context.Context, peer common.Address, plaintext []byte) error {
	return c.sendFrame(ctx, peer, uuid.Nil, plaintext)
}

// SendGroupFrame is SendFrame for group's conversation: its members' online devices get it.
func (c *Client) SendGroupFrame(ctx context.Context, group uuid.UUID, plaintext []byte) error {
	return c.sendFrame(ctx, common.Address{}, group, plaintext)
}

func (c *Client) sendFrame(ctx context.Context, peer common.Address, group uuid.UUID, plaintext []byte) error {
	conv, err := c.conversation(ctx, peer, group)
	if err != nil {
		return err
	}
	env, err := conv.sess.SealFrame(plaintext)
	if err != nil {
		return fmt.Errorf("client: seal frame: %w", err)
	}
	conn, err := c.current(ctx)
	if err != nil {
		return err
	}
	return conn.write(conv.address(&wire.Frame{Type: wire.TypeFrame, Envelope: env}))
}

// address names conv on f, the peer of a direct conversation or the group of a group's, and
// returns f.
func (conv *conversation) address(f *wire.Frame) *wire.Frame {
	if conv.group != uuid.Nil {
		f.Group = conv.group.String()
	} else {
		f.Peer = &conv.peer
	}
	return f
}

// History returns the last HistoryLimit messages sent and received in the direct conversation
// with peer, in the order this device saw them; with a StateFile they survive restarts.
func (c *Client) History(peer common.Address) []Received {
	return c.history(c.conversationID(peer, uuid.Nil))
}

// GroupHistory is History for group's conversation.
func (c *Client) GroupHistory(group uuid.UUID) []Received {
	return c.history(wire.GroupConversationID(group))
}

func (c *Client) history(id [32]byte) []Received {
	c.mu.Lock()
	conv := c.convs[id]
	c.mu.Unlock()
	if conv == nil {
		return nil
	}
	conv.mu.Lock()
	defer conv.mu.Unlock()
	return slices.Clone(conv.history)
}

// record appends r to the history, dropping the oldest messages beyond limit.
func (conv *conversation) record(r Received, limit int) {
	conv.mu.Lock()
	defer conv.mu.Unlock()
	conv.history = append(conv.history, r)
	if n := len(conv.history) - limit; n > 0 {
		conv.history = slices.Delete(conv.history, 0, n)
	}
}

// maxAckBatch bounds the sequence numbers acknowledged in one frame.
const maxAckBatch = 64

// serve handles one connection's pushes until it ends: open, deduplicate, deliver, then ack.
// It returns the error of a receive that failed for now (the envelope stays unacked), else nil.
func (c *Client) serve(ctx context.Context, conn *Conn) error {
	var acks []int64
	for {
		var f *wire.Frame
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case f, ok = <-conn.Incoming():
		}
		if !ok {
			return nil
		}
		switch f.Type {
		case wire.TypeEnvelope:
			if err := c.receive(ctx, f); err != nil {
				if errors.Is(err, errTransient) || ctx.Err() != nil {
					return err // unacked, it comes again after the reconnect
				}
				c.log.Warn("drop undecryptable envelope", "cid", f.CID, "err", err)
			}
			acks = append(acks, f.Seq)
		case wire.TypeFrame:
			if err := c.receive(ctx, f); err != nil {
				c.log.Debug("drop ephemeral frame", "err", err)
			}
		case wire.TypeChain:
			if f.Chain != nil {
				c.log.Info("chain event", "kind", f.Chain.Kind, "block", f.Chain.Block, "final", f.Chain.Final)
			}
		case wire.TypeNotification:
			if f.Notification == nil {
				break
			}
			c.groupChanged(ctx, f.Notification)
			select {
			case c.notifications <- *f.Notification:
			default:
				c.log.Debug("notification buffer full", "id", f.Notification.ID)
			}
		case wire.TypeError:
			c.log.Warn("relay error", "code", f.Code, "message", f.Message)
		}
		if len(acks) > 0 && (len(acks) >= maxAckBatch || len(conn.Incoming()) == 0) {
			if err := c.persist(); err != nil {
				return fmt.Errorf("save session state before ack: %w", err) // unacked, they come again
			}
			if conn.Ack(acks...) != nil {
				return nil
			}
			acks = acks[:0]
		}
	}
}

// groupChanged moves a group conversation to the group's new epoch when the API announces a
// membership change (a group_epoch notification), in the background: the next send or frame
// then goes out on a chain for the new members instead of being refused as stale first.
func (c *Client) groupChanged(ctx context.Context, n *wire.Notification) {
	if n.Kind != "group_epoch" {
		return
	}
	var d struct {
		GroupID uuid.UUID `json:"groupId"`
		Epoch   uint64    `json:"epoch"`
	}
	if json.Unmarshal(n.Data, &d) != nil {
		return
	}
	c.mu.Lock()
	conv := c.convs[wire.GroupConversationID(d.GroupID)]
	c.mu.Unlock()
	if conv == nil {
		return
	}
	conv.mu.Lock()
	behind := conv.epoch < d.Epoch
	conv.mu.Unlock()
	if behind {
		go func() {
			if err := c.refresh(ctx, conv); err != nil {
				c.log.Warn("re-read a changed group", "group", d.GroupID, "err", err)
			}
		}()
	}
}

// errTransient marks a receive that failed for a reason of the moment (the API, a closing
// client), not because of the envelope: it is not acked, so the relay pushes it again.
var errTransient = errors.New("client: receive failed for now")

// transient marks a failed lookup errTransient, unless the API refused it (a group this
// account left): then the envelope cannot be opened for good and must not hold the queue.
func transient(err error) error {
	if errors.Is(err, ErrAPIRefused) {
		return err
	}
	return fmt.Errorf("%w: %w", errTransient, err)
}

// receive opens one pushed envelope or frame and delivers it unless it was seen before. A
// message counts as delivered only once the application's channel took it. Messages are known
// by their envelope's own CID, never by the one the relay names.
func (c *Client) receive(ctx context.Context, f *wire.Frame) error {
	var id string
	if f.Type == wire.TypeEnvelope {
		id = protocol.EnvelopeCID(f.Envelope).String()
		c.mu.Lock()
		_, dup := c.seen[id]
		c.mu.Unlock()
		if dup {
			return nil
		}
	}
	env, err := protocol.DecodeEnvelope(f.Envelope)
	if err != nil {
		return err
	}
	conv, err := c.conversationOf(ctx, env)
	if err != nil {
		return err
	}
	msg, err := conv.sess.Open(f.Envelope)
	if errors.Is(err, protocol.ErrDuplicate) {
		return nil
	}
	if errors.Is(err, protocol.ErrUnknownSender) {
		// A device registered after the session started: re-read the members once.
		if err := c.refresh(ctx, conv); err != nil {
			return transient(err)
		}
		msg, err = conv.sess.Open(f.Envelope)
	}
	if err != nil {
		return err
	}
	r := Received{Peer: conv.peer, Group: conv.group, CID: id, Message: msg, At: time.Now()}
	message := msg.Kind == protocol.KindMessage
	if message && conv.deliveredBefore(msg) {
		c.markSeen(id)
		return nil // delivered before this client restarted
	}
	select {
	case c.received <- r:
	case <-ctx.Done():
		// Not delivered, so not recorded: a restarted client opens it again from its state.
		return fmt.Errorf("%w: %w", errTransient, ctx.Err())
	}
	if message {
		c.markSeen(id)
		conv.markDelivered(msg, f.Envelope)
		c.dirty.Store(true)
		conv.record(r, c.cfg.HistoryLimit)
	}
	return nil
}

func (c *Client) markSeen(cid string) {
	c.mu.Lock()
	c.seen[cid] = struct{}{}
	c.mu.Unlock()
}

// conversationOf finds the conversation of a pushed envelope: a known one, else the direct
// conversation with its sender (or, from this account's other device, with its peer), else one
// of this account's groups. Failing to ask the API is errTransient, unless it refused.
func (c *Client) conversationOf(ctx context.Context, env *protocol.Envelope) (*conversation, error) {
	c.mu.Lock()
	conv := c.convs[[32]byte(env.Conversation)]
	c.mu.Unlock()
	if conv != nil {
		return conv, nil
	}
	peer := env.SenderAccount()
	if peer == c.cfg.Identity.Account {
		peer = c.wrappedPeer(env)
	}
	group := uuid.Nil
	if want := wire.DirectConversationID(c.cfg.Identity.Account, peer); !bytes.Equal(env.Conversation, want[:]) {
		if c.cfg.Groups == nil {
			return nil, protocol.ErrWrongConversation
		}
		ids, err := c.cfg.Groups.Mine(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: list groups: %w", errTransient, err)
		}
		i := slices.IndexFunc(ids, func(id uuid.UUID) bool {
			want := wire.GroupConversationID(id)
			return bytes.Equal(env.Conversation, want[:])
		})
		if i < 0 {
			return nil, protocol.ErrWrongConversation
		}
		peer, group = common.Address{}, ids[i]
	}
	conv, err := c.conversation(ctx, peer, group)
	if err != nil {
		return nil, transient(err)
	}
	return conv, nil
}

// wrappedPeer guesses the peer of a direct conversation's envelope from this account's other
// device: the first other account its key wraps name (a chain's first envelope wraps to the
// peer's devices; a note to self, or an envelope without wraps, names this account only).
func (c *Client) wrappedPeer(env *protocol.Envelope) common.Address {
	self := c.cfg.Identity.Account
	for _, w := range env.Wraps {
		if a := common.BytesToAddress(w.Account); a != self {
			return a
		}
	}
	return self
}
