package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/api/gen"
)

// groupEpochs counts each account's group_epoch notifications.
func (e *testEnv) groupEpochs(u user) int {
	e.t.Helper()
	var notes struct{ Notifications []gen.Notification }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/notifications?limit=100", token: u.tokens.AccessToken}).decode(e.t, &notes)
	n := 0
	for _, x := range notes.Notifications {
		if x.Kind == "group_epoch" {
			n++
		}
	}
	return n
}

// groupsOf answers u's groups.
func (e *testEnv) groupsOf(u user) []gen.GroupSummary {
	e.t.Helper()
	var mine struct{ Groups []gen.GroupSummary }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/groups", token: u.tokens.AccessToken}).decode(e.t, &mine)
	return mine.Groups
}

// newGroup creates a group of owner with members and answers it and its path.
func (e *testEnv) newGroup(owner user, members ...user) (gen.Group, string) {
	e.t.Helper()
	in := gen.GroupInput{Name: "g", Members: []string{}}
	for _, m := range members {
		in.Members = append(in.Members, m.address)
	}
	var g gen.Group
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/groups", token: owner.tokens.AccessToken, body: in}).decode(e.t, &g)
	return g, "/v1/groups/" + g.Id.String()
}

func TestGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.MaxGroupSize = 4 })
	owner, admin, member, outsider, fifth := e.login(), e.login(), e.login(), e.login(), e.login()
	var g gen.Group
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/groups", token: owner.tokens.AccessToken,
		body: gen.GroupInput{Name: "climbers", Members: []string{"0x" + strings.ToUpper(admin.address[2:]), member.address, owner.address}}}).decode(t, &g)
	if len(g.Members) != 3 || g.Members[0].Role != gen.RoleOwner || g.Epoch != 1 || g.MaxMembers != 4 {
		t.Fatalf("group %+v", g)
	}
	gp := "/v1/groups/" + g.Id.String()

	// Outsiders see nothing (no IDOR), members see the group.
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp, token: outsider.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp + "/join-requests", token: outsider.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: gp + "/members", token: outsider.tokens.AccessToken, body: gen.MemberInput{Address: outsider.address}})
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: member.tokens.AccessToken})
	if mine := e.groupsOf(member); len(mine) != 1 || mine[0].Role != gen.RoleMember || mine[0].MemberCount != 3 {
		t.Fatalf("member's groups %+v", mine)
	}

	// Roles: only the owner sets them; plain members cannot add.
	e.must(http.StatusForbidden, request{method: http.MethodPut, path: gp + "/members/" + member.address, token: admin.tokens.AccessToken, body: `{"role":"admin"}`})
	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"admin"}`})
	e.must(http.StatusForbidden, request{method: http.MethodPost, path: gp + "/members", token: member.tokens.AccessToken, body: gen.MemberInput{Address: outsider.address}})
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: admin.tokens.AccessToken, body: gen.MemberInput{Address: outsider.address}}).decode(t, &g)
	if g.Epoch != 2 || len(g.Members) != 4 {
		t.Fatalf("after add %+v", g)
	}
	if p := e.must(http.StatusConflict, request{method: http.MethodPost, path: gp + "/members", token: owner.tokens.AccessToken, body: gen.MemberInput{Address: fifth.address}}).problem(t); p.Code != "group_full" {
		t.Fatalf("problem %+v", p)
	}
	if n := e.groupEpochs(member); n != 1 {
		t.Fatalf("member saw %d epoch bumps, want 1", n)
	}

	// Removal rules, then leaving; every change bumps the epoch.
	e.must(http.StatusForbidden, request{method: http.MethodDelete, path: gp + "/members/" + owner.address, token: admin.tokens.AccessToken})
	e.must(http.StatusForbidden, request{method: http.MethodDelete, path: gp + "/members/" + outsider.address, token: member.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + outsider.address, token: admin.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp, token: outsider.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + member.address, token: member.tokens.AccessToken})
	e.must(http.StatusConflict, request{method: http.MethodDelete, path: gp + "/members/" + owner.address, token: owner.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: admin.tokens.AccessToken}).decode(t, &g)
	if g.Epoch != 4 || len(g.Members) != 2 {
		t.Fatalf("after removals %+v", g)
	}

	// Ownership handover, then the last member leaving deletes the group.
	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"owner"}`}).decode(t, &g)
	if g.Members[0].Address != admin.address || g.Members[0].Role != gen.RoleOwner {
		t.Fatalf("after handover %+v", g.Members)
	}
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + owner.address, token: owner.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + admin.address, token: admin.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp, token: admin.tokens.AccessToken})
}

func TestGroupValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.MaxGroupSize = 3 })
	u, v, w, x := e.login(), e.login(), e.login(), e.login()
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + u.address, token: w.tokens.AccessToken})
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{name: "empty name", body: gen.GroupInput{Name: "", Members: []string{}}, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "long name", body: gen.GroupInput{Name: strings.Repeat("n", 65), Members: []string{}}, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "bad member", body: gen.GroupInput{Name: "g", Members: []string{"0x12"}}, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "unknown member", body: gen.GroupInput{Name: "g", Members: []string{"0x000000000000000000000000000000000000beef"}}, status: http.StatusNotFound, code: "not_found"},
		{name: "blocked member", body: gen.GroupInput{Name: "g", Members: []string{w.address}}, status: http.StatusForbidden, code: "not_allowed"},
		{name: "too many", body: gen.GroupInput{Name: "g", Members: []string{v.address, x.address, w.address}}, status: http.StatusConflict, code: "group_full"},
		{name: "oversize", body: `{"name":"` + strings.Repeat("n", 70_000) + `","members":[]}`, status: http.StatusRequestEntityTooLarge, code: "payload_too_large"},
		{name: "alone is fine", body: gen.GroupInput{Name: "solo", Members: []string{}}, status: http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.must(tt.status, request{method: http.MethodPost, path: "/v1/groups", token: u.tokens.AccessToken, body: tt.body})
			if tt.code != "" {
				if p := resp.problem(t); p.Code != tt.code {
					t.Fatalf("code %q, want %q", p.Code, tt.code)
				}
			}
		})
	}
	e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/groups/not-a-uuid", token: u.tokens.AccessToken})
}

func TestInvites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob, carol, dave := e.login(), e.login(), e.login(), e.login()

	// A chat invite: bob redeems it, both become allowed contacts; one use only.
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: alice.tokens.AccessToken, body: `{}`}).decode(t, &inv)
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: alice.tokens.AccessToken})
	var red gen.Redemption
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: bob.tokens.AccessToken}).decode(t, &red)
	if red.Kind != gen.RedemptionKindContact || *red.Contact != alice.address {
		t.Fatalf("redemption %+v", red)
	}
	for _, u := range []user{alice, bob} {
		var list struct{ Contacts []gen.Contact }
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: u.tokens.AccessToken}).decode(t, &list)
		if len(list.Contacts) != 1 || list.Contacts[0].Consent != gen.Allowed {
			t.Fatalf("contacts of %s: %+v", u.address, list)
		}
	}
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: carol.tokens.AccessToken})

	// A group invite: only admins create it; redeeming files a join request that a member approves.
	var g gen.Group
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/groups", token: alice.tokens.AccessToken, body: gen.GroupInput{Name: "g", Members: []string{bob.address}}}).decode(t, &g)
	e.must(http.StatusForbidden, request{method: http.MethodPost, path: "/v1/invites", token: bob.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id}})
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: "/v1/invites", token: carol.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id}})
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: alice.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id, MaxUses: ptr(5)}}).decode(t, &inv)
	e.must(http.StatusConflict, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: carol.tokens.AccessToken}).decode(t, &red)
	if red.Kind != gen.RedemptionKindJoinRequest || red.JoinRequest.Address != carol.address {
		t.Fatalf("redemption %+v", red)
	}
	e.must(http.StatusConflict, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: carol.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: dave.tokens.AccessToken})

	gp := "/v1/groups/" + g.Id.String()
	var reqs struct{ Requests []gen.JoinRequest }
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp + "/join-requests", token: bob.tokens.AccessToken}).decode(t, &reqs)
	if len(reqs.Requests) != 2 {
		t.Fatalf("join requests %+v", reqs)
	}
	ids := map[string]string{}
	for _, r := range reqs.Requests {
		ids[r.Address] = r.Id.String()
	}
	carolReq, daveReq := ids[carol.address], ids[dave.address]
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: gp + "/join-requests/" + carolReq + "/approve", token: dave.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: gp + "/join-requests/" + carolReq + "/maybe", token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/join-requests/" + carolReq + "/approve", token: bob.tokens.AccessToken})
	e.must(http.StatusConflict, request{method: http.MethodPost, path: gp + "/join-requests/" + carolReq + "/decline", token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/join-requests/" + daveReq + "/decline", token: carol.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: carol.tokens.AccessToken}).decode(t, &g)
	if g.Epoch != 2 || len(g.Members) != 3 {
		t.Fatalf("after approval %+v", g)
	}
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp, token: dave.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/invites/short/redeem", token: dave.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/invites", token: dave.tokens.AccessToken, body: `{"maxUses":0}`})
}

// TestGroupAdminsCannotMakeAdmins: promotion is the owner's; an admin adding someone as an
// admin would hand out a role only the owner may grant.
func TestGroupAdminsCannotMakeAdmins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, admin, newcomer := e.login(), e.login(), e.login()
	g, gp := e.newGroup(owner, admin)
	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"admin"}`})

	asAdmin := gen.MemberInput{Address: newcomer.address, Role: ptr(gen.MemberInputRoleAdmin)}
	if p := e.must(http.StatusForbidden, request{method: http.MethodPost, path: gp + "/members", token: admin.tokens.AccessToken, body: asAdmin}).problem(t); p.Code != "not_group_admin" {
		t.Fatalf("problem %+v", p)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp, token: owner.tokens.AccessToken}).decode(t, &g)
	if len(g.Members) != 2 || g.Epoch != 1 {
		t.Fatalf("refused add changed the group: %+v", g)
	}
	// The admin still adds plain members, the owner admins.
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: admin.tokens.AccessToken, body: gen.MemberInput{Address: newcomer.address}})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + newcomer.address, token: owner.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: owner.tokens.AccessToken, body: asAdmin}).decode(t, &g)
	roles := map[string]gen.Role{}
	for _, m := range g.Members {
		roles[m.Address] = m.Role
	}
	if roles[newcomer.address] != gen.RoleAdmin {
		t.Fatalf("owner's add as admin: %+v", g.Members)
	}
}

// TestGroupInviteDiesWithItsCreatorsRole: a group invite is an admin's; once its creator is
// no longer an admin of the group (removed or demoted), the link files no more join requests.
func TestGroupInviteDiesWithItsCreatorsRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, admin, carol, dave := e.login(), e.login(), e.login(), e.login()
	g, gp := e.newGroup(owner, admin)
	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"admin"}`})
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: admin.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id, MaxUses: ptr(10)}}).decode(t, &inv)
	redeem := "/v1/invites/" + inv.Token + "/redeem"
	e.must(http.StatusOK, request{method: http.MethodPost, path: redeem, token: carol.tokens.AccessToken})

	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"member"}`})
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: redeem, token: dave.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"admin"}`})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodPost, path: redeem, token: dave.tokens.AccessToken})

	var reqs struct{ Requests []gen.JoinRequest }
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp + "/join-requests", token: owner.tokens.AccessToken}).decode(t, &reqs)
	if len(reqs.Requests) != 1 || reqs.Requests[0].Address != carol.address {
		t.Fatalf("join requests %+v", reqs)
	}
}

// TestJoinRequestSettledByMembership: a pending join request is settled when its requester
// becomes a member another way, so approving it after the member was removed cannot bring
// them back.
func TestJoinRequestSettledByMembership(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, member, mallory := e.login(), e.login(), e.login()
	g, gp := e.newGroup(owner, member)
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: owner.tokens.AccessToken, body: gen.InviteInput{GroupId: &g.Id}}).decode(t, &inv)
	var red gen.Redemption
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: mallory.tokens.AccessToken}).decode(t, &red)

	e.must(http.StatusOK, request{method: http.MethodPost, path: gp + "/members", token: owner.tokens.AccessToken, body: gen.MemberInput{Address: mallory.address}})
	var reqs struct{ Requests []gen.JoinRequest }
	e.must(http.StatusOK, request{method: http.MethodGet, path: gp + "/join-requests", token: member.tokens.AccessToken}).decode(t, &reqs)
	if len(reqs.Requests) != 0 {
		t.Fatalf("pending after joining: %+v", reqs)
	}
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: gp + "/members/" + mallory.address, token: owner.tokens.AccessToken})
	e.must(http.StatusConflict, request{method: http.MethodPost, path: gp + "/join-requests/" + red.JoinRequest.Id.String() + "/approve", token: member.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: gp, token: mallory.tokens.AccessToken})
}

// TestChatInviteKeepsDeniedConsent: redeeming someone's chat invite cannot turn the consent
// they denied me back to allowed.
func TestChatInviteKeepsDeniedConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, mallory := e.login(), e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + mallory.address, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "no", Consent: ptr(gen.Denied)}})
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: alice.tokens.AccessToken, body: gen.InviteInput{MaxUses: ptr(100)}}).decode(t, &inv)
	if p := e.must(http.StatusForbidden, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: mallory.tokens.AccessToken}).problem(t); p.Code != "not_allowed" {
		t.Fatalf("problem %+v", p)
	}
	var list struct{ Contacts []gen.Contact }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: alice.tokens.AccessToken}).decode(t, &list)
	if len(list.Contacts) != 1 || list.Contacts[0].Consent != gen.Denied {
		t.Fatalf("alice's contacts %+v", list.Contacts)
	}
}

// TestGroupAddRespectsDeniedConsent: someone who denied me (without blocking) is not added to
// my groups, as they would not get my chat requests.
func TestGroupAddRespectsDeniedConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, mallory := e.login(), e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + mallory.address, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "", Consent: ptr(gen.Denied)}})
	if p := e.must(http.StatusForbidden, request{method: http.MethodPost, path: "/v1/groups", token: mallory.tokens.AccessToken, body: gen.GroupInput{Name: "spam", Members: []string{alice.address}}}).problem(t); p.Code != "not_allowed" {
		t.Fatalf("problem %+v", p)
	}
	var g gen.Group
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/groups", token: mallory.tokens.AccessToken, body: gen.GroupInput{Name: "spam", Members: []string{}}}).decode(t, &g)
	e.must(http.StatusForbidden, request{method: http.MethodPost, path: "/v1/groups/" + g.Id.String() + "/members", token: mallory.tokens.AccessToken, body: gen.MemberInput{Address: alice.address}})
	if mine := e.groupsOf(alice); len(mine) != 0 {
		t.Fatalf("alice was added to %+v", mine)
	}
	// Allowing mallory again lets her add alice.
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + mallory.address, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "", Consent: ptr(gen.Unknown)}})
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/groups/" + g.Id.String() + "/members", token: mallory.tokens.AccessToken, body: gen.MemberInput{Address: alice.address}})
}

// TestGroupAddsDoNotExhaustThePool: adding members at once, more requests than the pool has
// connections, completes: an add holds one connection for its transaction and must not wait
// for a second one (that deadlocked the pool).
func TestGroupAddsDoNotExhaustThePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.login()
	_, gp := e.newGroup(owner)
	n := 2 * int(e.srv.db.Config().MaxConns)
	next := make(chan user, n)
	for range n {
		next <- e.login()
	}
	statuses := concurrently(n, func() int {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		body, _ := json.Marshal(gen.MemberInput{Address: (<-next).address})
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, gp+"/members", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+owner.tokens.AccessToken)
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	})
	if statuses[http.StatusOK] != n {
		t.Fatalf("statuses %v, want %d × 200", statuses, n)
	}
}

// TestOwnershipHandoversAtOnce: two handovers to different members at once make one owner;
// the second finds the caller no longer the owner (not a 500 from the one-owner index).
func TestOwnershipHandoversAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, a, b := e.login(), e.login(), e.login()
	for range 5 {
		_, gp := e.newGroup(owner, a, b)
		to := make(chan user, 2)
		to <- a
		to <- b
		statuses := concurrently(2, func() int {
			return e.do(request{method: http.MethodPut, path: gp + "/members/" + (<-to).address, token: owner.tokens.AccessToken, body: `{"role":"owner"}`}).status
		})
		if statuses[http.StatusOK] != 1 || statuses[http.StatusForbidden] != 1 {
			t.Fatalf("statuses %v, want one 200 and one 403", statuses)
		}
	}
}

// TestGroupAddRacesRemoval: an admin adding someone while the owner removes that admin either
// adds first (and the newcomer sees the removal's epoch) or is refused; the admin's role is read
// under the group's lock, never before it.
func TestGroupAddRacesRemoval(t *testing.T) {
	t.Parallel()
	const rounds = 15
	e := newEnv(t, func(c *Config, _ *Deps) { c.RequestsPerDay = 10 * rounds })
	owner := e.login()
	for range rounds {
		admin, newcomer := e.login(), e.login()
		_, gp := e.newGroup(owner, admin)
		e.must(http.StatusOK, request{method: http.MethodPut, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken, body: `{"role":"admin"}`})
		reqs := make(chan request, 2)
		reqs <- request{method: http.MethodPost, path: gp + "/members", token: admin.tokens.AccessToken, body: gen.MemberInput{Address: newcomer.address}}
		reqs <- request{method: http.MethodDelete, path: gp + "/members/" + admin.address, token: owner.tokens.AccessToken}
		statuses := concurrently(2, func() int { return e.do(<-reqs).status })
		switch {
		case statuses[http.StatusNoContent] != 1 || statuses[http.StatusOK]+statuses[http.StatusNotFound] != 1:
			t.Fatalf("statuses %v", statuses)
		case statuses[http.StatusOK] == 1 && e.groupEpochs(newcomer) != 2:
			t.Fatalf("added by an admin already removed: the newcomer saw %d epochs, want the add's and the removal's", e.groupEpochs(newcomer))
		}
	}
}
