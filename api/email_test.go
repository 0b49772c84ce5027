package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/parleychat/parley/api/gen"
)

// smtpSink is a real SMTP server (go-smtp) on loopback that requires SASL PLAIN and keeps the
// messages it accepts.
type smtpSink struct {
	addr     string
	user     string
	password string
	msgs     chan sinkMessage
}

// sinkMessage is one accepted message.
type sinkMessage struct {
	from string
	to   []string
	msg  *mail.Message
	body string
}

type sinkSession struct {
	sink   *smtpSink
	authed bool
	from   string
	to     []string
}

func (k *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: k}, nil }

func (s *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.sink.user || password != s.sink.password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	s.sink.msgs <- sinkMessage{from: s.from, to: s.to, msg: msg, body: string(body)}
	return nil
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

func startSMTP(t testing.TB) *smtpSink {
	t.Helper()
	sink := &smtpSink{user: "parley", password: "s3cret", msgs: make(chan sinkMessage, 16)}
	srv := smtp.NewServer(sink)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return sink
}

// withSMTP points a test server at sink.
func withSMTP(sink *smtpSink) func(*Config, *Deps) {
	return func(c *Config, _ *Deps) {
		c.SMTPAddr, c.SMTPTLS, c.SMTPUsername, c.SMTPPassword = sink.addr, "none", sink.user, sink.password
	}
}

// next waits for the next accepted message.
func (k *smtpSink) next(t testing.TB) sinkMessage {
	t.Helper()
	select {
	case m := <-k.msgs:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail within 10s")
		return sinkMessage{}
	}
}

var linkRE = regexp.MustCompile(`https://parley\.test/(verify-email|invite)\?token=(\S+)`)

// linkToken extracts the token of the link of kind in text.
func linkToken(t testing.TB, kind, text string) string {
	t.Helper()
	m := linkRE.FindStringSubmatch(text)
	if m == nil || m[1] != kind {
		t.Fatalf("no %s link in %q", kind, text)
	}
	token, err := url.QueryUnescape(m[2])
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// forgeEmail swaps the address in a link token's payload, keeping the original signature.
func forgeEmail(t testing.TB, token, from, to string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || !bytes.Contains(payload, []byte(from)) {
		t.Fatalf("payload %s: %v", payload, err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(bytes.ReplaceAll(payload, []byte(from), []byte(to)))
	return strings.Join(parts, ".")
}

func TestEmailVerification(t *testing.T) {
	t.Parallel()
	sink := startSMTP(t)
	e := newEnv(t, withSMTP(sink))
	alice, bob := e.login(), e.login()
	setEmail := func(u user, email string) gen.Email {
		var out gen.Email
		e.must(http.StatusAccepted, request{method: http.MethodPut, path: "/v1/me/email", token: u.tokens.AccessToken, body: gen.EmailInput{Email: email}}).decode(t, &out)
		return out
	}
	verify := func(token string, status int) response {
		return e.must(status, request{method: http.MethodPost, path: "/v1/email/verify", body: map[string]string{"token": token}})
	}

	e.must(http.StatusNotFound, request{method: http.MethodGet, path: "/v1/me/email", token: alice.tokens.AccessToken})
	for _, bad := range []string{"not-an-email", "a..b@x.org", "Alice <a@x.org>", strings.Repeat("a", 250) + "@x.org"} {
		e.must(http.StatusBadRequest, request{method: http.MethodPut, path: "/v1/me/email", token: alice.tokens.AccessToken, body: gen.EmailInput{Email: bad}})
	}

	if got := setEmail(alice, "old@example.org"); got.Verified {
		t.Fatalf("new email verified: %+v", got)
	}
	m := sink.next(t)
	if m.from != "no-reply@parley.test" || len(m.to) != 1 || m.to[0] != "old@example.org" ||
		m.msg.Header.Get("Subject") != "Verify your email for Parley" || m.msg.Header.Get("To") != "<old@example.org>" {
		t.Fatalf("mail from %q to %v, headers %v", m.from, m.to, m.msg.Header)
	}
	oldLink := linkToken(t, "verify-email", m.body)
	setEmail(alice, "alice@example.org")
	link := linkToken(t, "verify-email", sink.next(t).body)

	refused := []struct {
		name  string
		token string
	}{
		{name: "garbage", token: "garbage"},
		{name: "forged address", token: forgeEmail(t, link, "alice@example.org", "evil@example.org")},
		{name: "for the previous address", token: oldLink},
		{name: "access token", token: alice.tokens.AccessToken},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if p := verify(tt.token, http.StatusBadRequest).problem(t); p.Code != "email_link_invalid" {
				t.Fatalf("problem %+v", p)
			}
		})
	}

	var verified gen.Email
	verify(link, http.StatusOK).decode(t, &verified)
	if !verified.Verified || verified.Email != "alice@example.org" || verified.VerifiedAt == nil {
		t.Fatalf("verified %+v", verified)
	}
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/email", token: alice.tokens.AccessToken}).decode(t, &verified)
	if !verified.Verified {
		t.Fatalf("GET after verification %+v", verified)
	}
	// Setting the verified address again keeps it verified and mails nothing.
	if got := setEmail(alice, "alice@example.org"); !got.Verified {
		t.Fatalf("re-set verified email %+v", got)
	}

	// Bob may set the same address but cannot verify it while Alice holds it.
	setEmail(bob, "alice@example.org")
	bobLink := linkToken(t, "verify-email", sink.next(t).body)
	if p := verify(bobLink, http.StatusConflict).problem(t); p.Code != "conflict" {
		t.Fatalf("problem %+v", p)
	}

	e.must(http.StatusNoContent, request{method: http.MethodDelete, path: "/v1/me/email", token: bob.tokens.AccessToken})
	e.must(http.StatusNotFound, request{method: http.MethodDelete, path: "/v1/me/email", token: bob.tokens.AccessToken})

	// Links expire.
	setEmail(bob, "bob@example.org")
	expiring := linkToken(t, "verify-email", sink.next(t).body)
	e.clock.advance(25 * time.Hour)
	verify(expiring, http.StatusBadRequest)

	select {
	case extra := <-sink.msgs:
		t.Fatalf("unexpected mail to %v", extra.to)
	default:
	}
}

func TestEmailInvite(t *testing.T) {
	t.Parallel()
	sink := startSMTP(t)
	e := newEnv(t, withSMTP(sink))
	alice, bob := e.login(), e.login()
	var inv gen.Invite
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: alice.tokens.AccessToken, body: map[string]any{"email": "friend@example.org"}}).decode(t, &inv)
	m := sink.next(t)
	if m.to[0] != "friend@example.org" || m.msg.Header.Get("Subject") != "You are invited to Parley" || !strings.Contains(m.body, alice.address) {
		t.Fatalf("invite mail to %v: %v %q", m.to, m.msg.Header, m.body)
	}
	if token := linkToken(t, "invite", m.body); token != inv.Token {
		t.Fatalf("mailed token %q, invite %q", token, inv.Token)
	}
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/invites/" + inv.Token + "/redeem", token: bob.tokens.AccessToken})
	e.must(http.StatusBadRequest, request{method: http.MethodPost, path: "/v1/invites", token: alice.tokens.AccessToken, body: map[string]any{"email": "a..b@x.org"}})
}

// TestMailQuota: one account makes the server send at most MailPerDay mails in 24 hours,
// verification and invitation mail together, so nobody can mail-bomb an address through it.
func TestMailQuota(t *testing.T) {
	t.Parallel()
	sink := startSMTP(t)
	e := newEnv(t, withSMTP(sink), func(c *Config, _ *Deps) { c.MailPerDay = 2 })
	mallory, other := e.login(), e.login()
	setEmail := func(u user) request {
		return request{method: http.MethodPut, path: "/v1/me/email", token: u.tokens.AccessToken, body: gen.EmailInput{Email: "victim@example.org"}}
	}
	invite := func(u user) request {
		return request{method: http.MethodPost, path: "/v1/invites", token: u.tokens.AccessToken, body: map[string]any{"email": "victim@example.org"}}
	}
	e.must(http.StatusAccepted, setEmail(mallory))
	sink.next(t)
	e.must(http.StatusCreated, invite(mallory))
	sink.next(t)
	for _, r := range []request{setEmail(mallory), invite(mallory)} {
		if p := e.must(http.StatusTooManyRequests, r).problem(t); p.Code != "mail_quota" {
			t.Fatalf("%s %s over quota: %+v", r.method, r.path, p)
		}
	}
	e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/invites", token: mallory.tokens.AccessToken, body: `{}`})
	e.must(http.StatusAccepted, setEmail(other))
	sink.next(t)
	select {
	case extra := <-sink.msgs:
		t.Fatalf("mail over quota to %v", extra.to)
	default:
	}

	e.clock.advance(24*time.Hour + time.Second)
	e.srv.purge(t.Context())
	var counted int
	if err := e.srv.db.QueryRow(t.Context(), "SELECT count(*) FROM sent_mails").Scan(&counted); err != nil || counted != 0 {
		t.Fatalf("mail counts after a day and a purge: %d, %v", counted, err)
	}
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: mallory.tokens.RefreshToken}}).decode(t, &mallory.tokens)
	e.must(http.StatusAccepted, setEmail(mallory))
	sink.next(t)
}

func TestEmailDelivery(t *testing.T) {
	t.Parallel()
	sink := startSMTP(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	_ = closed.Close()
	var logs bytes.Buffer
	tests := []struct {
		name   string
		opt    func(*Config, *Deps)
		status int
	}{
		{name: "smtp unreachable", opt: func(c *Config, _ *Deps) { c.SMTPAddr, c.SMTPTLS = closedAddr, "none" }, status: http.StatusServiceUnavailable},
		{name: "wrong smtp password", opt: func(c *Config, d *Deps) { withSMTP(sink)(c, d); c.SMTPPassword = "wrong" }, status: http.StatusServiceUnavailable},
		{name: "starttls not offered", opt: func(c *Config, d *Deps) { withSMTP(sink)(c, d); c.SMTPTLS = "starttls" }, status: http.StatusServiceUnavailable},
		{name: "no smtp logs the link", opt: func(_ *Config, d *Deps) {
			d.Log = slog.New(slog.NewJSONHandler(&logs, nil))
		}, status: http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opt)
			u := e.login()
			resp := e.must(tt.status, request{method: http.MethodPut, path: "/v1/me/email", token: u.tokens.AccessToken, body: gen.EmailInput{Email: "x@example.org"}})
			if tt.status != http.StatusAccepted {
				if p := resp.problem(t); p.Code != "unavailable" {
					t.Fatalf("problem %+v", p)
				}
				return
			}
			token := linkToken(t, "verify-email", strings.ReplaceAll(logs.String(), `\r\n`, " "))
			e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/email/verify", body: map[string]string{"token": token}})
		})
	}
}
