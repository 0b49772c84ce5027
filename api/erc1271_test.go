package api

import (
	"cmp"
	"crypto/ecdsa"
	"encoding/hex"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/parleychat/parley/api/gen"
)

// deployTestWallet deploys testdata/erc1271/TestWallet (an ERC-1271 wallet accepting its
// owner's signatures) on a simulated chain and returns the chain and the wallet address.
func deployTestWallet(t *testing.T, owner common.Address) (*simulated.Backend, common.Address) {
	t.Helper()
	deployer := newKey(t)
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))}})
	t.Cleanup(func() { _ = backend.Close() })
	raw, err := os.ReadFile("testdata/erc1271/TestWallet.bin")
	if err != nil {
		t.Fatal(err)
	}
	code, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(deployer, big.NewInt(1337))
	addr, tx, err := bind.DeployContract(opts, code, backend.Client(), common.LeftPadBytes(owner.Bytes(), 32))
	if err != nil {
		t.Fatalf("deploy wallet: %v", err)
	}
	backend.Commit()
	receipt, err := backend.Client().TransactionReceipt(t.Context(), tx.Hash())
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("deploy receipt %+v: %v", receipt, err)
	}
	return backend, addr
}

// TestSiweContractWallet: a contract wallet signs in through ERC-1271, asked on the RPC's
// chain, and only for a message naming that chain (its address on another chain may hold
// other code, or none).
func TestSiweContractWallet(t *testing.T) {
	t.Parallel()
	owner := newKey(t)
	backend, wallet := deployTestWallet(t, crypto.PubkeyToAddress(owner.PublicKey))
	// The simulated chain is 1337; the server also allows chain 1, whose code it cannot read.
	chains := func(c *Config, _ *Deps) { c.ChainIDs = []int{1, 1337} }
	e := newEnv(t, chains, func(_ *Config, d *Deps) { d.Chain = backend.Client() })
	noChain := newEnv(t, chains)
	tests := []struct {
		name    string
		env     *testEnv
		address common.Address
		signer  *ecdsa.PrivateKey // default: the owner
		chain   int               // default: 1337, the RPC's
		status  int
	}{
		{name: "owner signs for wallet", env: e, address: wallet, status: http.StatusOK},
		{name: "wallet on a chain the rpc is not", env: e, address: wallet, chain: 1, status: http.StatusUnauthorized},
		{name: "stranger signs for wallet", env: e, address: wallet, signer: newKey(t), status: http.StatusUnauthorized},
		{name: "eoa without code is not asked", env: e, address: common.HexToAddress("0x00000000000000000000000000000000000000e0"), status: http.StatusUnauthorized},
		{name: "no rpc configured", env: noChain, address: wallet, status: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := cmp.Or(tt.signer, owner)
			msg := tt.env.siweMessage(tt.address.Hex(), tt.env.nonce(), map[string]any{"chainId": cmp.Or(tt.chain, 1337)})
			resp := tt.env.do(request{method: http.MethodPost, path: "/v1/auth/verify", body: gen.SiweVerifyRequest{Message: msg, Signature: personalSign(t, key, msg)}})
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
			if tt.status == http.StatusOK {
				var pair gen.TokenPair
				resp.decode(t, &pair)
				if pair.Address != strings.ToLower(wallet.Hex()) {
					t.Fatalf("signed in as %s, want the wallet %s", pair.Address, wallet.Hex())
				}
			}
		})
	}
}
