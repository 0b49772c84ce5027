package relay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/store/appdb"
)

// expectClose reads a socket until it closes and fails unless it closed normally with reason.
func expectClose(t *testing.T, ws *websocket.Conn, reason string) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || ce.Text != reason {
			t.Fatalf("socket ended with %v, want close 1000 %q", err, reason)
		}
		return
	}
}

// expectOpen fails unless the socket still answers a frame.
func expectOpen(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	if err := ws.WriteJSON(wire.Frame{Type: wire.TypeAck}); err != nil {
		t.Fatal(err)
	}
	if got := readFrame(t, ws); got.Code != wire.CodeMalformed {
		t.Fatalf("socket answered %+v, want it open", got)
	}
}

// TestRevokedSessionClosesSocket ends a connected device's session the ways the API does, with
// its SQL (logout, a refresh token's reuse revoking the family, the session row deleted): every
// instance closes that session's socket, other sockets stay, and the device connects again
// with a new session.
func TestRevokedSessionClosesSocket(t *testing.T) {
	f := newFixture(t)
	a, b := f.start(t, ""), f.start(t, "")
	alice, bob := f.register(t, aliceAddr, 1), f.register(t, bobAddr, 1)
	bystander := rawDial(t, b.wsURL(), header(bob))
	q := appdb.New(f.pool)
	now := func() pgtype.Timestamptz { return pgtype.Timestamptz{Time: time.Now(), Valid: true} }
	tests := []struct {
		name   string
		revoke func(ctx context.Context, sid pgtype.UUID) error
	}{
		{"logout", func(ctx context.Context, sid pgtype.UUID) error {
			_, err := q.RevokeSession(ctx, appdb.RevokeSessionParams{ID: sid, Account: strings.ToLower(aliceAddr.Hex()), Now: now(),
				Reason: pgtype.Text{String: "logout", Valid: true}})
			return err
		}},
		{"refresh token reuse", func(ctx context.Context, sid pgtype.UUID) error {
			_, err := q.RevokeSessionByID(ctx, appdb.RevokeSessionByIDParams{ID: sid, Now: now(), Reason: pgtype.Text{String: "refresh_reused", Valid: true}})
			return err
		}},
		{"deleted", func(ctx context.Context, sid pgtype.UUID) error {
			_, err := f.pool.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, sid)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sid := uuid.New()
			ws := rawDial(t, a.wsURL(), sessionHeader(alice, sid))
			if err := tc.revoke(t.Context(), pgtype.UUID{Bytes: sid, Valid: true}); err != nil {
				t.Fatal(err)
			}
			expectClose(t, ws, "session revoked")
			expectOpen(t, rawDial(t, b.wsURL(), sessionHeader(alice, uuid.New())))
			expectOpen(t, bystander)
		})
	}
}
