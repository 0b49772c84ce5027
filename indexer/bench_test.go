package indexer_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/parleychat/parley/bindings/tipjar"
	"github.com/parleychat/parley/indexer"
	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

// TestBenchIndexer is the indexer benchmark run by scripts/bench/indexer.sh: it fills anvil
// with PARLEY_BENCH_EVENTS tip, registration and revocation events, times a cold backfill, then
// measures realtime lag (newHeads arrival to NOTIFY arrival) at 1-second blocks. With
// PARLEY_BENCH_CPUPROFILE set, it writes a CPU profile of the backfill alone to that file.
func TestBenchIndexer(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PARLEY_BENCH_EVENTS"))
	if n == 0 {
		t.Skip("set PARLEY_BENCH_EVENTS to run the indexer benchmark")
	}
	ctx := context.Background()
	chain := chaintest.StartAnvil(t)
	dep := chaintest.DeployContracts(t, chain, 0)
	raw, err := rpc.Dial(chain.URL)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer raw.Close()
	for _, c := range []struct {
		method string
		args   []any
	}{{"evm_setAutomine", []any{false}}, {"evm_setBlockGasLimit", []any{hexutil.Uint64(1_000_000_000)}}} {
		if err := raw.CallContext(ctx, nil, c.method, c.args...); err != nil {
			t.Fatalf("%s: %v", c.method, err)
		}
	}
	start := time.Now()
	fill(t, raw, chain, dep, n)
	head, err := chain.Client.BlockNumber(ctx)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	t.Logf("filled %d events into %d blocks in %v", n, head, time.Since(start).Round(time.Millisecond))

	last, err := chain.Client.HeaderByNumber(ctx, nil) // mining is off: the head stays
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	pool := pgtest.NewDB(t)
	cfg := indexer.Config{ChainID: chain.ChainID.Uint64(), Registry: dep.DeviceRegistry, TipJar: dep.TipJar,
		StartBlock: dep.DeviceRegistryBlock, FinalityDepth: 1, InitialRange: 8, MaxRange: 10000,
		PollInterval: 10 * time.Millisecond}
	// go-ethereum caps WebSocket messages at 32 MiB by default; a backfill of dense blocks wants
	// bigger eth_getLogs responses (the indexer would otherwise shrink its range to fit).
	wsRPC, err := rpc.DialOptions(ctx, strings.Replace(chain.URL, "http://", "ws://", 1), rpc.WithWebsocketMessageSizeLimit(512<<20))
	if err != nil {
		t.Fatalf("dial ws: %v", err)
	}
	wsClient := ethclient.NewClient(wsRPC)
	defer wsClient.Close()
	listen, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	defer listen.Release()
	if _, err := listen.Exec(ctx, "LISTEN "+indexer.NotifyChannel); err != nil {
		t.Fatalf("listen: %v", err)
	}
	if path := os.Getenv("PARLEY_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatalf("profile: %v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatalf("profile: %v", err)
		}
	}
	cpu0 := processCPU(t)
	start = time.Now()
	_, errc := runIndexer(t, cfg, pool, wsClient)
	waitCursor(t, pool, cfg.ChainID, last, errc)
	backfill := time.Since(start)
	cpu1 := processCPU(t)
	pprof.StopCPUProfile()
	fmt.Printf("bench: indexer-backfill-cpu go_s=%.2f anvil_s=%.2f postgres_s=%.2f wall_s=%.2f\n",
		cpu1["go"]-cpu0["go"], cpu1["anvil"]-cpu0["anvil"], cpu1["postgres"]-cpu0["postgres"], backfill.Seconds())
	var rows int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM tips) + (SELECT count(*) FROM device_added) +
		(SELECT count(*) FROM device_revoked)`).Scan(&rows); err != nil {
		t.Fatalf("count: %v", err)
	}
	if rows != n {
		t.Fatalf("indexed %d events, want %d", rows, n)
	}
	// Drain the backfill's notifications before measuring lag.
	for {
		dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err := listen.Conn().WaitForNotification(dctx)
		cancel()
		if err != nil {
			break
		}
	}

	// The RPC's own ceiling: the same logs read raw (no decoding), in one request and split in
	// two concurrent halves, after the backfill so they do not compete with it.
	for _, parts := range []int{1, 2} {
		d, size := rawLogs(t, wsRPC, dep, cfg.StartBlock, head, parts)
		fmt.Printf("bench: indexer-rpc-getlogs parts=%d seconds=%.2f events_per_s=%.0f mib=%.1f\n",
			parts, d.Seconds(), float64(n)/d.Seconds(), float64(size)/(1<<20))
	}

	lags := realtimeLag(t, raw, chain, dep, wsClient, listen.Conn())
	slices.Sort(lags)
	p50, p99 := lags[len(lags)/2], lags[min(len(lags)-1, len(lags)*99/100)]
	fmt.Printf("bench: indexer-realtime lag_p50_ms=%.1f lag_p99_ms=%.1f blocks=%d block_time_s=1\n",
		ms(p50), ms(p99), len(lags))
	fmt.Printf("bench: indexer-backfill events_per_s=%.0f events=%d blocks=%d seconds=%.2f\n",
		float64(n)/backfill.Seconds(), n, head, backfill.Seconds())
}

// rawLogs times eth_getLogs of both contracts over [from, to] in parts concurrent requests of
// equal block ranges, keeping the responses undecoded; it returns the time and response bytes.
func rawLogs(t *testing.T, c *rpc.Client, dep chaintest.Deployment, from, to uint64, parts int) (time.Duration, int) {
	t.Helper()
	step := (to - from + uint64(parts)) / uint64(parts)
	sizes := make([]int, parts)
	var g errgroup.Group
	start := time.Now()
	for i := range parts {
		lo, hi := from+uint64(i)*step, min(to, from+uint64(i+1)*step-1)
		g.Go(func() error {
			var res json.RawMessage
			err := c.CallContext(context.Background(), &res, "eth_getLogs", map[string]any{
				"fromBlock": hexutil.Uint64(lo), "toBlock": hexutil.Uint64(hi),
				"address": []common.Address{dep.DeviceRegistry, dep.TipJar}})
			sizes[i] = len(res)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("raw eth_getLogs: %v", err)
	}
	d := time.Since(start)
	total := 0
	for _, s := range sizes {
		total += s
	}
	return d, total
}

// waitCursor polls the indexer's cursor (a cheap query, unlike waitIndexed's RPC per poll,
// which would load the node under measurement) until it reaches head.
func waitCursor(t *testing.T, pool *pgxpool.Pool, chainID uint64, head *types.Header, errc <-chan error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var hash []byte
		err := pool.QueryRow(context.Background(), "SELECT block_hash FROM chain_cursor WHERE chain_id = $1", int64(chainID)).Scan(&hash)
		if err == nil && common.BytesToHash(hash) == head.Hash() {
			return
		}
		select {
		case err := <-errc:
			t.Fatalf("indexer stopped: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexer did not reach head %d in time", head.Number)
		}
	}
}

// processCPU returns the CPU seconds used so far by this test process ("go") and by its
// descendant processes, summed by command name (anvil, postgres), read from /proc.
func processCPU(t *testing.T) map[string]float64 {
	t.Helper()
	const ticks = 100 // USER_HZ on Linux
	type proc struct {
		ppid int
		comm string
		cpu  float64
	}
	procs := map[int]proc{}
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("read /proc: %v", err)
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue // the process ended
		}
		// pid (comm) state ppid ... utime stime: fields after the closing parenthesis.
		s := string(b)
		end := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[end+2:])
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		procs[pid] = proc{ppid: ppid, comm: s[strings.IndexByte(s, '(')+1 : end], cpu: (ut + st) / ticks}
	}
	self := os.Getpid()
	out := map[string]float64{"go": procs[self].cpu}
	for _, p := range procs {
		for a := p.ppid; a > 1; a = procs[a].ppid {
			if a == self {
				out[p.comm] += p.cpu
				break
			}
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fill sends n events' worth of transactions in JSON-RPC batches and mines them: mostly tips,
// and from each account alternating registrations and revocations of its next device.
func fill(t *testing.T, raw *rpc.Client, chain *chaintest.Chain, dep chaintest.Deployment, n int) {
	t.Helper()
	ctx := context.Background()
	w := &workload{chainID: chain.ChainID.Uint64(), registry: dep.DeviceRegistry}
	w.initBindings()
	signer := types.LatestSignerForChainID(chain.ChainID)
	nonces := make([]uint64, len(chain.Keys))
	nextID := make([]uint32, len(chain.Keys))
	for i, k := range chain.Keys {
		var err error
		if nonces[i], err = chain.Client.PendingNonceAt(ctx, crypto.PubkeyToAddress(k.PublicKey)); err != nil {
			t.Fatalf("nonce: %v", err)
		}
		nextID[i] = 1
	}
	const batch = 1000
	var elems []rpc.BatchElem
	flush := func() {
		if len(elems) == 0 {
			return
		}
		if err := raw.BatchCallContext(ctx, elems); err != nil {
			t.Fatalf("send batch: %v", err)
		}
		for _, e := range elems {
			if e.Error != nil {
				t.Fatalf("send tx: %v", e.Error)
			}
		}
		elems = elems[:0]
		if err := raw.CallContext(ctx, nil, "anvil_mine", hexutil.Uint64(1)); err != nil {
			t.Fatalf("mine: %v", err)
		}
	}
	for i := range n {
		a := i % len(chain.Keys)
		if i%10 >= 8 {
			a = (i / 10) % len(chain.Keys) // one account registers and then revokes the same device
		}
		k := chain.Keys[a]
		acct := crypto.PubkeyToAddress(k.PublicKey)
		var to common.Address
		var data []byte
		value := new(big.Int)
		gas := uint64(120_000)
		switch {
		case i%10 == 8: // register the account's next device
			dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
			if err != nil {
				t.Fatalf("device: %v", err)
			}
			reg := dev.Registration(w.chainID, w.registry, acct, nextID[a])
			sig, err := dev.SignRegistration(reg)
			if err != nil {
				t.Fatalf("sign: %v", err)
			}
			to, gas = dep.DeviceRegistry, 300_000
			data = w.reg.PackAddDevice(nextID[a], reg.SigningKey, reg.KeyAgreementKey, uint8(reg.Suite), sig)
		case i%10 == 9: // revoke it again, keeping under the active-device cap
			to, data = dep.DeviceRegistry, w.reg.PackRevokeDevice(nextID[a])
			nextID[a]++
		default:
			var ref [32]byte
			ref[0], ref[1], ref[2] = byte(i), byte(i>>8), byte(i>>16)
			to, data, value = dep.TipJar, w.tips.PackTip(crypto.PubkeyToAddress(chain.Keys[(a+1)%len(chain.Keys)].PublicKey), ref), big.NewInt(1)
		}
		tx, err := types.SignNewTx(k, signer, &types.DynamicFeeTx{ChainID: chain.ChainID, Nonce: nonces[a],
			GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(100e9), Gas: gas, To: &to, Value: value, Data: data})
		if err != nil {
			t.Fatalf("sign tx: %v", err)
		}
		nonces[a]++
		enc, err := tx.MarshalBinary()
		if err != nil {
			t.Fatalf("encode tx: %v", err)
		}
		elems = append(elems, rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(enc)}, Result: new(common.Hash)})
		if len(elems) == batch {
			flush()
		}
	}
	flush()
}

// realtimeLag mines 1-second blocks with a tip each and returns, per block, the time from the
// newHeads notification to the indexer's NOTIFY for that block.
func realtimeLag(t *testing.T, raw *rpc.Client, chain *chaintest.Chain, dep chaintest.Deployment, ws *ethclient.Client,
	listen *pgx.Conn) []time.Duration {
	t.Helper()
	const samples = 30
	ctx, cancel := context.WithTimeout(context.Background(), 3*samples*time.Second)
	defer cancel()
	heads := make(chan *types.Header, 64)
	sub, err := ws.SubscribeNewHead(ctx, heads)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer sub.Unsubscribe()
	type note struct {
		block uint64
		at    time.Time
	}
	notes := make(chan note, 1024)
	listenCtx, stopListen := context.WithCancel(ctx)
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		for {
			n, err := listen.WaitForNotification(listenCtx)
			if err != nil {
				return
			}
			var p indexer.Notification
			// The first notification of a block's tips: later ones say that it became final.
			if json.Unmarshal([]byte(n.Payload), &p) == nil && p.Kind == "tip" && !p.Final {
				notes <- note{block: p.Block, at: time.Now()}
			}
		}
	}()
	defer func() { stopListen(); <-listening }()
	if err := raw.CallContext(ctx, nil, "evm_setIntervalMining", 1); err != nil {
		t.Fatalf("interval mining: %v", err)
	}
	tips := tipjar.NewTipJar()
	opts := chain.Transactor(1)
	opts.GasLimit = 120_000
	sendTip := func() {
		opts.Value = big.NewInt(1)
		if _, err := bind.Transact(tips.Instance(chain.Client, dep.TipJar), opts, tips.PackTip(chain.Address(2), [32]byte{1})); err != nil {
			t.Fatalf("tip: %v", err)
		}
	}
	sendTip()
	// A block's notification can beat the bench's own newHeads delivery: pair them in either
	// order (such a lag is negative).
	headAt, noteAt := map[uint64]time.Time{}, map[uint64]time.Time{}
	var lags []time.Duration
	pair := func(block uint64) {
		h, okH := headAt[block]
		n, okN := noteAt[block]
		if okH && okN {
			lags = append(lags, n.Sub(h))
		}
	}
	for len(lags) < samples {
		select {
		case h := <-heads:
			headAt[h.Number.Uint64()] = time.Now()
			pair(h.Number.Uint64())
			sendTip() // lands in the next block
		case n := <-notes:
			if _, seen := noteAt[n.block]; !seen {
				noteAt[n.block] = n.at
				pair(n.block)
			}
		case err := <-sub.Err():
			t.Fatalf("subscription: %v", err)
		case <-ctx.Done():
			t.Fatalf("only %d lag samples before the deadline", len(lags))
		}
	}
	return lags
}
