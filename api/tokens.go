package api

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// tokenIssuer signs and checks access tokens (JWT) and makes opaque refresh tokens.
type tokenIssuer struct {
	method    jwt.SigningMethod
	signKey   any
	verifyKey any
	issuer    string
	ttl       time.Duration
}

// accessClaims are the claims of an access token: the subject is the account address.
type accessClaims struct {
	jwt.RegisteredClaims
	// SessionID is the session (refresh family) the token belongs to.
	SessionID string `json:"sid"`
}

func newTokenIssuer(cfg Config) (*tokenIssuer, error) {
	key, err := hex.DecodeString(strings.TrimPrefix(cfg.TokenKey, "0x"))
	if err != nil {
		return nil, fmt.Errorf("decode token key: %w", err)
	}
	t := &tokenIssuer{issuer: cfg.PublicURL, ttl: cfg.AccessTTL}
	switch cfg.TokenAlg {
	case "EdDSA":
		if len(key) == 0 {
			key = randomBytes(ed25519.SeedSize)
		}
		priv := ed25519.NewKeyFromSeed(key)
		t.method, t.signKey, t.verifyKey = jwt.SigningMethodEdDSA, crypto.Signer(priv), priv.Public()
	default:
		if len(key) == 0 {
			key = randomBytes(32)
		}
		t.method, t.signKey, t.verifyKey = jwt.SigningMethodHS256, key, key
	}
	return t, nil
}

// issue signs an access token for account in session sid and answers it with its expiry (the
// exp claim, in whole seconds, so up to a second short of the lifetime).
func (t *tokenIssuer) issue(account string, sid uuid.UUID, now time.Time) (string, time.Time, error) {
	exp := jwt.NewNumericDate(now.Add(t.ttl))
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   account,
			Audience:  jwt.ClaimStrings{t.issuer},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: exp,
			ID:        uuid.NewString(),
		},
		SessionID: sid.String(),
	}
	signed, err := jwt.NewWithClaims(t.method, claims).SignedString(t.signKey)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign access token: %w", err)
	}
	return signed, exp.Time, nil
}

// parse checks an access token's signature, algorithm, issuer, audience and times.
func (t *tokenIssuer) parse(token string, now time.Time) (*accessClaims, error) {
	var claims accessClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.verifyKey, nil },
		jwt.WithValidMethods([]string{t.method.Alg()}), jwt.WithIssuer(t.issuer), jwt.WithAudience(t.issuer),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return nil, fmt.Errorf("parse access token: %w", err)
	}
	if !isAddress(claims.Subject) {
		return nil, fmt.Errorf("access token subject %q is not an address", claims.Subject)
	}
	if _, err := uuid.Parse(claims.SessionID); err != nil {
		return nil, fmt.Errorf("access token session id: %w", err)
	}
	return &claims, nil
}

// emailClaims are the claims of an email verification link: the subject is the account.
type emailClaims struct {
	jwt.RegisteredClaims
	// Email is the address the link was sent to.
	Email string `json:"email"`
}

// emailAudience keeps verification links and access tokens apart.
func (t *tokenIssuer) emailAudience() string { return t.issuer + "/email-verification" }

// issueEmail signs a verification link token for account's email, valid for ttl.
func (t *tokenIssuer) issueEmail(account, email string, now time.Time, ttl time.Duration) (string, error) {
	claims := emailClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: t.issuer, Subject: account, Audience: jwt.ClaimStrings{t.emailAudience()},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Email: email,
	}
	signed, err := jwt.NewWithClaims(t.method, claims).SignedString(t.signKey)
	if err != nil {
		return "", fmt.Errorf("sign email token: %w", err)
	}
	return signed, nil
}

// parseEmail checks a verification link token's signature, audience and expiry.
func (t *tokenIssuer) parseEmail(token string, now time.Time) (*emailClaims, error) {
	var claims emailClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.verifyKey, nil },
		jwt.WithValidMethods([]string{t.method.Alg()}), jwt.WithIssuer(t.issuer), jwt.WithAudience(t.emailAudience()),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return nil, fmt.Errorf("parse email token: %w", err)
	}
	if !isAddress(claims.Subject) || claims.Email == "" {
		return nil, fmt.Errorf("email token without account or email")
	}
	return &claims, nil
}

// newRefreshToken returns a random opaque refresh token and the hash stored for it.
func newRefreshToken() (token string, hash []byte) {
	token = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return token, hashRefreshToken(token)
}

func hashRefreshToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}
