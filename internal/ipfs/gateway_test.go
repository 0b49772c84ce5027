package ipfs

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ipfs/go-cid"
	car "github.com/ipld/go-car/v2"
	"github.com/multiformats/go-multihash"
)

const (
	mediaRaw = "application/vnd.ipld.raw"
	mediaCAR = "application/vnd.ipld.car"
)

// verifyRaw checks that body is exactly the block c: a trustless client's check.
func verifyRaw(t *testing.T, c cid.Cid, body []byte) {
	t.Helper()
	got, err := c.Prefix().Sum(body)
	if err != nil || !got.Equals(c) {
		t.Fatalf("raw body hashes to %s (err %v), want %s", got, err, c)
	}
}

// verifyCAR parses body as a CAR whose only root and only block is c, verifying the block.
func verifyCAR(t *testing.T, c cid.Cid, body []byte) {
	t.Helper()
	br, err := car.NewBlockReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse car: %v", err)
	}
	if len(br.Roots) != 1 || !br.Roots[0].Equals(c) {
		t.Fatalf("car roots = %v, want [%s]", br.Roots, c)
	}
	var n int
	for {
		b, err := br.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("car block %d: %v", n, err)
		}
		if !b.Cid().Equals(c) {
			t.Fatalf("car block %d is %s, want %s", n, b.Cid(), c)
		}
		verifyRaw(t, c, b.RawData())
		n++
	}
	if n != 1 {
		t.Fatalf("car has %d blocks, want 1", n)
	}
}

func TestGateway(t *testing.T) {
	t.Parallel()
	n := openNode(t, t.TempDir(), nil)
	data := envelope(42, 1024)
	c := mustPut(t, n, data)
	unknown, err := cid.V1Builder{Codec: cid.Raw, MhType: multihash.SHA2_256}.Sum([]byte("never stored"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.GatewayHandler())
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		name       string
		method     string
		path       string
		accept     string
		wantStatus int
		wantType   string
		verify     func(*testing.T, cid.Cid, []byte)
	}{
		{"raw by accept header", http.MethodGet, "/ipfs/" + c.String(), mediaRaw, http.StatusOK, mediaRaw, verifyRaw},
		{"raw by format query", http.MethodGet, "/ipfs/" + c.String() + "?format=raw", "", http.StatusOK, mediaRaw, verifyRaw},
		{"car by accept header", http.MethodGet, "/ipfs/" + c.String(), mediaCAR, http.StatusOK, mediaCAR, verifyCAR},
		{"car by format query", http.MethodGet, "/ipfs/" + c.String() + "?format=car", "", http.StatusOK, mediaCAR, verifyCAR},
		{"head raw", http.MethodHead, "/ipfs/" + c.String(), mediaRaw, http.StatusOK, mediaRaw, nil},
		{"unknown cid", http.MethodGet, "/ipfs/" + unknown.String(), mediaRaw, http.StatusNotFound, "", nil},
		{"bad cid", http.MethodGet, "/ipfs/not-a-cid", mediaRaw, http.StatusBadRequest, "", nil},
		{"deserialized response refused", http.MethodGet, "/ipfs/" + c.String(), "", http.StatusNotAcceptable, "", nil},
		{"ipns not served", http.MethodGet, "/ipns/example.com", mediaRaw, http.StatusNotFound, "", nil},
		{"other path", http.MethodGet, "/v1/whatever", "", http.StatusNotFound, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tc.wantStatus, body)
			}
			if tc.wantType != "" {
				if got := resp.Header.Get("Content-Type"); !bytes.HasPrefix([]byte(got), []byte(tc.wantType)) {
					t.Fatalf("content type = %q, want %q", got, tc.wantType)
				}
			}
			if tc.verify != nil {
				tc.verify(t, c, body)
			}
		})
	}
}
