package relay_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// TestGroupCommit sends from several sockets at once, so that their sends share commit
// batches, to a device on the same instance (pushed from the commit, the fast path) and one on
// another instance (woken by a notification, read from Postgres). Both devices must see
// contiguous sequence numbers and every sender's order; an envelope sent twice back to back is
// accepted once and rejected once as a duplicate; acks delete every row.
func TestGroupCommit(t *testing.T) {
	f := newFixture(t)
	a, b := f.start(t, ""), f.start(t, "")
	to := []wire.DeviceRef{{Account: bobAddr, Device: 7}, {Account: bobAddr, Device: 8}}
	bob7, bob8 := f.register(t, bobAddr, 7), f.register(t, bobAddr, 8)
	const senders, per = 4, 40
	sent := make([][]string, senders) // each sender's envelope cids in send order
	conns := make([]*client.Conn, senders)
	envs := make([][][]byte, senders)
	for i := range senders {
		id := f.register(t, common.BigToAddress(big.NewInt(int64(0xa000+i))), 1)
		sess := session(t, f, id, bobAddr)
		for k := range per {
			envs[i] = append(envs[i], seal(t, sess, fmt.Sprintf("message %d of sender %d", k, i)))
			sent[i] = append(sent[i], protocol.EnvelopeCID(envs[i][k]).String())
		}
		c, err := client.Dial(t.Context(), a.wsURL(), header(id))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	type received struct {
		seqs []int64
		cids []string
		done chan struct{}
	}
	recv := func(in *instance, id client.Identity) *received {
		c, err := client.Dial(t.Context(), in.wsURL(), header(id))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		r := &received{done: make(chan struct{})}
		go func() {
			defer close(r.done)
			for len(r.cids) < senders*per {
				select {
				case fr := <-c.Incoming():
					if fr.Type == wire.TypeEnvelope {
						r.seqs, r.cids = append(r.seqs, fr.Seq), append(r.cids, fr.CID)
						if err := c.Ack(fr.Seq); err != nil {
							t.Error(err)
							return
						}
					}
				case <-time.After(30 * time.Second):
					t.Errorf("device %d got %d of %d envelopes", id.DeviceID, len(r.cids), senders*per)
					return
				}
			}
		}()
		return r
	}
	r7, r8 := recv(a, bob7), recv(b, bob8)

	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			var waits []func() error
			for k, env := range envs[i] {
				n := 1
				if k == per/2 {
					n = 2 // the same envelope twice in a row
				}
				for range n {
					wait, err := c.Submit(bobAddr, to, env)
					if err != nil {
						t.Error(err)
						return
					}
					waits = append(waits, func() error { _, err := wait(t.Context()); return err })
				}
			}
			var dups int
			for _, w := range waits {
				switch err := w(); {
				case errors.Is(err, client.ErrDuplicate):
					dups++
				case err != nil:
					t.Errorf("sender %d: %v", i, err)
				}
			}
			if dups != 1 {
				t.Errorf("sender %d: %d duplicates rejected, want 1", i, dups)
			}
		})
	}
	wg.Wait()
	for name, r := range map[string]*received{"same instance": r7, "other instance": r8} {
		<-r.done
		for i, s := range r.seqs {
			if s != int64(i+1) {
				t.Fatalf("%s: seqs %v, want 1..%d", name, r.seqs, senders*per)
			}
		}
		for i := range senders {
			got := slices.DeleteFunc(slices.Clone(r.cids), func(c string) bool { return !slices.Contains(sent[i], c) })
			if !slices.Equal(got, sent[i]) {
				t.Fatalf("%s: sender %d's envelopes arrived as %v, want %v", name, i, got, sent[i])
			}
		}
	}
	eventually(t, 10*time.Second, "acks", func() bool { return f.count(t, "relay_pending") == 0 })
}

// TestDuplicateInBatch commits a batch that holds an envelope accepted before between new
// ones: the new ones are accepted and their recipient sees contiguous sequence numbers (the
// transaction that reserved a number for the duplicate too is rolled back and redone), and the
// duplicate is rejected.
func TestDuplicateInBatch(t *testing.T) {
	f := newFixture(t)
	f.override = func(c *relay.Config) { c.CommitDelay = 300 * time.Millisecond } // one batch
	in := f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 1)
	to := []wire.DeviceRef{{Account: bobAddr, Device: 1}}
	sess := session(t, f, alice, bobAddr)
	envs := [][]byte{seal(t, sess, "first"), seal(t, sess, "second"), seal(t, sess, "third")}
	sender, err := client.Dial(t.Context(), in.wsURL(), header(alice))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	submit := func(envs ...[]byte) []error {
		var waits []func(context.Context) (string, error)
		for _, env := range envs {
			wait, err := sender.Submit(bobAddr, to, env)
			if err != nil {
				t.Fatal(err)
			}
			waits = append(waits, wait)
		}
		errs := make([]error, len(waits))
		for i, w := range waits {
			_, errs[i] = w(t.Context())
		}
		return errs
	}
	if errs := submit(envs[0]); errs[0] != nil {
		t.Fatal(errs[0])
	}
	errs := submit(envs[1], envs[0], envs[2])
	if errs[0] != nil || !errors.Is(errs[1], client.ErrDuplicate) || errs[2] != nil {
		t.Fatalf("second batch answered %v, want nil, a duplicate, nil", errs)
	}
	recv, err := client.Dial(t.Context(), in.wsURL(), header(bob))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { recv.Close() })
	var seqs []int64
	var cids []string
	for len(seqs) < 3 {
		select {
		case fr := <-recv.Incoming():
			if fr.Type == wire.TypeEnvelope {
				seqs, cids = append(seqs, fr.Seq), append(cids, fr.CID)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("bob got %v, want 3 envelopes", seqs)
		}
	}
	want := []string{protocol.EnvelopeCID(envs[0]).String(), protocol.EnvelopeCID(envs[1]).String(), protocol.EnvelopeCID(envs[2]).String()}
	if !slices.Equal(seqs, []int64{1, 2, 3}) || !slices.Equal(cids, want) {
		t.Fatalf("bob got seqs %v cids %v, want 1..3 and %v", seqs, cids, want)
	}
	if n := f.count(t, "relay_pending"); n != 3 {
		t.Fatalf("%d pending rows, want 3", n)
	}
}
