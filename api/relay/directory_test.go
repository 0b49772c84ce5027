package relay_test

import (
	"errors"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/client/wire"
)

// TestDirectoryCacheFollowsChanges checks that the relay's cache of the checks' directory (the
// members' devices, blocks) never outlives a change: after sends have filled it, a new device
// of the recipient, a revocation of the sender's device and a block take effect (in the order
// in which the relay checks them).
func TestDirectoryCacheFollowsChanges(t *testing.T) {
	f := newFixture(t)
	in := f.start(t, "")
	alice := f.register(t, aliceAddr, 1)
	f.register(t, bobAddr, 7)
	conn, err := client.Dial(t.Context(), in.wsURL(), header(alice))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	sess := session(t, f, alice, bobAddr)
	toBob := []wire.DeviceRef{{Account: bobAddr, Device: 7}}
	send := func() error {
		_, err := conn.Send(t.Context(), bobAddr, toBob, seal(t, sess, "hello"))
		return err
	}
	// rejectedWith polls until a send fails with code; earlier sends may get the answer from
	// before the change while the relay's listener has not yet seen it.
	rejectedWith := func(t *testing.T, code string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := send()
			if errors.Is(err, &client.RelayError{Code: code}) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("send: err = %v, want %s", err, code)
			}
		}
	}
	for range 3 { // fill the cache
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		code   string
	}{
		{"a new device of the recipient", func(t *testing.T) { f.register(t, bobAddr, 8) }, wire.CodeDevicesMismatch},
		{"a revocation of the sender's device", func(t *testing.T) { f.revoke(t, alice) }, wire.CodeRevokedDevice},
		{"a block", func(t *testing.T) {
			_, err := f.pool.Exec(t.Context(), `WITH a AS (INSERT INTO accounts (address, created_at, last_active_at) VALUES ($1, now(), now()))
				INSERT INTO blocks (blocker, blocked, created_at) VALUES ($1, $2, now())`, "0x0000000000000000000000000000000000000b0b", "0x00000000000000000000000000000000000a11ce")
			if err != nil {
				t.Fatal(err)
			}
		}, wire.CodeNotMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			rejectedWith(t, tc.code)
		})
	}
}
