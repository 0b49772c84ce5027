package client_test

import (
	"crypto/rand"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/api"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cheap keeps Argon2id fast in tests; production uses protocol.DefaultArgon2.
var cheap = protocol.Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}

func TestKeyStore(t *testing.T) {
	t.Parallel()
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	id := client.Identity{Account: common.HexToAddress("0x00000000000000000000000000000000000a11ce"), DeviceID: 3, Device: dev}
	path := filepath.Join(t.TempDir(), "keys", "device.parley")
	if err := client.SaveIdentity(path, []byte("correct horse"), cheap, id); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key store mode: %v %v, want 0600", st.Mode(), err)
	}
	tests := []struct {
		name       string
		passphrase string
		err        error
	}{
		{"right passphrase", "correct horse", nil},
		{"wrong passphrase", "battery staple", protocol.ErrBadPassphrase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := client.LoadIdentity(path, []byte(tc.passphrase))
			if !errors.Is(err, tc.err) {
				t.Fatalf("load: %v, want %v", err, tc.err)
			}
			if err == nil && (got.Account != id.Account || got.DeviceID != id.DeviceID || got.Device.Keys().SigningKey != dev.Keys().SigningKey) {
				t.Fatalf("loaded %+v, want the saved identity", got)
			}
		})
	}
}

// TestLoginBindDevices signs in against the real API with SIWE, binds the session to a device
// registered in the chain tables and reads the device back as a Directory.
func TestLoginBindDevices(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	apiSrv, err := api.New(api.Config{PublicURL: base, ChainIDs: []int{31337}}, api.Deps{DB: pool})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = apiSrv.Handler()
	srv.Start()
	t.Cleanup(srv.Close)

	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(key.PublicKey)
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	keys := dev.Keys()
	kak := keys.KeyAgreementKey()
	if _, err := pool.Exec(t.Context(), `INSERT INTO device_added (chain_id, tx_hash, log_index, block_number, block_hash,
		account, device_id, signing_key, key_agreement_key, suite, seq, device_sig, sig_valid)
		VALUES (31337, '\x01', 0, 1, '\x01', $1, 5, $2, $3, 1, 1, '\x00', true)`, account.Bytes(), keys.SigningKey[:], kak[:]); err != nil {
		t.Fatal(err)
	}

	a := &client.API{BaseURL: base, ChainID: 31337}
	if err := a.Login(t.Context(), key); err != nil {
		t.Fatalf("login: %v", err)
	}
	tests := []struct {
		name string
		id   client.Identity
		err  error
	}{
		{"unregistered device id", client.Identity{Account: account, DeviceID: 6, Device: dev}, client.ErrAPI},
		{"another device's key", client.Identity{Account: account, DeviceID: 5, Device: must(protocol.NewDevice(rand.Reader, protocol.SuiteX25519))}, client.ErrAPI},
		{"registered device", client.Identity{Account: account, DeviceID: 5, Device: dev}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := a.BindDevice(t.Context(), tc.id); !errors.Is(err, tc.err) {
				t.Fatalf("bind: %v, want %v", err, tc.err)
			}
		})
	}
	members, err := a.Devices(t.Context(), account)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].DeviceID != 5 || members[0].Keys.SigningKey != keys.SigningKey {
		t.Fatalf("devices %+v, want device 5 with its keys", members)
	}
	if h := must(a.FreshHeader(t.Context())).Get("Authorization"); len(h) < 10 {
		t.Fatalf("authorization header %q", h)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
