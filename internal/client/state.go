package client

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"
	"github.com/ipfs/go-cid"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/parleychat/parley/internal/protocol"
)

// stateMagic starts a session state file; the header after it is Argon2id's time (4 bytes),
// memory in KiB (4), threads (1) and salt (16), then the 24-byte nonce and the
// XChaCha20-Poly1305 ciphertext of the JSON state, with the magic and header as associated data.
const stateMagic = "parley-client-state-v1\n"

const stateSaltLen = 16

// ErrStateAccount is returned when a state file belongs to another account or device.
var ErrStateAccount = errors.New("client: session state belongs to another device")

// StateFile keeps a client's conversation state on disk, encrypted with a key derived once
// from the key store passphrase (Argon2id), so every save costs one AEAD and one atomic
// rename. Safe for concurrent use.
type StateFile struct {
	path   string
	header []byte // magic, Argon2id parameters and salt
	aead   cipher.AEAD
	loaded *savedState // what the file held when opened; nil for a new file

	mu sync.Mutex // serializes writes
}

// savedState is the JSON inside a state file.
type savedState struct {
	Account       common.Address      `json:"account"`
	DeviceID      uint32              `json:"deviceId"`
	Conversations []savedConversation `json:"conversations"`
}

// savedConversation is one direct conversation. Receiver chains are kept as the chain's first
// envelope (which carries this device's wrap of the chain key) plus the counters already
// delivered: replaying the first envelope into a new session rebuilds the chain, and the
// counters reject redeliveries. Sender chains are not kept: a restarted client starts a new
// chain, as a rotation would, so a stale file can never make it reuse a message key.
type savedConversation struct {
	Peer    common.Address    `json:"peer"`
	Group   string            `json:"group,omitempty"` // a group conversation's group id
	Epoch   uint64            `json:"epoch"`
	Members []protocol.Member `json:"members"`
	Chains  []savedChain      `json:"chains"`
	History []savedMessage    `json:"history,omitempty"`
}

// savedMessage is one message of a conversation's history, sent or received.
type savedMessage struct {
	Sender common.Address `json:"sender"`
	Device uint32         `json:"device"`
	CID    string         `json:"cid"`
	At     time.Time      `json:"at"`
	Text   []byte         `json:"text"`
}

// savedChain is one receiver chain.
type savedChain struct {
	Start     []byte      `json:"start"`
	Delivered [][2]uint32 `json:"delivered"` // sorted, disjoint [from, to) ranges of counters
}

// OpenStateFile opens the state file at path with the key store's passphrase, or prepares a
// new one with params when it does not exist yet; a Client given it in Config.State resumes
// the saved conversations. A wrong passphrase is protocol.ErrBadPassphrase.
func OpenStateFile(path string, passphrase []byte, params protocol.Argon2Params) (*StateFile, error) {
	if params == (protocol.Argon2Params{}) {
		params = protocol.DefaultArgon2
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		header := []byte(stateMagic)
		header = binary.BigEndian.AppendUint32(header, params.Time)
		header = binary.BigEndian.AppendUint32(header, params.MemoryKiB)
		header = append(header, params.Threads)
		salt := make([]byte, stateSaltLen)
		_, _ = rand.Read(salt)
		header = append(header, salt...)
		return newStateFile(path, passphrase, header)
	}
	if err != nil {
		return nil, fmt.Errorf("client: read session state: %w", err)
	}
	hlen := len(stateMagic) + 9 + stateSaltLen
	if len(b) < hlen+chacha20poly1305.NonceSizeX || !bytes.HasPrefix(b, []byte(stateMagic)) {
		return nil, fmt.Errorf("client: session state %s: %w", path, protocol.ErrMalformed)
	}
	sf, err := newStateFile(path, passphrase, slices.Clone(b[:hlen]))
	if err != nil {
		return nil, err
	}
	nonce, ct := b[hlen:hlen+chacha20poly1305.NonceSizeX], b[hlen+chacha20poly1305.NonceSizeX:]
	pt, err := sf.aead.Open(nil, nonce, ct, sf.header)
	if err != nil {
		return nil, fmt.Errorf("client: open session state: %w", protocol.ErrBadPassphrase)
	}
	sf.loaded = &savedState{}
	if err := json.Unmarshal(pt, sf.loaded); err != nil {
		return nil, fmt.Errorf("client: decode session state: %w: %w", protocol.ErrMalformed, err)
	}
	return sf, nil
}

// newStateFile derives the key of a header's parameters and salt.
func newStateFile(path string, passphrase, header []byte) (*StateFile, error) {
	p := header[len(stateMagic):]
	t, m, threads, salt := binary.BigEndian.Uint32(p), binary.BigEndian.Uint32(p[4:]), p[8], p[9:]
	if t < 1 || t > 16 || threads < 1 || threads > 16 || m < 8*uint32(threads) || m > 1<<20 {
		return nil, fmt.Errorf("client: session state argon2id parameters: %w", protocol.ErrMalformed)
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, salt, t, m, threads, chacha20poly1305.KeySize))
	if err != nil {
		return nil, fmt.Errorf("client: session state key: %w", err)
	}
	return &StateFile{path: path, header: header, aead: aead}, nil
}

// save encrypts st and replaces the file atomically (write, fsync, rename).
func (sf *StateFile) save(st *savedState) error {
	pt, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("client: encode session state: %w", err)
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	_, _ = rand.Read(nonce)
	out := append(slices.Clone(sf.header), nonce...)
	out = sf.aead.Seal(out, nonce, pt, sf.header)
	sf.mu.Lock()
	defer sf.mu.Unlock()
	return writeAtomic(sf.path, ".state-*", out)
}

// writeAtomic replaces path with data: a temp file in the same directory, fsynced, renamed.
func writeAtomic(path, pattern string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("client: %s dir: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return fmt.Errorf("client: %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("client: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("client: sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("client: close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("client: install %s: %w", path, err)
	}
	return nil
}

// maxChainsPerDevice is how many receiver chains of one sender device are kept rebuildable:
// the newest, and the one it superseded (whose late envelopes may still be queued).
const maxChainsPerDevice = 2

// recvChain is a receiver chain as the client tracks it for persistence and dedupe.
type recvChain struct {
	sender    common.Address
	device    uint32
	id        [16]byte
	start     []byte      // the chain's first envelope
	delivered [][2]uint32 // counters delivered to Received, as sorted [from, to) ranges
}

// markDelivered records that a message opened from envelope was handed to Received.
func (conv *conversation) markDelivered(msg *protocol.Message, envelope []byte) {
	conv.mu.Lock()
	defer conv.mu.Unlock()
	i := conv.chainOf(msg)
	if i < 0 {
		if msg.Counter != 0 {
			return // a chain that started before tracking: cannot be rebuilt, nothing to dedupe
		}
		conv.chains = append(conv.chains, &recvChain{sender: msg.Sender, device: msg.DeviceID, id: msg.Chain, start: slices.Clone(envelope)})
		conv.pruneChains(msg.Sender, msg.DeviceID)
		i = conv.chainOf(msg)
	}
	ch := conv.chains[i]
	ch.delivered, _ = addCounter(ch.delivered, msg.Counter)
}

// deliveredBefore reports whether msg's counter was delivered before (possible only after a
// restart, since a rebuilt chain accepts every counter after its first envelope).
func (conv *conversation) deliveredBefore(msg *protocol.Message) bool {
	conv.mu.Lock()
	defer conv.mu.Unlock()
	i := conv.chainOf(msg)
	if i < 0 {
		return false
	}
	_, found := findCounter(conv.chains[i].delivered, msg.Counter)
	return found
}

// chainOf is the index of msg's receiving chain in conv.chains, or -1; conv.mu is held.
func (conv *conversation) chainOf(msg *protocol.Message) int {
	return slices.IndexFunc(conv.chains, func(ch *recvChain) bool {
		return ch.sender == msg.Sender && ch.device == msg.DeviceID && ch.id == msg.Chain
	})
}

// pruneChains keeps the newest maxChainsPerDevice chains of one sender device.
func (conv *conversation) pruneChains(sender common.Address, device uint32) {
	n := 0
	for i := len(conv.chains) - 1; i >= 0; i-- {
		ch := conv.chains[i]
		if ch.sender != sender || ch.device != device {
			continue
		}
		if n++; n > maxChainsPerDevice {
			conv.chains = slices.Delete(conv.chains, i, i+1)
		}
	}
}

// findCounter returns the index of the range of sorted, disjoint [from, to) ranges that holds
// c, or where a range holding c would go, and whether c is in them.
func findCounter(rs [][2]uint32, c uint32) (int, bool) {
	return slices.BinarySearchFunc(rs, c, func(r [2]uint32, c uint32) int {
		switch {
		case r[1] <= c:
			return -1
		case r[0] > c:
			return 1
		}
		return 0
	})
}

// addCounter adds c to sorted, disjoint [from, to) ranges, merging neighbours; it reports
// false when c was already in them.
func addCounter(rs [][2]uint32, c uint32) ([][2]uint32, bool) {
	i, found := findCounter(rs, c)
	if found {
		return rs, false
	}
	joinLeft := i > 0 && rs[i-1][1] == c
	joinRight := i < len(rs) && rs[i][0] == c+1
	switch {
	case joinLeft && joinRight:
		rs[i-1][1] = rs[i][1]
		rs = slices.Delete(rs, i, i+1)
	case joinLeft:
		rs[i-1][1] = c + 1
	case joinRight:
		rs[i][0] = c
	default:
		rs = slices.Insert(rs, i, [2]uint32{c, c + 1})
	}
	return rs, true
}

// persist saves the conversations when they changed since the last save.
func (c *Client) persist() error {
	if c.cfg.State == nil || !c.dirty.Load() {
		return nil
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if !c.dirty.Swap(false) {
		return nil
	}
	st := &savedState{Account: c.cfg.Identity.Account, DeviceID: c.cfg.Identity.DeviceID}
	c.mu.Lock()
	convs := slices.Collect(maps.Values(c.convs))
	c.mu.Unlock()
	slices.SortFunc(convs, func(a, b *conversation) int { return bytes.Compare(a.peer[:], b.peer[:]) })
	for _, conv := range convs {
		conv.mu.Lock()
		sc := savedConversation{Peer: conv.peer, Epoch: conv.epoch, Members: conv.members}
		if conv.group != uuid.Nil {
			sc.Group = conv.group.String()
		}
		for _, ch := range conv.chains {
			sc.Chains = append(sc.Chains, savedChain{Start: ch.start, Delivered: slices.Clone(ch.delivered)})
		}
		for _, r := range conv.history {
			sc.History = append(sc.History, savedMessage{Sender: r.Message.Sender, Device: r.Message.DeviceID, CID: r.CID, At: r.At, Text: r.Message.Plaintext})
		}
		conv.mu.Unlock()
		st.Conversations = append(st.Conversations, sc)
	}
	if err := c.cfg.State.save(st); err != nil {
		c.dirty.Store(true)
		return err
	}
	return nil
}

// restore rebuilds the saved conversations: sessions with the saved members and epoch, and
// receiver chains replayed from their first envelopes, and knows the history's CIDs as seen. A
// chain that no longer opens (its sender was removed, its key expired) is dropped.
func (c *Client) restore(st *savedState) error {
	if st.Account != c.cfg.Identity.Account || st.DeviceID != c.cfg.Identity.DeviceID {
		return fmt.Errorf("client: state of %s/%d for device %s/%d: %w", st.Account.Hex(), st.DeviceID,
			c.cfg.Identity.Account.Hex(), c.cfg.Identity.DeviceID, ErrStateAccount)
	}
	for _, sc := range st.Conversations {
		group := uuid.Nil
		if sc.Group != "" {
			var err error
			if group, err = uuid.Parse(sc.Group); err != nil {
				return fmt.Errorf("client: saved group %q: %w: %w", sc.Group, protocol.ErrMalformed, err)
			}
		}
		epoch := sc.Epoch
		if group == uuid.Nil {
			epoch = 0 // older clients counted a direct conversation's changes, refusing the peer's chains
		}
		conv, err := c.newConversation(sc.Peer, group, epoch, sc.Members)
		if err != nil {
			return err
		}
		for _, saved := range sc.Chains {
			msg, err := conv.sess.Open(saved.Start)
			if err != nil {
				c.log.Warn("saved receiver chain does not open, dropped", "peer", sc.Peer.Hex(), "err", err)
				continue
			}
			conv.chains = append(conv.chains, &recvChain{sender: msg.Sender, device: msg.DeviceID, id: msg.Chain,
				start: saved.Start, delivered: saved.Delivered})
		}
		for _, m := range sc.History {
			id, err := cid.Decode(m.CID)
			if err != nil {
				return fmt.Errorf("client: saved message cid %q: %w: %w", m.CID, protocol.ErrMalformed, err)
			}
			conv.record(Received{Peer: sc.Peer, Group: group, CID: m.CID, At: m.At, Message: &protocol.Message{
				Sender: m.Sender, DeviceID: m.Device, Kind: protocol.KindMessage, Plaintext: m.Text, CID: id}}, c.cfg.HistoryLimit)
			c.seen[m.CID] = struct{}{} // a replay of a chain the state cannot rebuild is still known
		}
		c.convs[conv.id] = conv
	}
	return nil
}
