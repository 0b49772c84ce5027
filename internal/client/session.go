package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/internal/protocol"
)

// ErrWrongAccount is returned when a key store holds a device of another account.
var ErrWrongAccount = errors.New("client: key store belongs to another account")

// SessionConfig is what Start needs to bring a device online.
type SessionConfig struct {
	// API is the HTTP API client (BaseURL and ChainID set).
	API *API
	// Key is the wallet's private key.
	Key *ecdsa.PrivateKey
	// Registry is where a new device registers, and where the client confirms the keys of
	// the devices the API lists (Registry.Check).
	Registry Registry
	// StorePath is the device key store; created with a new registered device when missing.
	StorePath string
	// Passphrase encrypts the key store.
	Passphrase []byte
	// Argon2 is the key store's KDF setting for a new store.
	Argon2 protocol.Argon2Params
	// Poll is how often registration confirmation is checked (default 500ms).
	Poll time.Duration
	// Logger receives progress logs (default slog.Default()).
	Logger *slog.Logger
	// MaxBackoff caps the wait between reconnects (Config.MaxBackoff).
	MaxBackoff time.Duration
}

// StateSuffix names a key store's session state file: the key store's path plus this suffix.
const StateSuffix = ".state"

// Start signs in with the wallet key, loads the device from the key store or registers a new
// one gaslessly (saving it only once confirmed), binds the session to the device and returns a
// Client dialing the API's relay and resuming the conversations saved next to the key store
// (StorePath + StateSuffix, encrypted with the same passphrase); the caller runs it with Run.
func Start(ctx context.Context, cfg SessionConfig) (*Client, Identity, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	a := cfg.API
	if err := a.Login(ctx, cfg.Key); err != nil {
		return nil, Identity{}, fmt.Errorf("client: sign in: %w", err)
	}
	account := crypto.PubkeyToAddress(cfg.Key.PublicKey)
	id, err := loadOrRegister(ctx, cfg, account, log)
	if err != nil {
		return nil, Identity{}, err
	}
	if err := a.BindDevice(ctx, id); err != nil {
		return nil, Identity{}, fmt.Errorf("client: bind device %d: %w", id.DeviceID, err)
	}
	state, err := OpenStateFile(cfg.StorePath+StateSuffix, cfg.Passphrase, cfg.Argon2)
	if err != nil {
		return nil, Identity{}, err
	}
	wsURL := "ws" + strings.TrimPrefix(strings.TrimSuffix(a.BaseURL, "/"), "http") + "/v1/ws"
	c, err := New(Config{Identity: id, Directory: cfg.Registry.Check(a.Devices), Groups: a, Logger: cfg.Logger, MaxBackoff: cfg.MaxBackoff, State: state,
		Dial: func(ctx context.Context) (*Conn, error) {
			h, err := a.FreshHeader(ctx)
			if err != nil {
				return nil, err
			}
			return Dial(ctx, wsURL, h)
		}})
	return c, id, err
}

// loadOrRegister opens the key store, or registers and saves a new device when it is missing.
func loadOrRegister(ctx context.Context, cfg SessionConfig, account common.Address, log *slog.Logger) (Identity, error) {
	id, err := LoadIdentity(cfg.StorePath, cfg.Passphrase)
	switch {
	case err == nil && id.Account != account:
		return Identity{}, fmt.Errorf("%s holds %s: %w", cfg.StorePath, id.Account.Hex(), ErrWrongAccount)
	case err == nil:
		return id, nil
	case !errors.Is(err, fs.ErrNotExist):
		return Identity{}, err
	}
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		return Identity{}, fmt.Errorf("client: new device: %w", err)
	}
	log.Info("registering a new device gaslessly", "account", account.Hex())
	poll := cfg.Poll
	if poll == 0 {
		poll = 500 * time.Millisecond
	}
	devID, err := cfg.API.RegisterDevice(ctx, cfg.Key, cfg.Registry, dev, poll)
	if err != nil {
		return Identity{}, err
	}
	id = Identity{Account: account, DeviceID: devID, Device: dev}
	if err := SaveIdentity(cfg.StorePath, cfg.Passphrase, cfg.Argon2, id); err != nil {
		return Identity{}, err
	}
	log.Info("device registered", "account", account.Hex(), "device", devID)
	return id, nil
}

// SafetyNumber is the safety number of this device's account and peer over both accounts'
// current devices, as listed by the API.
func (a *API) SafetyNumber(ctx context.Context, peer common.Address) (string, error) {
	party := func(acc common.Address) (protocol.Party, error) {
		members, err := a.Devices(ctx, acc)
		p := protocol.Party{Account: acc}
		for _, m := range members {
			p.Devices = append(p.Devices, m.Keys)
		}
		return p, err
	}
	me, err1 := party(a.account)
	them, err2 := party(peer)
	if err := errors.Join(err1, err2); err != nil {
		return "", err
	}
	n, _ := protocol.SafetyNumber(me, them)
	return n, nil
}
