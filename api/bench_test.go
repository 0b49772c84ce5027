package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/valyala/fasthttp"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/store"
)

// The load tests below run only with PARLEY_BENCH=1 (scripts/bench/api.sh); they print one
// "bench: api-<name> key=value ..." line each (the convention of scripts/bench).

func benchEnv(t *testing.T) {
	t.Helper()
	if os.Getenv("PARLEY_BENCH") == "" {
		t.Skip("load test: run scripts/bench/api.sh (PARLEY_BENCH=1)")
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// latencies collects request durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) quantile(q float64) time.Duration {
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return 0
	}
	return l.d[min(len(l.d)-1, int(q*float64(len(l.d))))]
}

// loadClient posts JSON to a real HTTP server. It uses fasthttp's client, as load generators
// such as bombardier do, so that the client process (which shares this machine's two cores
// with the server and Postgres) spends less CPU per request than net/http's client does.
type loadClient struct {
	base string
	http *fasthttp.Client
}

func (c loadClient) call(method, path, token string, body, out any) error {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(c.base + path)
	req.Header.SetContentType("application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		req.SetBodyRaw(raw)
	}
	if err := c.http.Do(req, resp); err != nil {
		return err
	}
	if resp.StatusCode() >= 300 {
		return fmt.Errorf("%s %s: status %d", method, path, resp.StatusCode())
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(resp.Body(), out)
}

func newLoadClient(base string) loadClient {
	return loadClient{base: base, http: &fasthttp.Client{MaxConnsPerHost: 256}}
}

// benchConfig lifts the rate limits and opens the server's pool as the binary does
// (store.Open); PARLEY_BENCH_POOL=n sets its size instead of store.DefaultMaxConns, and
// PARLEY_BENCH_LOG=1 formats the per-request log lines as the binary does (JSON, discarded).
// PARLEY_BENCH_DATABASE_URL=url runs on that database instead of a fresh one (migrated here and
// kept, so a seeded search database is reused).
func benchConfig(t *testing.T) func(*Config, *Deps) {
	return func(c *Config, d *Deps) {
		c.IPRate, c.IPBurst, c.AccountRate, c.AccountBurst = 1e9, 1e9, 1e9, 1e9
		if os.Getenv("PARLEY_BENCH_LOG") != "" {
			d.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
		}
		url := os.Getenv("PARLEY_BENCH_DATABASE_URL")
		if url == "" {
			url = pgtest.NewURL(t)
		}
		if n := os.Getenv("PARLEY_BENCH_POOL"); n != "" {
			url += "&pool_max_conns=" + n
		}
		pool, err := store.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		if _, err := store.Migrate(t.Context(), pool); err != nil {
			t.Fatal(err)
		}
		d.DB = pool
	}
}

// wallet is a key with its checksummed address, as a wallet holds it before it signs in.
type wallet struct {
	key     *ecdsa.PrivateKey
	address string
}

func newWallet() (wallet, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return wallet{}, err
	}
	return wallet{key: key, address: crypto.PubkeyToAddress(key.PublicKey).Hex()}, nil
}

// walletsPerSecond is how many logins per second the wallets made before a timed login run
// cover; a worker that uses up its share makes the next ones inside the run.
const walletsPerSecond = 4000

// loginOnce runs nonce → sign → verify over HTTP for w; e supplies the clock of the messages.
func loginOnce(e *testEnv, c loadClient, w wallet) (gen.TokenPair, error) {
	var n gen.Nonce
	if err := c.call(http.MethodPost, "/v1/auth/nonce", "", nil, &n); err != nil {
		return gen.TokenPair{}, err
	}
	msg := e.siweMessage(w.address, n.Nonce, nil)
	var pair gen.TokenPair
	err := c.call(http.MethodPost, "/v1/auth/verify", "", gen.SiweVerifyRequest{Message: msg, Signature: personalSign(e.t, w.key, msg)}, &pair)
	return pair, err
}

// loadResult is what a load run reports; a client process prints it as one JSON line.
type loadResult struct {
	Ops     int     `json:"ops"`
	Seconds float64 `json:"seconds"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
	// CPU is the client process's CPU seconds during the timed run alone.
	CPU    float64  `json:"cpu_seconds"`
	Errors []string `json:"errors"`
}

// loadResultPrefix starts the line on which a client process reports its loadResult.
const loadResultPrefix = "load-result: "

// searchTagSets are the interests of the searchers, one set per worker in turn.
var searchTagSets = [][]string{{"sports", "music"}, {"tech", "ethereum", "privacy"}, {"music", "movies", "books", "art"}, {"hiking", "free-500"}, {"sports"}}

// runLoad drives kind ("logins" or "search") against base with workers clients for seconds.
// Every login signs with a fresh wallet, as a new client would; the wallets (keys and
// addresses) are made before the timed run, as a wallet exists before it signs in. Searchers
// sign in once, set their interests and page through their results (two of three searches
// follow the cursor).
func runLoad(e *testEnv, base, kind string, workers, seconds int) loadResult {
	c := newLoadClient(base)
	var lat latencies
	var wg sync.WaitGroup
	var errs sync.Map
	wallets := make([][]wallet, workers)
	if kind == "logins" {
		for w := range workers {
			wg.Go(func() {
				for range walletsPerSecond * seconds / workers {
					wl, err := newWallet()
					if err != nil {
						errs.Store(err.Error(), true)
						return
					}
					wallets[w] = append(wallets[w], wl)
				}
			})
		}
		wg.Wait()
	}
	cpu0 := processCPU()
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for w := range workers {
		wg.Go(func() {
			err := loadWorker(e, c, kind, w, wallets[w], deadline, &lat)
			if err != nil {
				errs.Store(err.Error(), true)
			}
		})
	}
	wg.Wait()
	res := loadResult{Ops: len(lat.d), Seconds: time.Since(start).Seconds(), P50: ms(lat.quantile(0.5)), P99: ms(lat.quantile(0.99)), CPU: processCPU() - cpu0}
	errs.Range(func(k, _ any) bool { res.Errors = append(res.Errors, k.(string)); return true })
	return res
}

// loadWorker is worker w of runLoad; a login worker signs in once with each of wallets.
func loadWorker(e *testEnv, c loadClient, kind string, w int, wallets []wallet, deadline time.Time, lat *latencies) error {
	if kind == "logins" {
		for i := 0; time.Now().Before(deadline); i++ {
			t0 := time.Now()
			var err error
			if i >= len(wallets) {
				wallets = append(wallets, wallet{})
				wallets[i], err = newWallet()
			}
			if err == nil {
				_, err = loginOnce(e, c, wallets[i])
			}
			if err != nil {
				return err
			}
			lat.add(time.Since(t0))
		}
		return nil
	}
	wl, err := newWallet()
	if err != nil {
		return err
	}
	tokens, err := loginOnce(e, c, wl)
	if err != nil {
		return err
	}
	if err := c.call(http.MethodPut, "/v1/me/interests", tokens.AccessToken, gen.Interests{Tags: searchTagSets[w%len(searchTagSets)]}, nil); err != nil {
		return err
	}
	for cursor, n := "", 0; time.Now().Before(deadline); n++ {
		path := "/v1/search/people?limit=20"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page gen.SearchPage
		t0 := time.Now()
		if err := c.call(http.MethodGet, path, tokens.AccessToken, nil, &page); err != nil {
			return err
		}
		lat.add(time.Since(t0))
		cursor = ""
		if page.NextCursor != nil && n%3 != 2 {
			cursor = *page.NextCursor
		}
	}
	return nil
}

// TestLoadClient is the load generator's own process (started by runClients); it does nothing
// unless PARLEY_BENCH_TARGET is set.
func TestLoadClient(t *testing.T) {
	target := os.Getenv("PARLEY_BENCH_TARGET")
	if target == "" {
		t.Skip("load client process: started by TestLoadLogins and TestLoadSearch")
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv("PARLEY_BENCH_NOW"))
	if err != nil {
		t.Fatalf("PARLEY_BENCH_NOW: %v", err)
	}
	e := &testEnv{t: t, clock: &clock{t: now}}
	res := runLoad(e, target, os.Getenv("PARLEY_BENCH_KIND"), envInt("PARLEY_BENCH_WORKERS", 16), envInt("PARLEY_BENCH_SECONDS", 10))
	line, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", loadResultPrefix, line)
}

// cpuTimes are CPU seconds used so far by this process and by the Postgres server.
type cpuTimes struct{ self, postgres float64 }

// processCPU is the user and system CPU seconds this process has used so far.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
}

// readCPU samples the CPU time of this process and of db's server (the postmaster and all its
// children, found through /proc; 0 when the server is not local).
func readCPU(t *testing.T, db *pgxpool.Pool) cpuTimes {
	t.Helper()
	out := cpuTimes{self: processCPU()}
	var backend int
	if err := db.QueryRow(t.Context(), "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	postmaster, _, ok := procStat(backend)
	if !ok {
		return out
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if ppid, ticks, ok := procStat(pid); ok && (pid == postmaster || ppid == postmaster) {
			out.postgres += ticks / 100 // USER_HZ is 100 on Linux
		}
	}
	return out
}

func tvSeconds(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }

// procStat reads a process's parent pid and user+system CPU ticks from /proc/<pid>/stat.
func procStat(pid int) (ppid int, ticks float64, ok bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return ppid, utime + stime, true
}

// runClients serves e over HTTP and drives kind against it, in a separate client process
// (this test binary again, TestLoadClient; PARLEY_BENCH_CLIENT_PROFILE=file writes its CPU
// profile) unless PARLEY_BENCH_INPROCESS is set, then prints
// the "bench: api-<kind>" line with throughput, latency and CPU time per operation of the
// server process, of Postgres and of the client process.
func runClients(t *testing.T, e *testEnv, kind string, workers, seconds int) {
	srv := httptest.NewServer(e.srv.Handler())
	t.Cleanup(srv.Close)
	before := readCPU(t, e.srv.db)
	var res loadResult
	var clientCPU float64
	if os.Getenv("PARLEY_BENCH_INPROCESS") != "" {
		res = runLoad(e, srv.URL, kind, workers, seconds)
	} else {
		args := []string{"-test.run", "^TestLoadClient$", "-test.count", "1"}
		if p := os.Getenv("PARLEY_BENCH_CLIENT_PROFILE"); p != "" {
			args = append(args, "-test.cpuprofile", p)
		}
		cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
		cmd.Env = append(os.Environ(), "PARLEY_BENCH_TARGET="+srv.URL, "PARLEY_BENCH_KIND="+kind,
			"PARLEY_BENCH_NOW="+e.clock.now().Format(time.RFC3339Nano),
			"PARLEY_BENCH_WORKERS="+strconv.Itoa(workers), "PARLEY_BENCH_SECONDS="+strconv.Itoa(seconds))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("load client: %v; output %s", err, out)
		}
		_, line, ok := strings.Cut(string(out), loadResultPrefix)
		if !ok {
			t.Fatalf("load client printed no result: %s", out)
		}
		if err := json.Unmarshal([]byte(strings.SplitN(line, "\n", 2)[0]), &res); err != nil {
			t.Fatalf("load client result: %v", err)
		}
		clientCPU = res.CPU
	}
	after := readCPU(t, e.srv.db)
	for _, msg := range res.Errors {
		t.Error(msg)
	}
	perOp := func(s float64) float64 { return s * 1e6 / float64(max(res.Ops, 1)) }
	fmt.Printf("bench: api-%s workers=%d pool=%d seconds=%.1f ops=%d ops_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f server_cpu_us_per_op=%.0f postgres_cpu_us_per_op=%.0f client_cpu_us_per_op=%.0f\n",
		kind, workers, e.srv.db.Config().MaxConns, res.Seconds, res.Ops, float64(res.Ops)/res.Seconds, res.P50, res.P99,
		perOp(after.self-before.self), perOp(after.postgres-before.postgres), perOp(clientCPU))
}

// TestLoadLogins measures SIWE sign-ins per second end to end over HTTP (nonce, verify,
// session), with PARLEY_BENCH_WORKERS concurrent clients for PARLEY_BENCH_SECONDS.
func TestLoadLogins(t *testing.T) {
	benchEnv(t)
	e := newEnv(t, benchConfig(t))
	runClients(t, e, "logins", envInt("PARLEY_BENCH_WORKERS", 16), envInt("PARLEY_BENCH_SECONDS", 10))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// seedAddress is the address of the i-th seeded person.
func seedAddress(i int) string { return fmt.Sprintf("0x%040x", uint64(i)+1<<40) }

// seedPeople bulk-loads n accounts with profiles (90% discoverable) and 3–8 interests each,
// skewed toward the first taxonomy entries and a long tail of free tags, unless db already
// holds them (PARLEY_BENCH_DATABASE_URL).
func seedPeople(t *testing.T, db *pgxpool.Pool, n int, now time.Time) {
	t.Helper()
	var seeded bool
	if err := db.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM account_interests WHERE account = $1)", seedAddress(n-1)).Scan(&seeded); err != nil {
		t.Fatal(err)
	}
	if seeded {
		fmt.Printf("bench: api-seed users=%d reused\n", n)
		return
	}
	var taxonomy []string
	rows, err := db.Query(t.Context(), "SELECT id FROM interest_taxonomy ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	taxonomy, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	// Every tag the generator can draw gets its search dictionary id up front.
	names := make([]string, len(taxonomy)+1000)
	for k := range names {
		names[k] = fmt.Sprintf("free-%d", k)
		if k < len(taxonomy) {
			names[k] = taxonomy[k]
		}
	}
	if _, err := db.Exec(t.Context(), "INSERT INTO interest_tags (tag) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", names); err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]int32, len(names))
	rows, err = db.Query(t.Context(), "SELECT tag, id FROM interest_tags")
	if err != nil {
		t.Fatal(err)
	}
	var (
		tag string
		id  int32
	)
	if _, err := pgx.ForEachRow(rows, []any{&tag, &id}, func() error { ids[tag] = id; return nil }); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	accounts := make([][]any, 0, n)
	profiles := make([][]any, 0, n)
	interests := make([][]any, 0, n*5)
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(taxonomy)+999))
	for i := range n {
		addr := seedAddress(i)
		active := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		accounts = append(accounts, []any{addr, active, active})
		discoverable := rng.IntN(10) != 0
		profiles = append(profiles, []any{addr, fmt.Sprintf("user %d", i), discoverable, now})
		var tags []string
		var tagIDs []int32
		for range 3 + rng.IntN(6) {
			tag := names[zipf.Uint64()]
			if !slices.Contains(tags, tag) {
				tags = append(tags, tag)
				tagIDs = append(tagIDs, ids[tag])
			}
		}
		slices.Sort(tagIDs)
		for _, tag := range tags {
			interests = append(interests, []any{addr, tag, discoverable, active, tagIDs})
		}
	}
	// The search index is rebuilt after the load: far faster than maintaining it row by row.
	var indexDef string
	if err := db.QueryRow(t.Context(), "SELECT pg_get_indexdef('account_interests_search'::regclass)").Scan(&indexDef); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(t.Context(), "DROP INDEX account_interests_search"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"accounts", []string{"address", "created_at", "last_active_at"}, accounts},
		{"profiles", []string{"account", "display_name", "discoverable", "updated_at"}, profiles},
		{"account_interests", []string{"account", "tag", "discoverable", "last_active_at", "tag_ids"}, interests},
	} {
		if _, err := db.CopyFrom(t.Context(), pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			t.Fatalf("copy %s: %v", c.table, err)
		}
	}
	if _, err := db.Exec(t.Context(), indexDef); err != nil {
		t.Fatalf("recreate search index: %v", err)
	}
	if _, err := db.Exec(t.Context(), "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("bench: api-seed users=%d interests=%d\n", n, len(interests))
}

// TestLoadSearch measures interest search latency with PARLEY_BENCH_USERS seeded people and
// PARLEY_BENCH_WORKERS (default 20) concurrent searchers over HTTP, first pages and next pages.
func TestLoadSearch(t *testing.T) {
	benchEnv(t)
	e := newEnv(t, benchConfig(t))
	t0 := time.Now()
	seedPeople(t, e.srv.db, envInt("PARLEY_BENCH_USERS", 1_000_000), e.clock.now())
	fmt.Printf("bench: api-seed seconds=%.1f\n", time.Since(t0).Seconds())
	runClients(t, e, "search", envInt("PARLEY_BENCH_WORKERS", 20), envInt("PARLEY_BENCH_SECONDS", 10))
}
