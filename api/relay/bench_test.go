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
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/ipfs"
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
// held and the relay's memory per socket (the idle clients run in child processes), then
// durable deliveries (sent → pushed → acked) per second, push latency percentiles and CPU time
// per delivery at several offered rates. It prints "bench: relay ..." lines.
func TestRelayBench(t *testing.T) {
	if os.Getenv("PARLEY_RELAY_BENCH") == "" {
		t.Skip("set PARLEY_RELAY_BENCH=1 (scripts/bench/relay.sh)")
	}
	f := newFixture(t)
	f.override = benchConfig
	in := f.start(t, "")
	benchIdle(t, f, in, envInt(t, "PARLEY_BENCH_IDLE", 2000))
	pairs := envInt(t, "PARLEY_BENCH_PAIRS", 8)
	msgs := envInt(t, "PARLEY_BENCH_MESSAGES", 10000)
	rates := cmpOr(os.Getenv("PARLEY_BENCH_RATES"), "1000,5000,10000,0")
	// The idle sockets' first queue reads (one per socket) run after their hellos: wait until
	// the database is idle, then warm up with an unreported round.
	settle(t, f)
	benchDelivery(t, f, in, 0, pairs, msgs/5, 0, "warmup")
	for i, r := range strings.Split(rates, ",") {
		rate, err := strconv.Atoi(r)
		if err != nil || rate < 0 {
			t.Fatalf("PARLEY_BENCH_RATES: %q is not a rate", r)
		}
		benchDelivery(t, f, in, i+1, pairs, msgs, rate, "")
	}
}

// settle waits until no other session runs a query on the test database (the relays of both
// processes use it) for ten checks in a row.
func settle(t *testing.T, f *fixture) {
	quiet := 0
	eventually(t, 2*time.Minute, "an idle database", func() bool {
		var active int
		if err := f.pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if active > 0 {
			quiet = 0
		} else {
			quiet++
		}
		return quiet >= 10
	})
}

// benchConfig runs the relays with the production cursor poll (the tests poll every 200 ms, a
// query per 1,000 local devices each time).
func benchConfig(c *relay.Config) { c.PollInterval = relay.DefaultPollInterval }

// memSample is the process's memory after a full GC: live heap objects, goroutine stacks,
// goroutines and resident set.
type memSample struct {
	heap, stacks, goroutines, rss int64
}

func sampleMem(t *testing.T) memSample {
	for range 3 { // stacks shrink during GC; let them
		runtime.GC()
	}
	ms := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/sched/goroutines:goroutines"},
	}
	metrics.Read(ms)
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(statm), &size, &resident); err != nil {
		t.Fatalf("parse statm: %v", err)
	}
	return memSample{
		heap: int64(ms[0].Value.Uint64()), stacks: int64(ms[1].Value.Uint64()),
		goroutines: int64(ms[2].Value.Uint64()), rss: resident * int64(os.Getpagesize()),
	}
}

// cpuTime is the user and system CPU time this process (relay and load generator, not
// Postgres) has used.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// idlePerProcess is how many idle sockets one process holds at most: each costs a descriptor,
// and the hard RLIMIT_NOFILE here is 20,000 (which an unprivileged bench cannot raise). Above
// it, benchIdle starts a second relay instance in a child process.
const idlePerProcess = 10000

// child is this test binary running one test as a helper process, talking over stdin/stdout.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

func startChild(t *testing.T, test string, env ...string) *child {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
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
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	return &child{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
}

// scan reads lines until one matches format and returns its values.
func (c *child) scan(t *testing.T, format string, args ...any) {
	for c.out.Scan() {
		if _, err := fmt.Sscanf(c.out.Text(), format, args...); err == nil {
			return
		}
	}
	t.Fatalf("helper %s ended before printing %q", c.cmd.Args[1], format)
}

// mem asks a TestRelayBenchServer child for its memory sample.
func (c *child) mem(t *testing.T) memSample {
	var m memSample
	fmt.Fprintln(c.stdin, "mem")
	c.scan(t, "mem %d %d %d %d", &m.heap, &m.stacks, &m.goroutines, &m.rss)
	return m
}

// benchIdle holds n idle device sockets opened by child processes (TestRelayBenchIdleClients),
// so the memory delta is the relay's alone. Above idlePerProcess, half of them go to a second
// relay instance in a child process (TestRelayBenchServer) on the same database, and the
// memory is the sum of both relays' deltas.
func benchIdle(t *testing.T, f *fixture, in *instance, n int) {
	urls := []string{in.wsURL()}
	var server *child
	if n > idlePerProcess {
		server = startChild(t, "TestRelayBenchServer", "PARLEY_BENCH_SERVER_DB="+f.pool.Config().ConnString())
		var addr string
		server.scan(t, "listening %s", &addr)
		urls = append(urls, addr)
	}
	sample := func() memSample {
		m := sampleMem(t)
		if server != nil {
			s := server.mem(t)
			m.heap, m.stacks, m.goroutines, m.rss = m.heap+s.heap, m.stacks+s.stacks, m.goroutines+s.goroutines, m.rss+s.rss
		}
		return m
	}
	before := sample()
	start := time.Now()
	held := 0
	for i, off := 0, 0; off < n; i, off = i+1, off+idlePerProcess {
		c := startChild(t, "TestRelayBenchIdleClients", "PARLEY_BENCH_IDLE_URL="+urls[i%len(urls)],
			"PARLEY_BENCH_IDLE="+strconv.Itoa(min(idlePerProcess, n-off)), "PARLEY_BENCH_IDLE_OFFSET="+strconv.Itoa(off))
		var k int
		c.scan(t, "held %d", &k)
		held += k
	}
	elapsed := time.Since(start)
	if held == 0 {
		t.Fatal("the idle client processes held no sockets")
	}
	after := sample()
	per := func(a, b int64) float64 { return float64(a-b) / float64(held) / 1024 }
	fmt.Printf("bench: relay idle_connections=%d of %d relay_processes=%d connect_seconds=%.1f relay_memory_per_connection_kib=%.1f heap_kib=%.1f stack_kib=%.1f goroutines_per_connection=%.2f rss_per_connection_kib=%.1f\n",
		held, n, len(urls), elapsed.Seconds(), per(after.heap+after.stacks, before.heap+before.stacks), per(after.heap, before.heap),
		per(after.stacks, before.stacks), float64(after.goroutines-before.goroutines)/float64(held), per(after.rss, before.rss))
}

// TestRelayBenchServer is benchIdle's second relay instance: it serves on a free port against
// the database PARLEY_BENCH_SERVER_DB with an IPFS node of its own, prints "listening URL",
// answers each "mem" line on stdin with its memory sample and stops when stdin closes.
func TestRelayBenchServer(t *testing.T) {
	db := os.Getenv("PARLEY_BENCH_SERVER_DB")
	if db == "" {
		t.Skip("run by TestRelayBench")
	}
	pool, err := pgxpool.New(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	node, err := ipfs.Open(t.Context(), ipfs.Config{Dir: t.TempDir(), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	in := (&fixture{pool: pool, node: node, override: benchConfig}).start(t, "")
	fmt.Printf("listening %s\n", in.wsURL())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := sampleMem(t)
		fmt.Printf("mem %d %d %d %d\n", m.heap, m.stacks, m.goroutines, m.rss)
	}
}

// TestRelayBenchIdleClients is benchIdle's child process: it opens PARLEY_BENCH_IDLE sockets to
// PARLEY_BENCH_IDLE_URL as distinct devices (numbered from PARLEY_BENCH_IDLE_OFFSET), prints
// "held N" and keeps them until its stdin closes.
func TestRelayBenchIdleClients(t *testing.T) {
	url := os.Getenv("PARLEY_BENCH_IDLE_URL")
	if url == "" {
		t.Skip("run by TestRelayBench")
	}
	n := envInt(t, "PARLEY_BENCH_IDLE", 1000)
	off, _ := strconv.Atoi(os.Getenv("PARLEY_BENCH_IDLE_OFFSET"))
	conns := make([]*websocket.Conn, 0, n)
	for i := range n {
		id := client.Identity{Account: common.BigToAddress(big.NewInt(int64(100_000_000 + off + i))), DeviceID: 1}
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

// benchDelivery runs pairs of sender and receiver devices (accounts numbered by run); rate is
// the total offered envelopes per second (0: as fast as the relay acks, 64 in flight per
// sender). A run with a phase prints it instead of the offered rate, as a bench line of its own.
func benchDelivery(t *testing.T, f *fixture, in *instance, run, pairs, msgs, rate int, phase string) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	type pair struct {
		send, recv *client.Conn
		peer       common.Address
		to         []wire.DeviceRef
		envs       [][]byte
		index      map[string]int // envelope cid → its index in envs
		sentAt     []atomic.Int64 // when each envelope was submitted, in nanoseconds since start
	}
	per := msgs / pairs
	ps := make([]*pair, pairs)
	for i := range ps {
		sa := common.BigToAddress(big.NewInt(int64(run*100_000 + 2*i + 10)))
		ra := common.BigToAddress(big.NewInt(int64(run*100_000 + 2*i + 11)))
		s, r := f.register(t, sa, 1), f.register(t, ra, 1)
		sess := session(t, f, s, ra)
		p := &pair{peer: ra, to: []wire.DeviceRef{{Account: ra, Device: 1}}, index: map[string]int{}, sentAt: make([]atomic.Int64, per)}
		for k := range per {
			env, _, err := sess.Seal(fmt.Appendf(nil, "bench %d", k))
			if err != nil {
				t.Fatal(err)
			}
			p.envs = append(p.envs, env)
			p.index[protocol.EnvelopeCID(env).String()] = k
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
	cpu0 := cpuTime(t)
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
				if k, ok := p.index[fr.CID]; ok {
					lat[i] = append(lat[i], time.Since(start)-time.Duration(p.sentAt[k].Load()))
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
				p.sentAt[k].Store(int64(time.Since(start)))
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
	cpu := cpuTime(t) - cpu0
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	offered := "offered_per_second=max"
	switch {
	case phase != "":
		offered = "phase=" + phase
	case rate > 0:
		offered = "offered_per_second=" + strconv.Itoa(rate)
	}
	fmt.Printf("bench: relay %s pairs=%d delivered=%d deliveries_per_second=%.0f p50_ms=%.2f p99_ms=%.2f cpu_us_per_delivery=%.0f\n",
		offered, pairs, len(all), float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99), float64(cpu.Microseconds())/float64(max(len(all), 1)))
	for _, p := range ps {
		p.send.Close()
		p.recv.Close()
	}
}
