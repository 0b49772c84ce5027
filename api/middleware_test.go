package api

import (
	"net/http"
	"testing"
)

func TestRateLimits(t *testing.T) {
	t.Parallel()
	t.Run("per ip", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(c *Config, _ *Deps) { c.IPRate, c.IPBurst = 0.001, 3 })
		for range 3 {
			e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/interests"})
		}
		resp := e.must(http.StatusTooManyRequests, request{method: http.MethodGet, path: "/v1/interests"})
		if p := resp.problem(t); p.Code != "rate_limited" || resp.header.Get("Retry-After") == "" {
			t.Fatalf("problem %+v", p)
		}
		// A spoofed X-Forwarded-For does not escape the limit; another client IP has its own budget.
		e.must(http.StatusTooManyRequests, request{method: http.MethodGet, path: "/v1/interests", header: map[string]string{"X-Forwarded-For": "10.0.0.9"}})
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/interests", remote: "198.51.100.7:4000"})
	})
	t.Run("per account", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(c *Config, _ *Deps) { c.AccountRate, c.AccountBurst = 0.001, 2 })
		alice, bob := e.login(), e.login()
		for range 2 {
			e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: alice.tokens.AccessToken})
		}
		e.must(http.StatusTooManyRequests, request{method: http.MethodGet, path: "/v1/me/profile", token: alice.tokens.AccessToken}).problem(t)
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: bob.tokens.AccessToken})
		// The budget is the account's, not the session's: a fresh sign-in does not reset it.
		again := e.loginWith(alice.key)
		e.must(http.StatusTooManyRequests, request{method: http.MethodGet, path: "/v1/me/profile", token: again.tokens.AccessToken})
	})
}

func TestOriginAllowlist(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.AllowedOrigins = []string{"https://app.parley.test"} })
	tests := []struct {
		name, origin string
		status       int
		allowHeader  string
	}{
		{name: "no origin (cli)", status: http.StatusCreated},
		{name: "public url origin", origin: testOrigin, status: http.StatusCreated, allowHeader: testOrigin},
		{name: "configured origin", origin: "https://app.parley.test", status: http.StatusCreated, allowHeader: "https://app.parley.test"},
		{name: "foreign origin", origin: "https://evil.test", status: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			hdr := map[string]string{}
			if tt.origin != "" {
				hdr["Origin"] = tt.origin
			}
			resp := e.must(tt.status, request{method: http.MethodPost, path: "/v1/auth/nonce", header: hdr})
			if got := resp.header.Get("Access-Control-Allow-Origin"); got != tt.allowHeader {
				t.Fatalf("allow origin %q, want %q", got, tt.allowHeader)
			}
		})
	}
	pre := e.must(http.StatusNoContent, request{method: http.MethodOptions, path: "/v1/auth/verify", header: map[string]string{
		"Origin": "https://app.parley.test", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}})
	if pre.header.Get("Access-Control-Allow-Origin") != "https://app.parley.test" {
		t.Fatalf("preflight headers %v", pre.header)
	}
}
