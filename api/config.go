package api

import (
	"cmp"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Config is the API server's configuration; zero fields take the defaults documented on them.
type Config struct {
	// Addr is the listen address (PARLEY_API_ADDR, default 127.0.0.1:8080).
	Addr string
	// PublicURL is the origin clients use, e.g. https://parley.example; its host is the SIWE
	// domain and the SIWE URI must be on it (PARLEY_API_PUBLIC_URL, default http://127.0.0.1:8080).
	PublicURL string
	// ChainIDs are the chain ids a SIWE message may name (PARLEY_API_CHAIN_IDS, default 31337).
	ChainIDs []int
	// AllowedOrigins is the CORS and Origin allowlist; PublicURL's origin is always allowed
	// (PARLEY_API_ALLOWED_ORIGINS, comma separated).
	AllowedOrigins []string
	// TokenAlg signs access tokens: HS256 or EdDSA (PARLEY_API_TOKEN_ALG, default HS256).
	TokenAlg string
	// TokenKey is the hex HS256 secret (at least 32 bytes) or the hex Ed25519 seed (32 bytes)
	// (PARLEY_API_TOKEN_KEY); empty makes a random key, which does not survive restarts.
	TokenKey string
	// AccessTTL is the access token lifetime (PARLEY_API_ACCESS_TTL, default 15m).
	AccessTTL time.Duration
	// RefreshTTL is how long a session lives without sign-in (PARLEY_API_REFRESH_TTL, default 720h).
	RefreshTTL time.Duration
	// NonceTTL is how long a SIWE nonce stays usable (PARLEY_API_NONCE_TTL, default 10m).
	NonceTTL time.Duration
	// NotificationTTL is how long a stored notification stays readable
	// (PARLEY_API_NOTIFICATION_TTL, default 720h: a session's lifetime).
	NotificationTTL time.Duration
	// ClockSkew is the tolerance for a SIWE issued-at in the future (default 1m).
	ClockSkew time.Duration
	// BodyLimit is the largest accepted request body in bytes (PARLEY_API_BODY_LIMIT, default 64 KiB).
	BodyLimit int64
	// IPRate and IPBurst limit requests per client IP per second (PARLEY_API_IP_RATE, default 50, burst 100).
	IPRate  float64
	IPBurst int
	// AccountRate and AccountBurst limit requests per signed-in account per second
	// (PARLEY_API_ACCOUNT_RATE, default 20, burst 40).
	AccountRate  float64
	AccountBurst int
	// DeviceChainID is the chain whose DeviceRegistry the indexer follows, for device proofs
	// and device lists (PARLEY_API_DEVICE_CHAIN_ID, default the first of ChainIDs).
	DeviceChainID int64
	// RequestsPerDay caps the chat requests and group additions of strangers an account may make
	// in 24 hours, together (default 50).
	RequestsPerDay int
	// DeclineCooldown is how long a declined sender must wait to ask the same person again (default 168h).
	DeclineCooldown time.Duration
	// MaxGroupSize caps a group's members, owner included (PARLEY_API_MAX_GROUP_SIZE, default 256).
	MaxGroupSize int
	// SearchWindow is how many of the most recently active discoverable people per interest a
	// search ranks (PARLEY_API_SEARCH_WINDOW, default 100); it bounds a search's cost.
	SearchWindow int
	// SearchCacheTTL is how long the ranking of a set of interests is reused by every viewer
	// searching it (PARLEY_API_SEARCH_CACHE_TTL, default 1s); changes made through another
	// instance show in searches within it.
	SearchCacheTTL time.Duration
	// RelayerKey is the hex secp256k1 private key that pays for gasless device registrations
	// (PARLEY_API_RELAYER_KEY); empty disables relaying.
	RelayerKey string
	// DeviceRegistry is the DeviceRegistry address on DeviceChainID, required with RelayerKey
	// (PARLEY_API_DEVICE_REGISTRY).
	DeviceRegistry string
	// RelayMaxPending caps an account's relayed registrations awaiting the indexer
	// (PARLEY_API_RELAY_MAX_PENDING, default 2).
	RelayMaxPending int
	// RelayPerDay caps the registrations relayed for an account in 24 hours (PARLEY_API_RELAY_PER_DAY, default 5).
	RelayPerDay int
	// RelayMaxDeadline is how far ahead a relayed registration's deadline may be; it bounds how
	// long a registration stays pending (default 1h).
	RelayMaxDeadline time.Duration
	// SMTPAddr is the SMTP server host:port for verification and invitation mail
	// (PARLEY_SMTP_ADDR); empty logs the mail instead (development).
	SMTPAddr string
	// SMTPTLS is how the SMTP connection is secured: starttls (required), tls (implicit, port
	// 465) or none (local relays and tests) (PARLEY_SMTP_TLS, default starttls).
	SMTPTLS string
	// SMTPFrom is the sender address (PARLEY_SMTP_FROM, default no-reply@ the public host name).
	SMTPFrom string
	// SMTPUsername and SMTPPassword authenticate with SASL PLAIN when the username is set
	// (PARLEY_SMTP_USERNAME, PARLEY_SMTP_PASSWORD).
	SMTPUsername string
	SMTPPassword string
	// MailPerDay caps the mails (email verification and invitations) the server sends for
	// one account in 24 hours (PARLEY_API_MAIL_PER_DAY, default 10).
	MailPerDay int
	// EmailLinkTTL is how long an email verification link stays valid (PARLEY_API_EMAIL_LINK_TTL, default 24h).
	EmailLinkTTL time.Duration
	// ENSRegistry is the ENS registry on the chain of Deps.Chain, for primary names on
	// profiles (PARLEY_API_ENS_REGISTRY, default the mainnet registry; "off" disables). A chain
	// without code there, such as anvil, shows no names.
	ENSRegistry string
	// ENSCacheTTL is how long a resolved name (or its absence) is reused (PARLEY_API_ENS_CACHE_TTL, default 1h).
	ENSCacheTTL time.Duration
	// JanitorInterval is how often Run purges expired nonces and dead sessions (default 1m).
	JanitorInterval time.Duration
}

// ErrConfig marks an invalid configuration.
var ErrConfig = errors.New("invalid api config")

// ConfigFromEnv reads the PARLEY_API_* variables through getenv; unset ones keep their defaults.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Addr:           getenv("PARLEY_API_ADDR"),
		PublicURL:      getenv("PARLEY_API_PUBLIC_URL"),
		AllowedOrigins: splitList(getenv("PARLEY_API_ALLOWED_ORIGINS")),
		TokenAlg:       getenv("PARLEY_API_TOKEN_ALG"),
		TokenKey:       getenv("PARLEY_API_TOKEN_KEY"),
		RelayerKey:     getenv("PARLEY_API_RELAYER_KEY"),
		DeviceRegistry: getenv("PARLEY_API_DEVICE_REGISTRY"),
		SMTPAddr:       getenv("PARLEY_SMTP_ADDR"),
		SMTPFrom:       getenv("PARLEY_SMTP_FROM"),
		SMTPTLS:        getenv("PARLEY_SMTP_TLS"),
		ENSRegistry:    getenv("PARLEY_API_ENS_REGISTRY"),
		SMTPUsername:   getenv("PARLEY_SMTP_USERNAME"),
		SMTPPassword:   getenv("PARLEY_SMTP_PASSWORD"),
	}
	var errs []error
	for _, id := range splitList(getenv("PARLEY_API_CHAIN_IDS")) {
		n, err := strconv.Atoi(id)
		errs = append(errs, err)
		cfg.ChainIDs = append(cfg.ChainIDs, n)
	}
	durations := map[string]*time.Duration{
		"PARLEY_API_ACCESS_TTL": &cfg.AccessTTL, "PARLEY_API_REFRESH_TTL": &cfg.RefreshTTL, "PARLEY_API_NONCE_TTL": &cfg.NonceTTL,
		"PARLEY_API_NOTIFICATION_TTL": &cfg.NotificationTTL,
		"PARLEY_API_EMAIL_LINK_TTL":   &cfg.EmailLinkTTL, "PARLEY_API_ENS_CACHE_TTL": &cfg.ENSCacheTTL,
		"PARLEY_API_SEARCH_CACHE_TTL": &cfg.SearchCacheTTL,
	}
	for name, d := range durations {
		if v := getenv(name); v != "" {
			var err error
			*d, err = time.ParseDuration(v)
			errs = append(errs, err)
		}
	}
	if v := getenv("PARLEY_API_DEVICE_CHAIN_ID"); v != "" {
		var err error
		cfg.DeviceChainID, err = strconv.ParseInt(v, 10, 64)
		errs = append(errs, err)
	}
	for name, n := range map[string]*int{
		"PARLEY_API_MAX_GROUP_SIZE": &cfg.MaxGroupSize, "PARLEY_API_SEARCH_WINDOW": &cfg.SearchWindow,
		"PARLEY_API_RELAY_MAX_PENDING": &cfg.RelayMaxPending, "PARLEY_API_RELAY_PER_DAY": &cfg.RelayPerDay,
		"PARLEY_API_MAIL_PER_DAY": &cfg.MailPerDay,
	} {
		if v := getenv(name); v != "" {
			var err error
			*n, err = strconv.Atoi(v)
			errs = append(errs, err)
		}
	}
	if v := getenv("PARLEY_API_BODY_LIMIT"); v != "" {
		var err error
		cfg.BodyLimit, err = strconv.ParseInt(v, 10, 64)
		errs = append(errs, err)
	}
	for name, f := range map[string]*float64{"PARLEY_API_IP_RATE": &cfg.IPRate, "PARLEY_API_ACCOUNT_RATE": &cfg.AccountRate} {
		if v := getenv(name); v != "" {
			var err error
			*f, err = strconv.ParseFloat(v, 64)
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// withDefaults fills zero fields and validates the result.
func (c Config) withDefaults() (Config, error) {
	c.Addr = cmp.Or(c.Addr, "127.0.0.1:8080")
	c.PublicURL = strings.TrimRight(cmp.Or(c.PublicURL, "http://127.0.0.1:8080"), "/")
	if len(c.ChainIDs) == 0 {
		c.ChainIDs = []int{31337}
	}
	c.TokenAlg = cmp.Or(c.TokenAlg, "HS256")
	c.AccessTTL = cmp.Or(c.AccessTTL, 15*time.Minute)
	c.RefreshTTL = cmp.Or(c.RefreshTTL, 30*24*time.Hour)
	c.NonceTTL = cmp.Or(c.NonceTTL, 10*time.Minute)
	c.NotificationTTL = cmp.Or(c.NotificationTTL, 30*24*time.Hour)
	c.ClockSkew = cmp.Or(c.ClockSkew, time.Minute)
	c.BodyLimit = cmp.Or(c.BodyLimit, 64<<10)
	c.IPRate = cmp.Or(c.IPRate, 50)
	c.IPBurst = cmp.Or(c.IPBurst, 2*int(c.IPRate))
	c.AccountRate = cmp.Or(c.AccountRate, 20)
	c.AccountBurst = cmp.Or(c.AccountBurst, 2*int(c.AccountRate))
	c.JanitorInterval = cmp.Or(c.JanitorInterval, time.Minute)
	c.DeviceChainID = cmp.Or(c.DeviceChainID, int64(c.ChainIDs[0]))
	c.RequestsPerDay = cmp.Or(c.RequestsPerDay, 50)
	c.MaxGroupSize = cmp.Or(c.MaxGroupSize, 256)
	c.SearchWindow = cmp.Or(c.SearchWindow, 100)
	c.SearchCacheTTL = cmp.Or(c.SearchCacheTTL, time.Second)
	c.DeclineCooldown = cmp.Or(c.DeclineCooldown, 7*24*time.Hour)
	c.RelayMaxPending = cmp.Or(c.RelayMaxPending, 2)
	c.RelayPerDay = cmp.Or(c.RelayPerDay, 5)
	c.RelayMaxDeadline = cmp.Or(c.RelayMaxDeadline, time.Hour)
	c.EmailLinkTTL = cmp.Or(c.EmailLinkTTL, 24*time.Hour)
	c.MailPerDay = cmp.Or(c.MailPerDay, 10)
	c.ENSRegistry = cmp.Or(c.ENSRegistry, mainnetENSRegistry)
	c.ENSCacheTTL = cmp.Or(c.ENSCacheTTL, time.Hour)
	if c.ENSRegistry != "off" && !common.IsHexAddress(c.ENSRegistry) {
		return c, fmt.Errorf("%w: ens registry %q: want an address or off", ErrConfig, c.ENSRegistry)
	}

	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		return c, fmt.Errorf("%w: public url %q must be an http(s) origin", ErrConfig, c.PublicURL)
	}
	origin := u.Scheme + "://" + u.Host
	c.SMTPFrom = cmp.Or(c.SMTPFrom, "no-reply@"+u.Hostname())
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		return c, fmt.Errorf("%w: smtp from %q: %w", ErrConfig, c.SMTPFrom, err)
	}
	c.SMTPTLS = cmp.Or(c.SMTPTLS, "starttls")
	if !slices.Contains([]string{"starttls", "tls", "none"}, c.SMTPTLS) {
		return c, fmt.Errorf("%w: smtp tls %q: want starttls, tls or none", ErrConfig, c.SMTPTLS)
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return c, fmt.Errorf("%w: smtp addr %q: %w", ErrConfig, c.SMTPAddr, err)
		}
	}
	if !slices.Contains(c.AllowedOrigins, origin) {
		c.AllowedOrigins = append(slices.Clone(c.AllowedOrigins), origin)
	}
	for _, o := range c.AllowedOrigins {
		if ou, err := url.Parse(o); err != nil || ou.Host == "" || ou.Path != "" {
			return c, fmt.Errorf("%w: allowed origin %q is not an origin", ErrConfig, o)
		}
	}
	for _, id := range c.ChainIDs {
		if id <= 0 {
			return c, fmt.Errorf("%w: chain id %d", ErrConfig, id)
		}
	}
	if c.TokenKey != "" {
		key, err := hex.DecodeString(strings.TrimPrefix(c.TokenKey, "0x"))
		switch {
		case err != nil:
			return c, fmt.Errorf("%w: token key is not hex", ErrConfig)
		case c.TokenAlg == "HS256" && len(key) < 32:
			return c, fmt.Errorf("%w: HS256 token key needs at least 32 bytes", ErrConfig)
		case c.TokenAlg == "EdDSA" && len(key) != ed25519.SeedSize:
			return c, fmt.Errorf("%w: EdDSA token key must be a 32-byte seed", ErrConfig)
		}
	}
	if c.RelayerKey != "" {
		if _, err := crypto.HexToECDSA(strings.TrimPrefix(c.RelayerKey, "0x")); err != nil {
			return c, fmt.Errorf("%w: relayer key is not a hex secp256k1 private key", ErrConfig)
		}
		if !common.IsHexAddress(c.DeviceRegistry) {
			return c, fmt.Errorf("%w: a relayer key needs the device registry address", ErrConfig)
		}
	}
	switch {
	case c.RelayMaxPending < 1 || c.RelayPerDay < 1 || c.RelayMaxDeadline < time.Minute:
		return c, fmt.Errorf("%w: relay limits must be positive and the deadline at least a minute", ErrConfig)
	case c.TokenAlg != "HS256" && c.TokenAlg != "EdDSA":
		return c, fmt.Errorf("%w: token alg %q: want HS256 or EdDSA", ErrConfig, c.TokenAlg)
	case c.AccessTTL < time.Second || c.RefreshTTL < c.AccessTTL:
		return c, fmt.Errorf("%w: access ttl %s and refresh ttl %s", ErrConfig, c.AccessTTL, c.RefreshTTL)
	case c.MailPerDay < 1:
		return c, fmt.Errorf("%w: mail per day %d below 1", ErrConfig, c.MailPerDay)
	case c.SearchWindow < 1:
		return c, fmt.Errorf("%w: search window %d below 1", ErrConfig, c.SearchWindow)
	case c.MaxGroupSize < 2:
		return c, fmt.Errorf("%w: max group size %d below 2", ErrConfig, c.MaxGroupSize)
	case c.BodyLimit < 1024:
		return c, fmt.Errorf("%w: body limit %d below 1024", ErrConfig, c.BodyLimit)
	case c.IPRate <= 0 || c.AccountRate <= 0 || c.IPBurst <= 0 || c.AccountBurst <= 0:
		return c, fmt.Errorf("%w: rate limits must be positive", ErrConfig)
	}
	return c, nil
}

// domain is the SIWE domain: the public URL's host (with port when present).
func (c Config) domain() string {
	u, _ := url.Parse(c.PublicURL)
	return u.Host
}
