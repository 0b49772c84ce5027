package client_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/api"
	"github.com/parleychat/parley/indexer"
	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

// TestStartAndChat runs the whole stack for real (Postgres, anvil with the contracts, the
// indexer, the API with its relayer): two wallets register devices gaslessly through Start and
// agree on the safety number, and a second Start reuses the key store. Messaging over the relay
// is covered by api/relay's tests and the tmux demo against make dev.
func TestStartRegistersAndReloads(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	chain := chaintest.StartAnvil(t)
	dep := chaintest.DeployContracts(t, chain, 0)
	ix, err := indexer.New(indexer.Config{ChainID: chain.ChainID.Uint64(), Registry: dep.DeviceRegistry, TipJar: dep.TipJar,
		StartBlock: dep.DeviceRegistryBlock, FinalityDepth: 1, PollInterval: 100 * time.Millisecond}, pool, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ix.Run(t.Context()) }()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	apiSrv, err := api.New(api.Config{PublicURL: base, ChainIDs: []int{int(chain.ChainID.Int64())},
		RelayerKey: hex.EncodeToString(crypto.FromECDSA(chain.Keys[2])), DeviceRegistry: dep.DeviceRegistry.Hex()},
		api.Deps{DB: pool, Backend: chain.Client})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = apiSrv.Handler()
	srv.Start()
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	start := func(t *testing.T, key int, store, passphrase string) (*client.Client, client.Identity, *client.API, error) {
		a := &client.API{BaseURL: base, ChainID: chain.ChainID.Int64()}
		c, id, err := client.Start(t.Context(), client.SessionConfig{API: a, Key: chain.Keys[key],
			Registry: client.Registry{Backend: chain.Client, Address: dep.DeviceRegistry}, StorePath: filepath.Join(dir, store),
			Passphrase: []byte(passphrase), Argon2: cheap, Poll: 50 * time.Millisecond})
		return c, id, a, err
	}
	_, aliceID, aliceAPI, err := start(t, 0, "alice.key", "pw")
	if err != nil {
		t.Fatalf("alice start: %v", err)
	}
	_, bobID, bobAPI, err := start(t, 1, "bob.key", "pw")
	if err != nil {
		t.Fatalf("bob start: %v", err)
	}
	na, err1 := aliceAPI.SafetyNumber(t.Context(), bobID.Account)
	nb, err2 := bobAPI.SafetyNumber(t.Context(), aliceID.Account)
	if err := errors.Join(err1, err2); err != nil || na != nb || len(na) != 71 {
		t.Fatalf("safety numbers %q and %q (%v), want equal 60 digits", na, nb, err)
	}

	// A device only the API's tables hold (a lying indexer or API): the API lists it, the
	// registry does not confirm it, so the client's directory leaves it out.
	fake := must(protocol.NewDevice(rand.Reader, protocol.SuiteX25519)).Keys()
	kak := fake.KeyAgreementKey()
	if _, err := pool.Exec(t.Context(), `INSERT INTO device_added (chain_id, tx_hash, log_index, block_number, block_hash,
		account, device_id, signing_key, key_agreement_key, suite, seq, device_sig, sig_valid)
		VALUES ($1, $2, 0, 1, $2, $3, 77, $4, $5, 1, 77, '\x00', true)`, chain.ChainID.Int64(), bytes.Repeat([]byte{0xfa}, 32),
		bobID.Account.Bytes(), fake.SigningKey[:], kak[:]); err != nil {
		t.Fatal(err)
	}
	listed := func(members []protocol.Member, err error) []uint32 {
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint32
		for _, m := range members {
			ids = append(ids, m.DeviceID)
		}
		return ids
	}
	registry := client.Registry{Backend: chain.Client, Address: dep.DeviceRegistry}
	if raw, checked := listed(aliceAPI.Devices(t.Context(), bobID.Account)), listed(registry.Check(aliceAPI.Devices)(t.Context(), bobID.Account)); len(raw) != 2 || !slices.Equal(checked, []uint32{bobID.DeviceID}) {
		t.Fatalf("bob's devices: the API lists %v, the checked directory %v; want the fake 77 listed, then only %d", raw, checked, bobID.DeviceID)
	}

	restarts := []struct {
		name       string
		key        int
		store      string
		passphrase string
		err        error
	}{
		{"same store loads the device", 0, "alice.key", "pw", nil},
		{"wrong passphrase", 0, "alice.key", "nope", protocol.ErrBadPassphrase},
		{"another account's store", 1, "alice.key", "pw", client.ErrWrongAccount},
	}
	for _, tc := range restarts {
		t.Run(tc.name, func(t *testing.T) {
			_, id, _, err := start(t, tc.key, tc.store, tc.passphrase)
			if !errors.Is(err, tc.err) {
				t.Fatalf("start: %v, want %v", err, tc.err)
			}
			if err == nil && id.DeviceID != aliceID.DeviceID {
				t.Fatalf("device %d, want the stored %d", id.DeviceID, aliceID.DeviceID)
			}
		})
	}
}
