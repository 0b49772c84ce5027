package api

import (
	"net/http"
	"testing"

	"github.com/parleychat/parley/api/gen"
)

// TestPlainText: one-line names refuse controls (line breaks included), bidi overrides and
// isolates, zero-width characters and separators; multiline text keeps its line breaks only;
// emoji joined by a zero-width joiner stay, and so do the joiners inside Persian and Indic words.
func TestPlainText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text      string
		multiline bool
		ok        bool
	}{
		{"Alice Smith", false, true},
		{"Zoë 🙂 李", false, true},
		{"👨\u200d👩\u200d👧 family", false, true},
		{"line one\nline two\r\n", true, true},
		{"line one\nline two", false, false},
		{"tab\there", true, false},
		{"bell\x07", false, false},
		{"\x7f", false, false},
		{"\u0085next line", true, false},
		{"evil\u202egnp.exe", false, false},
		{"evil\u202a", true, false},
		{"\u2066isolate\u2069", false, false},
		{"vita\u200blik", false, false},
		{"vitalik\u200d", false, false},
		{"a\u200db", false, false},
		{"a\u200cb", false, false},
		{"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", false, true}, // Persian می‌خواهم: ZWNJ inside a word
		{"\u0915\u094d\u200d\u0937", false, true},                         // Devanagari half form: ZWJ after a virama
		{"\u0645\u200c", false, false},                                    // a joiner at the end joins nothing
		{"\u0645\u200ca", false, false},                                   // nor one between scripts
		{"\ufeffbom", false, false},
		{"a\u2028b", true, false},
		{"a\u2029b", true, false},
	} {
		if err := plainText("name", c.text, c.multiline); (err == nil) != c.ok {
			t.Errorf("plainText(%+q, multiline %v) = %v, want ok %v", c.text, c.multiline, err, c.ok)
		}
	}
}

// TestNamesRefuseHiddenCharacters: display names, genders, bios, nicknames, group names and
// chat-request notes with a character that would let them pose as another are refused with
// 400 invalid_request and not stored; bios and notes keep line breaks.
func TestNamesRefuseHiddenCharacters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	tok := alice.tokens.AccessToken
	refused := func(r request) {
		t.Helper()
		r.token = tok
		if p := e.must(http.StatusBadRequest, r).problem(t); p.Code != "invalid_request" {
			t.Fatalf("%s %s: problem %+v", r.method, r.path, p)
		}
	}
	refused(request{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "Bob\u202e"}})
	refused(request{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "Al\u200bice"}})
	refused(request{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "Alice\nAdmin"}})
	refused(request{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "Alice", Gender: ptr("x\u2067")}})
	refused(request{method: http.MethodPut, path: "/v1/me/profile", body: gen.ProfileInput{DisplayName: "Alice", Bio: "hi\u2066"}})
	refused(request{method: http.MethodPut, path: "/v1/contacts/" + bob.address, body: gen.ContactInput{Nickname: "mom\u202d"}})
	refused(request{method: http.MethodPost, path: "/v1/groups", body: gen.GroupInput{Name: "club\x1b[2J", Members: []string{}}})
	refused(request{method: http.MethodPost, path: "/v1/chat-requests", body: gen.ChatRequestInput{To: bob.address, Note: ptr("hi\u202e")}})

	var p gen.Profile
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: tok}).decode(t, &p)
	if p.DisplayName != "" {
		t.Fatalf("a refused profile was stored: %+v", p)
	}
	if mine := e.groupsOf(alice); len(mine) != 0 {
		t.Fatalf("a refused group was created: %+v", mine)
	}

	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: tok, body: gen.ProfileInput{DisplayName: "Alice 👩\u200d💻", Bio: "line one\nline two"}}).decode(t, &p)
	if p.Bio != "line one\nline two" {
		t.Fatalf("profile %+v", p)
	}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + bob.address, token: tok, body: gen.ContactInput{Nickname: "Bob from work"}})
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/groups", token: tok, body: gen.GroupInput{Name: "Climbers 🧗", Members: []string{}}})
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/chat-requests", token: tok, body: gen.ChatRequestInput{To: bob.address, Note: ptr("hi Bob,\nit's Alice")}})
}
