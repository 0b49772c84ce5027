package client

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
	"github.com/spruceid/siwe-go"

	"github.com/parleychat/parley/internal/protocol"
)

// ErrAPI is wrapped by every non-2xx answer of the HTTP API.
var ErrAPI = errors.New("client: api error")

// ErrAPIRefused is wrapped too by a 403 or 404 answer: what was asked is not this account's
// to see (a group it left), and asking again will not change that.
var ErrAPIRefused = errors.New("client: api refused")

// API is a client of Parley's HTTP API: sign-in, device binding and device lookups. It
// rotates the session's tokens (refresh token) before the access token expires. Safe for
// concurrent use once signed in.
type API struct {
	// BaseURL is the API's public origin, e.g. http://127.0.0.1:8080; its host is the SIWE domain.
	BaseURL string
	// ChainID is the chain of the SIWE message and of the DeviceRegistry.
	ChainID int64
	// HTTP is the HTTP client (default http.DefaultClient).
	HTTP *http.Client

	sessionID string
	account   common.Address

	// mu guards the tokens; it is held across a rotation, which must not run twice (reusing a
	// rotated refresh token revokes the session).
	mu       sync.Mutex
	token    string
	refresh  string
	lifetime time.Duration // of an access token
	expires  time.Time     // of the current access token
}

// tokenPair is the API's TokenPair.
type tokenPair struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int64  `json:"expiresIn"`
	SessionID    string `json:"sessionId"`
	Address      string `json:"address"`
}

// setTokens keeps a new token pair; a.mu is held.
func (a *API) setTokens(p tokenPair) {
	a.lifetime = time.Duration(p.ExpiresIn) * time.Second
	a.token, a.refresh, a.expires = p.AccessToken, p.RefreshToken, time.Now().Add(a.lifetime)
}

// accessToken returns an access token valid for a while: when the current one has less than a
// fifth of its lifetime left, it first rotates the session's tokens (POST /v1/auth/refresh).
func (a *API) accessToken(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refresh == "" || time.Until(a.expires) > a.lifetime/5 {
		return a.token, nil
	}
	var pair tokenPair
	if err := a.do(ctx, http.MethodPost, "/v1/auth/refresh", "", map[string]string{"refreshToken": a.refresh}, &pair); err != nil {
		return "", fmt.Errorf("client: refresh the session: %w", err)
	}
	a.setTokens(pair)
	return a.token, nil
}

// Login signs in with Sign-In with Ethereum (EIP-4361) using the account's private key.
func (a *API) Login(ctx context.Context, key *ecdsa.PrivateKey) error {
	var nonce struct {
		Nonce string `json:"nonce"`
	}
	if err := a.do(ctx, http.MethodPost, "/v1/auth/nonce", "", nil, &nonce); err != nil {
		return err
	}
	base, err := url.Parse(a.BaseURL)
	if err != nil {
		return fmt.Errorf("client: base url: %w", err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	msg, err := siwe.InitMessage(base.Host, addr.Hex(), a.BaseURL, nonce.Nonce, map[string]any{
		"chainId": int(a.ChainID), "statement": "Sign in to Parley.",
		"issuedAt": time.Now().UTC().Format(time.RFC3339),
	})
	if err != nil {
		return fmt.Errorf("client: siwe message: %w", err)
	}
	text := msg.String()
	sig, err := crypto.Sign(accounts.TextHash([]byte(text)), key)
	if err != nil {
		return fmt.Errorf("client: sign siwe message: %w", err)
	}
	sig[64] += 27
	var pair tokenPair
	if err := a.do(ctx, http.MethodPost, "/v1/auth/verify", "", map[string]string{"message": text, "signature": hexutil.Encode(sig)}, &pair); err != nil {
		return err
	}
	a.sessionID, a.account = pair.SessionID, addr
	a.mu.Lock()
	a.setTokens(pair)
	a.mu.Unlock()
	return nil
}

// DeviceProofMessage is what a device signs to bind a session to itself (the API's
// verifyDeviceProof): parley-device-proof-v1, domain, chain id, lowercase account, device id,
// session id and challenge, one per line.
func DeviceProofMessage(domain string, chainID int64, account common.Address, deviceID uint32, sessionID, challenge string) []byte {
	return []byte(strings.Join([]string{"parley-device-proof-v1", domain, strconv.FormatInt(chainID, 10),
		strings.ToLower(account.Hex()), strconv.FormatUint(uint64(deviceID), 10), sessionID, challenge}, "\n"))
}

// BindDevice proves with the device's signing key that this session runs on the device, which
// the relay requires.
func (a *API) BindDevice(ctx context.Context, id Identity) error {
	var ch struct {
		Challenge string `json:"challenge"`
	}
	if err := a.call(ctx, http.MethodPost, "/v1/auth/device/challenge", map[string]any{"deviceId": id.DeviceID}, &ch); err != nil {
		return err
	}
	base, err := url.Parse(a.BaseURL)
	if err != nil {
		return fmt.Errorf("client: base url: %w", err)
	}
	sig := id.Device.Sign(DeviceProofMessage(base.Host, a.ChainID, a.account, id.DeviceID, a.sessionID, ch.Challenge))
	return a.call(ctx, http.MethodPost, "/v1/auth/device/verify",
		map[string]any{"deviceId": id.DeviceID, "challenge": ch.Challenge, "signature": hexutil.Encode(sig)}, nil)
}

// FreshHeader carries an access token valid for a while, rotating the session's tokens first
// when the current one is about to expire: what Dial needs to open a socket.
func (a *API) FreshHeader(ctx context.Context) (http.Header, error) {
	token, err := a.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	return http.Header{"Authorization": {"Bearer " + token}}, nil
}

// apiDevice is the API's Device.
type apiDevice struct {
	DeviceID        uint32 `json:"deviceId"`
	Suite           uint8  `json:"suite"`
	SigningKey      string `json:"signingKey"`
	KeyAgreementKey string `json:"keyAgreementKey"`
	Valid           bool   `json:"valid"`
	Revoked         bool   `json:"revoked"`
	State           string `json:"state"`
}

// Devices is a Directory backed by GET /v1/users/{address}/devices: the account's valid,
// unrevoked devices as indexed from the registry. Gasless registrations still pending are
// skipped: the chain has not confirmed their keys, and the relay refuses them as recipients.
// Suite 2 (X-Wing) devices need their full public key, which the registry only commits to;
// they are skipped until the API serves it.
func (a *API) Devices(ctx context.Context, account common.Address) ([]protocol.Member, error) {
	var out struct {
		Devices []apiDevice `json:"devices"`
	}
	if err := a.call(ctx, http.MethodGet, "/v1/users/"+strings.ToLower(account.Hex())+"/devices", nil, &out); err != nil {
		return nil, err
	}
	var members []protocol.Member
	for _, d := range out.Devices {
		if !d.Valid || d.Revoked || d.State != "confirmed" || protocol.Suite(d.Suite) != protocol.SuiteX25519 {
			continue
		}
		sk, err1 := hexutil.Decode(d.SigningKey)
		kak, err2 := hexutil.Decode(d.KeyAgreementKey)
		if err := errors.Join(err1, err2); err != nil || len(sk) != 32 || len(kak) != 32 {
			return nil, fmt.Errorf("client: device %d of %s has malformed keys: %w", d.DeviceID, account.Hex(), errors.Join(err, ErrAPI))
		}
		members = append(members, protocol.Member{Account: account, DeviceID: d.DeviceID,
			Keys: protocol.DeviceKeys{Suite: protocol.SuiteX25519, SigningKey: [32]byte(sk), KEMPublicKey: kak}})
	}
	return members, nil
}

// Group answers a group's membership epoch and member accounts (GET /v1/groups/{id}); it
// makes API a Groups.
func (a *API) Group(ctx context.Context, id uuid.UUID) (uint64, []common.Address, error) {
	var out struct {
		Epoch   uint64 `json:"epoch"`
		Members []struct {
			Address string `json:"address"`
		} `json:"members"`
	}
	if err := a.call(ctx, http.MethodGet, "/v1/groups/"+id.String(), nil, &out); err != nil {
		return 0, nil, err
	}
	members := make([]common.Address, 0, len(out.Members))
	for _, m := range out.Members {
		if !common.IsHexAddress(m.Address) {
			return 0, nil, fmt.Errorf("client: group %s member %q: %w", id, m.Address, ErrAPI)
		}
		members = append(members, common.HexToAddress(m.Address))
	}
	return out.Epoch, members, nil
}

// Mine lists the ids of the signed-in account's groups (GET /v1/groups).
func (a *API) Mine(ctx context.Context) ([]uuid.UUID, error) {
	var out struct {
		Groups []struct {
			ID uuid.UUID `json:"id"`
		} `json:"groups"`
	}
	if err := a.call(ctx, http.MethodGet, "/v1/groups", nil, &out); err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(out.Groups))
	for i, g := range out.Groups {
		ids[i] = g.ID
	}
	return ids, nil
}

// call sends a JSON request with an access token valid for a while and decodes a JSON answer
// into out (when not nil).
func (a *API) call(ctx context.Context, method, path string, in, out any) error {
	token, err := a.accessToken(ctx)
	if err != nil {
		return err
	}
	return a.do(ctx, method, path, token, in, out)
}

// do sends a JSON request, with token unless it is empty, and decodes a JSON answer into out
// (when not nil).
func (a *API) do(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encode %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(a.BaseURL, "/")+path, body)
	if err != nil {
		return fmt.Errorf("client: request %s: %w", path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	hc := a.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("client: read %s: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("client: %s %s: %s: %s: %w", method, path, resp.Status, bytes.TrimSpace(b), errors.Join(ErrAPI, ErrAPIRefused))
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("client: %s %s: %s: %s: %w", method, path, resp.Status, bytes.TrimSpace(b), ErrAPI)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("client: decode %s: %w", path, err)
		}
	}
	return nil
}
