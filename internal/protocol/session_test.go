package protocol

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// party is one device in a test conversation.
type party struct {
	member Member
	device *Device
}

func newParty(t testing.TB, suite Suite, account byte, id uint32) party {
	t.Helper()
	d := testDevice(t, suite, account*16+byte(id))
	return party{member: Member{Account: common.Address{account}, DeviceID: id, Keys: d.Keys()}, device: d}
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newTestSession(t testing.TB, conv [32]byte, self party, all []party, clk *clock, tweak func(*SessionConfig)) *Session {
	t.Helper()
	var members []Member
	for _, p := range all {
		members = append(members, p.member)
	}
	cfg := SessionConfig{ConversationID: conv, Account: self.member.Account, DeviceID: self.member.DeviceID,
		Device: self.device, Epoch: 1, Members: members, Now: clk.Now}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSeal(t testing.TB, s *Session, pt string) []byte {
	t.Helper()
	b, _, err := s.Seal([]byte(pt))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSessionDelivery(t *testing.T) {
	t.Parallel()
	alice, aliceLaptop := newParty(t, SuiteX25519, 0xa, 1), newParty(t, SuiteXWing, 0xa, 2)
	bob := newParty(t, SuiteXWing, 0xb, 1)
	all := []party{alice, aliceLaptop, bob}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{1}
	sA := newTestSession(t, conv, alice, all, clk, nil)
	sB := newTestSession(t, conv, bob, all, clk, func(c *SessionConfig) { c.MaxSkippedKeys = 3 })
	sL := newTestSession(t, conv, aliceLaptop, all, clk, nil)

	env0, env1, env2, env3 := mustSeal(t, sA, "m0"), mustSeal(t, sA, "m1"), mustSeal(t, sA, "m2"), mustSeal(t, sA, "m3")
	// The other device of the sender reads its own account's messages.
	if m, err := sL.Open(env0); err != nil || string(m.Plaintext) != "m0" {
		t.Fatalf("own other device: %v", err)
	}
	tampered := bytes.Clone(env2)
	tampered[len(tampered)-70] ^= 1 // inside the ciphertext, covered by the signature
	steps := []struct {
		name string
		env  []byte
		want string
		err  error
	}{
		{"later message before its chain key", env1, "", ErrUnknownChain},
		{"first message carries the wrap", env0, "m0", nil},
		{"gap: counter 3 before 1 and 2", env3, "m3", nil},
		{"tampered envelope", tampered, "", ErrBadSignature},
		{"reordered: skipped counter 1", env1, "m1", nil},
		{"replay of a delivered message", env1, "", ErrDuplicate},
		{"replay of the newest message", env3, "", ErrDuplicate},
		{"reordered: skipped counter 2", env2, "m2", nil},
	}
	for _, st := range steps {
		m, err := sB.Open(st.env)
		if st.err != nil {
			if !errors.Is(err, st.err) {
				t.Fatalf("%s: got %v, want %v", st.name, err, st.err)
			}
			continue
		}
		if err != nil || string(m.Plaintext) != st.want {
			t.Fatalf("%s: got %v, %v", st.name, m, err)
		}
	}
	// Bob replies; his envelope links Alice's last envelope as prev.
	reply := mustSeal(t, sB, "hi")
	m, err := sA.Open(reply)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Prev) != 1 || !m.Prev[0].Equals(EnvelopeCID(env3)) {
		t.Fatalf("prev of reply: %v", m.Prev)
	}
}

func TestSessionRotationAndMembership(t *testing.T) {
	t.Parallel()
	alice, bob, carol := newParty(t, SuiteX25519, 0xa, 1), newParty(t, SuiteX25519, 0xb, 1), newParty(t, SuiteX25519, 0xc, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{2}
	sA := newTestSession(t, conv, alice, []party{alice, bob, carol}, clk, func(c *SessionConfig) { c.MaxMessages = 2; c.MaxChainAge = time.Hour })
	sB := newTestSession(t, conv, bob, []party{alice, bob, carol}, clk, nil)
	chainOf := func(env []byte) string {
		e, err := DecodeEnvelope(env)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sB.Open(env); err != nil {
			t.Fatalf("open: %v", err)
		}
		return string(e.Chain)
	}
	c0, c1, c2 := chainOf(mustSeal(t, sA, "a")), chainOf(mustSeal(t, sA, "b")), chainOf(mustSeal(t, sA, "c"))
	if c0 != c1 || c1 == c2 {
		t.Fatal("chain must rotate after MaxMessages")
	}
	clk.now = clk.now.Add(time.Hour)
	if chainOf(mustSeal(t, sA, "d")) == c2 {
		t.Fatal("chain must rotate after MaxChainAge")
	}
	// Carol leaves: epoch 2. The next chain is not wrapped to her.
	members := []Member{alice.member, bob.member}
	if err := sA.SetMembers(2, members); err != nil {
		t.Fatal(err)
	}
	sC := newTestSession(t, conv, carol, []party{alice, bob, carol}, clk, nil)
	env := mustSeal(t, sA, "after carol left")
	if _, err := sC.Open(env); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("removed member: got %v, want ErrNotRecipient", err)
	}
	// Bob already moved to epoch 3: a new chain from epoch 2 is stale.
	if err := sB.SetMembers(3, members); err != nil {
		t.Fatal(err)
	}
	if _, err := sB.Open(env); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("new chain from an old epoch: got %v, want ErrStaleKey", err)
	}
}

func TestSessionSkippedKeyLimits(t *testing.T) {
	t.Parallel()
	alice, bob := newParty(t, SuiteX25519, 0xa, 1), newParty(t, SuiteX25519, 0xb, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{3}
	sA := newTestSession(t, conv, alice, []party{alice, bob}, clk, nil)
	sB := newTestSession(t, conv, bob, []party{alice, bob}, clk, func(c *SessionConfig) { c.MaxSkip = 3; c.SkippedKeyTTL = time.Hour })
	var envs [][]byte
	for range 6 {
		envs = append(envs, mustSeal(t, sA, "x"))
	}
	if _, err := sB.Open(envs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := sB.Open(envs[5]); !errors.Is(err, ErrTooManySkipped) {
		t.Fatalf("jump of 4 with MaxSkip 3: got %v", err)
	}
	if _, err := sB.Open(envs[4]); err != nil {
		t.Fatalf("jump of 3: %v", err)
	}
	clk.now = clk.now.Add(time.Hour)
	if _, err := sB.Open(envs[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := sB.Open(envs[2]); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("skipped key past its TTL: got %v, want ErrStaleKey", err)
	}
}

func TestSessionFrames(t *testing.T) {
	t.Parallel()
	alice, bob, carol, eve := newParty(t, SuiteX25519, 0xa, 1), newParty(t, SuiteX25519, 0xb, 1), newParty(t, SuiteXWing, 0xc, 1), newParty(t, SuiteX25519, 0xe, 1)
	all := []party{alice, bob, carol}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{4}
	sA := newTestSession(t, conv, alice, all, clk, nil)
	sB := newTestSession(t, conv, bob, all, clk, nil)
	sC := newTestSession(t, conv, carol, all, clk, nil) // offline while the frames are sent
	wrapsOf := func(env []byte) int {
		e, err := DecodeEnvelope(env)
		if err != nil {
			t.Fatal(err)
		}
		return len(e.Wraps)
	}
	typing, err := sA.SealFrame([]byte("typing"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := sA.SealFrame([]byte("still typing"))
	if err != nil {
		t.Fatal(err)
	}
	hello := mustSeal(t, sA, "hello")
	read, err := sA.SealFrame([]byte("read up to x"))
	if err != nil {
		t.Fatal(err)
	}
	if wrapsOf(typing) != 2 || wrapsOf(again) != 2 || wrapsOf(hello) != 2 || wrapsOf(read) != 0 {
		t.Fatal("every envelope with counter 0 must carry the wraps, and only those")
	}
	steps := []struct {
		name string
		s    *Session
		env  []byte
		want string
		err  error
	}{
		{"frame before the chain's first message starts the chain", sB, typing, "typing", nil},
		{"second frame on the chain", sB, again, "still typing", nil},
		{"first message after frames", sB, hello, "hello", nil},
		{"frame after the first message", sB, read, "read up to x", nil},
		{"offline member gets the wraps from the stored message", sC, hello, "hello", nil},
		{"non-member", newTestSession(t, conv, eve, []party{alice, eve}, clk, nil), typing, "", ErrNotRecipient},
		{"frame without wraps and without the chain key", newTestSession(t, conv, eve, []party{alice, eve}, clk, nil), read, "", ErrUnknownChain},
		{"other conversation", newTestSession(t, [32]byte{5}, bob, all, clk, nil), typing, "", ErrWrongConversation},
	}
	for _, st := range steps {
		m, err := st.s.Open(st.env)
		if st.err != nil {
			if !errors.Is(err, st.err) {
				t.Fatalf("%s: got %v, want %v", st.name, err, st.err)
			}
			continue
		}
		if err != nil || string(m.Plaintext) != st.want {
			t.Fatalf("%s: got %v, %v", st.name, m, err)
		}
	}
	if h := sB.Heads(); len(h) != 1 || !h[0].Equals(EnvelopeCID(hello)) {
		t.Fatal("frames must not become DAG heads")
	}
	// Carol leaves: the next frame starts a new chain she cannot read, even before any message.
	if err := sA.SetMembers(2, []Member{alice.member, bob.member}); err != nil {
		t.Fatal(err)
	}
	after, err := sA.SealFrame([]byte("typing"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sC.Open(after); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("removed member reads a frame: got %v, want ErrNotRecipient", err)
	}
	if err := sB.SetMembers(2, []Member{alice.member, bob.member}); err != nil {
		t.Fatal(err)
	}
	if m, err := sB.Open(after); err != nil || string(m.Plaintext) != "typing" {
		t.Fatalf("frame on the new chain: %v", err)
	}
}

// chainState counts a session's receiver chains: open ones, closed markers and live skipped keys.
func chainState(s *Session) (open, closed, skipped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.recv {
		if c.closed.IsZero() {
			open++
		} else {
			closed++
		}
	}
	return open, closed, s.skippedLen
}

func TestSessionDropsSupersededChains(t *testing.T) {
	t.Parallel()
	alice, bob := newParty(t, SuiteX25519, 0xa, 1), newParty(t, SuiteX25519, 0xb, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{6}
	const ttl = time.Hour
	sA := newTestSession(t, conv, alice, []party{alice, bob}, clk, nil)
	sB := newTestSession(t, conv, bob, []party{alice, bob}, clk, func(c *SessionConfig) {
		c.SkippedKeyTTL, c.MaxClosedChains = ttl, 2
	})
	a0, a1, a2, a3 := mustSeal(t, sA, "a0"), mustSeal(t, sA, "a1"), mustSeal(t, sA, "a2"), mustSeal(t, sA, "a3")
	sA.Rotate()
	b0, b1 := mustSeal(t, sA, "b0"), mustSeal(t, sA, "b1")
	steps := []struct {
		name    string
		advance time.Duration
		env     []byte
		err     error
		// open chains, closed chains and live skipped keys after the step
		open, closed, skipped int
	}{
		{"first chain, a1 and a2 skipped", 0, a0, nil, 1, 0, 0},
		{"gap inside the first chain", 0, a3, nil, 1, 0, 2},
		{"newer chain supersedes the first", 0, b0, nil, 2, 0, 2},
		{"late message of the superseded chain within the TTL", ttl - time.Second, a1, nil, 2, 0, 1},
		{"TTL after supersession the first chain is closed", time.Second, b1, nil, 1, 1, 0},
		{"its remaining skipped key is gone", 0, a2, ErrStaleKey, 1, 1, 0},
		{"replay of its wrap-carrying first envelope", 0, a0, ErrStaleKey, 1, 1, 0},
	}
	for _, st := range steps {
		clk.now = clk.now.Add(st.advance)
		m, err := sB.Open(st.env)
		if !errors.Is(err, st.err) || (err == nil && m == nil) {
			t.Fatalf("%s: got %v, want %v", st.name, err, st.err)
		}
		if open, closed, skipped := chainState(sB); open != st.open || closed != st.closed || skipped != st.skipped {
			t.Fatalf("%s: %d open, %d closed chains, %d skipped keys; want %d, %d, %d", st.name, open, closed, skipped, st.open, st.closed, st.skipped)
		}
	}
	// Many rotations: closed markers stay within MaxClosedChains.
	for i := range 5 {
		sA.Rotate()
		if _, err := sB.Open(mustSeal(t, sA, "rotated")); err != nil {
			t.Fatalf("rotation %d: %v", i, err)
		}
		clk.now = clk.now.Add(ttl)
	}
	if _, err := sB.Open(mustSeal(t, sA, "last")); err != nil {
		t.Fatal(err)
	}
	if open, closed, _ := chainState(sB); open != 1 || closed != 2 {
		t.Fatalf("after 5 rotations: %d open, %d closed chains; want 1, 2", open, closed)
	}
	// A new epoch forgets closed markers: their replays are now rejected by epoch.
	if err := sB.SetMembers(2, []Member{alice.member, bob.member}); err != nil {
		t.Fatal(err)
	}
	if open, closed, _ := chainState(sB); open != 1 || closed != 0 {
		t.Fatalf("after a new epoch: %d open, %d closed chains; want 1, 0", open, closed)
	}
	if _, err := sB.Open(a0); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("replay of a forgotten chain from an old epoch: got %v, want ErrStaleKey", err)
	}
}

func TestSessionLargestGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("wraps to 1024 X-Wing devices")
	}
	t.Parallel()
	sender := newParty(t, SuiteX25519, 0xa, 1)
	// The receiver; the other recipients share its public key, which does not change any size.
	xwing := newParty(t, SuiteXWing, 0xc, 1)
	all := []party{sender, xwing}
	for i := range MaxWraps - 1 {
		all = append(all, party{member: Member{Account: common.Address{0xb, byte(i >> 8), byte(i)}, DeviceID: 1, Keys: xwing.device.Keys()}})
	}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	sA := newTestSession(t, [32]byte{8}, sender, all, clk, nil)
	env := mustSeal(t, sA, string(make([]byte, MaxPlaintextSize)))
	if _, err := newTestSession(t, [32]byte{8}, xwing, all, clk, nil).Open(env); err != nil {
		t.Fatalf("envelope of %d bytes with %d X-Wing wraps: %v", len(env), MaxWraps, err)
	}
	tooMany := append(all, party{member: Member{Account: common.Address{0xd}, DeviceID: 1, Keys: xwing.device.Keys()}})
	var members []Member
	for _, p := range tooMany {
		members = append(members, p.member)
	}
	if err := sA.SetMembers(2, members); !errors.Is(err, ErrOversize) {
		t.Fatalf("%d recipient devices: got %v, want ErrOversize", MaxWraps+1, err)
	}
}
