package protocol

import (
	"cmp"
	"crypto/hpke"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ipfs/go-cid"
)

// Session defaults (docs/protocol.md §4.4–4.5).
const (
	// DefaultMaxMessages is the number of messages after which a sender chain rotates.
	DefaultMaxMessages = 1000
	// DefaultMaxChainAge is the age after which a sender chain rotates.
	DefaultMaxChainAge = 7 * 24 * time.Hour
	// DefaultMaxSkip is the largest counter jump a receiver accepts within one chain.
	DefaultMaxSkip = 1000
	// DefaultSkippedKeyTTL is how long a receiver keeps the key of a skipped message.
	DefaultSkippedKeyTTL = 7 * 24 * time.Hour
	// DefaultMaxSkippedKeys bounds the skipped message keys a session keeps in total.
	DefaultMaxSkippedKeys = 5000
	// DefaultMaxClosedChains bounds the closed receiver chains (replay markers) a session keeps.
	DefaultMaxClosedChains = 1024
)

const wrapInfoDomain = "parley/chain-key/v1"

// Member is one device of a conversation member (this account's other devices included).
type Member struct {
	// Account is the member's account address.
	Account common.Address
	// DeviceID is the device id in the registry.
	DeviceID uint32
	// Keys are the device's public keys, checked against the registry by the caller.
	Keys DeviceKeys
}

// SessionConfig configures a conversation Session.
type SessionConfig struct {
	// ConversationID identifies the conversation.
	ConversationID [32]byte
	// Account is this device's account.
	Account common.Address
	// DeviceID is this device's id.
	DeviceID uint32
	// Device holds this device's private keys.
	Device *Device
	// Epoch is the current membership epoch.
	Epoch uint64
	// Members lists every current device of every member; this device may be listed and is skipped.
	Members []Member
	// Rand is the randomness for chain keys, chain ids and frame nonces (default crypto/rand).
	// HPKE encapsulation always uses crypto/rand.
	Rand io.Reader
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MaxMessages rotates the sender chain after this many messages (default DefaultMaxMessages).
	MaxMessages uint32
	// MaxChainAge rotates the sender chain after this age (default DefaultMaxChainAge).
	MaxChainAge time.Duration
	// MaxSkip is the largest accepted counter jump (default DefaultMaxSkip).
	MaxSkip uint32
	// SkippedKeyTTL is how long skipped message keys are kept (default DefaultSkippedKeyTTL).
	SkippedKeyTTL time.Duration
	// MaxSkippedKeys bounds the skipped keys kept in total (default DefaultMaxSkippedKeys).
	MaxSkippedKeys int
	// MaxClosedChains bounds the closed receiver chains kept as replay markers (default
	// DefaultMaxClosedChains).
	MaxClosedChains int
}

type deviceRef struct {
	account common.Address
	device  uint32
}

type chainRef struct {
	sender deviceRef
	chain  [chainIDLen]byte
}

type recipient struct {
	Member
	kem hpke.PublicKey
}

type sendChain struct {
	wraps    []Wrap // carried by every envelope with counter 0: frames before the first message, and that message
	id       [chainIDLen]byte
	ck       [32]byte
	frameKey [32]byte
	counter  uint32
	epoch    uint64
	created  time.Time
}

type skippedKey struct {
	key   messageKey
	at    time.Time
	stale bool
}

// recvChain is the receiver state of one sender chain. Once a newer chain of the same sender device
// has been opened, the chain is superseded; SkippedKeyTTL later it is closed: its keys are erased and
// only the marker remains, so a replay of any of its envelopes is ErrStaleKey.
type recvChain struct {
	epoch      uint64
	ck         [32]byte
	next       uint32
	frameKey   [32]byte
	skipped    map[uint32]*skippedKey
	superseded time.Time // zero while it is the sender device's newest chain
	closed     time.Time // zero while open
}

// Session is one device's state in one conversation: its sender chain, the receiver chains of the
// other devices, and the DAG heads. It is safe for concurrent use.
type Session struct {
	mu         sync.Mutex
	cfg        SessionConfig
	self       deviceRef
	members    map[deviceRef]recipient
	send       *sendChain
	rotate     bool
	recv       map[chainRef]*recvChain
	skippedLen int // live (not stale) skipped keys
	closedLen  int
	sweepAt    time.Time // earliest time expire has something to do; zero when nothing is pending
	heads      []cid.Cid
	linked     []cid.Cid // recent prev links seen, so a late envelope already linked never becomes a head
}

// maxLinked bounds Session.linked.
const maxLinked = 64

// Message is an opened envelope.
type Message struct {
	// Sender is the sender's account.
	Sender common.Address
	// DeviceID is the sender's device id.
	DeviceID uint32
	// Kind is KindMessage or KindFrame.
	Kind uint64
	// Epoch is the membership epoch of the sender chain.
	Epoch uint64
	// Chain is the sender chain id.
	Chain [chainIDLen]byte
	// Counter is the message index in the chain.
	Counter uint32
	// Plaintext is the decrypted content.
	Plaintext []byte
	// CID is the envelope's CID (messages only).
	CID cid.Cid
	// Prev are the envelope's prev links.
	Prev []cid.Cid
}

// NewSession creates a session; the first Seal starts a sender chain.
func NewSession(cfg SessionConfig) (*Session, error) {
	if cfg.Device == nil || cfg.DeviceID == 0 {
		return nil, errors.New("protocol: session needs a device and a device id")
	}
	cfg.Rand = cmp.Or[io.Reader](cfg.Rand, rand.Reader)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.MaxMessages = cmp.Or(cfg.MaxMessages, DefaultMaxMessages)
	cfg.MaxChainAge = cmp.Or(cfg.MaxChainAge, DefaultMaxChainAge)
	cfg.MaxSkip = cmp.Or(cfg.MaxSkip, DefaultMaxSkip)
	cfg.SkippedKeyTTL = cmp.Or(cfg.SkippedKeyTTL, DefaultSkippedKeyTTL)
	cfg.MaxSkippedKeys = cmp.Or(cfg.MaxSkippedKeys, DefaultMaxSkippedKeys)
	cfg.MaxClosedChains = cmp.Or(cfg.MaxClosedChains, DefaultMaxClosedChains)
	s := &Session{cfg: cfg, self: deviceRef{cfg.Account, cfg.DeviceID}, recv: map[chainRef]*recvChain{}}
	if err := s.setMembers(cfg.Epoch, cfg.Members); err != nil {
		return nil, err
	}
	return s, nil
}

// SetMembers applies a membership change: the next Seal starts a new chain wrapped to the new
// device set, and receiver chains of devices no longer present are dropped.
func (s *Session) SetMembers(epoch uint64, members []Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setMembers(epoch, members)
}

func (s *Session) setMembers(epoch uint64, members []Member) error {
	if len(members) > MaxWraps+1 { // this device may be listed
		return fmt.Errorf("%d member devices: %w", len(members), ErrOversize)
	}
	next := make(map[deviceRef]recipient, len(members))
	for _, m := range members {
		ref := deviceRef{m.Account, m.DeviceID}
		if ref == s.self {
			continue
		}
		if err := m.Keys.Suite.check(); err != nil {
			return err
		}
		pk, err := m.Keys.Suite.kem().NewPublicKey(m.Keys.KEMPublicKey)
		if err != nil {
			return fmt.Errorf("member %s/%d key: %w: %w", m.Account, m.DeviceID, ErrMalformed, err)
		}
		next[ref] = recipient{Member: m, kem: pk}
	}
	for ref, c := range s.recv {
		_, present := next[ref.sender]
		// A closed chain of an older epoch needs no marker: unwrap rejects chains of older epochs.
		if !present || (!c.closed.IsZero() && c.epoch < epoch) {
			s.forget(ref, c)
		}
	}
	s.cfg.Epoch, s.members, s.rotate = epoch, next, true
	return nil
}

// forget removes a receiver chain and its skipped keys from the session.
func (s *Session) forget(ref chainRef, c *recvChain) {
	s.dropSkipped(c)
	if !c.closed.IsZero() {
		s.closedLen--
	}
	delete(s.recv, ref)
}

// dropSkipped erases every skipped key of c.
func (s *Session) dropSkipped(c *recvChain) {
	for _, sk := range c.skipped {
		if !sk.stale {
			s.skippedLen--
		}
	}
	c.skipped = nil
}

// Rotate makes the next Seal start a new sender chain (post-compromise recovery on demand).
func (s *Session) Rotate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotate = true
}

// Heads returns the CIDs the next envelope will link as prev.
func (s *Session) Heads() []cid.Cid {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.heads)
}

// Seal encrypts a message for every member device and returns the signed envelope and its CID.
func (s *Session) Seal(plaintext []byte) ([]byte, cid.Cid, error) {
	if len(plaintext) > MaxPlaintextSize {
		return nil, cid.Undef, fmt.Errorf("plaintext of %d bytes: %w", len(plaintext), ErrOversize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.currentChain()
	if err != nil {
		return nil, cid.Undef, err
	}
	env := s.header(KindMessage, c)
	env.Counter = c.counter
	for _, h := range s.heads {
		env.Prev = append(env.Prev, h.Bytes())
	}
	mk, next := ratchet(c.ck)
	env.Ciphertext = mk.seal(env.aad(), plaintext)
	b, err := s.sign(env)
	if err != nil {
		return nil, cid.Undef, err
	}
	c.ck, c.counter, c.wraps = next, c.counter+1, nil
	id := EnvelopeCID(b)
	s.heads = []cid.Cid{id}
	return b, id, nil
}

// SealFrame encrypts an ephemeral frame (typing, read receipt) under the current chain's frame key.
// Like Seal, it starts a new chain when one is due; until the chain's first message is sealed, its
// frames carry the key wraps, so a frame may be the first envelope of a chain.
func (s *Session) SealFrame(plaintext []byte) ([]byte, error) {
	if len(plaintext) > MaxFramePlaintextSize {
		return nil, fmt.Errorf("frame of %d bytes: %w", len(plaintext), ErrOversize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.currentChain()
	if err != nil {
		return nil, err
	}
	env := s.header(KindFrame, c)
	env.Nonce = make([]byte, frameNonceLen)
	if _, err := io.ReadFull(s.cfg.Rand, env.Nonce); err != nil {
		return nil, fmt.Errorf("read frame nonce: %w", err)
	}
	env.Ciphertext = newAEAD(c.frameKey).Seal(nil, env.Nonce, plaintext, env.aad())
	return s.sign(env)
}

// currentChain returns the sender chain, first starting a new one when rotation is due.
func (s *Session) currentChain() (*sendChain, error) {
	if now := s.cfg.Now(); s.needsRotation(now) {
		if err := s.startChain(now); err != nil {
			return nil, err
		}
	}
	return s.send, nil
}

func (s *Session) header(kind uint64, c *sendChain) *Envelope {
	var wraps []Wrap
	if c.counter == 0 {
		wraps = c.wraps
	}
	return &Envelope{
		Wraps:        wraps,
		Version:      Version,
		Kind:         kind,
		Conversation: s.cfg.ConversationID[:],
		Epoch:        c.epoch,
		Sender:       s.self.account[:],
		Device:       s.self.device,
		Chain:        c.id[:],
	}
}

func (s *Session) sign(env *Envelope) ([]byte, error) {
	msg, err := env.SignedBytes()
	if err != nil {
		return nil, err
	}
	env.Signature = s.cfg.Device.Sign(msg)
	b, err := env.Encode()
	if err != nil {
		return nil, err
	}
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("envelope of %d bytes: %w", len(b), ErrOversize)
	}
	return b, nil
}

func (s *Session) needsRotation(now time.Time) bool {
	c := s.send
	return s.rotate || c == nil || c.counter >= s.cfg.MaxMessages || now.Sub(c.created) >= s.cfg.MaxChainAge
}

// startChain draws a new chain id and chain key and wraps the key to every member device.
func (s *Session) startChain(now time.Time) error {
	var fresh [chainIDLen + 32]byte
	if _, err := io.ReadFull(s.cfg.Rand, fresh[:]); err != nil {
		return fmt.Errorf("read chain key: %w", err)
	}
	c := &sendChain{id: [chainIDLen]byte(fresh[:chainIDLen]), ck: [32]byte(fresh[chainIDLen:]), epoch: s.cfg.Epoch, created: now}
	c.frameKey = hmacSHA256(c.ck[:], frameKeyLabel)
	wraps, err := wrapChainKey(s.cfg.ConversationID, c, s.self, s.recipients())
	if err != nil {
		return err
	}
	c.wraps = wraps
	s.send, s.rotate = c, false
	return nil
}

// recipients returns the member devices in a stable order (account, then device id).
func (s *Session) recipients() []recipient {
	out := make([]recipient, 0, len(s.members))
	for _, r := range s.members {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b recipient) int {
		if c := a.Account.Cmp(b.Account); c != 0 {
			return c
		}
		return int(int64(a.DeviceID) - int64(b.DeviceID))
	})
	return out
}

// wrapInfo is the HPKE info of a chain-key wrap (docs/protocol.md §4.1).
func wrapInfo(conv [32]byte, epoch uint64, sender deviceRef, chain [chainIDLen]byte, to deviceRef, suite Suite) []byte {
	b := make([]byte, 0, len(wrapInfoDomain)+32+8+20+4+chainIDLen+20+4+1)
	b = append(b, wrapInfoDomain...)
	b = append(b, conv[:]...)
	b = binary.BigEndian.AppendUint64(b, epoch)
	b = append(b, sender.account[:]...)
	b = binary.BigEndian.AppendUint32(b, sender.device)
	b = append(b, chain[:]...)
	b = append(b, to.account[:]...)
	b = binary.BigEndian.AppendUint32(b, to.device)
	return append(b, byte(suite))
}

// wrapChainKey seals the chain key to every recipient. The HPKE operations (two X25519 or X-Wing
// operations each) are spread over the CPUs: the caller and GOMAXPROCS-1 goroutines take the next
// recipient from a shared counter, so a worker that the OS deschedules delays one wrap, not a share.
func wrapChainKey(conv [32]byte, c *sendChain, sender deviceRef, to []recipient) ([]Wrap, error) {
	wraps := make([]Wrap, len(to))
	errs := make([]error, len(to))
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < len(to); i = int(next.Add(1) - 1) {
			r := to[i]
			info := wrapInfo(conv, c.epoch, sender, c.id, deviceRef{r.Account, r.DeviceID}, r.Keys.Suite)
			sealed, err := hpke.Seal(r.kem, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, c.ck[:])
			if err != nil {
				errs[i] = fmt.Errorf("wrap chain key to %s/%d: %w", r.Account, r.DeviceID, err)
				continue
			}
			wraps[i] = Wrap{Account: r.Account.Bytes(), Device: r.DeviceID, Suite: uint8(r.Keys.Suite), Sealed: sealed}
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(to)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return wraps, nil
}

// Open verifies and decrypts an envelope from another member device. It returns a sentinel error
// (ErrMalformed, ErrOversize, ErrUnsupportedVersion, ErrWrongConversation, ErrUnknownSender,
// ErrBadSignature, ErrUnknownChain, ErrNotRecipient, ErrDowngrade, ErrStaleKey, ErrDuplicate,
// ErrTooManySkipped, ErrDecrypt) and leaves the session unchanged on any failure.
func (s *Session) Open(b []byte) (*Message, error) {
	env, err := DecodeEnvelope(b)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if [32]byte(env.Conversation) != s.cfg.ConversationID {
		return nil, ErrWrongConversation
	}
	from := deviceRef{env.SenderAccount(), env.Device}
	if from == s.self {
		return nil, fmt.Errorf("own envelope: %w", ErrDuplicate)
	}
	m, ok := s.members[from]
	if !ok {
		return nil, fmt.Errorf("sender %s/%d: %w", from.account, from.device, ErrUnknownSender)
	}
	if err := env.VerifySignature(m.Keys.SigningKey); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	s.expire(now)
	ref := chainRef{from, [chainIDLen]byte(env.Chain)}
	msg := &Message{Sender: from.account, DeviceID: from.device, Kind: env.Kind, Epoch: env.Epoch, Chain: ref.chain, Counter: env.Counter}
	c, known := s.recv[ref]
	if known && !c.closed.IsZero() {
		return nil, fmt.Errorf("chain closed at %s: %w", c.closed.UTC().Format(time.RFC3339), ErrStaleKey)
	}
	if !known {
		if c, err = s.unwrap(env, from, ref.chain); err != nil {
			return nil, err
		}
	}
	if env.Kind == KindFrame {
		msg.Plaintext, err = newAEAD(c.frameKey).Open(nil, env.Nonce, env.Ciphertext, env.aad())
		if err != nil {
			return nil, fmt.Errorf("open frame: %w", ErrDecrypt)
		}
	} else if msg.Plaintext, err = s.openInChain(c, env, now); err != nil {
		return nil, err
	}
	if !known {
		s.supersede(from, now)
		s.recv[ref] = c
	}
	if env.Kind == KindFrame {
		return msg, nil
	}
	s.evictSkipped()
	msg.CID = EnvelopeCID(b)
	for _, p := range env.Prev {
		id, _ := cid.Cast(p) // validated by DecodeEnvelope
		msg.Prev = append(msg.Prev, id)
		s.heads = slices.DeleteFunc(s.heads, id.Equals)
	}
	s.linked = append(s.linked, msg.Prev...)
	if len(s.linked) > maxLinked {
		s.linked = s.linked[len(s.linked)-maxLinked:]
	}
	if !slices.ContainsFunc(s.linked, msg.CID.Equals) {
		s.heads = append(s.heads, msg.CID)
	}
	if len(s.heads) > MaxPrev {
		s.heads = s.heads[len(s.heads)-MaxPrev:]
	}
	return msg, nil
}

// unwrap opens this device's wrap of a new chain key.
func (s *Session) unwrap(env *Envelope, from deviceRef, chain [chainIDLen]byte) (*recvChain, error) {
	if len(env.Wraps) == 0 {
		return nil, ErrUnknownChain
	}
	if env.Epoch < s.cfg.Epoch {
		return nil, fmt.Errorf("new chain from epoch %d, current %d: %w", env.Epoch, s.cfg.Epoch, ErrStaleKey)
	}
	i := slices.IndexFunc(env.Wraps, func(w Wrap) bool {
		return w.Device == s.self.device && common.BytesToAddress(w.Account) == s.self.account
	})
	if i < 0 {
		return nil, ErrNotRecipient
	}
	w, own := env.Wraps[i], s.cfg.Device.suite
	if Suite(w.Suite) != own {
		if Suite(w.Suite) < own {
			return nil, fmt.Errorf("wrap with suite %d to a suite %d device: %w", w.Suite, own, ErrDowngrade)
		}
		return nil, fmt.Errorf("wrap with suite %d to a suite %d device: %w", w.Suite, own, ErrMalformed)
	}
	info := wrapInfo(s.cfg.ConversationID, env.Epoch, from, chain, s.self, own)
	ck, err := hpke.Open(s.cfg.Device.kem, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, w.Sealed)
	if err != nil || len(ck) != 32 {
		return nil, fmt.Errorf("open chain key wrap: %w", ErrDecrypt)
	}
	return &recvChain{epoch: env.Epoch, ck: [32]byte(ck), frameKey: hmacSHA256(ck, frameKeyLabel), skipped: map[uint32]*skippedKey{}}, nil
}

// openInChain decrypts env with the key of its counter, keeping keys of skipped counters. State
// changes only when decryption succeeds.
func (s *Session) openInChain(c *recvChain, env *Envelope, now time.Time) ([]byte, error) {
	ctr, aad := env.Counter, env.aad()
	if ctr < c.next {
		sk, ok := c.skipped[ctr]
		switch {
		case !ok:
			return nil, fmt.Errorf("counter %d already received: %w", ctr, ErrDuplicate)
		case sk.stale:
			return nil, fmt.Errorf("key of skipped counter %d expired: %w", ctr, ErrStaleKey)
		}
		pt, err := sk.key.open(aad, env.Ciphertext)
		if err != nil {
			return nil, err
		}
		delete(c.skipped, ctr)
		s.skippedLen--
		return pt, nil
	}
	if gap := ctr - c.next; gap > s.cfg.MaxSkip {
		return nil, fmt.Errorf("counter jump of %d: %w", gap, ErrTooManySkipped)
	}
	ck := c.ck
	skipped := make([]messageKey, 0, ctr-c.next)
	for range ctr - c.next {
		var mk messageKey
		mk, ck = ratchet(ck)
		skipped = append(skipped, mk)
	}
	mk, next := ratchet(ck)
	pt, err := mk.open(aad, env.Ciphertext)
	if err != nil {
		return nil, err
	}
	for i, k := range skipped {
		c.skipped[c.next+uint32(i)] = &skippedKey{key: k, at: now}
	}
	s.skippedLen += len(skipped)
	if len(skipped) > 0 {
		s.dueAt(now.Add(s.cfg.SkippedKeyTTL))
	}
	c.ck, c.next = next, ctr+1
	return pt, nil
}

// supersede marks the open chains of a sender device as superseded by a newer one.
func (s *Session) supersede(from deviceRef, now time.Time) {
	for ref, c := range s.recv {
		if ref.sender == from && c.superseded.IsZero() {
			c.superseded = now
			s.dueAt(now.Add(s.cfg.SkippedKeyTTL))
		}
	}
}

// expire closes chains superseded at least SkippedKeyTTL ago and erases skipped keys older than the
// TTL, keeping their counters as stale markers for another TTL so a late arrival is reported as
// ErrStaleKey rather than ErrDuplicate.
// It walks the state only once the earliest pending deadline has passed.
func (s *Session) expire(now time.Time) {
	if s.sweepAt.IsZero() || now.Before(s.sweepAt) {
		return
	}
	s.sweepAt = time.Time{}
	ttl := s.cfg.SkippedKeyTTL
	for _, c := range s.recv {
		if c.closed.IsZero() && !c.superseded.IsZero() {
			if now.Sub(c.superseded) < ttl {
				s.dueAt(c.superseded.Add(ttl))
			} else {
				s.dropSkipped(c)
				c.ck, c.frameKey, c.closed = [32]byte{}, [32]byte{}, now
				s.closedLen++
			}
		}
		for ctr, sk := range c.skipped {
			if !sk.stale && now.Sub(sk.at) >= ttl {
				s.markStale(sk)
			}
			switch {
			case sk.stale && now.Sub(sk.at) >= 2*ttl:
				delete(c.skipped, ctr)
			case sk.stale:
				s.dueAt(sk.at.Add(2 * ttl))
			default:
				s.dueAt(sk.at.Add(ttl))
			}
		}
	}
	s.evictClosed()
}

// dueAt records that expire has something to do at t.
func (s *Session) dueAt(t time.Time) {
	if s.sweepAt.IsZero() || t.Before(s.sweepAt) {
		s.sweepAt = t
	}
}

// evictClosed forgets the oldest closed chains beyond MaxClosedChains.
func (s *Session) evictClosed() {
	for s.closedLen > s.cfg.MaxClosedChains {
		var oldest chainRef
		for ref, c := range s.recv {
			if !c.closed.IsZero() && (s.recv[oldest] == nil || c.closed.Before(s.recv[oldest].closed)) {
				oldest = ref
			}
		}
		s.forget(oldest, s.recv[oldest])
	}
}

func (s *Session) markStale(sk *skippedKey) {
	sk.stale, sk.key = true, messageKey{}
	s.skippedLen--
}

// evictSkipped erases the oldest live skipped keys beyond MaxSkippedKeys.
func (s *Session) evictSkipped() {
	for s.skippedLen > s.cfg.MaxSkippedKeys {
		var oldest *skippedKey
		for _, c := range s.recv {
			for _, sk := range c.skipped {
				if !sk.stale && (oldest == nil || sk.at.Before(oldest.at)) {
					oldest = sk
				}
			}
		}
		if oldest == nil {
			return
		}
		s.markStale(oldest)
		s.dueAt(oldest.at.Add(2 * s.cfg.SkippedKeyTTL))
	}
}
