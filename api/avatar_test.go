package api

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/ipfs"
)

func encodeImage(t *testing.T, w, h int, format string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// avatarEnv is a test API whose avatars go to a real IPFS node of its own.
func avatarEnv(t *testing.T) (*testEnv, *ipfs.Node) {
	node, err := ipfs.Open(t.Context(), ipfs.Config{Dir: t.TempDir(), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = node.Close() })
	return newEnv(t, func(_ *Config, d *Deps) { d.Blocks = node }), node
}

func TestAvatar(t *testing.T) {
	t.Parallel()
	e, node := avatarEnv(t)
	u := e.login()
	put := func(ct, body string) request {
		return request{method: http.MethodPut, path: "/v1/me/avatar", token: u.tokens.AccessToken, body: body, header: map[string]string{"Content-Type": ct}}
	}
	var p gen.Profile
	e.must(http.StatusOK, put("image/png", encodeImage(t, 64, 48, "png"))).decode(t, &p)
	if p.AvatarCid == nil {
		t.Fatalf("profile %+v", p)
	}
	id, err := cid.Decode(*p.AvatarCid)
	if err != nil {
		t.Fatal(err)
	}
	// The history TTL (parley api -history-ttl) unpins envelopes, never a profile picture.
	if _, err := node.UnpinOlderThan(t.Context(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pinned, err := node.IsPinned(t.Context(), id); err != nil || !pinned {
		t.Fatalf("avatar %s pinned %v: %v", id, pinned, err)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: u.tokens.AccessToken}).decode(t, &p)
	if p.AvatarCid == nil || *p.AvatarCid != id.String() {
		t.Fatalf("stored profile %+v", p)
	}
	e.must(http.StatusOK, put("image/jpeg", encodeImage(t, 8, 8, "jpeg")))

	tests := []struct {
		name, ct, body string
		status         int
	}{
		{name: "jpeg declared as png", ct: "image/png", body: encodeImage(t, 8, 8, "jpeg"), status: http.StatusBadRequest},
		{name: "not an image", ct: "image/png", body: "hello", status: http.StatusBadRequest},
		{name: "too wide", ct: "image/png", body: encodeImage(t, 2049, 1, "png"), status: http.StatusBadRequest},
		{name: "unsupported type", ct: "text/plain", body: "hello", status: http.StatusBadRequest},
		{name: "over 1 MiB", ct: "image/png", body: strings.Repeat("x", maxAvatarBytes+1), status: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			e.must(tt.status, put(tt.ct, tt.body)).problem(t)
		})
	}
	e.must(http.StatusUnauthorized, request{method: http.MethodPut, path: "/v1/me/avatar", body: encodeImage(t, 8, 8, "png"), header: map[string]string{"Content-Type": "image/png"}}).problem(t)

	off := newEnv(t)
	v := off.login()
	off.must(http.StatusServiceUnavailable, request{method: http.MethodPut, path: "/v1/me/avatar", token: v.tokens.AccessToken,
		body: encodeImage(t, 8, 8, "png"), header: map[string]string{"Content-Type": "image/png"}}).problem(t)
}

// TestAvatarReplacedIsUnpinned: a replaced avatar is unpinned unless another profile shows the
// same image, so changing avatars does not keep every old image on the node forever.
func TestAvatarReplacedIsUnpinned(t *testing.T) {
	t.Parallel()
	e, node := avatarEnv(t)
	alice, bob := e.login(), e.login()
	set := func(u user, img string) cid.Cid {
		var p gen.Profile
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/avatar", token: u.tokens.AccessToken, body: img, header: map[string]string{"Content-Type": "image/png"}}).decode(t, &p)
		id, err := cid.Decode(*p.AvatarCid)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	pinned := func(id cid.Cid) bool {
		ok, err := node.IsPinned(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	first, shared, last := encodeImage(t, 1, 1, "png"), encodeImage(t, 2, 2, "png"), encodeImage(t, 3, 3, "png")
	a := set(alice, first)
	s := set(alice, shared)
	if pinned(a) || !pinned(s) {
		t.Fatalf("after replacing: first pinned %v, second pinned %v", pinned(a), pinned(s))
	}
	if set(alice, shared) != s || !pinned(s) {
		t.Fatal("setting the same avatar again unpinned it")
	}
	set(bob, shared)
	l := set(alice, last)
	if !pinned(s) || !pinned(l) {
		t.Fatalf("bob's avatar pinned %v, alice's new one %v", pinned(s), pinned(l))
	}
}
