package web

import (
	"cmp"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testIndex = `<!doctype html><title>Parley</title><script type="module" src="/assets/index-abc123.js"></script>`
	testJS    = `console.log("parley")`
)

// writeApp writes a small built app into a temporary directory.
func writeApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":             testIndex,
		"assets/index-abc123.js": testJS,
		"favicon.svg":            `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandler(t *testing.T) {
	t.Parallel()
	h, err := Handler(Config{Dir: writeApp(t), ConnectSrc: []string{"ws://127.0.0.1:8545/", "http://127.0.0.1:8545"}, RPCURL: "http://127.0.0.1:8545"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantType   string
		wantCache  string
		wantBody   string
	}{
		{name: "index at the root", path: "/", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantBody: testIndex},
		{name: "index by name", path: "/index.html", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantBody: testIndex},
		{name: "chat route falls back to index", path: "/chat/0x70997970C51812dc3A010C7d01b50e0d17dc79C8", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantBody: testIndex},
		{name: "room link falls back to index", path: "/r/2f1c9a", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantBody: testIndex},
		{name: "traversal stays inside the app", path: "/../../etc/passwd", wantStatus: 200, wantType: "text/html", wantBody: testIndex},
		{name: "hashed asset cached for a year", path: "/assets/index-abc123.js", wantStatus: 200, wantType: "text/javascript", wantCache: "public, max-age=31536000, immutable", wantBody: testJS},
		{name: "missing asset is a 404", path: "/assets/index-old999.js", wantStatus: 404, wantCache: "no-cache"},
		{name: "unhashed file revalidated", path: "/favicon.svg", wantStatus: 200, wantType: "image/svg+xml", wantCache: "no-cache", wantBody: "<svg"},
		{name: "app config names the RPC", path: ConfigPath, wantStatus: 200, wantType: "application/json", wantCache: "no-cache", wantBody: `{"rpcUrl":"http://127.0.0.1:8545"}`},
		{name: "head of the index", method: http.MethodHead, path: "/", wantStatus: 200, wantType: "text/html"},
		{name: "post is refused", method: http.MethodPost, path: "/", wantStatus: 405},
		{name: "unknown api path is a problem", path: "/v1/nope", wantStatus: 404, wantType: "application/problem+json", wantBody: `"code":"not_found"`},
		{name: "api root is a problem", path: "/v1", wantStatus: 404, wantType: "application/problem+json"},
		{name: "post to an unknown api path is a problem", method: http.MethodPost, path: "/v1/nope", wantStatus: 404, wantType: "application/problem+json"},
		{name: "gateway path is never the app", path: "/ipfs/", wantStatus: 404, wantType: "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(cmp.Or(tt.method, http.MethodGet), "http://127.0.0.1:8080"+tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s = %d %q, want %d", req.Method, tt.path, res.StatusCode, body, tt.wantStatus)
			}
			if ct := res.Header.Get("Content-Type"); tt.wantType != "" && !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if cc := res.Header.Get("Cache-Control"); tt.wantCache != "" && cc != tt.wantCache {
				t.Errorf("Cache-Control %q, want %q", cc, tt.wantCache)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body %q does not contain %q", body, tt.wantBody)
			}
			if tt.wantType == "application/problem+json" {
				return
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	h, err := Handler(Config{Dir: writeApp(t), ConnectSrc: []string{"ws://127.0.0.1:8545/path"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		host    string
		want    []string
		notWant []string
	}{
		{name: "same host sockets and the rpc", host: "127.0.0.1:8080",
			want:    []string{"script-src 'self';", "connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080 ws://127.0.0.1:8545;", "frame-ancestors 'none'", "object-src 'none'"},
			notWant: []string{"unsafe-inline", "unsafe-eval", "/path"}},
		{name: "a host that could inject directives is left out", host: "evil.test; script-src *",
			want: []string{"connect-src 'self' ws://127.0.0.1:8545;"}, notWant: []string{"evil", "script-src *"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			csp := rec.Result().Header.Get("Content-Security-Policy")
			for _, w := range tt.want {
				if !strings.Contains(csp, w) {
					t.Errorf("policy %q lacks %q", csp, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(csp, w) {
					t.Errorf("policy %q contains %q", csp, w)
				}
			}
		})
	}
}

func TestNotBuilt(t *testing.T) {
	t.Parallel()
	h, err := Handler(Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/chat", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "make web") {
		t.Fatalf("GET /chat without a build = %d %q, want 503 naming make web", rec.Code, rec.Body.String())
	}
}

// TestEmbedded checks the compiled-in app: the build's index.html when `make web` ran before
// the compile, the not-built page otherwise.
func TestEmbedded(t *testing.T) {
	t.Parallel()
	h, err := Handler(Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	index, err := fs.ReadFile(dist, "dist/index.html")
	switch {
	case err == nil && (rec.Code != http.StatusOK || rec.Body.String() != string(index)):
		t.Fatalf("GET / = %d, want 200 with the embedded index.html", rec.Code)
	case errors.Is(err, fs.ErrNotExist) && rec.Code != http.StatusServiceUnavailable:
		t.Fatalf("GET / without an embedded build = %d, want 503", rec.Code)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "missing dir", cfg: Config{Dir: filepath.Join(t.TempDir(), "nope")}},
		{name: "relative connect source", cfg: Config{ConnectSrc: []string{"127.0.0.1:8545"}}},
		{name: "connect source with a policy in it", cfg: Config{ConnectSrc: []string{"http://a;b"}}},
		{name: "websocket RPC URL for the browser", cfg: Config{RPCURL: "ws://127.0.0.1:8545"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Handler(tt.cfg); !errors.Is(err, ErrConfig) {
				t.Fatalf("Handler(%+v) error %v, want ErrConfig", tt.cfg, err)
			}
		})
	}
}
