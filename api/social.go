package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// peer normalizes a path address and refuses the caller's own.
func peer(c echo.Context, address string) (string, error) {
	p := strings.ToLower(address)
	if p == account(c) {
		return "", ErrInvalidRequest.with("this is your own address", nil)
	}
	return p, nil
}

// ListContacts answers the caller's contacts.
func (s *Server) ListContacts(c echo.Context) error {
	rows, err := s.q.ListContacts(c.Request().Context(), account(c))
	if err != nil {
		return fmt.Errorf("list contacts: %w", err)
	}
	out := make([]gen.Contact, 0, len(rows))
	for _, r := range rows {
		out = append(out, gen.Contact{Address: r.Peer, Nickname: r.Nickname, Consent: gen.Consent(r.Consent), CreatedAt: r.CreatedAt.Time})
	}
	return c.JSON(http.StatusOK, struct {
		Contacts []gen.Contact `json:"contacts"`
	}{out})
}

// PutContact adds or updates a contact; consent keeps its stored value when omitted.
func (s *Server) PutContact(c echo.Context, address gen.PeerAddress) error {
	p, err := peer(c, address)
	if err != nil {
		return err
	}
	var in gen.ContactInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := oneLineName("nickname", in.Nickname); err != nil {
		return err
	}
	ctx, me := c.Request().Context(), account(c)
	consent := string(gen.Unknown)
	if in.Consent != nil {
		consent = string(*in.Consent)
	} else if stored, err := s.q.GetContactConsent(ctx, appdb.GetContactConsentParams{Owner: me, Peer: p}); err == nil {
		consent = stored
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("get consent: %w", err)
	}
	r, err := s.q.UpsertContact(ctx, appdb.UpsertContactParams{Owner: me, Peer: p, Nickname: in.Nickname, Consent: consent, Now: ts(s.now())})
	if err != nil {
		return fmt.Errorf("upsert contact: %w", err)
	}
	return c.JSON(http.StatusOK, gen.Contact{Address: r.Peer, Nickname: r.Nickname, Consent: gen.Consent(r.Consent), CreatedAt: r.CreatedAt.Time})
}

// DeleteContact removes one of the caller's contacts.
func (s *Server) DeleteContact(c echo.Context, address gen.PeerAddress) error {
	n, err := s.q.DeleteContact(c.Request().Context(), appdb.DeleteContactParams{Owner: account(c), Peer: strings.ToLower(address)})
	return s.noContentUnlessMissing(c, n, wrap("delete contact", err), "no such contact")
}

// ListBlocks answers the addresses the caller blocked.
func (s *Server) ListBlocks(c echo.Context) error {
	blocked, err := s.q.ListBlocks(c.Request().Context(), account(c))
	return jsonOr(c, http.StatusOK, struct {
		Blocked []string `json:"blocked"`
	}{nonNil(blocked)}, wrap("list blocks", err))
}

// BlockPeer blocks an address and sets the caller's consent for it to denied.
func (s *Server) BlockPeer(c echo.Context, address gen.PeerAddress) error {
	p, err := peer(c, address)
	if err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), ts(s.now())
	err = s.inTx(ctx, func(q *appdb.Queries) error {
		if err := q.InsertBlock(ctx, appdb.InsertBlockParams{Blocker: me, Blocked: p, Now: now}); err != nil {
			return fmt.Errorf("insert block: %w", err)
		}
		return wrap("deny consent", q.DenyConsent(ctx, appdb.DenyConsentParams{Owner: me, Peer: p, Now: now}))
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// UnblockPeer lifts a block (consent stays denied until changed).
func (s *Server) UnblockPeer(c echo.Context, address gen.PeerAddress) error {
	n, err := s.q.DeleteBlock(c.Request().Context(), appdb.DeleteBlockParams{Blocker: account(c), Blocked: strings.ToLower(address)})
	return s.noContentUnlessMissing(c, n, wrap("delete block", err), "no such block")
}

// noContentUnlessMissing answers 204 when a row was affected and 404 when none was.
func (s *Server) noContentUnlessMissing(c echo.Context, rows int64, err error, missing string) error {
	switch {
	case err != nil:
		return err
	case rows == 0:
		return ErrNotFound.with(missing, nil)
	}
	return c.NoContent(http.StatusNoContent)
}
