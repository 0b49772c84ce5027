package relay_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/ipfs"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const testChainID = 31337

// fixture is one test's Postgres database and IPFS node, shared by its relay instances.
type fixture struct {
	pool     *pgxpool.Pool
	node     *ipfs.Node
	ipfsDir  string
	txNonce  atomic.Int64
	override func(*relay.Config)
	now      func() time.Time // the relays' clock; time.Now when nil
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{pool: pgtest.NewDB(t), ipfsDir: t.TempDir()}
	node, err := ipfs.Open(t.Context(), ipfs.Config{Dir: f.ipfsDir, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatalf("open ipfs: %v", err)
	}
	f.node = node
	t.Cleanup(func() { node.Close() })
	return f
}

// register inserts a valid DeviceAdded row, as the indexer would, and returns the identity.
func (f *fixture) register(t *testing.T, account common.Address, deviceID uint32) client.Identity {
	t.Helper()
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	keys := dev.Keys()
	kak := keys.KeyAgreementKey()
	n := f.txNonce.Add(1)
	_, err = f.pool.Exec(t.Context(), `INSERT INTO device_added (chain_id, tx_hash, log_index, block_number, block_hash,
		account, device_id, signing_key, key_agreement_key, suite, seq, device_sig, sig_valid)
		VALUES ($1, $2, 0, $3, $2, $4, $5, $6, $7, $8, $3, '\x00', true)`,
		testChainID, txHash(n), n, account.Bytes(), deviceID, keys.SigningKey[:], kak[:], int16(keys.Suite))
	if err != nil {
		t.Fatalf("register device: %v", err)
	}
	return client.Identity{Account: account, DeviceID: deviceID, Device: dev}
}

// revoke inserts a DeviceRevoked row after the device's registration.
func (f *fixture) revoke(t *testing.T, id client.Identity) {
	t.Helper()
	n := f.txNonce.Add(1)
	_, err := f.pool.Exec(t.Context(), `INSERT INTO device_revoked (chain_id, tx_hash, log_index, block_number, block_hash, account, device_id, seq)
		VALUES ($1, $2, 0, $3, $2, $4, $5, $3)`, testChainID, txHash(n), n, id.Account.Bytes(), id.DeviceID)
	if err != nil {
		t.Fatalf("revoke device: %v", err)
	}
}

func txHash(n int64) []byte { return common.BigToHash(big.NewInt(n)).Bytes() }

// The test accounts.
var (
	aliceAddr = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	bobAddr   = common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	carolAddr = common.HexToAddress("0x00000000000000000000000000000000000ca401")
	daveAddr  = common.HexToAddress("0x00000000000000000000000000000000000da4e0")
)

// directory reads the members' devices from the chain tables, as the API does.
func (f *fixture) directory() client.Directory {
	return func(ctx context.Context, account common.Address) ([]protocol.Member, error) {
		rows, err := f.pool.Query(ctx, `SELECT device_id, suite, signing_key, key_agreement_key FROM devices
			WHERE chain_id = $1 AND account = $2 AND sig_valid AND NOT revoked ORDER BY device_id`, testChainID, account.Bytes())
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []protocol.Member
		for rows.Next() {
			var id int64
			var suite int16
			var sk, kak []byte
			if err := rows.Scan(&id, &suite, &sk, &kak); err != nil {
				return nil, err
			}
			out = append(out, protocol.Member{Account: account, DeviceID: uint32(id),
				Keys: protocol.DeviceKeys{Suite: protocol.Suite(suite), SigningKey: [32]byte(sk), KEMPublicKey: kak}})
		}
		return out, rows.Err()
	}
}

// authenticate is the test's seam for the API's access-token check: it trusts the test headers
// and, as the API does, admits only a live session. The session (X-Test-Session, or one per
// account and device) is created on first use, as a sign-in would.
func (f *fixture) authenticate(r *http.Request) (relay.Principal, error) {
	acct := r.Header.Get("X-Test-Account")
	dev, err := strconv.ParseUint(r.Header.Get("X-Test-Device"), 10, 32)
	if !common.IsHexAddress(acct) || err != nil {
		return relay.Principal{}, errors.New("no test credentials")
	}
	sid := uuid.NewSHA1(uuid.NameSpaceOID, []byte(acct+":"+strconv.FormatUint(dev, 10)))
	if h := r.Header.Get("X-Test-Session"); h != "" {
		if sid, err = uuid.Parse(h); err != nil {
			return relay.Principal{}, err
		}
	}
	var live bool
	err = f.pool.QueryRow(r.Context(), `WITH a AS (
			INSERT INTO accounts (address, created_at, last_active_at) VALUES ($1, now(), now()) ON CONFLICT DO NOTHING
		), s AS (
			INSERT INTO sessions (id, account, device_id, created_at, last_seen_at, expires_at)
			VALUES ($2, $1, $3, now(), now(), now() + interval '1 day') ON CONFLICT DO NOTHING RETURNING id
		)
		SELECT EXISTS (SELECT 1 FROM s) OR EXISTS (SELECT 1 FROM sessions WHERE id = $2 AND revoked_at IS NULL)`,
		strings.ToLower(acct), sid, int64(dev)).Scan(&live)
	if err != nil || !live {
		return relay.Principal{}, fmt.Errorf("session %s not live: %v", sid, err)
	}
	return relay.Principal{Account: common.HexToAddress(acct), SessionID: sid.String(), DeviceID: uint32(dev)}, nil
}

func header(id client.Identity) http.Header {
	return http.Header{"X-Test-Account": {id.Account.Hex()}, "X-Test-Device": {strconv.FormatUint(uint64(id.DeviceID), 10)}}
}

// sessionHeader is header with the API session the socket authenticates with.
func sessionHeader(id client.Identity, session uuid.UUID) http.Header {
	h := header(id)
	h.Set("X-Test-Session", session.String())
	return h
}

// instance is one running relay behind a real HTTP server.
type instance struct {
	relay  *relay.Relay
	srv    *httptest.Server
	cancel context.CancelFunc
	done   chan error
	addr   string
	once   sync.Once
}

// start runs a relay instance on addr ("" picks a free port).
func (f *fixture) start(t *testing.T, addr string) *instance {
	t.Helper()
	cfg := relay.Config{ChainID: testChainID, PollInterval: 200 * time.Millisecond, AllowedOrigins: []string{"https://app.parley.test"}}
	if f.override != nil {
		f.override(&cfg)
	}
	r, err := relay.New(cfg, relay.Deps{Authenticate: f.authenticate, Pool: f.pool, IPFS: f.node, Now: f.now})
	if err != nil {
		t.Fatalf("new relay: %v", err)
	}
	ln, err := net.Listen("tcp", cmpOr(addr, "127.0.0.1:0"))
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := httptest.NewUnstartedServer(r.Handler())
	srv.Listener = ln
	srv.Start()
	before := f.listeners(t)
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{relay: r, srv: srv, cancel: cancel, done: make(chan error, 1), addr: ln.Addr().String()}
	go func() { in.done <- r.Run(ctx) }()
	t.Cleanup(in.stop)
	// Notifications sent before the relay LISTENs are not seen by it: wait for its listener, so
	// that a test's first NOTIFY is not lost to the start-up.
	for deadline := time.Now().Add(10 * time.Second); !newListener(before, f.listeners(t)); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("relay listener not connected after 10 s")
		}
	}
	return in
}

// listeners returns the backend pids of the database's connections that finished subscribing
// to the relay channels (a listener's last statement is the LISTEN of the directory channel).
func (f *fixture) listeners(t *testing.T) []int32 {
	t.Helper()
	var pids []int32
	if err := f.pool.QueryRow(t.Context(), `SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity
		WHERE datname = current_database() AND state = 'idle' AND query = 'LISTEN parley_relay_dir'`).Scan(&pids); err != nil {
		t.Fatalf("list listeners: %v", err)
	}
	return pids
}

// newListener tells whether now holds a listener that before did not.
func newListener(before, now []int32) bool {
	for _, pid := range now {
		if !slices.Contains(before, pid) {
			return true
		}
	}
	return false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stop cancels Run, waits for every socket handler and closes the server; idempotent.
func (in *instance) stop() {
	in.once.Do(func() {
		in.cancel()
		if err := <-in.done; err != nil && !errors.Is(err, context.Canceled) {
			panic(err)
		}
		in.srv.Close()
	})
}

func (in *instance) wsURL() string { return "ws://" + in.addr + "/v1/ws" }

// dialer dials the first reachable of the instances' current addresses.
func dialer(id client.Identity, urls func() []string) func(ctx context.Context) (*client.Conn, error) {
	return func(ctx context.Context) (*client.Conn, error) {
		var errs []error
		for _, u := range urls() {
			c, err := client.Dial(ctx, u, header(id))
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// count returns a table's row count.
func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// scanTables fails when any public table holds needle as text or as hex bytea.
func (f *fixture) scanTables(t *testing.T, needle []byte) {
	t.Helper()
	rows, err := f.pool.Query(t.Context(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		tables = append(tables, s)
	}
	rows.Close()
	hexNeedle := strings.ToLower(common.Bytes2Hex(needle))
	for _, tbl := range tables {
		var dump string
		if err := f.pool.QueryRow(t.Context(), `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM "`+tbl+`" t`).Scan(&dump); err != nil {
			t.Fatalf("dump %s: %v", tbl, err)
		}
		if strings.Contains(dump, string(needle)) || strings.Contains(strings.ToLower(dump), hexNeedle) {
			t.Errorf("table %s contains the plaintext", tbl)
		}
	}
}
