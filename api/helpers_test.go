package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spruceid/siwe-go"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testOrigin is the public URL of test servers.
const testOrigin = "https://parley.test"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testEnv is a server on a private database with a settable clock.
type testEnv struct {
	t     testing.TB
	srv   *Server
	clock *clock
}

// newEnv starts a server on a fresh database; opts adjust the config or deps.
func newEnv(t testing.TB, opts ...func(*Config, *Deps)) *testEnv {
	t.Helper()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	cfg := Config{PublicURL: testOrigin, ChainIDs: []int{1, 31337}, DeviceChainID: 31337, IPRate: 10000, AccountRate: 10000}
	deps := Deps{DB: pgtest.NewDB(t), Now: clk.now}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	srv, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &testEnv{t: t, srv: srv, clock: clk}
}

// with returns a view of e that reports to t (for subtests).
func (e *testEnv) with(t testing.TB) *testEnv {
	c := *e
	c.t = t
	return &c
}

// response is a recorded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes a problem+json answer.
func (r response) problem(t testing.TB) gen.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p gen.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	return p
}

// decode unmarshals a JSON answer into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// request is one HTTP call to the server; body is JSON-encoded unless it is a string.
type request struct {
	method, path string
	body         any
	token        string
	header       map[string]string
	remote       string // client address; default httptest's 192.0.2.1
}

func (e *testEnv) do(r request) response {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encode body: %v", err)
		}
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// must asserts the status and returns the response.
func (e *testEnv) must(status int, r request) response {
	e.t.Helper()
	resp := e.do(r)
	if resp.status != status {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, resp.status, status, resp.body)
	}
	return resp
}

// nonce fetches a fresh nonce.
func (e *testEnv) nonce() string {
	e.t.Helper()
	var n gen.Nonce
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/auth/nonce"}).decode(e.t, &n)
	return n.Nonce
}

// siweMessage builds a valid EIP-4361 message for address with nonce at the env's clock.
func (e *testEnv) siweMessage(address, nonce string, opts map[string]any) string {
	e.t.Helper()
	options := map[string]any{
		"chainId":        31337,
		"issuedAt":       e.clock.now().Format(time.RFC3339),
		"expirationTime": e.clock.now().Add(5 * time.Minute).Format(time.RFC3339),
		"statement":      "Sign in to Parley",
	}
	domain, uri := "parley.test", testOrigin+"/login"
	for k, v := range opts {
		switch k {
		case "domain":
			domain = v.(string)
		case "uri":
			uri = v.(string)
		default:
			options[k] = v
		}
	}
	m, err := siwe.InitMessage(domain, address, uri, nonce, options)
	if err != nil {
		e.t.Fatalf("init siwe message: %v", err)
	}
	return m.String()
}

// personalSign signs message as an EOA does (EIP-191, V 27/28).
func personalSign(t testing.TB, key *ecdsa.PrivateKey, message string) string {
	t.Helper()
	sig, err := crypto.Sign(accounts.TextHash([]byte(message)), key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	sig[64] += 27
	return hexutil.Encode(sig)
}

// user is a signed-in test account.
type user struct {
	key     *ecdsa.PrivateKey
	address string
	tokens  gen.TokenPair
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return key
}

func addressOf(key *ecdsa.PrivateKey) string {
	return strings.ToLower(crypto.PubkeyToAddress(key.PublicKey).Hex())
}

// login signs in a new random account.
func (e *testEnv) login() user {
	e.t.Helper()
	return e.loginWith(newKey(e.t))
}

// loginWith signs in the account of key (again).
func (e *testEnv) loginWith(key *ecdsa.PrivateKey) user {
	e.t.Helper()
	msg := e.siweMessage(crypto.PubkeyToAddress(key.PublicKey).Hex(), e.nonce(), nil)
	u := user{key: key, address: addressOf(key)}
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/verify",
		body: gen.SiweVerifyRequest{Message: msg, Signature: personalSign(e.t, key, msg)}}).decode(e.t, &u.tokens)
	return u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
