package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/api/gen"
)

// TestSiweFromReferenceJS signs in with a message built and signed by viem/siwe in node.
func TestSiweFromReferenceJS(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join("testdata", "siwejs")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "viem")); err != nil {
		cmd := exec.CommandContext(t.Context(), "bash", filepath.Join("..", "scripts", "npm-ci.sh"), dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	e := newEnv(t)
	key := newKey(t)
	now := e.clock.now()
	in, err := json.Marshal(map[string]any{
		"privateKey": hexutil.Encode(crypto.FromECDSA(key)), "domain": "parley.test", "uri": testOrigin + "/login",
		"nonce": e.nonce(), "chainId": 1, "issuedAt": now.Format(time.RFC3339Nano),
		"expirationTime": now.Add(5 * time.Minute).Format(time.RFC3339Nano),
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "sign.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node sign.mjs: %v", err)
	}
	var signed struct{ Address, Message, Signature string }
	if err := json.Unmarshal(out, &signed); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	var pair gen.TokenPair
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/verify",
		body: gen.SiweVerifyRequest{Message: signed.Message, Signature: signed.Signature}}).decode(t, &pair)
	if pair.Address != strings.ToLower(signed.Address) || pair.Address != addressOf(key) {
		t.Fatalf("signed in as %s, js address %s", pair.Address, signed.Address)
	}
}
