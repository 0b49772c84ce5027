package client_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/protocol"
)

// TestRestartedClientRefusesReplays plays a server that pushes an old envelope again to a
// client restarted from its state file: the first message of a sender chain the state no
// longer rebuilds (the sender rotated twice since), once under its own CID and once under a
// CID the server made up. The client recognizes it by the envelope's own CID and shows
// nothing twice.
func TestRestartedClientRefusesReplays(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	bobKey := must(crypto.GenerateKey())
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, bobKey, 1)
	statePath := filepath.Join(t.TempDir(), "alice.key"+client.StateSuffix)
	open := func() *client.StateFile { return must(client.OpenStateFile(statePath, []byte("pw"), cheap)) }
	alice := run(t, s, aliceID, aliceAPI, open())
	for _, text := range []string{"b1", "b2", "b3"} { // each from a new chain: bob restarts
		bob := run(t, s, bobID, bobAPI, nil)
		send(t, bob.c, aliceID.Account, text)
		expect(t, alice.c, text)
		bob.stop()
	}
	s.drained(t)
	alice.stop()
	alice = run(t, s, aliceID, aliceAPI, open())

	var body []byte
	if err := s.pool.QueryRow(t.Context(), `SELECT body FROM relay_envelopes WHERE sender = $1 ORDER BY created_at LIMIT 1`,
		bobID.Account.Bytes()).Scan(&body); err != nil {
		t.Fatal(err)
	}
	forged := protocol.EnvelopeCID([]byte("not the envelope")).Bytes()
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO relay_envelopes (cid, conversation, sender, sender_device, body, created_at)
		SELECT $1, conversation, sender, sender_device, body, now() FROM relay_envelopes WHERE body = $2`, forged, body); err != nil {
		t.Fatal(err)
	}
	for _, id := range [][]byte{protocol.EnvelopeCID(body).Bytes(), forged} {
		if _, err := s.pool.Exec(t.Context(), `WITH d AS (UPDATE relay_devices SET last_seq = last_seq + 1
			WHERE account = $1 AND device_id = 1 RETURNING last_seq)
			INSERT INTO relay_pending (account, device_id, seq, cid, expires_at) SELECT $1, 1, last_seq, $2, now() + interval '1 hour' FROM d`,
			aliceID.Account.Bytes(), id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.pool.Exec(t.Context(), `SELECT pg_notify('parley_relay', 'replayer|' || $1 || ':1')`,
			strings.ToLower(aliceID.Account.Hex()[2:])); err != nil {
			t.Fatal(err)
		}
		s.drained(t) // pushed and acked
	}
	select {
	case r := <-alice.c.Received():
		t.Fatalf("the restarted client showed %q (cid %s) again", r.Message.Plaintext, r.CID)
	case <-time.After(200 * time.Millisecond):
	}
}
