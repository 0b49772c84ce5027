package client_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/internal/protocol"
)

// TestNewPeerDeviceInOpenConversation checks that a direct conversation's membership changes
// seen by one side only do not make it refuse the other side's new chains: bob's new device
// writes to alice, whose session with bob re-reads his devices on the unknown sender (a
// change bob's other device never saw), and then bob's first device starts a new chain after
// a restart. Every message reaches alice.
func TestNewPeerDeviceInOpenConversation(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceKey, bobKey := must(crypto.GenerateKey()), must(crypto.GenerateKey())
	aliceID, aliceAPI := s.device(t, aliceKey, 1)
	bobID, bobAPI := s.device(t, bobKey, 1)
	alice, bob := run(t, s, aliceID, aliceAPI, nil), run(t, s, bobID, bobAPI, nil)
	send(t, bob.c, aliceID.Account, "b1")
	expect(t, alice.c, "b1")

	bob2ID, bob2API := s.device(t, bobKey, 2)
	bob2 := run(t, s, bob2ID, bob2API, nil)
	send(t, bob2.c, aliceID.Account, "from bob's new device")
	expect(t, alice.c, "from bob's new device")

	// Bob's first device restarts (a new sender chain) with a fresh session of the two
	// accounts' current devices, as bob's new device had.
	bob.stop()
	bob = run(t, s, bobID, bobAPI, nil)
	send(t, bob.c, aliceID.Account, "b2")
	expect(t, alice.c, "b2")
	s.drained(t)
}

// TestPendingPeerDevice checks that a device the API lists as pending (a gasless registration
// the indexer has not seen) is not a recipient: only the registry's devices are, which the
// relay checks too, so a send while a peer's new device is pending still goes out.
func TestPendingPeerDevice(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	bobKey := must(crypto.GenerateKey())
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, bobKey, 1)
	pending := must(protocol.NewDevice(rand.Reader, protocol.SuiteX25519)).Keys()
	kak := pending.KeyAgreementKey()
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO relayed_devices (tx_hash, chain_id, account, device_id, suite, signing_key,
		key_agreement_key, deadline, created_at) VALUES ($1, 31337, lower($2), 2, 1, $3, $4, now() + interval '1 hour', now())`,
		bytes.Repeat([]byte{0xaa}, 32), bobID.Account.Hex(), pending.SigningKey[:], kak[:]); err != nil {
		t.Fatal(err)
	}
	alice, bob := run(t, s, aliceID, aliceAPI, nil), run(t, s, bobID, bobAPI, nil)
	send(t, alice.c, bobID.Account, "while bob's new device is pending")
	expect(t, bob.c, "while bob's new device is pending")
}
