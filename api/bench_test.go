package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/api/gen"
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

// loadClient posts JSON to a real HTTP server.
type loadClient struct {
	base string
	http *http.Client
}

func (c loadClient) call(method, path, token string, body, out any) error {
	var rd *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: status %d", method, path, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func startLoadServer(t *testing.T, e *testEnv) loadClient {
	t.Helper()
	srv := httptest.NewServer(e.srv.Handler())
	t.Cleanup(srv.Close)
	return loadClient{base: srv.URL, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
}

func unlimited(c *Config, _ *Deps) {
	c.IPRate, c.IPBurst, c.AccountRate, c.AccountBurst = 1e9, 1e9, 1e9, 1e9
}

// loginOnce runs nonce → sign → verify over HTTP for key.
func loginOnce(e *testEnv, c loadClient, key *ecdsa.PrivateKey) (gen.TokenPair, error) {
	var n gen.Nonce
	if err := c.call(http.MethodPost, "/v1/auth/nonce", "", nil, &n); err != nil {
		return gen.TokenPair{}, err
	}
	msg := e.siweMessage(crypto.PubkeyToAddress(key.PublicKey).Hex(), n.Nonce, nil)
	var pair gen.TokenPair
	err := c.call(http.MethodPost, "/v1/auth/verify", "", gen.SiweVerifyRequest{Message: msg, Signature: personalSign(e.t, key, msg)}, &pair)
	return pair, err
}

// TestLoadLogins measures SIWE sign-ins per second end to end over HTTP (nonce, verify,
// session), with PARLEY_BENCH_WORKERS concurrent clients for PARLEY_BENCH_SECONDS.
func TestLoadLogins(t *testing.T) {
	benchEnv(t)
	e := newEnv(t, unlimited)
	c := startLoadServer(t, e)
	workers, seconds := envInt("PARLEY_BENCH_WORKERS", 32), envInt("PARLEY_BENCH_SECONDS", 10)
	var lat latencies
	var wg sync.WaitGroup
	var errs sync.Map
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for range workers {
		wg.Go(func() {
			key := newKey(t)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if _, err := loginOnce(e, c, key); err != nil {
					errs.Store(err.Error(), true)
					return
				}
				lat.add(time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	errs.Range(func(k, _ any) bool { t.Error(k); return true })
	fmt.Printf("bench: api-logins workers=%d seconds=%.1f logins=%d logins_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f\n",
		workers, elapsed.Seconds(), len(lat.d), float64(len(lat.d))/elapsed.Seconds(),
		ms(lat.quantile(0.5)), ms(lat.quantile(0.99)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// seedPeople bulk-loads n accounts with profiles (90% discoverable) and 3–8 interests each,
// skewed toward the first taxonomy entries and a long tail of free tags.
func seedPeople(t *testing.T, db *pgxpool.Pool, n int, now time.Time) {
	t.Helper()
	var taxonomy []string
	rows, err := db.Query(t.Context(), "SELECT id FROM interest_taxonomy ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	taxonomy, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	accounts := make([][]any, 0, n)
	profiles := make([][]any, 0, n)
	interests := make([][]any, 0, n*5)
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(taxonomy)+999))
	for i := range n {
		addr := fmt.Sprintf("0x%040x", uint64(i)+1<<40)
		active := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		accounts = append(accounts, []any{addr, active, active})
		discoverable := rng.IntN(10) != 0
		profiles = append(profiles, []any{addr, fmt.Sprintf("user %d", i), discoverable, now})
		seen := map[string]bool{}
		for range 3 + rng.IntN(6) {
			k := int(zipf.Uint64())
			tag := fmt.Sprintf("free-%d", k)
			if k < len(taxonomy) {
				tag = taxonomy[k]
			}
			if !seen[tag] {
				seen[tag] = true
				interests = append(interests, []any{addr, tag, discoverable, active})
			}
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"accounts", []string{"address", "created_at", "last_active_at"}, accounts},
		{"profiles", []string{"account", "display_name", "discoverable", "updated_at"}, profiles},
		{"account_interests", []string{"account", "tag", "discoverable", "last_active_at"}, interests},
	} {
		if _, err := db.CopyFrom(t.Context(), pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			t.Fatalf("copy %s: %v", c.table, err)
		}
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
	e := newEnv(t, unlimited)
	t0 := time.Now()
	seedPeople(t, e.srv.db, envInt("PARLEY_BENCH_USERS", 1_000_000), e.clock.now())
	fmt.Printf("bench: api-seed seconds=%.1f\n", time.Since(t0).Seconds())
	c := startLoadServer(t, e)
	workers, seconds := envInt("PARLEY_BENCH_WORKERS", 20), envInt("PARLEY_BENCH_SECONDS", 10)
	tagSets := [][]string{{"sports", "music"}, {"tech", "ethereum", "privacy"}, {"music", "movies", "books", "art"}, {"hiking", "free-500"}, {"sports"}}
	var lat latencies
	var wg sync.WaitGroup
	var errs sync.Map
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for w := range workers {
		wg.Go(func() {
			tokens, err := loginOnce(e, c, newKey(t))
			if err == nil {
				err = c.call(http.MethodPut, "/v1/me/interests", tokens.AccessToken, gen.Interests{Tags: tagSets[w%len(tagSets)]}, nil)
			}
			for cursor := ""; err == nil && time.Now().Before(deadline); {
				path := "/v1/search/people?limit=20"
				if cursor != "" {
					path += "&cursor=" + cursor
				}
				var page gen.SearchPage
				t0 := time.Now()
				if err = c.call(http.MethodGet, path, tokens.AccessToken, nil, &page); err == nil {
					lat.add(time.Since(t0))
					cursor = ""
					if page.NextCursor != nil && len(lat.d)%3 != 0 {
						cursor = *page.NextCursor
					}
				}
			}
			if err != nil {
				errs.Store(err.Error(), true)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	errs.Range(func(k, _ any) bool { t.Error(k); return true })
	fmt.Printf("bench: api-search workers=%d seconds=%.1f searches=%d searches_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f\n",
		workers, elapsed.Seconds(), len(lat.d), float64(len(lat.d))/elapsed.Seconds(),
		ms(lat.quantile(0.5)), ms(lat.quantile(0.99)))
}
