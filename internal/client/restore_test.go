package client

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// TestRestoreDirectAtEpochZero checks that a direct conversation saved by a client that
// counted its membership changes as epochs comes back at epoch 0, so it opens the peer's new
// chains (the peer's session, which saw no change, seals them at epoch 0).
func TestRestoreDirectAtEpochZero(t *testing.T) {
	t.Parallel()
	alice := Identity{Account: common.HexToAddress("0xa11ce"), DeviceID: 1}
	bob := Identity{Account: common.HexToAddress("0xb0b"), DeviceID: 7}
	for _, id := range []*Identity{&alice, &bob} {
		var err error
		if id.Device, err = protocol.NewDevice(rand.Reader, protocol.SuiteX25519); err != nil {
			t.Fatal(err)
		}
	}
	members := []protocol.Member{{Account: alice.Account, DeviceID: 1, Keys: alice.Device.Keys()}, {Account: bob.Account, DeviceID: 7, Keys: bob.Device.Keys()}}
	c, err := New(Config{Identity: alice, Directory: func(context.Context, common.Address) ([]protocol.Member, error) { return nil, nil },
		Dial: func(context.Context) (*Conn, error) { return nil, context.Canceled },
		State: &StateFile{loaded: &savedState{Account: alice.Account, DeviceID: 1,
			Conversations: []savedConversation{{Peer: bob.Account, Epoch: 3, Members: members}}}}})
	if err != nil {
		t.Fatal(err)
	}
	peer, err := protocol.NewSession(protocol.SessionConfig{ConversationID: wire.DirectConversationID(bob.Account, alice.Account),
		Account: bob.Account, DeviceID: 7, Device: bob.Device, Members: members})
	if err != nil {
		t.Fatal(err)
	}
	env, _, err := peer.Seal([]byte("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.convs[wire.DirectConversationID(alice.Account, bob.Account)].sess.Open(env); err != nil {
		t.Fatalf("the restored conversation refuses bob's chain: %v", err)
	}
}
