package reliability

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/protocol"
)

// marker starts every plaintext, so the scans can look for it.
const marker = "parley-reliability-plaintext"

// cheap keeps the key stores' Argon2id fast; production uses protocol.DefaultArgon2.
var cheap = protocol.Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}

// envInt reads a positive integer knob, or def when unset.
func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q is not a positive number", name, s)
	}
	return n
}

// Kinds of chaos events.
const (
	killInstance  = iota // SIGKILL an API instance, keep it down a while, start it again
	restartPG            // restart Postgres
	restartClient        // stop a client between two sends and Start it again from its key store
)

// chaosEvent is one fault at a point of the progress (messages sent / messages to send).
type chaosEvent struct {
	at    float64
	kind  int
	index int // the instance or client (0 alice's, 1 bob's)
}

// schedule picks kill points for the instances (half of them each, at least two each, one
// per thousand messages), one Postgres restart and one restart of each client, at seeded
// random points between 5% and 90% of the run.
func schedule(rng *rand.Rand, n int) []chaosEvent {
	point := func() float64 { return 0.05 + 0.85*rng.Float64() }
	var ev []chaosEvent
	for i := range max(4, n/1000) {
		ev = append(ev, chaosEvent{at: point(), kind: killInstance, index: i % 2})
	}
	ev = append(ev, chaosEvent{at: 0.3 + 0.4*rng.Float64(), kind: restartPG},
		chaosEvent{at: point(), kind: restartClient, index: 0}, chaosEvent{at: point(), kind: restartClient, index: 1})
	slices.SortFunc(ev, func(a, b chaosEvent) int { return cmp.Compare(a.at, b.at) })
	return ev
}

// peer is one client of the test, on its own instance.
type peer struct {
	name    string
	id      client.Identity
	start   func() (*client.Client, func()) // Start from the key store and Run; the func stops it
	sent    atomic.Int64
	got     []int    // message numbers in arrival order
	cids    []string // their envelope CIDs
	gotDone chan struct{}
	swap    chan *client.Client // the receiver moves to a restarted client

	mu   sync.Mutex // held around each Send and across a restart
	c    *client.Client
	stop func()
}

// restart stops the client between two sends (as a process that exits after a send) and
// starts a new one from the same key store and session state.
func (p *peer) restart() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stop()
	p.c, p.stop = p.start()
	p.swap <- p.c
}

// TestKillAndRestart is issue 6's reliability test: two clients on different API instances
// exchange N messages each way while the instances are killed with SIGKILL at random points
// and restarted on the same address, and Postgres is restarted once. Every message must
// arrive once, in per-sender order, and no plaintext may reach Postgres, a blockstore or a log.
func TestKillAndRestart(t *testing.T) {
	n := envInt(t, "PARLEY_RELIABILITY_MESSAGES", 300)
	seed := uint64(envInt(t, "PARLEY_RELIABILITY_SEED", int(time.Now().UnixNano()%1e9)))
	events := schedule(rand.New(rand.NewPCG(seed, 0)), n)
	t.Logf("%d messages each way, seed %d (PARLEY_RELIABILITY_SEED), chaos %+v", n, seed, events)

	began := time.Now()
	s := newStack(t)
	t.Logf("stack up in %v", time.Since(began).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(n/10+120)*time.Second)
	defer cancel()
	keys := t.TempDir()
	peers := [2]*peer{{name: "alice"}, {name: "bob"}}
	for i, p := range peers {
		p.gotDone, p.swap = make(chan struct{}), make(chan *client.Client, 4)
		p.start = func() (*client.Client, func()) {
			a := &client.API{BaseURL: s.apis[i].base, ChainID: s.chain.ChainID.Int64()}
			c, id, err := client.Start(ctx, client.SessionConfig{API: a, Key: s.chain.Keys[i],
				Registry:  client.Registry{Backend: s.chain.Client, Address: s.dep.DeviceRegistry},
				StorePath: filepath.Join(keys, p.name+".key"), Passphrase: []byte("pw"), Argon2: cheap,
				Poll: 50 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
			if err != nil {
				t.Fatalf("%s start: %v\n%s", p.name, err, s.apis[i].tail())
			}
			p.id = id
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { _ = c.Run(runCtx); close(done) }()
			return c, func() { stop(); <-done }
		}
		p.c, p.stop = p.start()
	}
	alice, bob := peers[0], peers[1]
	t.Logf("devices registered at %v", time.Since(began).Round(time.Millisecond))

	receive := func(p *peer, from common.Address) {
		defer close(p.gotDone)
		handle := func(r client.Received) {
			var i int
			if r.Message.Sender != from || !bytes.HasPrefix(r.Message.Plaintext, []byte(marker)) {
				t.Errorf("%s got %q from %s", p.name, r.Message.Plaintext, r.Message.Sender.Hex())
				return
			}
			if _, err := fmt.Sscanf(string(r.Message.Plaintext[len(marker):]), "-%d", &i); err != nil {
				t.Errorf("%s got %q: %v", p.name, r.Message.Plaintext, err)
				return
			}
			p.got = append(p.got, i)
			p.cids = append(p.cids, r.CID)
		}
		p.mu.Lock()
		in := p.c.Received()
		p.mu.Unlock()
		for len(p.got) < n {
			select {
			case <-ctx.Done():
				return
			case c := <-p.swap:
				// The old client has stopped: what it delivered is all in its channel.
				for drained := false; !drained; {
					select {
					case r := <-in:
						handle(r)
					default:
						drained = true
					}
				}
				in = c.Received()
			case r := <-in:
				handle(r)
			}
		}
	}
	go receive(alice, bob.id.Account)
	go receive(bob, alice.id.Account)

	sendErrs := make(chan error, 2)
	var failed atomic.Bool // a sender gave up: stop the chaos and report its error
	send := func(p *peer, to common.Address) {
		for i := range n {
			// Padding makes each envelope about 200 bytes of ciphertext.
			p.mu.Lock()
			_, err := p.c.Send(ctx, to, fmt.Appendf(nil, "%s-%d %0150d", marker, i, i))
			p.mu.Unlock()
			if err != nil {
				failed.Store(true)
				sendErrs <- fmt.Errorf("%s send %d: %w", p.name, i, err)
				return
			}
			p.sent.Add(1)
		}
		sendErrs <- nil
	}
	start := time.Now()
	go send(alice, bob.id.Account)
	go send(bob, alice.id.Account)

	progress := func() float64 { return float64(alice.sent.Load()+bob.sent.Load()) / float64(2*n) }
	for _, ev := range events {
		eventually(t, time.Until(deadlineOf(ctx)), fmt.Sprintf("progress %.2f", ev.at), func() bool { return progress() >= ev.at || failed.Load() })
		if failed.Load() {
			break
		}
		switch ev.kind {
		case restartPG:
			t.Logf("%.2f: restarting postgres", progress())
			s.pg.Restart(t)
			continue
		case restartClient:
			t.Logf("%.2f: restarting %s's client", progress(), peers[ev.index].name)
			peers[ev.index].restart()
			continue
		}
		in, other := s.apis[ev.index], peers[1-ev.index]
		in.kill()
		// Keep it down while the other side sends more, so its client has a queue to drain.
		from := other.sent.Load()
		eventually(t, time.Until(deadlineOf(ctx)), in.name+" down while the other side sends", func() bool {
			return other.sent.Load() >= min(from+int64(max(5, n/50)), int64(n)) || failed.Load()
		})
		t.Logf("%.2f: killed %s, the other side sent %d meanwhile", progress(), in.name, other.sent.Load()-from)
		in.restart(t)
	}

	for range 2 {
		select {
		case err := <-sendErrs:
			if err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatalf("timed out sending: alice sent %d, bob sent %d of %d", alice.sent.Load(), bob.sent.Load(), n)
		}
	}
	// Everything is sent: what is missing by now is lost, so do not wait for the whole deadline.
	lost := time.After(30*time.Second + time.Duration(n)*5*time.Millisecond)
	for _, p := range peers {
		select {
		case <-p.gotDone:
		case <-lost:
			cancel() // the receivers return
			<-p.gotDone
		}
	}
	for _, p := range peers {
		if len(p.got) != n {
			t.Fatalf("%s received %d of %d messages", p.name, len(p.got), n)
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d messages each way delivered in %v (%.0f msg/s both ways)", n, elapsed.Round(time.Millisecond), float64(2*n)/elapsed.Seconds())
	for _, p := range peers {
		for i, v := range p.got {
			if v != i {
				t.Fatalf("%s: message %d is #%d: per-sender order or uniqueness broken", p.name, i, v)
			}
		}
		if uniq := len(slices.Compact(slices.Sorted(slices.Values(p.cids)))); uniq != n {
			t.Fatalf("%s: %d distinct CIDs for %d messages", p.name, uniq, n)
		}
	}

	pool := s.pg.Open(t)
	count := func(table string) int {
		var c int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&c); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		return c
	}
	eventually(t, 30*time.Second, "every pending row acked", func() bool { return count("relay_pending") == 0 })
	if got := count("relay_envelopes"); got != 2*n {
		t.Errorf("relay_envelopes has %d rows, want %d", got, 2*n)
	}
	if bytes.Contains(s.pg.Dump(t), []byte(marker)) {
		t.Error("pg_dump contains a plaintext")
	}

	t.Logf("postgres checked at %v", time.Since(began).Round(time.Millisecond))
	for _, in := range s.apis {
		in.stop()
	}
	stored := map[string]bool{}
	for _, in := range s.apis {
		for c := range scanBlockstore(t, in.ipfsDir, []byte(marker)) {
			stored[c] = true
		}
	}
	for _, p := range peers {
		for _, c := range p.cids {
			if !stored[c] {
				t.Fatalf("envelope %s is in no instance's blockstore", c)
			}
		}
	}
	t.Logf("blockstores checked at %v", time.Since(began).Round(time.Millisecond))
	for name, b := range s.logs(t) {
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("the %s log contains a plaintext", name)
		}
	}
}

// deadlineOf is ctx's deadline (the test sets one).
func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
