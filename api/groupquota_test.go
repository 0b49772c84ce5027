package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/parleychat/parley/api/gen"
)

// allow sets owner's consent toward peer to allowed.
func (e *testEnv) allow(owner, peer user) {
	e.t.Helper()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + peer.address, token: owner.tokens.AccessToken, body: gen.ContactInput{Nickname: "", Consent: ptr(gen.Allowed)}})
}

// TestGroupAddsShareTheRequestQuota: adding strangers to groups (at creation or later) counts
// with chat requests against one daily quota; people who allowed the adder and joins through
// an invite are not counted; over the quota nothing is added or created.
func TestGroupAddsShareTheRequestQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = 3 })
	spammer, x, y, s1, s2, s3, friend, friend2, joiner := e.login(), e.login(), e.login(), e.login(), e.login(), e.login(), e.login(), e.login(), e.login()
	e.allow(friend, spammer)
	e.allow(friend2, spammer)

	// One chat request and two strangers at creation (a friend is free) fill the quota of 3.
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: spammer.tokens.AccessToken, body: gen.ChatRequestInput{To: x.address}})
	g, gp := e.newGroup(spammer, s1, s2, friend)
	if len(g.Members) != 4 {
		t.Fatalf("group %+v", g)
	}
	if p := e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: "/v1/chat-requests", token: spammer.tokens.AccessToken, body: gen.ChatRequestInput{To: y.address}}).problem(t); p.Code != "request_quota" {
		t.Fatalf("chat request over quota: %+v", p)
	}
	if p := e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: gp + "/members", token: spammer.tokens.AccessToken, body: gen.MemberInput{Address: s3.address}}).problem(t); p.Code != "request_quota" {
		t.Fatalf("add over quota: %+v", p)
	}
	// A new group with a friend and a stranger over the quota adds nobody, not even the friend.
	if p := e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: "/v1/groups", token: spammer.tokens.AccessToken, body: gen.GroupInput{Name: "more", Members: []string{friend2.address, s3.address}}}).problem(t); p.Code != "request_quota" {
		t.Fatalf("create over quota: %+v", p)
	}
	for _, u := range []user{s3, friend2} {
		if n := len(e.groupsOf(u)); n != 0 {
			t.Fatalf("%s is in %d groups", u.address, n)
		}
	}
	if n := len(e.groupsOf(spammer)); n != 1 {
		t.Fatalf("the refused group was created: spammer is in %d groups", n)
	}
	// Over the quota, people who allowed the spammer can still be added, and someone can still
	// join through an invite.
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: spammer.tokens.AccessToken, body: gen.MemberInput{Address: friend2.address}})
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: spammer.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id}}).decode(t, &inv)
	var red gen.Redemption
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: joiner.tokens.AccessToken}).decode(t, &red)
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/join-requests/" + red.JoinRequest.Id.String() + "/approve", token: spammer.tokens.AccessToken})

	// A day later the quota is free again, and the janitor dropped the old adds.
	e.clock.advance(24*time.Hour + time.Second)
	e.srv.purge(t.Context())
	spammer, s3 = e.loginWith(spammer.key), e.loginWith(s3.key)
	var left int
	if err := e.srv.db.QueryRow(t.Context(), "SELECT count(*) FROM stranger_adds").Scan(&left); err != nil || left != 0 {
		t.Fatalf("stranger adds left after purge: %d (%v)", left, err)
	}
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: spammer.tokens.AccessToken, body: gen.MemberInput{Address: s3.address}})
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: s3.tokens.AccessToken}).decode(t, &g)
	if len(g.Members) != 7 {
		t.Fatalf("members %+v", g.Members)
	}
}

// TestGroupAddQuotaConcurrent: strangers added at once cannot pass the daily quota together.
func TestGroupAddQuotaConcurrent(t *testing.T) {
	t.Parallel()
	const quota, adds = 3, 12
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = quota })
	owner := e.login()
	_, gp := e.newGroup(owner)
	next := make(chan user, adds)
	for range adds {
		next <- e.login()
	}
	statuses := concurrently(adds, func() int {
		return e.do(request{method: http.MethodPost, path: gp + "/members", token: owner.tokens.AccessToken, body: gen.MemberInput{Address: (<-next).address}}).status
	})
	if statuses[http.StatusOK] != quota || statuses[http.StatusTooManyRequests] != adds-quota {
		t.Fatalf("statuses %v, want %d added and the rest over quota", statuses, quota)
	}
	var g gen.Group
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: owner.tokens.AccessToken}).decode(t, &g)
	if len(g.Members) != 1+quota {
		t.Fatalf("members %+v", g.Members)
	}
}
