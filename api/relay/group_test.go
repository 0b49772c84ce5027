package relay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
)

// groupSession is a device's protocol session in a group's conversation at epoch, with the
// devices of members.
func groupSession(t *testing.T, f *fixture, id client.Identity, group uuid.UUID, epoch uint64, members ...common.Address) *protocol.Session {
	t.Helper()
	var ms []protocol.Member
	for _, a := range members {
		m, err := f.directory()(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m...)
	}
	s, err := protocol.NewSession(protocol.SessionConfig{ConversationID: wire.GroupConversationID(group), Epoch: epoch,
		Account: id.Account, DeviceID: id.DeviceID, Device: id.Device, Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// setGroup makes the group's members exactly members (accounts created as needed) at epoch, as
// the API's group endpoints leave the tables.
func (f *fixture) setGroup(t *testing.T, group uuid.UUID, epoch uint64, members ...common.Address) {
	t.Helper()
	var lower []string
	for _, m := range members {
		lower = append(lower, strings.ToLower(m.Hex()))
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO accounts (address, created_at, last_active_at) SELECT a, now(), now() FROM unnest($1::text[]) a ON CONFLICT DO NOTHING`, []any{lower}},
		{`INSERT INTO groups (id, name, epoch, max_members, created_at) VALUES ($1, 'g', $2, 256, now())
		  ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch`, []any{group, epoch}},
		{`DELETE FROM group_members WHERE group_id = $1 AND account <> ALL ($2::text[])`, []any{group, lower}},
		{`INSERT INTO group_members (group_id, account, role, joined_at)
		  SELECT $1, a, CASE WHEN o = 1 THEN 'owner' ELSE 'member' END, now() FROM unnest($2::text[]) WITH ORDINALITY AS m(a, o)
		  ON CONFLICT DO NOTHING`, []any{group, lower}},
	} {
		if _, err := f.pool.Exec(t.Context(), q.sql, q.args...); err != nil {
			t.Fatalf("set group: %v", err)
		}
	}
}

// receiveText waits for the next envelope on conn, opens it with s, acks it and returns its text.
func receiveText(t *testing.T, conn *client.Conn, s *protocol.Session) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case fr := <-conn.Incoming():
			if fr.Type != wire.TypeEnvelope {
				continue
			}
			msg, err := s.Open(fr.Envelope)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if err := conn.Ack(fr.Seq); err != nil {
				t.Fatal(err)
			}
			return string(msg.Plaintext)
		case <-timeout:
			t.Fatal("no envelope within 10s")
		}
	}
}

// TestGroupConversation checks group sends: every member's devices get the envelope, a
// non-member is refused, and after a membership change (a new epoch) a chain of the old epoch
// is refused as stale, the removed member's device is no longer a recipient, and the removed
// member can no longer post.
func TestGroupConversation(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	alice, bob, carol, dave := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 1), f.register(t, carolAddr, 1), f.register(t, daveAddr, 1)
	group := uuid.New()
	f.setGroup(t, group, 1, aliceAddr, bobAddr, carolAddr)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conns := map[common.Address]*client.Conn{}
	for _, id := range []client.Identity{alice, bob, carol, dave} {
		c, err := client.Dial(ctx, in.wsURL(), header(id))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns[id.Account] = c
	}
	refs := func(ids ...client.Identity) []wire.DeviceRef {
		var out []wire.DeviceRef
		for _, id := range ids {
			out = append(out, wire.DeviceRef{Account: id.Account, Device: id.DeviceID})
		}
		return out
	}

	sAlice := groupSession(t, f, alice, group, 1, aliceAddr, bobAddr, carolAddr)
	sBob := groupSession(t, f, bob, group, 1, aliceAddr, bobAddr, carolAddr)
	sCarol := groupSession(t, f, carol, group, 1, aliceAddr, bobAddr, carolAddr)
	if _, err := conns[aliceAddr].SendGroup(ctx, group, refs(bob, carol), seal(t, sAlice, "hello group")); err != nil {
		t.Fatalf("alice's group send: %v", err)
	}
	for name, got := range map[string]string{"bob": receiveText(t, conns[bobAddr], sBob), "carol": receiveText(t, conns[carolAddr], sCarol)} {
		if got != "hello group" {
			t.Fatalf("%s got %q", name, got)
		}
	}

	sDave := groupSession(t, f, dave, group, 1, aliceAddr, bobAddr, carolAddr, daveAddr)
	if _, err := conns[daveAddr].SendGroup(ctx, group, refs(alice, bob, carol), seal(t, sDave, "let me in")); !errors.Is(err, client.ErrNotMember) {
		t.Fatalf("a non-member's send: %v, want not_member", err)
	}
	if _, err := conns[aliceAddr].SendGroup(ctx, uuid.New(), refs(bob), seal(t, sAlice, "nowhere")); !errors.Is(err, client.ErrNotMember) {
		t.Fatalf("a send to an unknown group: %v, want not_member", err)
	}

	// Carol leaves: epoch 2. Alice's epoch-1 chain is stale; her new chain must leave carol out.
	f.setGroup(t, group, 2, aliceAddr, bobAddr)
	if _, err := conns[aliceAddr].SendGroup(ctx, group, refs(bob), seal(t, sAlice, "old chain")); !errors.Is(err, client.ErrStaleEpoch) {
		t.Fatalf("a send on the old epoch's chain: %v, want stale_epoch", err)
	}
	sAlice2 := groupSession(t, f, alice, group, 2, aliceAddr, bobAddr)
	var mismatch *client.RelayError
	if _, err := conns[aliceAddr].SendGroup(ctx, group, refs(bob, carol), seal(t, sAlice2, "still to carol")); !errors.As(err, &mismatch) ||
		mismatch.Code != wire.CodeDevicesMismatch || len(mismatch.Stale) != 1 || mismatch.Stale[0].Account != carolAddr {
		t.Fatalf("a send still addressed to the removed member: %v, want devices_mismatch naming carol's device stale", err)
	}
	// A new chain (the refused one's first envelope, which carried the key wraps, was never stored).
	sAlice2 = groupSession(t, f, alice, group, 2, aliceAddr, bobAddr)
	sBob2 := groupSession(t, f, bob, group, 2, aliceAddr, bobAddr)
	if _, err := conns[aliceAddr].SendGroup(ctx, group, refs(bob), seal(t, sAlice2, "after carol left")); err != nil {
		t.Fatalf("alice's send at epoch 2: %v", err)
	}
	if got := receiveText(t, conns[bobAddr], sBob2); got != "after carol left" {
		t.Fatalf("bob got %q", got)
	}
	sCarol2 := groupSession(t, f, carol, group, 2, aliceAddr, bobAddr, carolAddr)
	if _, err := conns[carolAddr].SendGroup(ctx, group, refs(alice, bob), seal(t, sCarol2, "i'm back")); !errors.Is(err, client.ErrNotMember) {
		t.Fatalf("the removed member's send: %v, want not_member", err)
	}
}
