package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/pgtest"
)

// TestAPICommand runs `parley api` on a real Postgres and checks that the API, the relay's
// socket route, the IPFS gateway and the web app are all served by the one process.
func TestAPICommand(t *testing.T) {
	addr := freeAddr(t)
	webDir := t.TempDir()
	const index = `<!doctype html><title>Parley</title>`
	if err := os.WriteFile(filepath.Join(webDir, "index.html"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PARLEY_WEB_DIR":        webDir,
		"PARLEY_DATABASE_URL":   pgtest.NewURL(t),
		"PARLEY_API_ADDR":       addr,
		"PARLEY_API_PUBLIC_URL": "http://" + addr,
		"PARLEY_IPFS_DIR":       t.TempDir(),
		"PARLEY_RPC_URL":        "",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var log lockedBuffer
	go func() {
		done <- run(ctx, []string{"parley", "api", "-rpc-url="}, &bytes.Buffer{}, &log, func(k string) string { return vars[k] })
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("parley api exited %d after cancel: %s", code, log.String())
		}
	}()
	base := "http://" + addr
	waitHealthy(t, base+"/healthz", done, &log)

	tests := []struct {
		name       string
		path       string
		header     http.Header
		wantStatus int
		wantType   string
		wantInBody string
	}{
		{name: "openapi document", path: "/v1/openapi.json", wantStatus: http.StatusOK, wantType: "application/json", wantInBody: `"openapi"`},
		{name: "readyz pings postgres", path: "/readyz", wantStatus: http.StatusOK},
		{name: "api route needs a token", path: "/v1/me/profile", wantStatus: http.StatusUnauthorized, wantType: "application/problem+json", wantInBody: `"code":"unauthenticated"`},
		{name: "relay socket needs a token", path: "/v1/ws", header: http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"},
			"Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}, wantStatus: http.StatusUnauthorized},
		{name: "gateway rejects a bad cid", path: "/ipfs/not-a-cid", header: http.Header{"Accept": {"application/vnd.ipld.raw"}}, wantStatus: http.StatusBadRequest},
		{name: "gateway 404 for an unknown block", path: "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
			header: http.Header{"Accept": {"application/vnd.ipld.raw"}}, wantStatus: http.StatusNotFound},
		{name: "web app at the root", path: "/", wantStatus: http.StatusOK, wantType: "text/html", wantInBody: index},
		{name: "web app for a chat route", path: "/chat/0x70997970C51812dc3A010C7d01b50e0d17dc79C8", wantStatus: http.StatusOK, wantType: "text/html", wantInBody: index},
		{name: "app config without an RPC", path: "/app-config.json", wantStatus: http.StatusOK, wantType: "application/json", wantInBody: "{}"},
		{name: "metrics not shadowed by the app", path: "/metrics", wantStatus: http.StatusOK, wantInBody: "go_goroutines"},
		{name: "unknown api path is a problem, not the app", path: "/v1/no-such-route", wantStatus: http.StatusNotFound,
			wantType: "application/problem+json", wantInBody: `"requestId":"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s = %d %s, want %d", tt.path, resp.StatusCode, body, tt.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); tt.wantType != "" && ct != tt.wantType && !bytes.HasPrefix([]byte(ct), []byte(tt.wantType+";")) {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if !bytes.Contains(body, []byte(tt.wantInBody)) {
				t.Errorf("body %s does not contain %s", body, tt.wantInBody)
			}
		})
	}
}

// waitHealthy polls url until it answers 200, failing if the command exits or 30 s pass.
func waitHealthy(t *testing.T, url string, done <-chan int, log fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			var h struct{ Status string }
			_ = json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case code := <-done:
			t.Fatalf("command exited %d before it was healthy: %s", code, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy within 30s (last error %v): %s", url, err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestWithQueryToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, header, want string
	}{
		{name: "query token becomes the header", url: "/v1/ws?access_token=abc", want: "Bearer abc"},
		{name: "header wins over the query", url: "/v1/ws?access_token=abc", header: "Bearer xyz", want: "Bearer xyz"},
		{name: "no token", url: "/v1/ws", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1"+tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if got := withQueryToken(r).Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization %q, want %q", got, tt.want)
			}
			if tt.header == "" && r.Header.Get("Authorization") != "" {
				t.Error("the caller's request was changed")
			}
		})
	}
}
