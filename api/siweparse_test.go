package api

import (
	"strings"
	"testing"

	"github.com/spruceid/siwe-go"
)

// parseSiwe must agree with siwe.ParseMessage on every message, and read the usual shapes
// line by line (else the fast path would silently be dead).
func TestParseSiweMatchesSiweGo(t *testing.T) {
	const addr = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" // EIP-55
	base := func(opts map[string]any) string {
		o := map[string]any{"chainId": 31337, "issuedAt": "2026-12-07T00:00:00Z"}
		for k, v := range opts {
			o[k] = v
		}
		m, err := siwe.InitMessage("parley.test", addr, "https://parley.test/login", "abcdef0123456789", o)
		if err != nil {
			t.Fatal(err)
		}
		return m.String()
	}
	fast := []string{
		base(nil),
		base(map[string]any{"statement": "Sign in to Parley"}),
		base(map[string]any{"statement": "URI: x", "expirationTime": "2026-12-07T00:05:00.123+01:00"}),
		base(map[string]any{"notBefore": "2026-12-06T23:59:00Z"}),
		base(map[string]any{"expirationTime": "2026-12-07T00:05:00Z", "notBefore": "2026-12-06T23:59:00Z"}),
	}
	slow := []string{
		base(map[string]any{"requestId": "req-1"}),
		strings.Replace(base(nil), "Chain ID: 31337", "Chain ID: 031337", 1),
	}
	bad := []string{
		"",
		strings.Replace(base(nil), addr, strings.ToLower(addr), 1),
		strings.Replace(base(nil), "abcdef0123456789", "short", 1),
		strings.Replace(base(nil), "abcdef0123456789", "abcdef0123456789!", 1),
		strings.Replace(base(nil), "Version: 1", "Version: 2", 1),
		strings.Replace(base(nil), "2026-12-07T00:00:00Z", "2026-12-07T00:00:00,5Z", 1),
		strings.Replace(base(nil), "2026-12-07T00:00:00Z", "yesterday", 1),
		strings.Replace(base(nil), "parley.test wants", "parley.test/x wants", 1),
		strings.Replace(base(nil), "URI: https://parley.test/login", "URI: https://parley.test/a b", 1),
		base(nil) + "\n",
		base(nil) + "\nNot Before: 2026-12-06T23:59:00Z\nExpiration Time: 2026-12-07T00:05:00Z",
		strings.Replace(base(map[string]any{"statement": "hi"}), "hi\n\n", "hi\n", 1),
	}
	for _, msg := range append(append(append([]string{}, fast...), slow...), bad...) {
		want, wantErr := siwe.ParseMessage(msg)
		got, gotErr := parseSiwe(msg)
		if (wantErr == nil) != (gotErr == nil) || (wantErr == nil && (got.String() != want.String() ||
			got.GetNonce() != want.GetNonce() || got.GetIssuedAt() != want.GetIssuedAt() || got.GetChainID() != want.GetChainID())) {
			t.Errorf("parseSiwe(%q) = %v, %v; siwe-go %v, %v", msg, got, gotErr, want, wantErr)
		}
	}
	for _, msg := range fast {
		if _, ok := parseSiweLines(msg); !ok {
			t.Errorf("not read line by line: %q", msg)
		}
	}
	for _, msg := range append(slow, bad...) {
		if _, ok := parseSiweLines(msg); ok {
			t.Errorf("read line by line: %q", msg)
		}
	}
}
