package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/api/gen"
)

func TestProfiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	var p gen.Profile
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: alice.tokens.AccessToken}).decode(t, &p)
	if p.Address != alice.address || p.Username != nil || p.Discoverable {
		t.Fatalf("empty profile %+v", p)
	}
	in := gen.ProfileInput{Username: ptr("alice_1"), DisplayName: "Alice", Bio: "hi", Age: ptr(30), Gender: ptr("f"), Discoverable: true}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: alice.tokens.AccessToken, body: in}).decode(t, &p)
	if *p.Username != "alice_1" || *p.Age != 30 || p.DisplayName != "Alice" {
		t.Fatalf("stored profile %+v", p)
	}
	for _, handle := range []string{"alice_1", alice.address, strings.ToUpper(alice.address[2:])} {
		if !strings.HasPrefix(handle, "0x") && !strings.HasPrefix(handle, "alice") {
			handle = "0x" + handle
		}
		var got gen.Profile
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + handle, token: bob.tokens.AccessToken}).decode(t, &got)
		if got.Address != alice.address {
			t.Fatalf("lookup %s: %+v", handle, got)
		}
	}
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: "/v1/users/nobody", token: bob.tokens.AccessToken})
	// An address without a profile is the address alone.
	const bare = "0x000000000000000000000000000000000000beef"
	var got gen.Profile
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + bare, token: bob.tokens.AccessToken}).decode(t, &got)
	if got.Address != bare || got.DisplayName != "" || got.Username != nil {
		t.Fatalf("bare address profile %+v", got)
	}

	// Bob cannot take alice's username; the lookup of a blocked person is hidden both ways.
	taken := gen.ProfileInput{Username: ptr("alice_1"), DisplayName: "Bob"}
	if p := e.must(http.StatusConflict, request{method: http.MethodPut, path: "/v1/me/profile", token: bob.tokens.AccessToken, body: taken}).problem(t); p.Code != "conflict" {
		t.Fatalf("problem %+v", p)
	}
	// Hidden means looking like an address without a profile (or an unknown username): a 404
	// for an address would tell bob he is blocked, since every other address answers.
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodGet, path: "/v1/users/alice_1", token: bob.tokens.AccessToken})
	for _, pair := range [][2]user{{bob, alice}, {alice, bob}} {
		var hidden gen.Profile
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + pair[1].address, token: pair[0].tokens.AccessToken}).decode(t, &hidden)
		if hidden != (gen.Profile{Address: pair[1].address}) {
			t.Fatalf("blocked profile shown: %+v", hidden)
		}
	}
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + bare, token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + bare, token: bob.tokens.AccessToken}).decode(t, &got)
	if got != (gen.Profile{Address: bare}) {
		t.Fatalf("blocked bare address %+v", got)
	}
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/alice_1", token: bob.tokens.AccessToken})

	// Bob's writes only ever touch bob's profile (no IDOR: there is no address to aim at).
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: bob.tokens.AccessToken, body: gen.ProfileInput{DisplayName: "Bob"}})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: alice.tokens.AccessToken}).decode(t, &p)
	if p.DisplayName != "Alice" {
		t.Fatalf("alice's profile changed: %+v", p)
	}
}

func TestProfileValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{name: "username uppercase", body: `{"username":"Alice","displayName":"","bio":"","discoverable":false}`, status: http.StatusBadRequest},
		{name: "username too short", body: `{"username":"ab","displayName":"","bio":"","discoverable":false}`, status: http.StatusBadRequest},
		{name: "username starts with digit", body: `{"username":"1abc","displayName":"","bio":"","discoverable":false}`, status: http.StatusBadRequest},
		{name: "username too long", body: `{"username":"` + strings.Repeat("a", 31) + `","displayName":"","bio":"","discoverable":false}`, status: http.StatusBadRequest},
		{name: "bio too long", body: `{"displayName":"","bio":"` + strings.Repeat("b", 501) + `","discoverable":false}`, status: http.StatusBadRequest},
		{name: "age under 13", body: `{"displayName":"","bio":"","age":12,"discoverable":false}`, status: http.StatusBadRequest},
		{name: "missing discoverable", body: `{"displayName":"","bio":""}`, status: http.StatusBadRequest},
		{name: "unknown field", body: `{"displayName":"","bio":"","discoverable":false,"address":"0x00"}`, status: http.StatusBadRequest},
		{name: "wrong type", body: `{"displayName":1,"bio":"","discoverable":false}`, status: http.StatusBadRequest},
		{name: "not json", body: `nope`, status: http.StatusBadRequest},
		{name: "oversize", body: `{"displayName":"","bio":"` + strings.Repeat("b", 70_000) + `","discoverable":false}`, status: http.StatusRequestEntityTooLarge},
		{name: "valid", body: `{"username":"abc_9","displayName":"","bio":"","discoverable":false}`, status: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.do(request{method: http.MethodPut, path: "/v1/me/profile", token: u.tokens.AccessToken, body: tt.body})
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
			if tt.status >= 400 {
				resp.problem(t)
			}
		})
	}
}

func TestInterests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	var tax struct{ Interests []gen.Interest }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/interests"}).decode(t, &tax)
	if len(tax.Interests) < 20 || tax.Interests[0].Id != "sports" {
		t.Fatalf("taxonomy %+v", tax.Interests)
	}
	var got gen.Interests
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: []string{"music", "tech", "solarpunk"}}}).decode(t, &got)
	if !slices.Equal(got.Tags, []string{"music", "solarpunk", "tech"}) {
		t.Fatalf("tags %v", got.Tags)
	}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: []string{"books"}}}).decode(t, &got)
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/interests", token: u.tokens.AccessToken}).decode(t, &got)
	if !slices.Equal(got.Tags, []string{"books"}) {
		t.Fatalf("replaced tags %v", got.Tags)
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("tag-%d", i)
	}
	for name, body := range map[string]any{
		"too many":   gen.Interests{Tags: many},
		"duplicates": gen.Interests{Tags: []string{"music", "music"}},
		"bad tag":    gen.Interests{Tags: []string{"Music!"}},
		"no tags":    `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			e.must(http.StatusBadRequest, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: body}).problem(t)
		})
	}
}

func TestSearchPeople(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	me := e.login()
	put := func(u user, discoverable bool, tags ...string) {
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: u.tokens.AccessToken, body: gen.ProfileInput{DisplayName: u.address[:8], Discoverable: discoverable}})
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: tags}})
	}
	put(me, true, "music", "tech", "hiking")
	// Later logins are more recently active, so among equal overlap the later one ranks first.
	three := e.login()
	put(three, true, "music", "tech", "hiking")
	e.clock.advance(time.Second)
	twoOld := e.login()
	put(twoOld, true, "music", "tech")
	e.clock.advance(time.Second)
	twoNew := e.login()
	put(twoNew, true, "tech", "hiking", "books")
	e.clock.advance(time.Second)
	one := e.login()
	put(one, true, "music")
	hidden := e.login()
	put(hidden, false, "music", "tech", "hiking")
	blocker := e.login()
	put(blocker, true, "music", "tech", "hiking")
	blocked := e.login()
	put(blocked, true, "music", "tech", "hiking")
	unrelated := e.login()
	put(unrelated, true, "pets")
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + me.address, token: blocker.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + blocked.address, token: me.tokens.AccessToken})

	var got []string
	var overlaps []int
	cursor := ""
	for pages := 0; ; pages++ {
		path := "/v1/search/people?limit=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page gen.SearchPage
		e.must(http.StatusOK, request{method: http.MethodGet, path: path, token: me.tokens.AccessToken}).decode(t, &page)
		for _, h := range page.Results {
			got = append(got, h.Profile.Address)
			overlaps = append(overlaps, h.Overlap)
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		cursor = *page.NextCursor
	}
	want := []string{three.address, twoNew.address, twoOld.address, one.address}
	if !slices.Equal(got, want) || !slices.Equal(overlaps, []int{3, 2, 2, 1}) {
		t.Fatalf("results %v overlaps %v, want %v", got, overlaps, want)
	}

	var page gen.SearchPage
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people?tags=pets,books", token: me.tokens.AccessToken}).decode(t, &page)
	// Equal overlap: the more recently active (unrelated signed in last) ranks first.
	if len(page.Results) != 2 || page.Results[0].Profile.Address != unrelated.address || page.Results[1].Profile.Address != twoNew.address ||
		!slices.Equal(page.Results[1].SharedTags, []string{"books"}) {
		t.Fatalf("explicit tags: %+v", page.Results)
	}
	for name, q := range map[string]string{
		"bad cursor": "cursor=%21%21", "limit zero": "limit=0", "limit too big": "limit=101", "bad tag": "tags=NO!",
		"too many tags": "tags=a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11",
	} {
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/search/people?" + q, token: me.tokens.AccessToken}).problem(t)
		})
	}
}

// discoverable signs in n discoverable people with tags, gap apart on the clock (so each is
// more recently active than the one before).
func (e *testEnv) discoverable(n int, gap time.Duration, tags ...string) []user {
	e.t.Helper()
	var people []user
	for range n {
		e.clock.advance(gap)
		u := e.login()
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: u.tokens.AccessToken, body: gen.ProfileInput{Discoverable: true}})
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: tags}})
		people = append(people, u)
	}
	return people
}

// TestSignInRefreshesSearchRecencyHourly checks that signing in again moves a person up among
// equal overlaps once their last activity is over an hour old, and not before.
func TestSignInRefreshesSearchRecencyHourly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	people := e.discoverable(2, time.Second, "music")
	me := e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: me.tokens.AccessToken, body: gen.Interests{Tags: []string{"music"}}})
	first := func() string { // signs in again: access tokens expire while the clock moves on
		t.Helper()
		var page gen.SearchPage
		token := e.loginWith(me.key).tokens.AccessToken
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people", token: token}).decode(t, &page)
		if len(page.Results) != 2 {
			t.Fatalf("results %+v", page.Results)
		}
		return page.Results[0].Profile.Address
	}
	if got := first(); got != people[1].address {
		t.Fatalf("first %s, want the later sign-in %s", got, people[1].address)
	}
	e.clock.advance(30 * time.Minute)
	e.loginWith(people[0].key)
	if got := first(); got != people[1].address {
		t.Fatalf("after a sign-in within the hour: first %s, want %s", got, people[1].address)
	}
	e.clock.advance(31 * time.Minute)
	e.loginWith(people[0].key)
	if got := first(); got != people[0].address {
		t.Fatalf("after a sign-in over an hour later: first %s, want %s", got, people[0].address)
	}
}

func TestSearchWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.SearchWindow = 2 })
	people := e.discoverable(4, time.Hour, "music")
	me := e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: me.tokens.AccessToken, body: gen.Interests{Tags: []string{"music"}}})
	// Only the two most recently active are candidates; a hidden profile leaves the window.
	var page gen.SearchPage
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people", token: me.tokens.AccessToken}).decode(t, &page)
	if len(page.Results) != 2 || page.Results[0].Profile.Address != people[3].address || page.Results[1].Profile.Address != people[2].address {
		t.Fatalf("window results %+v", page.Results)
	}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: people[3].tokens.AccessToken, body: gen.ProfileInput{Discoverable: false}})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people", token: me.tokens.AccessToken}).decode(t, &page)
	if len(page.Results) != 2 || page.Results[0].Profile.Address != people[2].address || page.Results[1].Profile.Address != people[1].address {
		t.Fatalf("after hiding %+v", page.Results)
	}
}

// TestSearchTagsFollowInterests checks that ranking follows each person's current interests
// (search reads the tag set stored with every interest row) and that a candidate found
// through one tag's window only still gets its exact overlap.
func TestSearchTagsFollowInterests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config, _ *Deps) { c.SearchWindow = 1 })
	me := e.login()
	put := func(u user, tags ...string) {
		e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: tags}})
	}
	other := e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: other.tokens.AccessToken, body: gen.ProfileInput{Discoverable: true}})
	put(other, "tech", "music")
	e.clock.advance(time.Second)
	newer := e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: newer.tokens.AccessToken, body: gen.ProfileInput{Discoverable: true}})
	put(newer, "tech")
	type hit struct {
		address string
		overlap int
		shared  string
	}
	search := func() []hit {
		var page gen.SearchPage
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people?tags=tech,music", token: me.tokens.AccessToken}).decode(t, &page)
		var out []hit
		for _, h := range page.Results {
			out = append(out, hit{h.Profile.Address, h.Overlap, strings.Join(h.SharedTags, ",")})
		}
		return out
	}
	tests := []struct {
		name        string
		otherGetsTo []string
		want        []hit
	}{
		// With a window of 1, "tech" finds only newer and "music" only other, whose overlap is still 2.
		{"both tags", nil, []hit{{other.address, 2, "music,tech"}, {newer.address, 1, "tech"}}},
		{"other drops tech", []string{"music"}, []hit{{newer.address, 1, "tech"}, {other.address, 1, "music"}}},
		{"other drops both", []string{"pets"}, []hit{{newer.address, 1, "tech"}}},
		{"other adds them back", []string{"tech", "pets", "music"}, []hit{{other.address, 2, "music,tech"}, {newer.address, 1, "tech"}}},
	}
	for _, tt := range tests {
		if tt.otherGetsTo != nil {
			put(other, tt.otherGetsTo...)
		}
		if got := search(); !slices.Equal(got, tt.want) {
			t.Fatalf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestSearchRankingCached checks what the search cache keeps and what it does not: changes made
// elsewhere (as through another instance: a sign-in's recency, a hidden profile) show only
// after SearchCacheTTL, while blocks and avatars set here take effect at once.
func TestSearchRankingCached(t *testing.T) {
	t.Parallel()
	e, _ := avatarEnv(t)
	people := e.discoverable(3, time.Second, "music")
	me := people[2]
	var page gen.SearchPage
	search := func() []string {
		t.Helper()
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/search/people", token: me.tokens.AccessToken}).decode(t, &page)
		var got []string
		for _, h := range page.Results {
			got = append(got, h.Profile.Address)
		}
		return got
	}
	if got, want := search(), []string{people[1].address, people[0].address}; !slices.Equal(got, want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	var avatar gen.Profile
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/avatar", token: people[1].tokens.AccessToken,
		body: encodeImage(t, 4, 4, "png"), header: map[string]string{"Content-Type": "image/png"}}).decode(t, &avatar)
	if search(); page.Results[0].Profile.AvatarCid == nil || *page.Results[0].Profile.AvatarCid != *avatar.AvatarCid {
		t.Fatalf("after an avatar change: %+v, want avatar %s", page.Results[0].Profile, *avatar.AvatarCid)
	}
	if _, err := e.srv.db.Exec(t.Context(), "UPDATE account_interests SET last_active_at = last_active_at + interval '1 day' WHERE account = $1", people[0].address); err != nil {
		t.Fatal(err)
	}
	if got, want := search(), []string{people[1].address, people[0].address}; !slices.Equal(got, want) {
		t.Fatalf("within the cache TTL: results %v, want the cached order %v", got, want)
	}
	e.clock.advance(e.srv.cfg.SearchCacheTTL)
	if got, want := search(), []string{people[0].address, people[1].address}; !slices.Equal(got, want) {
		t.Fatalf("after the cache TTL: results %v, want %v", got, want)
	}
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + people[0].address, token: me.tokens.AccessToken})
	if got, want := search(), []string{people[1].address}; !slices.Equal(got, want) {
		t.Fatalf("after a block: results %v, want %v", got, want)
	}
	if _, err := e.srv.db.Exec(t.Context(), "UPDATE profiles SET discoverable = false WHERE account = $1", people[1].address); err != nil {
		t.Fatal(err)
	}
	if got, want := search(), []string{people[1].address}; !slices.Equal(got, want) {
		t.Fatalf("hidden elsewhere, within the cache TTL: results %v, want %v", got, want)
	}
	e.clock.advance(e.srv.cfg.SearchCacheTTL)
	if got := search(); len(got) != 0 {
		t.Fatalf("hidden elsewhere, after the cache TTL: results %v, want none", got)
	}
}

// TestNULInText: Postgres text cannot hold U+0000, so any text carrying it is a bad request,
// never a 500.
func TestNULInText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	for _, r := range []request{
		{method: http.MethodPut, path: "/v1/me/profile", body: `{"displayName":"a\u0000b","bio":"","discoverable":false}`},
		{method: http.MethodPost, path: "/v1/groups", body: `{"name":"a\u0000b","members":[]}`},
		{method: http.MethodPut, path: "/v1/contacts/0x000000000000000000000000000000000000dead", body: `{"nickname":"a\u0000b"}`},
		{method: http.MethodPost, path: "/v1/chat-requests", body: `{"to":"ab\u0000c"}`},
		{method: http.MethodGet, path: "/v1/users/ab%00c"},
	} {
		r.token = u.tokens.AccessToken
		if p := e.must(http.StatusBadRequest, r).problem(t); p.Code != "invalid_request" {
			t.Fatalf("%s %s: %+v", r.method, r.path, p)
		}
	}
}

// TestInterestsPutConcurrently: the same account replacing its interests several times at once
// (a double submit) gets 200 each time, never a 500 from two replacements colliding.
func TestInterestsPutConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	tags := []string{"art", "music", "x-y"}
	for range 3 {
		statuses := concurrently(8, func() int {
			return e.do(request{method: http.MethodPut, path: "/v1/me/interests", token: u.tokens.AccessToken, body: gen.Interests{Tags: tags}}).status
		})
		if statuses[http.StatusOK] != 8 {
			t.Fatalf("statuses %v", statuses)
		}
	}
	var got gen.Interests
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/interests", token: u.tokens.AccessToken}).decode(t, &got)
	if !slices.Equal(got.Tags, tags) {
		t.Fatalf("interests %v", got.Tags)
	}
}
