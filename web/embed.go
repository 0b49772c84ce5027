// Package web serves the Parley browser app: the Vite build in web/dist, embedded into the
// parley binary (or read from a directory during development), as a single-page app with
// strict security headers.
package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Config says where the app's files come from and what the page may connect to.
type Config struct {
	// Dir serves the app from this directory (a `npm run build` output) instead of the
	// embedded build; empty uses the files embedded at compile time.
	Dir string
	// ConnectSrc are extra origins the page may fetch from or open sockets to, such as the
	// chain's RPC endpoint; each must be an absolute URL, of which only the origin is kept.
	ConnectSrc []string
	// APIPrefixes are path prefixes that belong to the server's API: unknown paths under them
	// get a 404 problem instead of the app. Empty means /v1/ and /ipfs/.
	APIPrefixes []string
	// RPCURL is the chain's JSON-RPC endpoint as the browser reaches it (http or https), which
	// the app reads from ConfigPath when it has no wallet to ask (a device being linked).
	RPCURL string
}

// ConfigPath serves the app's runtime settings as JSON: {"rpcUrl": …}.
const ConfigPath = "/app-config.json"

// ErrConfig marks an invalid Config.
var ErrConfig = errors.New("invalid web config")

const (
	indexFile = "index.html"
	// assetsDir holds Vite's content-hashed files, which never change under one name.
	assetsDir = "assets/"
)

// notBuilt is the page served while the app has not been built into dist.
const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley: web app not built</title></head>
<body><h1>Web app not built</h1><p>This parley binary has no web app: run <code>make web</code> (or
<code>make build</code>) and start it again, or point <code>PARLEY_WEB_DIR</code> at a built
<code>web/dist</code>. The API under <code>/v1/</code> works without it.</p></body></html>
`

// hostPattern is what a Host header may hold to be copied into the policy.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// handler serves files from files, index.html for every other app path.
type handler struct {
	files       fs.FS
	connectSrc  string
	apiPrefixes []string
	appConfig   []byte // the body of ConfigPath
}

// Handler returns the app's HTTP handler, to be mounted at every path the API does not serve.
func Handler(cfg Config) (http.Handler, error) {
	h := &handler{apiPrefixes: cfg.APIPrefixes}
	if len(h.apiPrefixes) == 0 {
		h.apiPrefixes = []string{"/v1/", "/ipfs/"}
	}
	if cfg.Dir != "" {
		if _, err := os.Stat(cfg.Dir); err != nil {
			return nil, fmt.Errorf("%w: web dir: %w", ErrConfig, err)
		}
		h.files = os.DirFS(cfg.Dir)
	} else {
		sub, err := fs.Sub(dist, "dist")
		if err != nil {
			return nil, fmt.Errorf("embedded web app: %w", err)
		}
		h.files = sub
	}
	var srcs []string
	for _, raw := range cfg.ConnectSrc {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || u.Host == "" || !hostPattern.MatchString(u.Host) {
			return nil, fmt.Errorf("%w: connect source %q is not an absolute URL", ErrConfig, raw)
		}
		srcs = append(srcs, u.Scheme+"://"+u.Host)
	}
	h.connectSrc = strings.Join(srcs, " ")
	if cfg.RPCURL != "" {
		if u, err := url.Parse(cfg.RPCURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: RPC URL %q is not an http(s) URL", ErrConfig, cfg.RPCURL)
		}
	}
	var err error
	if h.appConfig, err = json.Marshal(struct {
		RPCURL string `json:"rpcUrl,omitempty"`
	}{cfg.RPCURL}); err != nil {
		return nil, fmt.Errorf("encode app config: %w", err)
	}
	return h, nil
}

// policy is the Content-Security-Policy for a page served as host: scripts, styles and
// everything else from the app's own origin only, sockets to the same host.
func (h *handler) policy(host string) string {
	connect := "'self'"
	if hostPattern.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	if h.connectSrc != "" {
		connect += " " + h.connectSrc
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; connect-src " + connect + "; worker-src 'self'; object-src 'none'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, p := range h.apiPrefixes {
		if strings.HasPrefix(r.URL.Path, p) || r.URL.Path+"/" == p {
			notFoundProblem(w, r)
			return
		}
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", h.policy(r.Host))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == ConfigPath {
		hdr.Set("Content-Type", "application/json")
		hdr.Set("Cache-Control", "no-cache")
		_, _ = w.Write(h.appConfig)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name != "" && name != indexFile && h.serveFile(w, r, name) {
		return
	}
	if strings.HasPrefix(name, assetsDir) {
		// A missing hashed asset is an old page asking for a file of a previous build: a 404
		// makes it reload instead of running index.html as a script.
		hdr.Set("Cache-Control", "no-cache")
		http.NotFound(w, r)
		return
	}
	hdr.Set("Cache-Control", "no-cache")
	if !h.serveFile(w, r, indexFile) {
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, notBuilt)
	}
}

// serveFile answers with the regular file name and reports whether it exists.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	f, err := h.files.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return false
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return false
	}
	if strings.HasPrefix(name, assetsDir) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, st.ModTime(), rs)
	return true
}

// notFoundProblem answers an unknown API path with the API's RFC 9457 not_found problem.
func notFoundProblem(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusNotFound)
	if r.Method == http.MethodHead {
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "https://parley.chat/problems/not_found", "title": http.StatusText(http.StatusNotFound),
		"status": http.StatusNotFound, "code": "not_found", "detail": "no such resource",
		"instance": r.URL.Path, "requestId": w.Header().Get("X-Request-Id"),
	})
}
