package client_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/api"
	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/ipfs"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

// chatServer is the real API with the relay mounted, as `parley api` serves them.
type chatServer struct {
	base string
	pool *pgxpool.Pool
	txs  int
}

func newChatServer(t *testing.T, configure ...func(*api.Config)) *chatServer {
	t.Helper()
	pool := pgtest.NewDB(t)
	node, err := ipfs.Open(t.Context(), ipfs.Config{Dir: t.TempDir(), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	var apiSrv *api.Server
	rl, err := relay.New(relay.Config{ChainID: 31337}, relay.Deps{Pool: pool, IPFS: node,
		Authenticate: func(r *http.Request) (relay.Principal, error) {
			p, err := apiSrv.AuthenticateSocket(r)
			return relay.Principal{Account: common.HexToAddress(p.Account), SessionID: p.SessionID.String(), DeviceID: p.DeviceID}, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = rl.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	cfg := api.Config{PublicURL: base, ChainIDs: []int{31337}}
	for _, f := range configure {
		f(&cfg)
	}
	apiSrv, err = api.New(cfg, api.Deps{DB: pool,
		Mounts: []api.Mount{{Method: http.MethodGet, Path: "/v1/ws", Handler: rl.Handler()}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = apiSrv.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return &chatServer{base: base, pool: pool}
}

// wsURL is the relay's socket URL.
func (s *chatServer) wsURL() string { return "ws" + s.base[4:] + "/v1/ws" }

// device registers a new device of key's account in the chain tables, as the indexer would,
// and signs in with it.
func (s *chatServer) device(t *testing.T, key *ecdsa.PrivateKey, deviceID uint32) (client.Identity, *client.API) {
	t.Helper()
	account := crypto.PubkeyToAddress(key.PublicKey)
	dev := must(protocol.NewDevice(rand.Reader, protocol.SuiteX25519))
	keys := dev.Keys()
	kak := keys.KeyAgreementKey()
	s.txs++
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO device_added (chain_id, tx_hash, log_index, block_number, block_hash,
		account, device_id, signing_key, key_agreement_key, suite, seq, device_sig, sig_valid)
		VALUES (31337, $1, 0, $2, $1, $3, $4, $5, $6, 1, $2, '\x00', true)`,
		[]byte{byte(s.txs)}, s.txs, account.Bytes(), deviceID, keys.SigningKey[:], kak[:]); err != nil {
		t.Fatal(err)
	}
	id := client.Identity{Account: account, DeviceID: deviceID, Device: dev}
	a := &client.API{BaseURL: s.base, ChainID: 31337}
	if err := a.Login(t.Context(), key); err != nil {
		t.Fatal(err)
	}
	if err := a.BindDevice(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	return id, a
}

// running is a client with its Run loop, stoppable like a process that exits.
type running struct {
	c    *client.Client
	stop func()
}

// run starts a client of device id through a's session; configure, when given, changes its
// configuration first.
func run(t *testing.T, s *chatServer, id client.Identity, a *client.API, state *client.StateFile, configure ...func(*client.Config)) running {
	t.Helper()
	cfg := client.Config{Identity: id, Directory: a.Devices, State: state, MaxBackoff: 50 * time.Millisecond,
		Dial: func(ctx context.Context) (*client.Conn, error) {
			h, err := a.FreshHeader(ctx)
			if err != nil {
				return nil, err
			}
			return client.Dial(ctx, s.wsURL(), h)
		}}
	for _, f := range configure {
		f(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	stop = sync.OnceFunc(stop)
	t.Cleanup(stop)
	return running{c: c, stop: stop}
}

// drained waits until the relay holds no pending envelope: every push was acked, so the
// receiving client also saved its state and delivered everything to Received.
func (s *chatServer) drained(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := s.pool.QueryRow(t.Context(), "SELECT count(*) FROM relay_pending").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d envelopes still pending after 10s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// expect reads want messages from c, in order, failing on anything else or after 10 s.
func expect(t *testing.T, c *client.Client, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case r := <-c.Received():
			if string(r.Message.Plaintext) != w {
				t.Fatalf("received %q, want %q", r.Message.Plaintext, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no message %q within 10s", w)
		}
	}
}

func send(t *testing.T, c *client.Client, to common.Address, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if _, err := c.Send(t.Context(), to, []byte(m)); err != nil {
			t.Fatalf("send %q: %v", m, err)
		}
	}
}

// TestRestartKeepsConversation restarts a client mid-conversation from its state file: it
// keeps decrypting the peer's running sender chain (including what the peer sent while it was
// away), delivers nothing twice, and its own messages still open on the other side.
func TestRestartKeepsConversation(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceKey, bobKey := must(crypto.GenerateKey()), must(crypto.GenerateKey())
	aliceID, aliceAPI := s.device(t, aliceKey, 1)
	bobID, bobAPI := s.device(t, bobKey, 1)
	statePath := filepath.Join(t.TempDir(), "alice.key"+client.StateSuffix)
	open := func() *client.StateFile {
		st, err := client.OpenStateFile(statePath, []byte("pw"), cheap)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	alice, bob := run(t, s, aliceID, aliceAPI, open()), run(t, s, bobID, bobAPI, nil)

	send(t, bob.c, aliceID.Account, "b1", "b2")
	expect(t, alice.c, "b1", "b2")
	send(t, alice.c, bobID.Account, "a1")
	expect(t, bob.c, "a1")
	s.drained(t)

	alice.stop()
	send(t, bob.c, aliceID.Account, "b3", "b4") // queued for alice, same sender chain as b1
	alice = run(t, s, aliceID, aliceAPI, open())
	expect(t, alice.c, "b3", "b4")
	send(t, alice.c, bobID.Account, "a2")
	expect(t, bob.c, "a2")
	send(t, bob.c, aliceID.Account, "b5")
	expect(t, alice.c, "b5")
	s.drained(t)

	// The history survives the restart: what came before it, in order, with who sent it.
	var got []string
	for _, r := range alice.c.History(bobID.Account) {
		text, sender := string(r.Message.Plaintext), bobID.Account
		if strings.HasPrefix(text, "a") {
			sender = aliceID.Account
		}
		if r.At.IsZero() || r.CID == "" || r.Message.Sender != sender {
			t.Fatalf("history entry %q: at %v, cid %q, sender %s; want a time, a CID and %s", text, r.At, r.CID, r.Message.Sender, sender)
		}
		got = append(got, text)
	}
	if want := []string{"b1", "b2", "a1", "b3", "b4", "a2", "b5"}; !slices.Equal(got, want) {
		t.Fatalf("alice's history after the restart: %v, want %v", got, want)
	}
	select {
	case r := <-alice.c.Received():
		t.Fatalf("unexpected %q after the conversation", r.Message.Plaintext)
	default:
	}
}

// TestStateFileErrors checks that a state file opens only with its passphrase and only for
// its own device.
func TestStateFileErrors(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, must(crypto.GenerateKey()), 1)
	path := filepath.Join(t.TempDir(), "alice.state")
	st, err := client.OpenStateFile(path, []byte("pw"), cheap)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := run(t, s, aliceID, aliceAPI, st), run(t, s, bobID, bobAPI, nil)
	send(t, bob.c, aliceID.Account, "hello") // alice saves her state before acking it
	expect(t, alice.c, "hello")
	s.drained(t)
	alice.stop()

	tests := []struct {
		name       string
		passphrase string
		id         client.Identity
		err        error
	}{
		{"same device and passphrase", "pw", aliceID, nil},
		{"wrong passphrase", "nope", aliceID, protocol.ErrBadPassphrase},
		{"another device's state", "pw", bobID, client.ErrStateAccount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := client.OpenStateFile(path, []byte(tc.passphrase), cheap)
			if err == nil {
				_, err = client.New(client.Config{Identity: tc.id, Directory: aliceAPI.Devices, State: st,
					Dial: func(context.Context) (*client.Conn, error) { return nil, errors.New("unused") }})
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("open: %v, want %v", err, tc.err)
			}
		})
	}
	if raw := must(os.ReadFile(path)); bytes.Contains(raw, []byte("hello")) || bytes.Contains(raw, []byte(aliceID.Account.Hex()[2:])) {
		t.Fatal("the state file is readable without the passphrase")
	}
}

// TestReceiveRetriesAfterFailedLookup makes the first device lookups of a new conversation
// fail, as when the API is briefly unreachable: the first message is not dropped (and acked)
// as undecryptable but stays queued, and arrives once a lookup works.
func TestReceiveRetriesAfterFailedLookup(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, must(crypto.GenerateKey()), 1)
	var failures atomic.Int32
	failures.Store(3)
	alice := run(t, s, aliceID, aliceAPI, nil, func(cfg *client.Config) {
		cfg.Directory = func(ctx context.Context, account common.Address) ([]protocol.Member, error) {
			if failures.Add(-1) >= 0 {
				return nil, errors.New("api unreachable")
			}
			return aliceAPI.Devices(ctx, account)
		}
	})
	bob := run(t, s, bobID, bobAPI, nil)
	send(t, bob.c, aliceID.Account, "first", "second")
	expect(t, alice.c, "first", "second")
	s.drained(t)
	if failures.Load() >= 0 {
		t.Fatalf("the lookup failed %d times fewer than planned: the test did not exercise the retry", failures.Load()+1)
	}
}
