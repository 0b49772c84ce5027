package api

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/golang-jwt/jwt/v5"

	"github.com/parleychat/parley/api/gen"
)

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{name: "defaults", cfg: Config{}, ok: true},
		{name: "eddsa with seed", cfg: Config{TokenAlg: "EdDSA", TokenKey: strings.Repeat("ab", 32)}, ok: true},
		{name: "public url with path", cfg: Config{PublicURL: "https://x.test/app"}},
		{name: "public url not http", cfg: Config{PublicURL: "ftp://x.test"}},
		{name: "bad origin", cfg: Config{AllowedOrigins: []string{"not an origin"}}},
		{name: "negative chain", cfg: Config{ChainIDs: []int{-1}}},
		{name: "unknown alg", cfg: Config{TokenAlg: "RS256"}},
		{name: "short hs256 key", cfg: Config{TokenKey: "abcd"}},
		{name: "eddsa wrong seed size", cfg: Config{TokenAlg: "EdDSA", TokenKey: strings.Repeat("ab", 31)}},
		{name: "non-hex key", cfg: Config{TokenKey: strings.Repeat("zz", 32)}},
		{name: "relayer key not hex", cfg: Config{RelayerKey: "zz", DeviceRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}},
		{name: "relayer without registry", cfg: Config{RelayerKey: strings.Repeat("ab", 32)}},
		{name: "relay limit zero", cfg: Config{RelayMaxDeadline: time.Second}},
		{name: "unknown smtp tls", cfg: Config{SMTPTLS: "ssl"}},
		{name: "smtp addr without port", cfg: Config{SMTPAddr: "mail.example.org"}},
		{name: "bad smtp from", cfg: Config{SMTPFrom: "not an address"}},
		{name: "refresh shorter than access", cfg: Config{AccessTTL: time.Hour, RefreshTTL: time.Minute}},
		{name: "tiny body limit", cfg: Config{BodyLimit: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.cfg.withDefaults()
			if tt.ok && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v, want ErrConfig", err)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PARLEY_API_ADDR": ":9999", "PARLEY_API_CHAIN_IDS": "1, 8453", "PARLEY_API_ALLOWED_ORIGINS": "https://a.test,https://b.test",
		"PARLEY_API_ACCESS_TTL": "5m", "PARLEY_API_BODY_LIMIT": "2048", "PARLEY_API_IP_RATE": "7",
	}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9999" || len(cfg.ChainIDs) != 2 || cfg.ChainIDs[1] != 8453 || len(cfg.AllowedOrigins) != 2 ||
		cfg.AccessTTL != 5*time.Minute || cfg.BodyLimit != 2048 || cfg.IPRate != 7 {
		t.Fatalf("config %+v", cfg)
	}
	env["PARLEY_API_CHAIN_IDS"] = "one"
	if _, err := ConfigFromEnv(func(k string) string { return env[k] }); !errors.Is(err, ErrConfig) {
		t.Fatalf("error %v, want ErrConfig", err)
	}
}

func TestOpsEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/healthz"})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/readyz"})
	var spec map[string]any
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/openapi.json"}).decode(t, &spec)
	if spec["openapi"] != "3.0.3" {
		t.Fatalf("openapi version %v", spec["openapi"])
	}
	metrics := e.must(http.StatusOK, request{method: http.MethodGet, path: "/metrics"})
	if !strings.Contains(string(metrics.body), `parley_api_requests_total{method="GET",route="/readyz",status="200"} 1`) {
		t.Fatalf("metrics lack the readyz request:\n%s", metrics.body)
	}
	resp := e.must(http.StatusNotFound, request{method: http.MethodGet, path: "/v1/nope"})
	if p := resp.problem(t); p.Code != "not_found" || p.RequestId == nil || *p.RequestId == "" || *p.RequestId != resp.header.Get("X-Request-Id") {
		t.Fatalf("problem %+v", p)
	}
	e.srv.db.Close()
	if p := e.must(http.StatusServiceUnavailable, request{method: http.MethodGet, path: "/readyz"}).problem(t); p.Code != "unavailable" {
		t.Fatalf("problem %+v", p)
	}
}

// TestMetricsMethodLabelBounded: made-up request methods share one label value, so a client
// cannot grow the metrics without bound.
func TestMetricsMethodLabelBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 20 {
		e.do(request{method: "X" + itoa(int64(i)), path: "/healthz"})
	}
	metrics := string(e.must(http.StatusOK, request{method: http.MethodGet, path: "/metrics"}).body)
	if strings.Contains(metrics, `method="X`) || !strings.Contains(metrics, `parley_api_requests_total{method="other",route="/healthz",status="405"} 20`) {
		t.Fatalf("metrics of made-up methods:\n%s", metrics)
	}
}

func TestSiweVerify(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := newKey(t)
	addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
	now := func() time.Time { return e.clock.now() }
	tests := []struct {
		name   string
		opts   map[string]any
		nonce  string // default: a fresh one
		sign   func(msg string) string
		status int
		code   string
	}{
		{name: "eoa ok", status: http.StatusOK},
		{name: "eoa ok with v 0/1", sign: func(msg string) string {
			sig := personalSign(t, key, msg)
			last := sig[len(sig)-2:]
			return sig[:len(sig)-2] + map[string]string{"1b": "00", "1c": "01"}[last]
		}, status: http.StatusOK},
		{name: "other domain", opts: map[string]any{"domain": "evil.test"}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "uri not ours", opts: map[string]any{"uri": "https://evil.test/login"}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "chain not allowed", opts: map[string]any{"chainId": 5}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "expired", opts: map[string]any{"expirationTime": now().Add(-time.Second).Format(time.RFC3339)}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "not yet valid", opts: map[string]any{"notBefore": now().Add(time.Hour).Format(time.RFC3339)}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "issued in the future", opts: map[string]any{"issuedAt": now().Add(time.Hour).Format(time.RFC3339)}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "issued long ago", opts: map[string]any{"issuedAt": now().Add(-time.Hour).Format(time.RFC3339)}, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "unknown nonce", nonce: "abcdefgh12345678", status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "signed by another key", sign: func(msg string) string { return personalSign(t, newKey(t), msg) }, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "short signature", sign: func(string) string { return "0x00" }, status: http.StatusUnauthorized, code: "siwe_rejected"},
		{name: "signature not hex", sign: func(string) string { return "0xzz" }, status: http.StatusBadRequest, code: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			nonce := tt.nonce
			if nonce == "" {
				nonce = e.nonce()
			}
			msg := e.siweMessage(addr, nonce, tt.opts)
			sig := personalSign(t, key, msg)
			if tt.sign != nil {
				sig = tt.sign(msg)
			}
			resp := e.do(request{method: http.MethodPost, path: "/v1/auth/verify", body: gen.SiweVerifyRequest{Message: msg, Signature: sig}})
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
			if tt.code != "" {
				if p := resp.problem(t); p.Code != tt.code {
					t.Fatalf("code %q, want %q", p.Code, tt.code)
				}
				return
			}
			var pair gen.TokenPair
			resp.decode(t, &pair)
			if pair.Address != strings.ToLower(addr) || pair.AccessToken == "" || pair.RefreshToken == "" {
				t.Fatalf("token pair %+v", pair)
			}
		})
	}
}

func TestSiweNonceSingleUseAndExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := newKey(t)
	addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
	msg := e.siweMessage(addr, e.nonce(), nil)
	body := gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/verify", body: body})
	if p := e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/verify", body: body}).problem(t); p.Code != "siwe_rejected" {
		t.Fatalf("replay: %+v", p)
	}

	nonce := e.nonce()
	e.clock.advance(11 * time.Minute)
	msg = e.siweMessage(addr, nonce, nil)
	e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/verify", body: gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}})
}

// TestSiweNonceSingleUseConcurrently: one signed message sent many times at once opens one
// session.
func TestSiweNonceSingleUseConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := newKey(t)
	msg := e.siweMessage(crypto.PubkeyToAddress(key.PublicKey).Hex(), e.nonce(), nil)
	body := gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}
	statuses := concurrently(8, func() int {
		return e.do(request{method: http.MethodPost, path: "/v1/auth/verify", body: body}).status
	})
	if n := statuses[http.StatusOK]; n != 1 || statuses[http.StatusUnauthorized] != 7 {
		t.Fatalf("statuses %v, want one 200 and 401s", statuses)
	}
}

// concurrently runs f n times at once and counts its results.
func concurrently(n int, f func() int) map[int]int {
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			r := f()
			mu.Lock()
			defer mu.Unlock()
			counts[r]++
		})
	}
	wg.Wait()
	return counts
}

// TestSiweUserAgentStoredAsText: a User-Agent that is not UTF-8, or whose 200-byte cut would
// split a character, still signs in, and the session lists it as valid text.
func TestSiweUserAgentStoredAsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for ua, want := range map[string]string{
		strings.Repeat("a", 199) + "é": strings.Repeat("a", 199),
		"bot\xff\xfe/1":                "bot\ufffd/1",
	} {
		key := newKey(t)
		msg := e.siweMessage(crypto.PubkeyToAddress(key.PublicKey).Hex(), e.nonce(), nil)
		var pair gen.TokenPair
		e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/verify", header: map[string]string{"User-Agent": ua},
			body: gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}}).decode(t, &pair)
		var list struct{ Sessions []gen.Session }
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: pair.AccessToken}).decode(t, &list)
		if len(list.Sessions) != 1 || list.Sessions[0].UserAgent != want {
			t.Fatalf("sessions %+v, want user agent %q", list.Sessions, want)
		}
	}
}

func TestSiweMalformedAndOversize(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{name: "not json", body: "{", status: http.StatusBadRequest, code: "invalid_request"},
		{name: "missing signature", body: `{"message":"x"}`, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "unknown field", body: `{"message":"x","signature":"0x00","extra":1}`, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "not a siwe message", body: `{"message":"hello","signature":"0x00"}`, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "message too long for schema", body: `{"message":"` + strings.Repeat("a", 5000) + `","signature":"0x00"}`, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "body over limit", body: `{"message":"` + strings.Repeat("a", 70_000) + `","signature":"0x00"}`, status: http.StatusRequestEntityTooLarge, code: "payload_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			t.Parallel()
			resp := e.do(request{method: http.MethodPost, path: "/v1/auth/verify", body: tt.body})
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
			if p := resp.problem(t); p.Code != tt.code || p.Detail == nil || *p.Detail == "" {
				t.Fatalf("problem %+v", p)
			}
		})
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	var second gen.TokenPair
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: u.tokens.RefreshToken}}).decode(t, &second)
	if second.RefreshToken == u.tokens.RefreshToken || second.SessionId != u.tokens.SessionId {
		t.Fatalf("rotation: %+v", second)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: second.AccessToken})

	// Reusing the first (rotated) token revokes the family: the new tokens die too.
	if p := e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: u.tokens.RefreshToken}}).problem(t); p.Code != "refresh_reused" {
		t.Fatalf("reuse: %+v", p)
	}
	if p := e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: second.RefreshToken}}).problem(t); p.Code != "refresh_invalid" {
		t.Fatalf("after reuse: %+v", p)
	}
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: second.AccessToken})
	if p := e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: strings.Repeat("x", 43)}}).problem(t); p.Code != "refresh_invalid" {
		t.Fatalf("unknown: %+v", p)
	}
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: "short"}})

	// A refresh token dies with its session's lifetime.
	v := e.login()
	e.clock.advance(31 * 24 * time.Hour)
	// Its last token is not a reuse: the session just ended.
	if p := e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: v.tokens.RefreshToken}}).problem(t); p.Code != "refresh_invalid" {
		t.Fatalf("expired session: %+v", p)
	}
}

// TestRefreshConcurrentReuse: the same refresh token presented several times at once rotates
// once; the others are reuses, which revoke the session, so no second token family survives.
func TestRefreshConcurrentReuse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	var (
		mu    sync.Mutex
		pairs []gen.TokenPair
	)
	statuses := concurrently(6, func() int {
		resp := e.do(request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: u.tokens.RefreshToken}})
		if resp.status == http.StatusOK {
			var p gen.TokenPair
			resp.decode(t, &p)
			mu.Lock()
			defer mu.Unlock()
			pairs = append(pairs, p)
		}
		return resp.status
	})
	if statuses[http.StatusOK] != 1 || statuses[http.StatusUnauthorized] != 5 {
		t.Fatalf("statuses %v, want one 200 and 401s", statuses)
	}
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: pairs[0].AccessToken})
	e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: pairs[0].RefreshToken}})
}

// TestExpiresInIsHonest: expiresIn never promises more than the token's exp claim (whole
// seconds), so a client that refreshes by it is never caught with an expired token.
func TestExpiresInIsHonest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.advance(900 * time.Millisecond)
	u := e.login()
	var pair gen.TokenPair
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: u.tokens.RefreshToken}}).decode(t, &pair)
	for _, p := range []gen.TokenPair{u.tokens, pair} {
		claims, err := e.srv.tokens.parse(p.AccessToken, e.clock.now())
		if err != nil {
			t.Fatal(err)
		}
		if promised := e.clock.now().Add(time.Duration(p.ExpiresIn) * time.Second); promised.After(claims.ExpiresAt.Time) {
			t.Fatalf("expiresIn %d promises %s, the token expires at %s", p.ExpiresIn, promised, claims.ExpiresAt.Time)
		}
	}
}

func TestAccessTokenExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: u.tokens.AccessToken})
	e.clock.advance(16 * time.Minute)
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: u.tokens.AccessToken})
}

func TestSessionsListRevokeLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	// A second session of alice, signed in from elsewhere.
	key := alice.key
	msg := e.siweMessage(crypto.PubkeyToAddress(key.PublicKey).Hex(), e.nonce(), nil)
	var other gen.TokenPair
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/verify", body: gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}}).decode(t, &other)

	var list struct{ Sessions []gen.Session }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: alice.tokens.AccessToken}).decode(t, &list)
	if len(list.Sessions) != 2 {
		t.Fatalf("sessions %+v", list.Sessions)
	}
	for _, s := range list.Sessions {
		if s.Current != (s.Id == alice.tokens.SessionId) {
			t.Fatalf("current flag wrong: %+v", s)
		}
	}
	// Bob cannot revoke alice's session (no IDOR): it is not found for him.
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/sessions/" + other.SessionId.String(), token: bob.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodDelete, path: "/v1/sessions/not-a-uuid", token: alice.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: "/v1/sessions/" + other.SessionId.String(), token: alice.tokens.AccessToken})
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: other.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/sessions/" + other.SessionId.String(), token: alice.tokens.AccessToken})

	e.must(http.StatusNoContent, request{method: http.MethodPost, path: "/v1/auth/logout", token: alice.tokens.AccessToken})
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: alice.tokens.AccessToken})
	e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: alice.tokens.RefreshToken}})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: bob.tokens.AccessToken})
}

// A session revoked behind the server's back (another instance, SQL) stops working once the
// session cache's bound has passed; revocations through the API take effect at once (above).
func TestSessionRevokedElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: u.tokens.AccessToken})
	if _, err := e.srv.db.Exec(t.Context(), "UPDATE sessions SET revoked_at = now() WHERE id = $1", u.tokens.SessionId); err != nil {
		t.Fatal(err)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: u.tokens.AccessToken})
	e.clock.advance(sessionCacheTTL)
	e.must(http.StatusUnauthorized, request{method: http.MethodGet, path: "/v1/sessions", token: u.tokens.AccessToken})
}

// protectedEndpoints is every bearerAuth operation with a body that passes validation.
var protectedEndpoints = []request{
	{method: http.MethodPost, path: "/v1/auth/logout"},
	{method: http.MethodGet, path: "/v1/sessions"},
	{method: http.MethodDelete, path: "/v1/sessions/00000000-0000-4000-8000-000000000000"},
	{method: http.MethodGet, path: "/v1/me/profile"},
	{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "x"}},
	{method: http.MethodGet, path: "/v1/users/someone"},
	{method: http.MethodGet, path: "/v1/me/email"},
	{method: http.MethodPut, path: "/v1/me/email", body: gen.EmailInput{Email: "a@example.org"}},
	{method: http.MethodDelete, path: "/v1/me/email"},
	{method: http.MethodGet, path: "/v1/me/interests"},
	{method: http.MethodPut, path: "/v1/me/interests", body: gen.Interests{Tags: []string{"music"}}},
	{method: http.MethodGet, path: "/v1/search/people?tags=music"},
	{method: http.MethodGet, path: "/v1/contacts"},
	{method: http.MethodPut, path: "/v1/contacts/0x000000000000000000000000000000000000dead", body: gen.ContactInput{Nickname: "x"}},
	{method: http.MethodDelete, path: "/v1/contacts/0x000000000000000000000000000000000000dead"},
	{method: http.MethodGet, path: "/v1/blocks"},
	{method: http.MethodPut, path: "/v1/blocks/0x000000000000000000000000000000000000dead"},
	{method: http.MethodDelete, path: "/v1/blocks/0x000000000000000000000000000000000000dead"},
	{method: http.MethodPost, path: "/v1/auth/device/challenge", body: gen.DeviceChallengeRequest{DeviceId: 1}},
	{method: http.MethodPost, path: "/v1/auth/device/verify", body: gen.DeviceProof{DeviceId: 1, Challenge: strings.Repeat("a", 64), Signature: "0x" + strings.Repeat("b", 128)}},
	{method: http.MethodGet, path: "/v1/users/0x000000000000000000000000000000000000dead/devices"},
	{method: http.MethodPost, path: "/v1/devices/relayed", body: gen.RelayedDeviceInput{DeviceId: 1, Suite: 1, SigningKey: "0x" + strings.Repeat("a", 64),
		KeyAgreementKey: "0x" + strings.Repeat("b", 64), DeviceSignature: "0x" + strings.Repeat("c", 128), Deadline: 1, AccountSignature: "0x" + strings.Repeat("d", 130)}},
	{method: http.MethodPost, path: "/v1/chat-requests", body: gen.ChatRequestInput{To: "someone"}},
	{method: http.MethodGet, path: "/v1/chat-requests?box=incoming"},
	{method: http.MethodPost, path: "/v1/chat-requests/00000000-0000-4000-8000-000000000000/accept"},
	{method: http.MethodGet, path: "/v1/notifications"},
	{method: http.MethodPost, path: "/v1/groups", body: gen.GroupInput{Name: "g", Members: []string{}}},
	{method: http.MethodGet, path: "/v1/groups"},
	{method: http.MethodGet, path: "/v1/groups/00000000-0000-4000-8000-000000000000"},
	{method: http.MethodPost, path: "/v1/groups/00000000-0000-4000-8000-000000000000/members", body: gen.MemberInput{Address: "0x000000000000000000000000000000000000dead"}},
	{method: http.MethodDelete, path: "/v1/groups/00000000-0000-4000-8000-000000000000/members/0x000000000000000000000000000000000000dead"},
	{method: http.MethodPut, path: "/v1/groups/00000000-0000-4000-8000-000000000000/members/0x000000000000000000000000000000000000dead", body: `{"role":"admin"}`},
	{method: http.MethodGet, path: "/v1/groups/00000000-0000-4000-8000-000000000000/join-requests"},
	{method: http.MethodPost, path: "/v1/groups/00000000-0000-4000-8000-000000000000/join-requests/00000000-0000-4000-8000-000000000000/approve"},
	{method: http.MethodPost, path: "/v1/invites", body: `{}`},
	{method: http.MethodPost, path: "/v1/invites/" + strings.Repeat("a", 43) + "/redeem"},
}

func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	foreign, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": u.address, "sid": u.tokens.SessionId.String(),
		"iss": testOrigin, "aud": testOrigin, "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	none := strings.Join([]string{"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0", strings.Split(u.tokens.AccessToken, ".")[1], ""}, ".")
	tokens := map[string]string{"none": "", "garbage": "garbage", "foreign key": foreign, "alg none": none, "refresh as access": u.tokens.RefreshToken}
	for _, ep := range protectedEndpoints {
		for name, tok := range tokens {
			t.Run(ep.method+" "+ep.path+" "+name, func(t *testing.T) {
				e := e.with(t)
				r := ep
				r.token = tok
				resp := e.do(r)
				if resp.status != http.StatusUnauthorized {
					t.Fatalf("status %d: %s", resp.status, resp.body)
				}
				if p := resp.problem(t); p.Code != "unauthenticated" || resp.header.Get("WWW-Authenticate") == "" {
					t.Fatalf("problem %+v", p)
				}
			})
		}
	}
}
