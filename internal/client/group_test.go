package client_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/protocol"
)

// apiCall sends a JSON request as a's account and decodes the answer into out (when not nil).
func apiCall(t *testing.T, s *chatServer, a *client.API, method, path string, in, out any) {
	t.Helper()
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.base+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = must(a.FreshHeader(t.Context()))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// expectGroup waits for the next message on c and checks its group, sender and text.
func expectGroup(t *testing.T, c *client.Client, group uuid.UUID, from common.Address, text string) {
	t.Helper()
	select {
	case r := <-c.Received():
		if r.Group != group || r.Message.Sender != from || string(r.Message.Plaintext) != text {
			t.Fatalf("received %q from %s in group %s, want %q from %s in %s", r.Message.Plaintext, r.Message.Sender.Hex(), r.Group, text, from.Hex(), group)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no message %q within 10s", text)
	}
}

// withGroups has a client learn its groups from a.
func withGroups(a *client.API) func(*client.Config) { return func(c *client.Config) { c.Groups = a } }

// TestGroupMessages runs three clients against the real API and relay: a group created through
// the API, messages both ways reaching every other member (the receivers learn the group from
// the API), then a member removed: the next send finds its chain stale, re-reads the members,
// goes out on a new chain, the others' sessions follow the API's notification (their frames
// keep arriving), and the removed member gets nothing more.
func TestGroupMessages(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, must(crypto.GenerateKey()), 1)
	carolID, carolAPI := s.device(t, must(crypto.GenerateKey()), 1)
	alice := run(t, s, aliceID, aliceAPI, nil, withGroups(aliceAPI))
	bob := run(t, s, bobID, bobAPI, nil, withGroups(bobAPI))
	carol := run(t, s, carolID, carolAPI, nil, withGroups(carolAPI))

	var g struct {
		ID uuid.UUID `json:"id"`
	}
	apiCall(t, s, aliceAPI, http.MethodPost, "/v1/groups", map[string]any{"name": "friends",
		"members": []string{bobID.Account.Hex(), carolID.Account.Hex()}}, &g)

	if _, err := alice.c.SendGroup(t.Context(), g.ID, []byte("hello friends")); err != nil {
		t.Fatalf("alice's group send: %v", err)
	}
	expectGroup(t, bob.c, g.ID, aliceID.Account, "hello friends")
	expectGroup(t, carol.c, g.ID, aliceID.Account, "hello friends")
	if _, err := bob.c.SendGroup(t.Context(), g.ID, []byte("hi all")); err != nil {
		t.Fatalf("bob's group send: %v", err)
	}
	expectGroup(t, alice.c, g.ID, bobID.Account, "hi all")
	expectGroup(t, carol.c, g.ID, bobID.Account, "hi all")

	apiCall(t, s, aliceAPI, http.MethodDelete, "/v1/groups/"+g.ID.String()+"/members/"+strings.ToLower(carolID.Account.Hex()), nil, nil)
	if _, err := alice.c.SendGroup(t.Context(), g.ID, []byte("carol left")); err != nil {
		t.Fatalf("alice's send after the membership change: %v", err)
	}
	expectGroup(t, bob.c, g.ID, aliceID.Account, "carol left")
	// Bob has not sent since the change: the API's group_epoch notification moved his session to
	// the new epoch, so his ephemeral frames are not refused as stale.
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		if err := bob.c.SendGroupFrame(t.Context(), g.ID, []byte(`{"t":"typing"}`)); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-alice.c.Received():
			got = r.Group == g.ID && r.Message.Sender == bobID.Account && r.Message.Kind == protocol.KindFrame
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("bob's typing frame never reached alice after the membership change")
		}
	}
	s.drained(t)
	select {
	case r := <-carol.c.Received():
		t.Fatalf("the removed member received %q", r.Message.Plaintext)
	default:
	}
	var texts []string
	for _, r := range bob.c.GroupHistory(g.ID) {
		texts = append(texts, string(r.Message.Plaintext))
	}
	if want := "hello friends,hi all,carol left"; strings.Join(texts, ",") != want {
		t.Fatalf("bob's group history %v, want %s", texts, want)
	}
}

// TestRemovedMemberKeepsReceiving restarts a member removed from a group meanwhile: a group
// message from a member it never knew (added after it went away) cannot be opened, since the
// API no longer shows it the group. The message is dropped, not retried for ever in front of
// everything queued after it.
func TestRemovedMemberKeepsReceiving(t *testing.T) {
	t.Parallel()
	s := newChatServer(t)
	aliceID, aliceAPI := s.device(t, must(crypto.GenerateKey()), 1)
	bobID, bobAPI := s.device(t, must(crypto.GenerateKey()), 1)
	carolID, carolAPI := s.device(t, must(crypto.GenerateKey()), 1)
	statePath := filepath.Join(t.TempDir(), "alice.key"+client.StateSuffix)
	open := func() *client.StateFile { return must(client.OpenStateFile(statePath, []byte("pw"), cheap)) }
	alice := run(t, s, aliceID, aliceAPI, open(), withGroups(aliceAPI))
	bob := run(t, s, bobID, bobAPI, nil, withGroups(bobAPI))
	carol := run(t, s, carolID, carolAPI, nil, withGroups(carolAPI))

	var g struct {
		ID uuid.UUID `json:"id"`
	}
	apiCall(t, s, bobAPI, http.MethodPost, "/v1/groups", map[string]any{"name": "friends", "members": []string{aliceID.Account.Hex()}}, &g)
	if _, err := bob.c.SendGroup(t.Context(), g.ID, []byte("hi alice")); err != nil {
		t.Fatal(err)
	}
	expectGroup(t, alice.c, g.ID, bobID.Account, "hi alice")
	s.drained(t)
	alice.stop()

	apiCall(t, s, bobAPI, http.MethodPost, "/v1/groups/"+g.ID.String()+"/members", map[string]any{"address": carolID.Account.Hex()}, nil)
	if _, err := carol.c.SendGroup(t.Context(), g.ID, []byte("hello, i'm new")); err != nil {
		t.Fatal(err)
	}
	apiCall(t, s, bobAPI, http.MethodDelete, "/v1/groups/"+g.ID.String()+"/members/"+strings.ToLower(aliceID.Account.Hex()), nil, nil)
	send(t, bob.c, aliceID.Account, "still friends?")

	alice = run(t, s, aliceID, aliceAPI, open(), withGroups(aliceAPI))
	expect(t, alice.c, "still friends?")
}
