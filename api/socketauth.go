package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/parleychat/parley/internal/store/appdb"
)

// SocketPrincipal is who opened a WebSocket: an account, its live session and the device the
// session proved it holds (0 when the session is not bound to a device).
type SocketPrincipal struct {
	// Account is the lowercase 0x address of the signed-in account.
	Account string
	// SessionID is the live session.
	SessionID uuid.UUID
	// DeviceID is the device bound by /v1/auth/device/verify, or 0.
	DeviceID uint32
}

// AuthenticateSocket checks the access token of a WebSocket upgrade request, sent as
// "Authorization: Bearer <token>", against a live session, and returns its account and bound
// device. The relay calls it before upgrading; errors are the API's problem values.
func (s *Server) AuthenticateSocket(r *http.Request) (SocketPrincipal, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return SocketPrincipal{}, ErrUnauthenticated
	}
	claims, err := s.tokens.parse(token, s.now())
	if err != nil {
		return SocketPrincipal{}, ErrUnauthenticated.with("the access token is invalid or expired", err)
	}
	sid, err := uuid.Parse(claims.SessionID)
	if err != nil {
		return SocketPrincipal{}, ErrUnauthenticated.with("the access token is invalid or expired", err)
	}
	device, err := s.q.ActiveSessionDevice(r.Context(), appdb.ActiveSessionDeviceParams{ID: pgUUID(sid), Account: claims.Subject, Now: ts(s.now())})
	if errors.Is(err, pgx.ErrNoRows) {
		return SocketPrincipal{}, ErrUnauthenticated.with("the session was revoked or has expired", nil)
	}
	if err != nil {
		return SocketPrincipal{}, ErrUnavailable.with("", fmt.Errorf("check session: %w", err))
	}
	p := SocketPrincipal{Account: claims.Subject, SessionID: sid}
	if device.Valid {
		p.DeviceID = uint32(device.Int64)
	}
	return p, nil
}
