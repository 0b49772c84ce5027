package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/api/gen"
)

func TestChatRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = 3 })
	alice, bob, carol := e.login(), e.login(), e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: bob.tokens.AccessToken, body: gen.ProfileInput{Username: ptr("bob"), DisplayName: "Bob"}})

	var req gen.ChatRequest
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: alice.tokens.AccessToken, body: gen.ChatRequestInput{To: "BOB", Note: ptr("hi bob")}}).decode(t, &req)
	if req.From != alice.address || req.To != bob.address || req.Status != gen.ChatRequestStatusPending {
		t.Fatalf("request %+v", req)
	}
	e.must(http.StatusConflict, request{method: http.MethodPost, path: "/v1/chat-requests", token: alice.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}})

	// Bob is notified; alice sees it as outgoing, carol sees nothing and cannot decide it.
	var notes struct{ Notifications []gen.Notification }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/notifications", token: bob.tokens.AccessToken}).decode(t, &notes)
	if len(notes.Notifications) != 1 || notes.Notifications[0].Kind != "chat_request" || notes.Notifications[0].Data["from"] != alice.address {
		t.Fatalf("bob's notifications %+v", notes)
	}
	after := notes.Notifications[0].Id
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/notifications?after=" + itoa(after), token: bob.tokens.AccessToken}).decode(t, &notes)
	if len(notes.Notifications) != 0 {
		t.Fatalf("after %d: %+v", after, notes)
	}
	var list struct{ Requests []gen.ChatRequest }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/chat-requests?box=outgoing", token: alice.tokens.AccessToken}).decode(t, &list)
	if len(list.Requests) != 1 {
		t.Fatalf("outgoing %+v", list)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/chat-requests?box=incoming", token: carol.tokens.AccessToken}).decode(t, &list)
	if len(list.Requests) != 0 {
		t.Fatalf("carol sees %+v", list)
	}
	decide := func(id, decision string) string { return "/v1/chat-requests/" + id + "/" + decision }
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: decide(req.Id.String(), "accept"), token: carol.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: decide(req.Id.String(), "accept"), token: alice.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: decide(req.Id.String(), "maybe"), token: bob.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: decide("nope", "accept"), token: bob.tokens.AccessToken})

	e.must(http.StatusOK, request{method: http.MethodPost, path: decide(req.Id.String(), "accept"), token: bob.tokens.AccessToken}).decode(t, &req)
	if req.Status != gen.ChatRequestStatusAccepted || req.DecidedAt == nil {
		t.Fatalf("accepted %+v", req)
	}
	e.must(http.StatusConflict, request{method: http.MethodPost, path: decide(req.Id.String(), "decline"), token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/notifications", token: alice.tokens.AccessToken}).decode(t, &notes)
	if len(notes.Notifications) != 1 || notes.Notifications[0].Kind != "chat_request_accepted" {
		t.Fatalf("alice's notifications %+v", notes)
	}
	var contacts struct{ Contacts []gen.Contact }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: bob.tokens.AccessToken}).decode(t, &contacts)
	if len(contacts.Contacts) != 1 || contacts.Contacts[0].Address != alice.address || contacts.Contacts[0].Consent != gen.Allowed {
		t.Fatalf("bob's contacts after accepting %+v", contacts)
	}

	// Carol is declined, then must wait out the cooldown.
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: carol.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}}).decode(t, &req)
	e.must(http.StatusOK, request{method: http.MethodPost, path: decide(req.Id.String(), "decline"), token: bob.tokens.AccessToken})
	if p := e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: "/v1/chat-requests", token: carol.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}}).problem(t); p.Code != "request_cooldown" {
		t.Fatalf("problem %+v", p)
	}
	e.clock.advance(8 * 24 * time.Hour)
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: carol.tokens.RefreshToken}}).decode(t, &carol.tokens)
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: carol.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}})
}

func TestChatRequestRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = 2 })
	alice, bob, carol, dave := e.login(), e.login(), e.login(), e.login()
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + alice.address, token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + alice.address, token: carol.tokens.AccessToken, body: gen.ContactInput{Nickname: "", Consent: ptr(gen.Denied)}})
	tests := []struct {
		name   string
		from   user
		to     string
		status int
		code   string
	}{
		{name: "blocked by recipient", from: alice, to: bob.address, status: http.StatusForbidden, code: "not_allowed"},
		{name: "recipient blocked by sender", from: bob, to: alice.address, status: http.StatusForbidden, code: "not_allowed"},
		{name: "consent denied", from: alice, to: carol.address, status: http.StatusForbidden, code: "not_allowed"},
		{name: "self", from: alice, to: alice.address, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "unknown address", from: alice, to: "0x000000000000000000000000000000000000beef", status: http.StatusNotFound, code: "not_found"},
		{name: "unknown username", from: alice, to: "nobody_here", status: http.StatusNotFound, code: "not_found"},
		{name: "first within quota", from: dave, to: alice.address, status: http.StatusCreated},
		{name: "second within quota", from: dave, to: carol.address, status: http.StatusCreated},
		{name: "over quota", from: dave, to: bob.address, status: http.StatusTooManyRequests, code: "request_quota"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.must(tt.status, request{method: http.MethodPost, path: "/v1/chat-requests", token: tt.from.tokens.AccessToken, body: gen.ChatRequestInput{To: tt.to}})
			if tt.code != "" {
				if p := resp.problem(t); p.Code != tt.code {
					t.Fatalf("code %q, want %q", p.Code, tt.code)
				}
			}
		})
	}
	for name, body := range map[string]string{
		"note too long": `{"to":"` + bob.address + `","note":"` + strings.Repeat("n", 281) + `"}`,
		"missing to":    `{}`,
		"extra field":   `{"to":"` + bob.address + `","from":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/chat-requests", token: dave.tokens.AccessToken, body: body}).problem(t)
		})
	}
	e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/chat-requests", token: dave.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/notifications?limit=1000", token: dave.tokens.AccessToken})
}

func TestRooms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var room gen.Room
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/rooms", body: gen.RoomInput{TtlSeconds: ptr(120), MaxMembers: ptr(5)}}).decode(t, &room)
	if len(room.Id) != 26 || room.MaxMembers != 5 || !room.ExpiresAt.Equal(e.clock.now().Add(2*time.Minute)) {
		t.Fatalf("room %+v", room)
	}
	var defaults gen.Room
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/rooms", body: `{}`}).decode(t, &defaults)
	if defaults.MaxMembers != 10 || defaults.Id == room.Id {
		t.Fatalf("default room %+v", defaults)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/rooms/" + room.Id})
	e.clock.advance(121 * time.Second)
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: "/v1/rooms/" + room.Id}).problem(t)
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/rooms/" + defaults.Id})
	e.srv.purge(t.Context())
	var n int
	if err := e.srv.db.QueryRow(t.Context(), "SELECT count(*) FROM rooms").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rooms after purge: %d, %v", n, err)
	}
	for name, body := range map[string]any{
		"ttl too short": gen.RoomInput{TtlSeconds: ptr(10)}, "ttl too long": gen.RoomInput{TtlSeconds: ptr(700000)},
		"cap too small": gen.RoomInput{MaxMembers: ptr(1)}, "cap too big": gen.RoomInput{MaxMembers: ptr(51)},
		"oversize": `{"x":"` + strings.Repeat("a", 70_000) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			resp := e.do(request{method: http.MethodPost, path: "/v1/rooms", body: body})
			if resp.status != http.StatusBadRequest && resp.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			resp.problem(t)
		})
	}
	e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/rooms/NOT-A-ROOM"})
}

// TestChatRequestQuotaConcurrent: the daily quota holds for requests sent at once.
func TestChatRequestQuotaConcurrent(t *testing.T) {
	t.Parallel()
	const quota, sent = 3, 12
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = quota })
	spammer := e.login()
	next := make(chan user, sent)
	for range sent {
		next <- e.login()
	}
	statuses := concurrently(sent, func() int {
		return e.do(request{method: http.MethodPost, path: "/v1/chat-requests", token: spammer.tokens.AccessToken, body: gen.ChatRequestInput{To: (<-next).address}}).status
	})
	if statuses[http.StatusCreated] != quota || statuses[http.StatusTooManyRequests] != sent-quota {
		t.Fatalf("statuses %v, want %d created and the rest over quota", statuses, quota)
	}
}

// TestNotificationsExpire checks that the janitor deletes notifications older than
// NotificationTTL and keeps younger ones.
func TestNotificationsExpire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: alice.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}})
	e.clock.advance(29 * 24 * time.Hour)
	carol := e.login()
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: carol.tokens.AccessToken, body: gen.ChatRequestInput{To: bob.address}})
	e.clock.advance(2 * 24 * time.Hour)
	e.srv.purge(t.Context())
	var from []string
	rows, err := e.srv.db.Query(t.Context(), "SELECT data->>'from' FROM notifications WHERE account = $1", bob.address)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			t.Fatal(err)
		}
		from = append(from, f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(from) != 1 || from[0] != carol.address {
		t.Fatalf("bob's notifications after 31 and 2 days: from %v, want carol's only (%s)", from, carol.address)
	}
}
