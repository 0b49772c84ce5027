package indexer_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/parleychat/parley/indexer"
	"github.com/parleychat/parley/internal/pgtest"
)

const simChainID = 1337

// simChain is a simulated backend with the contracts deployed and a workload ready.
type simChain struct {
	b *simulated.Backend
	w *workload
}

func newSimChain(t *testing.T, seed uint64) *simChain {
	t.Helper()
	alloc := types.GenesisAlloc{}
	var keys []*ecdsa.PrivateKey
	for range 4 {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatalf("key: %v", err)
		}
		keys = append(keys, k)
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}
	}
	b := simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = b.Close() })
	w := &workload{t: t, client: b.Client(), chainID: simChainID, keys: keys, rng: mrand.New(mrand.NewPCG(seed, 1))}
	w.deploy()
	b.Commit()
	return &simChain{b: b, w: w}
}

// blocks mines n blocks of up to perBlock random transactions each.
func (c *simChain) blocks(n, perBlock int) {
	for range n {
		c.w.send(c.w.rng.IntN(perBlock + 1))
		c.b.Commit()
	}
}

func (c *simChain) config() indexer.Config {
	return indexer.Config{ChainID: simChainID, Registry: c.w.registry, TipJar: c.w.tipJar, StartBlock: 1,
		FinalityDepth: 12, InitialRange: 4, MaxRange: 16, PollInterval: 10 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond}
}

// reorg replaces the newest depth blocks with a longer side chain of new transactions.
func (c *simChain) reorg(t *testing.T, depth int) {
	t.Helper()
	ctx := context.Background()
	var head *types.Header
	for attempt := 0; ; attempt++ {
		var err error
		if head, err = c.w.client.HeaderByNumber(ctx, nil); err != nil {
			t.Fatalf("head: %v", err)
		}
		ancestor, err := c.w.client.HeaderByNumber(ctx, new(big.Int).Sub(head.Number, big.NewInt(int64(depth))))
		if err != nil {
			t.Fatalf("ancestor: %v", err)
		}
		err = c.b.Fork(ancestor.Hash())
		if err == nil {
			break
		}
		// A transaction the pool took after the last block was sealed makes the pending block
		// dirty: mine it, then fork below the new head.
		if err.Error() != "pending block dirty" || attempt == 5 {
			t.Fatalf("fork: %v", err)
		}
		c.b.Commit()
	}
	c.w.resetNonces()
	c.blocks(depth+1, 4)
	newHead, err := c.w.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	if newHead.Number.Cmp(head.Number) <= 0 {
		t.Fatalf("side chain did not become canonical: head %d, was %d", newHead.Number, head.Number)
	}
}

func TestFollowsSimulatedChainThroughReorgs(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 1)
	c.blocks(30, 4)
	pool := pgtest.NewDB(t)
	_, errc := runIndexer(t, c.config(), pool, c.w.client)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	assertMatchesChain(t, pool, c.w, 1)
	for _, depth := range []int{1, 3, 6, 11} {
		c.reorg(t, depth)
		waitIndexed(t, pool, c.w.client, simChainID, errc)
		assertMatchesChain(t, pool, c.w, 1)
		c.blocks(2, 3)
		waitIndexed(t, pool, c.w.client, simChainID, errc)
		assertMatchesChain(t, pool, c.w, 1)
	}
}

func TestRestartsResumeExactlyOnce(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 2)
	c.blocks(60, 5)
	pool := pgtest.NewDB(t)
	cfg := c.config()
	cfg.InitialRange, cfg.MaxRange = 2, 3
	rng := mrand.New(mrand.NewPCG(2, 2))
	for i := range 8 {
		ix, err := indexer.New(cfg, pool, c.w.client)
		if err != nil {
			t.Fatalf("new: %v", err)
		}
		// Cancel at a random moment: mid-RPC, mid-transaction or between blocks.
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+rng.IntN(40))*time.Millisecond)
		if err := ix.Run(ctx); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		cancel()
		if i%3 == 0 {
			c.blocks(2, 4)
		}
	}
	_, errc := runIndexer(t, cfg, pool, c.w.client)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	assertMatchesChain(t, pool, c.w, 1)
}

func TestDeepReorgStopsLoudly(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 3)
	c.blocks(20, 3)
	pool := pgtest.NewDB(t)
	cfg := c.config()
	cfg.FinalityDepth = 2
	_, errc := runIndexer(t, cfg, pool, c.w.client)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	c.reorg(t, 6)
	select {
	case err := <-errc:
		if !errors.Is(err, indexer.ErrDeepReorg) {
			t.Fatalf("Run returned %v, want ErrDeepReorg", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("indexer kept running after a reorg below finality")
	}
}

func TestStandbyTakesOver(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 4)
	c.blocks(10, 3)
	pool := pgtest.NewDB(t)
	stopLeader, errc := runIndexer(t, c.config(), pool, c.w.client)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	_, standbyErrc := runIndexer(t, c.config(), pool, c.w.client)
	stopLeader()
	if err := <-errc; err != nil {
		t.Fatalf("leader: %v", err)
	}
	c.blocks(5, 3)
	waitIndexed(t, pool, c.w.client, simChainID, standbyErrc)
	assertMatchesChain(t, pool, c.w, 1)
}

func TestNotifiesTipsWithConfirmationState(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 5)
	pool := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+indexer.NotifyChannel); err != nil {
		t.Fatalf("listen: %v", err)
	}
	_, errc := runIndexer(t, c.config(), pool, c.w.client)
	for c.w.rng.IntN(1) == 0 && len(c.w.validSig) == 0 {
		c.blocks(1, 6)
	}
	c.blocks(1, 6)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	n, err := conn.Conn().WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("wait for notification: %v", err)
	}
	if n.Channel != indexer.NotifyChannel || len(n.Payload) == 0 {
		t.Fatalf("notification %+v", n)
	}
}

func TestNotifiesChangesAgainWhenFinal(t *testing.T) {
	t.Parallel()
	c := newSimChain(t, 6)
	cfg := c.config()
	pool := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+indexer.NotifyChannel); err != nil {
		t.Fatalf("listen: %v", err)
	}
	_, errc := runIndexer(t, cfg, pool, c.w.client)
	waitIndexed(t, pool, c.w.client, simChainID, errc)
	o := c.w.opts(c.w.keys[0])
	o.Value = big.NewInt(1)
	if _, err := bind.Transact(c.w.tips.Instance(c.w.client, c.w.tipJar), o, c.w.tips.PackTip(crypto.PubkeyToAddress(c.w.keys[1].PublicKey), [32]byte{1})); err != nil {
		t.Fatalf("tip: %v", err)
	}
	c.w.send(5)
	c.b.Commit()
	c.blocks(int(cfg.FinalityDepth)+1, 0)
	waitIndexed(t, pool, c.w.client, simChainID, errc)

	// Every change of the busy block is notified unfinal, then once more final.
	seen := map[string][]bool{}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("wait for notification: %v (seen %v)", err, seen)
		}
		var p indexer.Notification
		if err := json.Unmarshal([]byte(n.Payload), &p); err != nil {
			t.Fatalf("payload %q: %v", n.Payload, err)
		}
		if p.Kind == "bulk" || p.Kind == "reorg" {
			t.Fatalf("unexpected %s notification", p.Kind)
		}
		key := fmt.Sprintf("%s %s/%d %s", p.Kind, p.TxHash, p.LogIndex, p.Account)
		seen[key] = append(seen[key], p.Final)
		if !p.Final {
			continue
		}
		done := true
		for _, states := range seen {
			done = done && slices.Equal(states, []bool{false, true})
		}
		if done {
			break
		}
	}
	if len(seen) == 0 {
		t.Fatal("no notifications")
	}
	// The tip is notified to both parties.
	tipped := 0
	for key := range seen {
		if strings.HasPrefix(key, "tip ") {
			tipped++
		}
	}
	if tipped != 2 {
		t.Errorf("tip notified to %d accounts, want the tipper and the receiver: %v", tipped, seen)
	}
}
