package ipfs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/prometheus/client_golang/prometheus"
)

// pinningService is an in-memory IPFS Pinning Service API (the request and response shapes of
// https://ipfs.github.io/pinning-services-api-spec/): each accepted pin goes queued, pinning,
// pinned on successive status checks, and the first failPosts pin requests fail with a 500.
type pinningService struct {
	t     *testing.T
	token string

	mu        sync.Mutex
	failPosts int
	posts     int
	nextID    int
	pins      map[string]*servicePin // by request id
}

type servicePin struct {
	Cid     string   `json:"cid"`
	Name    string   `json:"name,omitempty"`
	Origins []string `json:"origins,omitempty"`
	status  string
	created time.Time
}

func newPinningService(t *testing.T, token string, failPosts int) (*pinningService, *httptest.Server) {
	s := &pinningService{t: t, token: token, failPosts: failPosts, pins: map[string]*servicePin{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pins", s.add)
	mux.HandleFunc("GET /pins/{id}", s.get)
	mux.HandleFunc("DELETE /pins/{id}", s.delete)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			s.fail(w, http.StatusUnauthorized, "UNAUTHORIZED")
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *pinningService) fail(w http.ResponseWriter, code int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"reason": reason, "details": "test"}})
}

func (s *pinningService) reply(w http.ResponseWriter, code int, id string, p *servicePin) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(map[string]any{
		"requestid": id, "status": p.status, "created": p.created.Format(time.RFC3339Nano),
		"pin": p, "delegates": []string{"/ip4/203.0.113.1/tcp/4001/p2p/12D3KooWLYv1Q6fwuD6H1tpL7Tcy6zUmBR2ybm89FVNgRrUa1cFE"},
	}); err != nil {
		s.t.Errorf("pinning service: encode: %v", err)
	}
}

func (s *pinningService) add(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	if s.failPosts > 0 {
		s.failPosts--
		s.fail(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR")
		return
	}
	var p servicePin
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		s.fail(w, http.StatusBadRequest, "BAD_REQUEST")
		return
	}
	if _, err := cid.Decode(p.Cid); err != nil {
		s.fail(w, http.StatusBadRequest, "BAD_REQUEST")
		return
	}
	s.nextID++
	id := fmt.Sprintf("req-%d", s.nextID)
	p.status, p.created = "queued", time.Now()
	s.pins[id] = &p
	s.reply(w, http.StatusAccepted, id, &p)
}

func (s *pinningService) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	p, ok := s.pins[id]
	if !ok {
		s.fail(w, http.StatusNotFound, "NOT_FOUND")
		return
	}
	switch p.status {
	case "queued":
		p.status = "pinning"
	case "pinning":
		p.status = "pinned"
	}
	s.reply(w, http.StatusOK, id, p)
}

func (s *pinningService) delete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pins[r.PathValue("id")]; !ok {
		s.fail(w, http.StatusNotFound, "NOT_FOUND")
		return
	}
	delete(s.pins, r.PathValue("id"))
	w.WriteHeader(http.StatusAccepted)
}

// pinned returns the service's pins of c.
func (s *pinningService) pinned(c cid.Cid) []servicePin {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []servicePin
	for _, p := range s.pins {
		if p.Cid == c.String() {
			out = append(out, *p)
		}
	}
	return out
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func remoteNode(t *testing.T, dir, endpoint string) *Node {
	t.Helper()
	n, err := Open(t.Context(), Config{Dir: dir, Registerer: prometheus.NewRegistry(), Remote: RemoteConfig{
		Endpoint:   endpoint,
		Token:      "secret",
		Origins:    []string{"/dns4/parley.example/tcp/443/https"},
		MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond,
	}})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func remoteStatusIs(t *testing.T, n *Node, c cid.Cid, want RemoteStatus) func() (bool, error) {
	return func() (bool, error) {
		st, err := n.RemoteStatus(t.Context(), c)
		return st.Status == want, err
	}
}

func TestRemotePinning(t *testing.T) {
	t.Parallel()
	svc, srv := newPinningService(t, "secret", 2)
	n := remoteNode(t, t.TempDir(), srv.URL)
	c := mustPut(t, n, envelope(60, 700))

	waitFor(t, "remote pin", remoteStatusIs(t, n, c, RemotePinned))
	st, err := n.RemoteStatus(t.Context(), c)
	if err != nil || !st.Wanted || st.RequestID == "" || st.Attempts != 0 || st.LastError != "" {
		t.Fatalf("remote state = %+v, %v; want wanted, with a request id, no errors", st, err)
	}
	pins := svc.pinned(c)
	if len(pins) != 1 || pins[0].Name != c.String() || len(pins[0].Origins) != 1 ||
		pins[0].Origins[0] != "/dns4/parley.example/tcp/443/https" {
		t.Fatalf("service pins = %+v, want one named %s with the node's origin", pins, c)
	}
	svc.mu.Lock()
	posts := svc.posts
	svc.mu.Unlock()
	if posts != 3 {
		t.Fatalf("service saw %d pin requests, want 3 (two failed)", posts)
	}

	if err := n.Unpin(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "remote unpin", func() (bool, error) {
		st, err := n.RemoteStatus(t.Context(), c)
		return st == RemoteState{} && len(svc.pinned(c)) == 0, err
	})
}

func TestRemotePinningResumesAfterRestart(t *testing.T) {
	t.Parallel()
	// First the service is unreachable, so that no pin request can be in flight at the restart.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	dir := t.TempDir()
	n := remoteNode(t, dir, down.URL)
	c := mustPut(t, n, envelope(61, 700))
	waitFor(t, "a failed attempt", func() (bool, error) {
		st, err := n.RemoteStatus(t.Context(), c)
		return st.Attempts > 0 && st.LastError != "", err
	})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	svc, srv := newPinningService(t, "secret", 0)
	n = remoteNode(t, dir, srv.URL)
	waitFor(t, "remote pin after restart", remoteStatusIs(t, n, c, RemotePinned))
	if pins := svc.pinned(c); len(pins) != 1 {
		t.Fatalf("service pins = %+v, want one", pins)
	}
}

func TestRemoteConfigRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		remote RemoteConfig
	}{
		{"bad origin", RemoteConfig{Endpoint: "http://127.0.0.1:1", Origins: []string{"not a multiaddr"}}},
		{"backoff range inverted", RemoteConfig{Endpoint: "http://127.0.0.1:1", MinBackoff: time.Minute, MaxBackoff: time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n, err := Open(t.Context(), Config{Dir: t.TempDir(), Remote: tc.remote}); err == nil {
				n.Close()
				t.Fatal("open succeeded, want an error")
			}
		})
	}
}
