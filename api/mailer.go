package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailTimeout bounds one SMTP delivery.
const mailTimeout = 15 * time.Second

// mailer sends plain-text mail over SMTP, or logs it when no SMTP server is configured (dev).
type mailer struct {
	addr, from, tls    string
	username, password string
	log                *slog.Logger
}

func newMailer(cfg Config, log *slog.Logger) *mailer {
	if cfg.SMTPAddr == "" {
		log.Warn("no PARLEY_SMTP_ADDR: verification and invitation mail is logged, not sent")
	}
	return &mailer{addr: cfg.SMTPAddr, from: cfg.SMTPFrom, tls: cfg.SMTPTLS, username: cfg.SMTPUsername, password: cfg.SMTPPassword, log: log}
}

// send delivers one message to a single recipient; to must be a bare address.
func (m *mailer) send(ctx context.Context, to, subject, body string, now time.Time) error {
	if m.addr == "" {
		m.log.Info("mail not sent (no smtp server)", "to", to, "subject", subject, "body", body)
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	c, err := m.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if m.username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.username, m.password)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	from, _ := mail.ParseAddress(m.from) // validated by the config
	if err := c.SendMail(from.Address, []string{to}, bytes.NewReader(m.message(from, to, subject, body, now))); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("smtp quit: %w", err)
	}
	return nil
}

// dial connects with the configured TLS mode: implicit TLS, STARTTLS (required) or none.
func (m *mailer) dial(ctx context.Context) (*smtp.Client, error) {
	host, _, _ := net.SplitHostPort(m.addr)
	tlsConfig := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if m.tls == "tls" {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", m.addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", m.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("dial smtp %s: %w", m.addr, err)
	}
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("smtp deadline: %w", err)
	}
	if m.tls != "starttls" {
		return smtp.NewClient(conn), nil
	}
	c, err := smtp.NewClientStartTLS(conn, tlsConfig)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("smtp starttls: %w", err)
	}
	return c, nil
}

// message renders an RFC 5322 plain-text message; subject and body are ours, to is validated.
func (m *mailer) message(from *mail.Address, to, subject, body string, now time.Time) []byte {
	var b bytes.Buffer
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%x@%s>\r\n",
		from.String(), (&mail.Address{Address: to}).String(), subject, now.Format(time.RFC1123Z), randomBytes(16), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(body)
	return b.Bytes()
}
