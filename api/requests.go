package api

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// Problems of chat requests.
var (
	ErrNotAllowed = &Problem{Status: http.StatusForbidden, Code: "not_allowed", Detail: "this person does not accept requests from you"}
	ErrCooldown   = &Problem{Status: http.StatusTooManyRequests, Code: "request_cooldown", Detail: "this person declined your last request; try again later"}
	ErrQuota      = &Problem{Status: http.StatusTooManyRequests, Code: "request_quota", Detail: "you sent too many chat requests today"}
)

// resolve turns an address or a username into an existing account, reading through q (the
// transaction's own connection inside one: a second connection could deadlock the pool).
func resolve(ctx context.Context, q *appdb.Queries, handle string) (string, error) {
	h := strings.ToLower(handle)
	if isAddress(h) {
		ok, err := q.AccountExists(ctx, h)
		switch {
		case err != nil:
			return "", fmt.Errorf("account exists: %w", err)
		case !ok:
			return "", ErrNotFound.with("nobody with this address uses Parley", nil)
		}
		return h, nil
	}
	acct, err := q.AccountByUsername(ctx, ptrText(h))
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound.with("no such username", err)
	}
	return acct, wrap("account by username", err)
}

// notify stores a notification for account (delivered by the relay on commit).
func notify(ctx context.Context, q *appdb.Queries, account, kind string, data any, now time.Time) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	return wrap("insert notification", q.InsertNotification(ctx, appdb.InsertNotificationParams{Account: account, Kind: kind, Data: raw, CreatedAt: ts(now)}))
}

func chatRequestOf(r appdb.ChatRequest) gen.ChatRequest {
	out := gen.ChatRequest{
		Id: r.ID.Bytes, From: r.Sender, To: r.Recipient, Note: r.Note,
		Status: gen.ChatRequestStatus(r.Status), CreatedAt: r.CreatedAt.Time,
	}
	if r.DecidedAt.Valid {
		out.DecidedAt = &r.DecidedAt.Time
	}
	return out
}

// CreateChatRequest asks someone to chat: refused when either side blocked the other or the
// recipient denied consent, during the cooldown after a decline, and beyond the daily quota.
func (s *Server) CreateChatRequest(c echo.Context) error {
	var in gen.ChatRequestInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := plainText("note", deref(in.Note), true); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	to, err := resolve(ctx, s.q, in.To)
	if err != nil {
		return err
	}
	if to == me {
		return ErrInvalidRequest.with("you cannot send a chat request to yourself", nil)
	}
	var out appdb.ChatRequest
	err = s.inTx(ctx, func(q *appdb.Queries) error {
		if err := s.mayRequest(ctx, q, me, to, now); err != nil {
			return err
		}
		var err error
		out, err = q.InsertChatRequest(ctx, appdb.InsertChatRequestParams{ID: pgUUID(uuid.New()), Sender: me, Recipient: to, Note: deref(in.Note), CreatedAt: ts(now)})
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
			return ErrConflict.with("you already have a pending request to this person", err)
		}
		if err != nil {
			return fmt.Errorf("insert chat request: %w", err)
		}
		return notify(ctx, q, to, "chat_request", chatRequestOf(out), now)
	})
	return jsonOr(c, http.StatusCreated, chatRequestOf(out), err)
}

// accepts refuses (ErrNotAllowed) when to and from blocked each other either way or to denied
// from consent, and reports whether from is a stranger to to (to has not allowed from).
func accepts(ctx context.Context, q *appdb.Queries, to, from string) (stranger bool, err error) {
	blocked, err := q.BlockedEitherWay(ctx, appdb.BlockedEitherWayParams{A: from, B: to})
	if err != nil {
		return false, fmt.Errorf("blocked either way: %w", err)
	}
	consent, err := q.GetContactConsent(ctx, appdb.GetContactConsentParams{Owner: to, Peer: from})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("consent: %w", err)
	}
	if blocked || consent == string(gen.Denied) {
		return false, ErrNotAllowed
	}
	return consent != string(gen.Allowed), nil
}

// mayRequest applies the anti-spam rules of CreateChatRequest, holding the sender's lock until
// the transaction ends so that concurrent requests cannot all pass the quota.
func (s *Server) mayRequest(ctx context.Context, q *appdb.Queries, from, to string, now time.Time) error {
	if err := q.AdvisoryXactLock(ctx, lockRequests+from); err != nil {
		return fmt.Errorf("lock chat requests: %w", err)
	}
	if _, err := accepts(ctx, q, to, from); err != nil {
		return err
	}
	declined, err := q.LastDeclinedAt(ctx, appdb.LastDeclinedAtParams{Sender: from, Recipient: to})
	if err != nil {
		return fmt.Errorf("last declined: %w", err)
	}
	if declined.Valid && now.Before(declined.Time.Add(s.cfg.DeclineCooldown)) {
		return ErrCooldown
	}
	return s.withinQuota(ctx, q, from, 1, now)
}

// withinQuota refuses (ErrQuota) when n more reaches out to strangers would take from's chat
// requests and group additions of strangers of the last 24 hours beyond RequestsPerDay. The
// caller holds from's lockRequests lock.
func (s *Server) withinQuota(ctx context.Context, q *appdb.Queries, from string, n int, now time.Time) error {
	sent, err := q.CountRecentRequests(ctx, appdb.CountRecentRequestsParams{Sender: from, Since: ts(now.Add(-quotaWindow))})
	if err != nil {
		return fmt.Errorf("count requests: %w", err)
	}
	if sent+int64(n) > int64(s.cfg.RequestsPerDay) {
		return ErrQuota
	}
	return nil
}

// countStrangerAdds charges by's daily chat-request quota with strangers, the accounts about to
// be added to a group whose consent toward by is not allowed (see mayJoin), under by's
// chat-request lock (held until the transaction ends); beyond the quota nobody is added (ErrQuota).
func (s *Server) countStrangerAdds(ctx context.Context, q *appdb.Queries, by string, strangers []string, now time.Time) error {
	if len(strangers) == 0 {
		return nil
	}
	if err := q.AdvisoryXactLock(ctx, lockRequests+by); err != nil {
		return fmt.Errorf("lock chat requests: %w", err)
	}
	switch err := s.withinQuota(ctx, q, by, len(strangers), now); {
	case errors.Is(err, ErrQuota):
		return ErrQuota.with("adding strangers to groups counts with your chat requests: you reached today's quota", nil)
	case err != nil:
		return err
	}
	return wrap("insert stranger adds", q.InsertStrangerAdds(ctx, appdb.InsertStrangerAddsParams{Adder: by, Count: int32(len(strangers)), Now: ts(now)}))
}

// ListChatRequests answers the caller's incoming or outgoing requests.
func (s *Server) ListChatRequests(c echo.Context, params gen.ListChatRequestsParams) error {
	list := s.q.ListIncomingRequests
	if params.Box == gen.Outgoing {
		list = s.q.ListOutgoingRequests
	}
	rows, err := list(c.Request().Context(), account(c))
	if err != nil {
		return fmt.Errorf("list chat requests: %w", err)
	}
	out := make([]gen.ChatRequest, 0, len(rows))
	for _, r := range rows {
		out = append(out, chatRequestOf(r))
	}
	return c.JSON(http.StatusOK, struct {
		Requests []gen.ChatRequest `json:"requests"`
	}{out})
}

// DecideChatRequest accepts or declines a pending request addressed to the caller; accepting
// allows the sender and notifies them.
func (s *Server) DecideChatRequest(c echo.Context, id uuid.UUID, decision gen.DecideChatRequestParamsDecision) error {
	ctx, me, now := c.Request().Context(), account(c), s.now()
	status := map[gen.DecideChatRequestParamsDecision]string{gen.Accept: "accepted", gen.Decline: "declined"}[decision]
	var out appdb.ChatRequest
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		var err error
		out, err = q.DecideChatRequest(ctx, appdb.DecideChatRequestParams{ID: pgUUID(id), Recipient: me, Status: status, Now: ts(now)})
		if errors.Is(err, pgx.ErrNoRows) {
			if _, err := q.ChatRequestFor(ctx, appdb.ChatRequestForParams{ID: pgUUID(id), Recipient: me}); err == nil {
				return ErrConflict.with("this request was already decided", nil)
			}
			return ErrNotFound.with("no such chat request", err)
		}
		if err != nil {
			return fmt.Errorf("decide chat request: %w", err)
		}
		if status != "accepted" {
			return nil
		}
		if err := q.SetConsent(ctx, appdb.SetConsentParams{Owner: me, Peer: out.Sender, Consent: string(gen.Allowed), Now: ts(now)}); err != nil {
			return fmt.Errorf("allow sender: %w", err)
		}
		return notify(ctx, q, out.Sender, "chat_request_accepted", chatRequestOf(out), now)
	})
	return jsonOr(c, http.StatusOK, chatRequestOf(out), err)
}

// ListNotifications pages through the caller's notifications after a position.
func (s *Server) ListNotifications(c echo.Context, params gen.ListNotificationsParams) error {
	rows, err := s.q.ListNotifications(c.Request().Context(), appdb.ListNotificationsParams{
		Account: account(c), ID: deref(params.After), Limit: int32(cmpInt(params.Limit, 50)),
	})
	if err != nil {
		return fmt.Errorf("list notifications: %w", err)
	}
	out := make([]gen.Notification, 0, len(rows))
	for _, r := range rows {
		n := gen.Notification{Id: r.ID, Kind: r.Kind, CreatedAt: r.CreatedAt.Time}
		if err := json.Unmarshal(r.Data, &n.Data); err != nil {
			return fmt.Errorf("decode notification %d: %w", r.ID, err)
		}
		out = append(out, n)
	}
	return c.JSON(http.StatusOK, struct {
		Notifications []gen.Notification `json:"notifications"`
	}{out})
}

// roomIDEncoding spells 128-bit room ids as 26 lowercase base32 letters.
var roomIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func roomOf(r appdb.Room) gen.Room {
	return gen.Room{Id: r.ID, ExpiresAt: r.ExpiresAt.Time, MaxMembers: int(r.MaxMembers)}
}

// CreateRoom creates an anonymous room; no sign-in, limited per IP by the global rate limit.
func (s *Server) CreateRoom(c echo.Context) error {
	var in gen.RoomInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	now := s.now()
	r, err := s.q.InsertRoom(c.Request().Context(), appdb.InsertRoomParams{
		ID: roomIDEncoding.EncodeToString(randomBytes(16)), MaxMembers: int32(cmpInt(in.MaxMembers, 10)),
		CreatedAt: ts(now), ExpiresAt: ts(now.Add(time.Duration(cmpInt(in.TtlSeconds, 86400)) * time.Second)),
	})
	return jsonOr(c, http.StatusCreated, roomOf(r), wrap("insert room", err))
}

// GetRoom answers a live room.
func (s *Server) GetRoom(c echo.Context, id string) error {
	r, err := s.q.GetRoom(c.Request().Context(), appdb.GetRoomParams{ID: id, Now: ts(s.now())})
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound.with("no such room, or it expired", err)
	}
	return jsonOr(c, http.StatusOK, roomOf(r), wrap("get room", err))
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func cmpInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
