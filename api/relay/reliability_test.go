package relay_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ipfs/go-cid"

	"github.com/parleychat/parley/internal/client"
)

// marker is in every plaintext of the reliability test, so a scan can look for it.
const marker = "parley-plaintext-marker"

// messageCount is N of the reliability test: 500 by default, PARLEY_RELAY_MESSAGES to change.
func messageCount(t *testing.T) int {
	if s := os.Getenv("PARLEY_RELAY_MESSAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("PARLEY_RELAY_MESSAGES=%q is not a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 100
	}
	return 500
}

// TestReliabilityAcrossInstances has two clients on two relay instances exchange N messages
// each way while instance A is stopped and restarted mid-way: every message arrives once, in
// per-sender order, every pending row is acked away, and no plaintext reaches Postgres or the
// blockstore.
func TestReliabilityAcrossInstances(t *testing.T) {
	n := messageCount(t)
	f := newFixture(t)
	alice := f.register(t, common.HexToAddress("0xa11ce00000000000000000000000000000000001"), 1)
	bob := f.register(t, common.HexToAddress("0xb0b0000000000000000000000000000000000002"), 7)

	var mu sync.Mutex
	a := f.start(t, "")
	b := f.start(t, "")
	addrA := a.addr
	urlsA := func() []string { return []string{"ws://" + addrA + "/v1/ws"} }
	urlsB := func() []string { mu.Lock(); defer mu.Unlock(); return []string{b.wsURL()} }

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	newClient := func(id client.Identity, urls func() []string) *client.Client {
		c, err := client.New(client.Config{Identity: id, Directory: f.directory(), Dial: dialer(id, urls), MaxBackoff: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		go c.Run(ctx)
		return c
	}
	ca, cb := newClient(alice, urlsA), newClient(bob, urlsB)

	type result struct {
		got  []int
		cids []string
	}
	receive := func(c *client.Client, from common.Address, res *result, done chan<- struct{}) {
		for len(res.got) < n {
			select {
			case <-ctx.Done():
				return
			case r := <-c.Received():
				if r.Message.Sender != from || !bytes.HasPrefix(r.Message.Plaintext, []byte(marker)) {
					t.Errorf("unexpected message %q from %s", r.Message.Plaintext, r.Message.Sender.Hex())
					continue
				}
				var i int
				fmt.Sscanf(string(r.Message.Plaintext[len(marker):]), "-%d", &i)
				res.got = append(res.got, i)
				res.cids = append(res.cids, r.CID)
			}
		}
		close(done)
	}
	var atA, atB result
	doneA, doneB := make(chan struct{}), make(chan struct{})
	go receive(ca, bob.Account, &atA, doneA)
	go receive(cb, alice.Account, &atB, doneB)

	var sentByAlice, sentByBob atomic.Int64
	send := func(c *client.Client, to common.Address, sent *atomic.Int64, errs chan<- error) {
		for i := range n {
			if _, err := c.Send(ctx, to, fmt.Appendf(nil, "%s-%d", marker, i)); err != nil {
				errs <- fmt.Errorf("send %d: %w", i, err)
				return
			}
			sent.Add(1)
		}
		errs <- nil
	}
	errs := make(chan error, 2)
	go send(ca, bob.Account, &sentByAlice, errs)
	go send(cb, alice.Account, &sentByBob, errs)

	// Stop instance A a third of the way in and keep it down while bob sends at least n/10
	// more messages to alice through instance B; then restart A on the same address: alice
	// must reconnect, resend what was not acked and drain her queue.
	eventually(t, time.Minute, "a third of the messages", func() bool { return sentByAlice.Load()+sentByBob.Load() >= int64(2*n/3) })
	a.stop()
	from := sentByBob.Load()
	eventually(t, time.Minute, "bob sending while alice is away", func() bool {
		return sentByBob.Load() >= min(from+int64(n/10), int64(n))
	})
	pendingBefore := f.count(t, "relay_pending")
	a2 := f.start(t, addrA)
	t.Logf("instance A restarted on %s with %d pending rows", a2.addr, pendingBefore)

	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []chan struct{}{doneA, doneB} {
		select {
		case <-d:
		case <-ctx.Done():
			t.Fatalf("timed out: alice got %d, bob got %d of %d", len(atA.got), len(atB.got), n)
		}
	}
	for name, res := range map[string]*result{"alice": &atA, "bob": &atB} {
		for i, v := range res.got {
			if v != i {
				t.Fatalf("%s: message %d is #%d: per-sender order or uniqueness broken", name, i, v)
			}
		}
	}
	eventually(t, 30*time.Second, "every pending row acked", func() bool { return f.count(t, "relay_pending") == 0 })
	if got := f.count(t, "relay_envelopes"); got != 2*n {
		t.Errorf("relay_envelopes has %d rows, want %d", got, 2*n)
	}

	f.scanTables(t, []byte(marker))
	for _, c := range append(atA.cids, atB.cids...) {
		id, err := cid.Decode(c)
		if err != nil {
			t.Fatalf("cid %q: %v", c, err)
		}
		block, err := f.node.Get(t.Context(), id)
		if err != nil {
			t.Fatalf("block %s not in the blockstore: %v", c, err)
		}
		if bytes.Contains(block, []byte(marker)) {
			t.Fatalf("block %s contains the plaintext", c)
		}
		if pinned, err := f.node.IsPinned(t.Context(), id); err != nil || !pinned {
			t.Fatalf("block %s is not pinned (%v)", c, err)
		}
	}
}
