package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// ErrMailQuota refuses mail beyond an account's daily quota (Config.MailPerDay).
var ErrMailQuota = &Problem{Status: http.StatusTooManyRequests, Code: "mail_quota", Detail: "too many emails sent for this account today"}

// countMail counts one mail sent for account against its daily quota; q must be in a
// transaction, which holds the account's lock until it ends.
func (s *Server) countMail(ctx context.Context, q *appdb.Queries, account string, now time.Time) error {
	if err := q.AdvisoryXactLock(ctx, lockMail+account); err != nil {
		return fmt.Errorf("lock account mail: %w", err)
	}
	n, err := q.CountMail(ctx, appdb.CountMailParams{Account: account, Now: ts(now), Since: ts(now.Add(-quotaWindow)), Quota: int32(s.cfg.MailPerDay)})
	switch {
	case err != nil:
		return fmt.Errorf("count mail: %w", err)
	case n == 0:
		return ErrMailQuota.with(fmt.Sprintf("at most %d emails per account in 24 hours", s.cfg.MailPerDay), nil)
	}
	return nil
}

// emailOf answers a stored email.
func emailOf(email string, verifiedAt pgtype.Timestamptz) gen.Email {
	out := gen.Email{Email: email, Verified: verifiedAt.Valid}
	if verifiedAt.Valid {
		at := verifiedAt.Time.UTC()
		out.VerifiedAt = &at
	}
	return out
}

// plainAddress accepts a bare address (no display name, no comments) that net/mail parses.
func plainAddress(s string) error {
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return ErrInvalidRequest.with("the email is not a plain address such as name@example.org", err)
	}
	return nil
}

// GetMyEmail answers my email and its verification state.
func (s *Server) GetMyEmail(c echo.Context) error {
	row, err := s.q.GetEmail(c.Request().Context(), account(c))
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound.with("you have no email set", err)
	}
	if err != nil {
		return fmt.Errorf("get email: %w", err)
	}
	return c.JSON(http.StatusOK, emailOf(row.Email, row.VerifiedAt))
}

// SetMyEmail stores my email and mails a signed, expiring verification link unless the address
// is already verified; over the mail quota nothing changes.
func (s *Server) SetMyEmail(c echo.Context) error {
	var in gen.EmailInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := plainAddress(in.Email); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	var out gen.Email
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		row, err := q.SetEmail(ctx, appdb.SetEmailParams{Account: me, Email: in.Email, Now: ts(now)})
		if err != nil {
			return fmt.Errorf("set email: %w", err)
		}
		if out = emailOf(row.Email, row.VerifiedAt); out.Verified {
			return nil
		}
		return s.countMail(ctx, q, me, now)
	})
	if err != nil {
		return err
	}
	if out.Verified {
		return c.JSON(http.StatusAccepted, out)
	}
	token, err := s.tokens.issueEmail(me, in.Email, now, s.cfg.EmailLinkTTL)
	if err != nil {
		return err
	}
	link := s.cfg.PublicURL + "/verify-email?token=" + url.QueryEscape(token)
	body := fmt.Sprintf("Someone (hopefully you) added this address to the Parley account %s.\r\n\r\n"+
		"Open this link to verify it (valid until %s):\r\n%s\r\n\r\nIf it was not you, ignore this message.\r\n",
		me, now.Add(s.cfg.EmailLinkTTL).UTC().Format("2006-01-02 15:04 MST"), link)
	if err := s.mail.send(ctx, in.Email, "Verify your email for Parley", body, now); err != nil {
		return ErrUnavailable.with("the verification email could not be sent; try again later", err)
	}
	return c.JSON(http.StatusAccepted, out)
}

// DeleteMyEmail removes my email.
func (s *Server) DeleteMyEmail(c echo.Context) error {
	n, err := s.q.DeleteEmail(c.Request().Context(), account(c))
	if err != nil {
		return fmt.Errorf("delete email: %w", err)
	}
	if n == 0 {
		return ErrNotFound.with("you have no email set", nil)
	}
	return c.NoContent(http.StatusNoContent)
}

// VerifyEmail marks an email verified by the token of its link, while it is still the
// account's address; an address verified by another account conflicts.
func (s *Server) VerifyEmail(c echo.Context) error {
	var in gen.VerifyEmailJSONBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, now := c.Request().Context(), s.now()
	claims, err := s.tokens.parseEmail(in.Token, now)
	if err != nil {
		return ErrEmailLink.with("", err)
	}
	row, err := s.q.VerifyEmail(ctx, appdb.VerifyEmailParams{Account: claims.Subject, Email: claims.Email, Now: ts(now)})
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
		return ErrConflict.with("this address is already verified by another account", err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrEmailLink.with("", err)
	}
	if err != nil {
		return fmt.Errorf("verify email: %w", err)
	}
	return c.JSON(http.StatusOK, emailOf(row.Email, row.VerifiedAt))
}
