package api

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// pgUniqueViolation is Postgres's SQLSTATE for a unique constraint violation.
const pgUniqueViolation = "23505"

// profileOf converts a stored profile row (every profile query returns the same columns).
func profileOf(r appdb.GetProfileRow) gen.Profile {
	p := gen.Profile{Address: r.Account, DisplayName: r.DisplayName, Bio: r.Bio, Discoverable: r.Discoverable}
	if r.Username.Valid {
		p.Username = &r.Username.String
	}
	if r.Age.Valid {
		p.Age = ptr(int(r.Age.Int16))
	}
	if r.Gender.Valid {
		p.Gender = &r.Gender.String
	}
	if r.AvatarCid.Valid {
		p.AvatarCid = &r.AvatarCid.String
	}
	return p
}

// GetMyProfile answers the caller's profile; fields are empty until set.
func (s *Server) GetMyProfile(c echo.Context) error {
	row, err := s.q.GetProfile(c.Request().Context(), account(c))
	if errors.Is(err, pgx.ErrNoRows) {
		return c.JSON(http.StatusOK, gen.Profile{Address: account(c), EnsName: s.ensName(c.Request().Context(), account(c))})
	}
	if err != nil {
		return fmt.Errorf("get profile: %w", err)
	}
	p := profileOf(row)
	p.EnsName = s.ensName(c.Request().Context(), p.Address)
	return c.JSON(http.StatusOK, p)
}

// PutMyProfile replaces the caller's profile; a taken username is a conflict.
func (s *Server) PutMyProfile(c echo.Context) error {
	var in gen.ProfileInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := cmp.Or(oneLineName("displayName", in.DisplayName), oneLineName("gender", deref(in.Gender)), plainText("bio", in.Bio, true)); err != nil {
		return err
	}
	arg := appdb.UpsertProfileParams{
		Account: account(c), DisplayName: in.DisplayName, Bio: in.Bio, Discoverable: in.Discoverable, Now: ts(s.now()),
	}
	if in.Username != nil {
		arg.Username = ptrText(*in.Username)
	}
	if in.Age != nil {
		arg.Age = pgtype.Int2{Int16: int16(*in.Age), Valid: true}
	}
	if in.Gender != nil {
		arg.Gender = ptrText(*in.Gender)
	}
	ctx := c.Request().Context()
	var row appdb.UpsertProfileRow
	err := s.changeProfile(ctx, func(q *appdb.Queries) error {
		var err error
		row, err = q.UpsertProfile(ctx, arg)
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
			return ErrConflict.with("this username is taken", err)
		}
		if err != nil {
			return fmt.Errorf("upsert profile: %w", err)
		}
		return wrap("set interests discoverable", q.SetInterestsDiscoverable(ctx, appdb.SetInterestsDiscoverableParams{Account: arg.Account, Discoverable: arg.Discoverable}))
	})
	return jsonOr(c, http.StatusOK, profileOf(appdb.GetProfileRow(row)), err)
}

// changeProfile runs fn, a change to the caller's searchable profile (fields, interests,
// avatar), in a transaction and, once it committed, drops the cached search rankings.
func (s *Server) changeProfile(ctx context.Context, fn func(q *appdb.Queries) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return err
	}
	s.search.invalidate()
	return nil
}

// GetUser answers a profile by address or username, hidden (as if there were none) when either
// side blocked the other.
func (s *Server) GetUser(c echo.Context, handle string) error {
	ctx, handle := c.Request().Context(), strings.ToLower(handle)
	row, err := s.q.FindProfile(ctx, appdb.FindProfileParams{Handle: handle, Viewer: account(c)})
	if errors.Is(err, pgx.ErrNoRows) {
		return s.bareProfile(c, handle)
	}
	if err != nil {
		return fmt.Errorf("find profile: %w", err)
	}
	p := profileOf(appdb.GetProfileRow(row))
	p.EnsName = s.ensName(ctx, p.Address)
	return c.JSON(http.StatusOK, p)
}

// bareProfile answers an address without a profile as the address alone (every address can
// be written to, and a wallet's profile is optional); an unknown username is not found. A
// profile hidden by a block either way answers the same, so a block cannot be told from
// having no profile.
func (s *Server) bareProfile(c echo.Context, handle string) error {
	if !isAddress(handle) {
		return ErrNotFound.with("no such user", nil)
	}
	return c.JSON(http.StatusOK, gen.Profile{Address: handle, EnsName: s.ensName(c.Request().Context(), handle)})
}

// ListInterests answers the curated taxonomy.
func (s *Server) ListInterests(c echo.Context) error {
	rows, err := s.q.ListTaxonomy(c.Request().Context())
	if err != nil {
		return fmt.Errorf("list taxonomy: %w", err)
	}
	out := make([]gen.Interest, 0, len(rows))
	for _, r := range rows {
		out = append(out, gen.Interest{Id: r.ID, Label: r.Label, Category: r.Category})
	}
	return c.JSON(http.StatusOK, struct {
		Interests []gen.Interest `json:"interests"`
	}{out})
}

// GetMyInterests answers the caller's interests.
func (s *Server) GetMyInterests(c echo.Context) error {
	tags, err := s.q.ListInterests(c.Request().Context(), account(c))
	return jsonOr(c, http.StatusOK, gen.Interests{Tags: nonNil(tags)}, wrap("list interests", err))
}

// PutMyInterests replaces the caller's interests, one replacement of an account at a time.
func (s *Server) PutMyInterests(c echo.Context) error {
	var in gen.Interests
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, me := c.Request().Context(), account(c)
	err := s.changeProfile(ctx, func(q *appdb.Queries) error {
		if err := q.AdvisoryXactLock(ctx, lockInterests+me); err != nil {
			return fmt.Errorf("lock interests: %w", err)
		}
		if err := q.DeleteInterests(ctx, me); err != nil {
			return fmt.Errorf("delete interests: %w", err)
		}
		if err := q.EnsureInterestTags(ctx, in.Tags); err != nil {
			return fmt.Errorf("ensure interest tags: %w", err)
		}
		return wrap("insert interests", q.InsertInterests(ctx, appdb.InsertInterestsParams{Account: me, Tags: in.Tags}))
	})
	if err != nil {
		return err
	}
	return s.GetMyInterests(c)
}

// searchCursor is the keyset position after the last hit of a page.
type searchCursor struct {
	Overlap int64     `json:"o"`
	Active  time.Time `json:"t"`
	Account string    `json:"a"`
}

func (sc searchCursor) encode() string {
	b, _ := json.Marshal(sc)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (searchCursor, error) {
	var sc searchCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &sc)
	}
	if err != nil || !isAddress(sc.Account) {
		return sc, ErrInvalidRequest.with("the cursor is malformed", err)
	}
	return sc, nil
}

// SearchPeople pages through discoverable people sharing the given (or my) interests: the
// tag set's ranking with profiles (cached, see searchCache) after the cursor, without me and
// without anyone blocked either way.
func (s *Server) SearchPeople(c echo.Context, params gen.SearchPeopleParams) error {
	ctx, me := c.Request().Context(), account(c)
	after := searchCursor{Overlap: math.MaxInt64}
	if params.Cursor != nil {
		var err error
		if after, err = decodeCursor(*params.Cursor); err != nil {
			return err
		}
	}
	limit := 20
	if params.Limit != nil {
		limit = *params.Limit
	}
	viewer, err := s.q.SearchViewer(ctx, me)
	if err != nil {
		return fmt.Errorf("search viewer: %w", err)
	}
	tags := viewer.Tags
	if params.Tags != nil {
		tags = *params.Tags
	}
	page := gen.SearchPage{Results: []gen.SearchHit{}}
	if len(tags) == 0 {
		return c.JSON(http.StatusOK, page)
	}
	ranked, err := s.search.ranked(ctx, tags, s.now(), func(tags []string) ([]appdb.RankSearchRow, error) {
		// Built for every searcher waiting on it: not cancelled with the first one's request.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return s.q.RankSearch(ctx, appdb.RankSearchParams{Tags: tags, WindowSize: int32(s.cfg.SearchWindow)})
	})
	if err != nil {
		return fmt.Errorf("rank search: %w", err)
	}
	blocked := make(map[string]bool, len(viewer.Blocked))
	for _, a := range viewer.Blocked {
		blocked[a] = true
	}
	var last *appdb.RankSearchRow
	for i := sort.Search(len(ranked), func(i int) bool { return after.follows(ranked[i]) }); i < len(ranked); i++ {
		r := &ranked[i]
		if r.Account == me || blocked[r.Account] {
			continue
		}
		if len(page.Results) == limit {
			page.NextCursor = ptr(searchCursor{Overlap: int64(last.Overlap), Active: last.LastActiveAt.Time, Account: last.Account}.encode())
			break
		}
		last = r
		page.Results = append(page.Results, gen.SearchHit{
			Profile: profileOf(appdb.GetProfileRow{Account: r.Account, Username: r.Username, DisplayName: r.DisplayName, Bio: r.Bio, Age: r.Age, Gender: r.Gender, Discoverable: true, AvatarCid: r.AvatarCid}),
			Overlap: int(r.Overlap), SharedTags: r.SharedTags,
		})
	}
	return c.JSON(http.StatusOK, page)
}

// follows reports whether r ranks after the cursor (the ranking is descending).
func (sc searchCursor) follows(r appdb.RankSearchRow) bool {
	if o := int64(r.Overlap); o != sc.Overlap {
		return o < sc.Overlap
	}
	if t := r.LastActiveAt.Time; !t.Equal(sc.Active) {
		return t.Before(sc.Active)
	}
	return r.Account < sc.Account
}

// wrap adds context to a non-nil error.
func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
