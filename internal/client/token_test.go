package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/api"
	"github.com/parleychat/parley/internal/client"
)

// TestExpiredAccessTokens runs clients past their access tokens' lifetime: lookups for a new
// conversation and a reconnect after the socket was replaced still work, on tokens the API
// client rotated with the session's refresh token.
func TestExpiredAccessTokens(t *testing.T) {
	t.Parallel()
	s := newChatServer(t, func(c *api.Config) { c.AccessTTL = 2 * time.Second })
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, must(crypto.GenerateKey()), 1)
	carolID, carolAPI := s.device(t, must(crypto.GenerateKey()), 1)
	alice, carol := run(t, s, aliceID, aliceAPI, nil), run(t, s, carolID, carolAPI, nil)
	time.Sleep(3 * time.Second) // every access token expired

	send(t, alice.c, carolID.Account, "after the tokens expired") // both look the other's devices up
	expect(t, carol.c, "after the tokens expired")
	// Another socket of alice's device replaces the one her client runs: it dials again (and
	// its new socket may replace this one before the hello).
	kick, err := client.Dial(t.Context(), s.wsURL(), must(aliceAPI.FreshHeader(t.Context())))
	switch {
	case err == nil:
		kick.Close()
	case !strings.Contains(err.Error(), "device connected again"):
		t.Fatal(err)
	}
	bob := run(t, s, bobID, bobAPI, nil)
	send(t, bob.c, aliceID.Account, "after the reconnect")
	expect(t, alice.c, "after the reconnect")
}
