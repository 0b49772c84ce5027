package relay_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// envInt reads a positive integer from the environment.
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

// TestRelayBench is the load generator of scripts/bench/relay.sh (skipped unless
// PARLEY_RELAY_BENCH is set). Server and load share this process: it reports idle sockets
// held and the memory they cost (both ends), then durable deliveries (sent → pushed → acked)
// per second and push latency percentiles at several offered rates. It prints
// "bench: relay ..." lines.
func TestRelayBench(t *testing.T) {
	if os.Getenv("PARLEY_RELAY_BENCH") == "" {
		t.Skip("set PARLEY_RELAY_BENCH=1 (scripts/bench/relay.sh)")
	}
	f := newFixture(t)
	in := f.start(t, "")
	benchIdle(t, in, envInt(t, "PARLEY_BENCH_IDLE", 2000))
	pairs := envInt(t, "PARLEY_BENCH_PAIRS", 8)
	msgs := envInt(t, "PARLEY_BENCH_MESSAGES", 4000)
	for _, rate := range []int{250, 1000, 0} {
		benchDelivery(t, f, in, pairs, msgs, rate)
	}
}

func heap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// benchIdle holds n idle device sockets opened by a child process (this test binary running
// TestRelayBenchIdleClients), so the memory delta is the relay's alone and each process spends
// one descriptor per socket.
func benchIdle(t *testing.T, in *instance, n int) {
	before := heap()
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRelayBenchIdleClients$", "-test.timeout=20m")
	cmd.Env = append(os.Environ(), "PARLEY_BENCH_IDLE_URL="+in.wsURL(), "PARLEY_BENCH_IDLE="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	held := 0
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "held %d", &held); err == nil {
			break
		}
	}
	elapsed := time.Since(start)
	if held == 0 {
		t.Fatal("the idle client process held no sockets")
	}
	per := float64(heap()-before) / float64(held) / 1024
	fmt.Printf("bench: relay idle_connections=%d of %d connect_seconds=%.1f relay_memory_per_connection_kib=%.1f\n",
		held, n, elapsed.Seconds(), per)
}

// TestRelayBenchIdleClients is benchIdle's child process: it opens PARLEY_BENCH_IDLE sockets to
// PARLEY_BENCH_IDLE_URL, prints "held N" and keeps them until its stdin closes.
func TestRelayBenchIdleClients(t *testing.T) {
	url := os.Getenv("PARLEY_BENCH_IDLE_URL")
	if url == "" {
		t.Skip("run by TestRelayBench")
	}
	n := envInt(t, "PARLEY_BENCH_IDLE", 1000)
	conns := make([]*websocket.Conn, 0, n)
	for i := range n {
		id := client.Identity{Account: common.BigToAddress(big.NewInt(int64(1_000_000 + i))), DeviceID: 1}
		ws, _, err := websocket.DefaultDialer.Dial(url, header(id))
		if err != nil {
			fmt.Fprintf(os.Stderr, "idle clients: stopped at %d: %v\n", i, err)
			break
		}
		if _, _, err := ws.ReadMessage(); err != nil { // hello
			t.Fatal(err)
		}
		conns = append(conns, ws)
	}
	fmt.Printf("held %d\n", len(conns))
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

// benchDelivery runs pairs of sender and receiver devices; rate is the total offered
// envelopes per second (0: as fast as the relay acks, 64 in flight per sender).
func benchDelivery(t *testing.T, f *fixture, in *instance, pairs, msgs, rate int) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	type pair struct {
		send, recv *client.Conn
		peer       common.Address
		to         []wire.DeviceRef
		envs       [][]byte
	}
	per := msgs / pairs
	ps := make([]*pair, pairs)
	var sentAt sync.Map // cid string → time.Time
	for i := range ps {
		sa := common.BigToAddress(big.NewInt(int64(rate*1000 + 2*i + 10)))
		ra := common.BigToAddress(big.NewInt(int64(rate*1000 + 2*i + 11)))
		s, r := f.register(t, sa, 1), f.register(t, ra, 1)
		sess := session(t, f, s, ra)
		p := &pair{peer: ra, to: []wire.DeviceRef{{Account: ra, Device: 1}}}
		for k := range per {
			env, _, err := sess.Seal(fmt.Appendf(nil, "bench %d", k))
			if err != nil {
				t.Fatal(err)
			}
			p.envs = append(p.envs, env)
		}
		var err error
		if p.send, err = client.Dial(ctx, in.wsURL(), header(s)); err != nil {
			t.Fatal(err)
		}
		if p.recv, err = client.Dial(ctx, in.wsURL(), header(r)); err != nil {
			t.Fatal(err)
		}
		ps[i] = p
	}
	lat := make([][]time.Duration, pairs)
	var wg sync.WaitGroup
	start := time.Now()
	for i, p := range ps {
		wg.Go(func() { // receiver: record push latency, ack in batches
			var acks []int64
			for got := 0; got < per; {
				fr, ok := <-p.recv.Incoming()
				if !ok {
					t.Error("receiver closed")
					return
				}
				if fr.Type != wire.TypeEnvelope {
					continue
				}
				if v, ok := sentAt.Load(fr.CID); ok {
					lat[i] = append(lat[i], time.Since(v.(time.Time)))
				}
				got++
				acks = append(acks, fr.Seq)
				if len(acks) >= 64 || len(p.recv.Incoming()) == 0 {
					if err := p.recv.Ack(acks...); err != nil {
						t.Error(err)
						return
					}
					acks = acks[:0]
				}
			}
		})
		wg.Go(func() { // sender: paced or windowed submits
			var interval time.Duration
			if rate > 0 {
				interval = time.Duration(float64(time.Second) * float64(pairs) / float64(rate))
			}
			window := make(chan struct{}, 64)
			var inflight sync.WaitGroup
			for k, env := range p.envs {
				if interval > 0 {
					if d := time.Until(start.Add(time.Duration(k) * interval)); d > 0 {
						time.Sleep(d) // pacing of the open-loop load, not a test wait
					}
				}
				window <- struct{}{}
				sentAt.Store(protocol.EnvelopeCID(env).String(), time.Now())
				wait, err := p.send.Submit(p.peer, p.to, env)
				if err != nil {
					t.Error(err)
					return
				}
				inflight.Go(func() {
					defer func() { <-window }()
					if _, err := wait(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			inflight.Wait()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	offered := "max"
	if rate > 0 {
		offered = strconv.Itoa(rate)
	}
	fmt.Printf("bench: relay offered_per_second=%s pairs=%d delivered=%d deliveries_per_second=%.0f p50_ms=%.2f p99_ms=%.2f\n",
		offered, pairs, len(all), float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99))
	for _, p := range ps {
		p.send.Close()
		p.recv.Close()
	}
}
