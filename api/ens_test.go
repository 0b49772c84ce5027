package api

import (
	"encoding/hex"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/chaintest"
)

// testENSSetters are the record setters of testdata/ens/TestENS.sol.
var testENSSetters = mustABI(`[
 {"type":"function","name":"setResolver","inputs":[{"name":"node","type":"bytes32"},{"name":"r","type":"address"}],"outputs":[]},
 {"type":"function","name":"setName","inputs":[{"name":"node","type":"bytes32"},{"name":"n","type":"string"}],"outputs":[]},
 {"type":"function","name":"setAddr","inputs":[{"name":"node","type":"bytes32"},{"name":"a","type":"address"}],"outputs":[]}]`)

// testENS is testdata/ens/TestENS (registry and resolver in one contract) on a simulated chain.
type testENS struct {
	t       testing.TB
	backend *simulated.Backend
	addr    common.Address
	opts    *bind.TransactOpts
	c       *bind.BoundContract
}

func deployTestENS(t testing.TB) *testENS {
	t.Helper()
	key := newKey(t)
	from := crypto.PubkeyToAddress(key.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))}})
	t.Cleanup(func() { _ = backend.Close() })
	raw, err := os.ReadFile("testdata/ens/TestENS.bin")
	if err != nil {
		t.Fatal(err)
	}
	code, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(key, big.NewInt(1337))
	addr, _, err := bind.DeployContract(opts, code, backend.Client(), nil)
	if err != nil {
		t.Fatalf("deploy ens: %v", err)
	}
	backend.Commit()
	c := bind.NewBoundContract(addr, testENSSetters, backend.Client(), backend.Client(), backend.Client())
	return &testENS{t: t, backend: backend, addr: addr, opts: opts, c: c}
}

// set sends one setter and mines it.
func (e *testENS) set(method string, args ...any) {
	e.t.Helper()
	data, err := testENSSetters.Pack(method, args...)
	if err != nil {
		e.t.Fatal(err)
	}
	tx, err := bind.Transact(e.c, e.opts, data)
	if err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
	e.backend.Commit()
	receipt, err := e.backend.Client().TransactionReceipt(e.t.Context(), tx.Hash())
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("%s receipt %+v: %v", method, receipt, err)
	}
}

// claim sets who's reverse record to name and, when forward is set, name's address to forward.
func (e *testENS) claim(who common.Address, name string, forward *common.Address) {
	e.t.Helper()
	reverse := namehash(strings.ToLower(who.Hex()[2:]) + ".addr.reverse")
	e.set("setResolver", reverse, e.addr)
	e.set("setName", reverse, name)
	if forward != nil {
		e.set("setResolver", namehash(name), e.addr)
		e.set("setAddr", namehash(name), *forward)
	}
}

func TestNamehash(t *testing.T) {
	t.Parallel()
	// Vectors from EIP-137.
	for name, want := range map[string]string{
		"":        "0x0000000000000000000000000000000000000000000000000000000000000000",
		"eth":     "0x93cdeb708b7545dc668eb9280176169d1c33cfd8ed6f04690a0bcc88a93fc4ae",
		"foo.eth": "0xde9b09fd7c5f901e23a3f19fecc54828e9c848539801e86591bd9801b019f84f",
	} {
		if got := namehash(name).Hex(); got != want {
			t.Errorf("namehash(%q) = %s, want %s", name, got, want)
		}
	}
}

func TestENSNames(t *testing.T) {
	t.Parallel()
	ens := deployTestENS(t)
	e := newEnv(t, func(c *Config, d *Deps) {
		c.ENSRegistry, c.ENSCacheTTL = ens.addr.Hex(), time.Hour
		d.Chain = ens.backend.Client()
	})
	alice, bob, carol := e.login(), e.login(), e.login()
	aliceAddr, bobAddr := common.HexToAddress(alice.address), common.HexToAddress(bob.address)
	ens.claim(aliceAddr, "alice.eth", &aliceAddr)
	ens.claim(bobAddr, "alice.eth", nil) // claims Alice's name: the forward check refuses it

	profileName := func(viewer user, of string) *string {
		var p gen.Profile
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + of, token: viewer.tokens.AccessToken}).decode(t, &p)
		return p.EnsName
	}
	myName := func(u user) *string {
		var p gen.Profile
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: u.tokens.AccessToken}).decode(t, &p)
		return p.EnsName
	}
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: alice.tokens.AccessToken, body: gen.ProfileInput{DisplayName: "Alice"}})
	e.must(http.StatusOK, request{method: http.MethodPut, path: "/v1/me/profile", token: bob.tokens.AccessToken, body: gen.ProfileInput{DisplayName: "Bob"}})

	tests := []struct {
		name string
		got  func() *string
		want string
	}{
		{name: "verified name on a profile", got: func() *string { return profileName(bob, alice.address) }, want: "alice.eth"},
		{name: "verified name on my profile", got: func() *string { return myName(alice) }, want: "alice.eth"},
		{name: "name that resolves elsewhere", got: func() *string { return profileName(alice, bob.address) }},
		{name: "no reverse record, empty profile", got: func() *string { return myName(carol) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got()
			if (got == nil) != (tt.want == "") || (got != nil && *got != tt.want) {
				t.Fatalf("ensName = %v, want %q", got, tt.want)
			}
		})
	}

	// A changed record shows once the cached answer is older than the TTL.
	ens.claim(aliceAddr, "", nil)
	if got := myName(alice); got == nil || *got != "alice.eth" {
		t.Fatalf("cached name %v", got)
	}
	e.clock.advance(61 * time.Minute)
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: alice.tokens.RefreshToken}}).decode(t, &alice.tokens)
	if got := myName(alice); got != nil {
		t.Fatalf("name after the record was cleared %q", *got)
	}
}

// TestENSNamesShownOnlyWhenPlain: a name that resolves back to its owner is still not shown
// when it could pass for another on screen: a right-to-left override, a zero-width or control
// character, a space, an uppercase letter or an empty label (ENSIP-15 disallows or maps all).
func TestENSNamesShownOnlyWhenPlain(t *testing.T) {
	t.Parallel()
	ens := deployTestENS(t)
	e := newEnv(t, func(c *Config, d *Deps) {
		c.ENSRegistry = ens.addr.Hex()
		d.Chain = ens.backend.Client()
	})
	viewer := e.login()
	for _, name := range []string{"\u202ehte.kilativ", "vitalik\u200b.eth", "vitalik.eth\n", "vitalik .eth", "Vitalik.eth", "vitalik..eth", "a\u200db.eth", "ok-name.eth", "\U0001F468\u200d\U0001F469\u200d\U0001F467.eth"} {
		u := e.login()
		addr := common.HexToAddress(u.address)
		ens.claim(addr, name, &addr)
		var p gen.Profile
		e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + u.address, token: viewer.tokens.AccessToken}).decode(t, &p)
		if shown := p.EnsName != nil; shown != (name == "ok-name.eth" || strings.HasPrefix(name, "\U0001F468")) {
			t.Errorf("name %q shown %v (%v)", name, shown, p.EnsName)
		}
	}
}

// TestENSAbsent: on chains without an ENS registry (anvil, a bare simulated chain) profiles
// are served without names.
func TestENSAbsent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		chain func(testing.TB) *chaintest.Chain
	}{
		{name: "anvil", chain: chaintest.StartAnvil},
		{name: "simulated", chain: chaintest.NewSimulated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			chain := tt.chain(t)
			e := newEnv(t, func(_ *Config, d *Deps) { d.Chain = chain.Client })
			u := e.login()
			for range 2 { // the second lookup uses the remembered absence of the registry
				var p gen.Profile
				e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/me/profile", token: u.tokens.AccessToken}).decode(t, &p)
				if p.EnsName != nil {
					t.Fatalf("ensName %q on a chain without ENS", *p.EnsName)
				}
			}
			if !e.srv.ens.checked || e.srv.ens.present {
				t.Fatalf("registry checked %v, present %v", e.srv.ens.checked, e.srv.ens.present)
			}
		})
	}
}
