package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parleychat/parley/api/gen"
)

func TestContacts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	carol := "0x00000000000000000000000000000000000000c0"
	var c gen.Contact
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/0x" + strings.ToUpper(bob.address[2:4]) + bob.address[4:], token: alice.tokens.AccessToken, body: `{"nickname":"bobby"}`})
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/0x" + bob.address[2:], token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "bobby", Consent: ptr(gen.Allowed)}}).decode(t, &c)
	if c.Address != bob.address || c.Consent != gen.Allowed {
		t.Fatalf("contact %+v", c)
	}
	// Omitted consent keeps the stored one.
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + bob.address, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "b"}}).decode(t, &c)
	if c.Consent != gen.Allowed || c.Nickname != "b" {
		t.Fatalf("contact %+v", c)
	}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + carol, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "carol"}})

	var list struct{ Contacts []gen.Contact }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: alice.tokens.AccessToken}).decode(t, &list)
	if len(list.Contacts) != 2 {
		t.Fatalf("alice's contacts %+v", list.Contacts)
	}
	// Bob sees only his own (empty) list and cannot delete alice's contact.
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: bob.tokens.AccessToken}).decode(t, &list)
	if len(list.Contacts) != 0 {
		t.Fatalf("bob sees %+v", list.Contacts)
	}
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/contacts/" + carol, token: bob.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: "/v1/contacts/" + carol, token: alice.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/contacts/" + carol, token: alice.tokens.AccessToken})

	tests := []struct {
		name, path string
		body       any
		status     int
	}{
		{name: "self", path: "/v1/contacts/" + alice.address, body: gen.ContactInput{Nickname: "me"}, status: http.StatusBadRequest},
		{name: "bad address", path: "/v1/contacts/0x1234", body: gen.ContactInput{Nickname: "x"}, status: http.StatusBadRequest},
		{name: "bad consent", path: "/v1/contacts/" + carol, body: `{"nickname":"x","consent":"maybe"}`, status: http.StatusBadRequest},
		{name: "long nickname", path: "/v1/contacts/" + carol, body: gen.ContactInput{Nickname: strings.Repeat("n", 65)}, status: http.StatusBadRequest},
		{name: "oversize", path: "/v1/contacts/" + carol, body: `{"nickname":"` + strings.Repeat("n", 70_000) + `"}`, status: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			e.must(tt.status, request{method: http.MethodPut, path: tt.path, token: alice.tokens.AccessToken, body: tt.body}).problem(t)
		})
	}
}

func TestBlocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/contacts/" + bob.address, token: alice.tokens.AccessToken, body: gen.ContactInput{Nickname: "bob", Consent: ptr(gen.Allowed)}})
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodPut, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
	var blocks struct{ Blocked []string }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/blocks", token: alice.tokens.AccessToken}).decode(t, &blocks)
	if len(blocks.Blocked) != 1 || blocks.Blocked[0] != bob.address {
		t.Fatalf("blocks %v", blocks.Blocked)
	}
	var list struct{ Contacts []gen.Contact }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/contacts", token: alice.tokens.AccessToken}).decode(t, &list)
	if list.Contacts[0].Consent != gen.Denied || list.Contacts[0].Nickname != "bob" {
		t.Fatalf("consent after block %+v", list.Contacts)
	}
	// Bob cannot lift alice's block, nor see her list.
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/blocks/" + bob.address, token: bob.tokens.AccessToken})
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/blocks", token: bob.tokens.AccessToken}).decode(t, &blocks)
	if len(blocks.Blocked) != 0 {
		t.Fatalf("bob sees %v", blocks.Blocked)
	}
	e.must(http.StatusBadRequest, request{method: http.MethodPut, path: "/v1/blocks/" + alice.address, token: alice.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPut, path: "/v1/blocks/nope", token: alice.tokens.AccessToken})
	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/blocks/" + bob.address, token: alice.tokens.AccessToken})
}
