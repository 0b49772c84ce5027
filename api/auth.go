package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// CreateNonce issues a stored single-use nonce that expires at most NonceTTL from now (see
// noncePool).
func (s *Server) CreateNonce(c echo.Context) error {
	n, err := s.nonces.take(c.Request().Context(), s.q, s.now(), s.cfg.NonceTTL)
	return jsonOr(c, http.StatusCreated, n, err)
}

// VerifySiwe checks a signed EIP-4361 message, consumes its nonce and opens a session.
func (s *Server) VerifySiwe(c echo.Context) error {
	var req gen.SiweVerifyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx, now := c.Request().Context(), s.now()
	who, err := s.siwe.verify(ctx, req.Message, req.Signature, now)
	if err != nil {
		return err
	}
	refresh, hash := newRefreshToken()
	sid := uuid.New()
	row, err := s.q.SignIn(ctx, appdb.SignInParams{
		Nonce: who.nonce, Now: ts(now), Address: who.address, SessionID: pgUUID(sid),
		UserAgent: truncate(c.Request().UserAgent(), 200), ExpiresAt: ts(now.Add(s.cfg.RefreshTTL)), RefreshHash: hash,
	})
	switch {
	case err != nil:
		return fmt.Errorf("sign in: %w", err)
	case !row.SignedIn:
		return ErrSiweRejected.with("the nonce is unknown, expired or already used", nil)
	}
	if row.TouchInterests {
		// Search recency only: the session is open either way.
		if err := s.q.TouchInterests(ctx, appdb.TouchInterestsParams{Account: who.address, Now: ts(now)}); err != nil {
			s.log.Warn("touch interests", "account", who.address, "err", err)
		}
	}
	pair, err := s.tokenPair(who.address, sid, refresh, now)
	return jsonOr(c, http.StatusOK, pair, err)
}

// issuePair stores a new refresh token for session sid and signs an access token.
func (s *Server) issuePair(ctx context.Context, q *appdb.Queries, account string, sid uuid.UUID, now time.Time) (gen.TokenPair, error) {
	refresh, hash := newRefreshToken()
	if err := q.InsertRefreshToken(ctx, appdb.InsertRefreshTokenParams{Hash: hash, SessionID: pgUUID(sid), CreatedAt: ts(now)}); err != nil {
		return gen.TokenPair{}, fmt.Errorf("insert refresh token: %w", err)
	}
	return s.tokenPair(account, sid, refresh, now)
}

// tokenPair signs an access token and answers it with the refresh token.
func (s *Server) tokenPair(account string, sid uuid.UUID, refresh string, now time.Time) (gen.TokenPair, error) {
	access, exp, err := s.tokens.issue(account, sid, now)
	if err != nil {
		return gen.TokenPair{}, err
	}
	return gen.TokenPair{
		AccessToken: access, RefreshToken: refresh, TokenType: gen.Bearer,
		ExpiresIn: int(exp.Sub(now) / time.Second), SessionId: sid, Address: account,
	}, nil
}

// RefreshSession rotates a refresh token; presenting a rotated one revokes its whole session.
func (s *Server) RefreshSession(c echo.Context) error {
	var req gen.RefreshRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx, now := c.Request().Context(), s.now()
	hash := hashRefreshToken(req.RefreshToken)
	var pair gen.TokenPair
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		row, err := q.RotateRefreshToken(ctx, appdb.RotateRefreshTokenParams{Hash: hash, Now: ts(now)})
		if err != nil {
			return err
		}
		if err := q.TouchSession(ctx, appdb.TouchSessionParams{ID: row.ID, Now: ts(now)}); err != nil {
			return fmt.Errorf("touch session: %w", err)
		}
		pair, err = s.issuePair(ctx, q, row.Account, row.ID.Bytes, now)
		return err
	})
	if !errors.Is(err, pgx.ErrNoRows) {
		return jsonOr(c, http.StatusOK, pair, err)
	}
	// Not rotatable: unknown, revoked, expired, or a reuse of a rotated token.
	sid, err := s.q.RefreshTokenSession(ctx, hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrRefreshInvalid.with("", nil)
	}
	if err != nil {
		return fmt.Errorf("look up refresh token: %w", err)
	}
	n, err := s.q.RevokeSessionByID(ctx, appdb.RevokeSessionByIDParams{ID: sid, Now: ts(now), Reason: ptrText("refresh_reuse")})
	s.sessions.evict(sid.Bytes)
	if err != nil {
		return fmt.Errorf("revoke reused session: %w", err)
	}
	if n == 0 {
		return ErrRefreshInvalid.with("the session was revoked or has expired", nil)
	}
	s.log.Warn("refresh token reuse; session revoked", "session_id", uuid.UUID(sid.Bytes).String())
	return ErrRefreshReused
}

// Logout revokes the caller's current session.
func (s *Server) Logout(c echo.Context) error {
	sid, _ := c.Get(ctxSession).(uuid.UUID)
	return s.revoke(c, sid, "logout")
}

// ListSessions lists the caller's live sessions.
func (s *Server) ListSessions(c echo.Context) error {
	rows, err := s.q.ListActiveSessions(c.Request().Context(), appdb.ListActiveSessionsParams{Account: account(c), Now: ts(s.now())})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	current, _ := c.Get(ctxSession).(uuid.UUID)
	out := make([]gen.Session, 0, len(rows))
	for _, r := range rows {
		out = append(out, sessionOf(appdb.BindSessionDeviceRow(r), current))
	}
	return c.JSON(http.StatusOK, struct {
		Sessions []gen.Session `json:"sessions"`
	}{out})
}

// sessionOf converts a session row; current is the caller's session.
func sessionOf(r appdb.BindSessionDeviceRow, current uuid.UUID) gen.Session {
	out := gen.Session{
		Id: r.ID.Bytes, UserAgent: r.UserAgent, CreatedAt: r.CreatedAt.Time, LastSeenAt: r.LastSeenAt.Time,
		ExpiresAt: r.ExpiresAt.Time, Current: r.ID.Bytes == current,
	}
	if r.DeviceID.Valid {
		out.DeviceId = &r.DeviceID.Int64
	}
	return out
}

// RevokeSession revokes one of the caller's sessions; someone else's is not found.
func (s *Server) RevokeSession(c echo.Context, sessionID uuid.UUID) error {
	return s.revoke(c, sessionID, "revoked_by_user")
}

func (s *Server) revoke(c echo.Context, sid uuid.UUID, reason string) error {
	n, err := s.q.RevokeSession(c.Request().Context(), appdb.RevokeSessionParams{ID: pgUUID(sid), Account: account(c), Now: ts(s.now()), Reason: ptrText(reason)})
	s.sessions.evict(sid)
	return s.noContentUnlessMissing(c, n, wrap("revoke session", err), "no such session")
}

// inTx runs fn in one transaction, committing when it returns nil.
func (s *Server) inTx(ctx context.Context, fn func(q *appdb.Queries) error) error {
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error { return fn(s.q.WithTx(tx)) })
}

// jsonOr answers v with status unless err is set.
func jsonOr(c echo.Context, status int, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(status, v)
}

var addressRE = regexp.MustCompile(`^0x[0-9a-f]{40}$`)

func isAddress(s string) bool { return addressRE.MatchString(s) }

func ts(t time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: t, Valid: true} }

func pgUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }

func ptrText(s string) pgtype.Text { return pgtype.Text{String: s, Valid: true} }

// truncate makes s valid UTF-8 (invalid bytes become U+FFFD, as Postgres text must be) and
// cuts it to at most n bytes, never inside a character.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
