package api

import (
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/protocol"
	"github.com/parleychat/parley/internal/store/chaindb"
)

// relayEnv is a server relaying to a DeviceRegistry on a real anvil.
type relayEnv struct {
	*testEnv
	chain    *chaintest.Chain
	registry common.Address
	relayer  common.Address
}

func newRelayEnv(t *testing.T, opts ...func(*Config, *Deps)) relayEnv {
	t.Helper()
	chain := chaintest.StartAnvil(t)
	d := chaintest.DeployContracts(t, chain, 0)
	relayerKey := chain.Keys[2]
	e := newEnv(t, append([]func(*Config, *Deps){func(c *Config, deps *Deps) {
		c.RelayerKey = hex.EncodeToString(crypto.FromECDSA(relayerKey))
		c.DeviceRegistry = d.DeviceRegistry.Hex()
		deps.Backend = chain.Client
	}}, opts...)...)
	return relayEnv{testEnv: e, chain: chain, registry: d.DeviceRegistry, relayer: crypto.PubkeyToAddress(relayerKey.PublicKey)}
}

// registration builds a client's gasless registration of device id for u: a fresh device key
// pair, its self-signature and the wallet's EIP-712 signature by signer over the registry's
// current nonce.
func (e relayEnv) registration(u user, id uint32, signer *ecdsa.PrivateKey) gen.RelayedDeviceInput {
	e.t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	x, err := ecdh.X25519().GenerateKey(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	owner := common.HexToAddress(u.address)
	reg := protocol.DeviceRegistration{ChainID: e.chain.ChainID.Uint64(), Registry: e.registry, Account: owner, DeviceID: id,
		Suite: protocol.SuiteX25519, SigningKey: [32]byte(pub), KeyAgreementKey: [32]byte(x.PublicKey().Bytes())}
	deviceSig, err := protocol.SignDeviceRegistration(priv, reg)
	if err != nil {
		e.t.Fatal(err)
	}
	abi := deviceregistry.NewDeviceRegistry()
	nonce, err := bind.Call(abi.Instance(e.chain.Client, e.registry), nil, abi.PackNonces(owner), abi.UnpackNonces)
	if err != nil {
		e.t.Fatalf("nonces: %v", err)
	}
	deadline := e.clock.now().Add(30 * time.Minute).Unix()
	typed := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
			"AddDevice": {{Name: "account", Type: "address"}, {Name: "deviceId", Type: "uint32"}, {Name: "signingKey", Type: "bytes32"},
				{Name: "keyAgreementKey", Type: "bytes32"}, {Name: "suite", Type: "uint8"}, {Name: "deviceSigHash", Type: "bytes32"},
				{Name: "nonce", Type: "uint256"}, {Name: "deadline", Type: "uint256"}},
		},
		PrimaryType: "AddDevice",
		Domain: apitypes.TypedDataDomain{Name: "Parley DeviceRegistry", Version: "1",
			ChainId: (*math.HexOrDecimal256)(e.chain.ChainID), VerifyingContract: e.registry.Hex()},
		Message: apitypes.TypedDataMessage{
			"account": owner.Hex(), "deviceId": big.NewInt(int64(id)), "signingKey": reg.SigningKey[:],
			"keyAgreementKey": reg.KeyAgreementKey[:], "suite": big.NewInt(int64(reg.Suite)),
			"deviceSigHash": crypto.Keccak256(deviceSig), "nonce": nonce, "deadline": big.NewInt(deadline),
		},
	}
	digest, _, err := apitypes.TypedDataAndHash(typed)
	if err != nil {
		e.t.Fatalf("typed data hash: %v", err)
	}
	accountSig, err := crypto.Sign(digest, signer)
	if err != nil {
		e.t.Fatal(err)
	}
	accountSig[64] += 27
	return gen.RelayedDeviceInput{
		DeviceId: int64(id), Suite: int(reg.Suite), SigningKey: hexutil.Encode(pub), KeyAgreementKey: hexutil.Encode(reg.KeyAgreementKey[:]),
		DeviceSignature: hexutil.Encode(deviceSig), Deadline: deadline, AccountSignature: hexutil.Encode(accountSig),
	}
}

// relayerNonce is the relayer's transaction count, which grows only when it sends.
func (e relayEnv) relayerNonce() uint64 {
	e.t.Helper()
	n, err := e.chain.Client.PendingNonceAt(e.t.Context(), e.relayer)
	if err != nil {
		e.t.Fatalf("relayer nonce: %v", err)
	}
	return n
}

// index waits for the relayed transaction and stores its DeviceAdded event as the indexer does.
func (e relayEnv) index(txHash string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 30*time.Second)
	defer cancel()
	receipt, err := bind.WaitMined(ctx, e.chain.Client, common.HexToHash(txHash))
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("relayed transaction %s: receipt %+v, %v", txHash, receipt, err)
	}
	ev, err := deviceregistry.NewDeviceRegistry().UnpackDeviceAddedEvent(receipt.Logs[0])
	if err != nil {
		e.t.Fatalf("decode DeviceAdded: %v", err)
	}
	n, err := chaindb.New(e.srv.db).InsertDeviceAdded(e.t.Context(), chaindb.InsertDeviceAddedParams{
		ChainID: e.chain.ChainID.Int64(), TxHashes: [][]byte{receipt.TxHash.Bytes()}, LogIndexes: []int32{int32(receipt.Logs[0].Index)},
		BlockNumbers: []int64{receipt.BlockNumber.Int64()}, BlockHashes: [][]byte{receipt.BlockHash.Bytes()},
		Accounts: [][]byte{ev.Account.Bytes()}, DeviceIds: []int64{int64(ev.DeviceId)}, SigningKeys: [][]byte{ev.SigningKey[:]},
		KeyAgreementKeys: [][]byte{ev.KeyAgreementKey[:]}, Suites: []int16{int16(ev.Suite)}, Seqs: []int64{int64(ev.Seq)},
		DeviceSigs: [][]byte{ev.DeviceSig}, SigValids: []bool{true},
	})
	if err != nil || n != 1 {
		e.t.Fatalf("index DeviceAdded: %d rows, %v", n, err)
	}
}

func (e relayEnv) devices(u user) []gen.Device {
	e.t.Helper()
	var out struct{ Devices []gen.Device }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + u.address + "/devices", token: u.tokens.AccessToken}).decode(e.t, &out)
	return out.Devices
}

func TestRelayDeviceRegistration(t *testing.T) {
	t.Parallel()
	e := newRelayEnv(t, func(c *Config, _ *Deps) { c.RelayMaxPending, c.RelayPerDay = 1, 2 })
	alice, bob := e.login(), e.login()
	const path = "/v1/devices/relayed"

	refused := []struct {
		name   string
		input  func() gen.RelayedDeviceInput
		status int
		code   string
	}{
		{name: "account signature by another wallet", input: func() gen.RelayedDeviceInput { return e.registration(alice, 1, bob.key) },
			status: http.StatusForbidden, code: "registration_refused"},
		{name: "bad device signature", input: func() gen.RelayedDeviceInput {
			in := e.registration(alice, 1, alice.key)
			sig := hexutil.MustDecode(in.DeviceSignature)
			sig[0] ^= 1
			in.DeviceSignature = hexutil.Encode(sig)
			return in
		}, status: http.StatusForbidden, code: "device_signature_invalid"},
		{name: "someone else's registration", input: func() gen.RelayedDeviceInput { return e.registration(bob, 1, bob.key) },
			status: http.StatusForbidden, code: "device_signature_invalid"},
		{name: "unexpected device id", input: func() gen.RelayedDeviceInput { return e.registration(alice, 7, alice.key) },
			status: http.StatusForbidden, code: "registration_refused"},
		{name: "deadline too far", input: func() gen.RelayedDeviceInput {
			in := e.registration(alice, 1, alice.key)
			in.Deadline = e.clock.now().Add(2 * time.Hour).Unix()
			return in
		}, status: http.StatusBadRequest, code: "invalid_request"},
		{name: "malformed key", input: func() gen.RelayedDeviceInput {
			in := e.registration(alice, 1, alice.key)
			in.SigningKey = "0x12"
			return in
		}, status: http.StatusBadRequest, code: "invalid_request"},
	}
	before := e.relayerNonce()
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			e := relayEnv{testEnv: e.with(t), chain: e.chain, registry: e.registry, relayer: e.relayer}
			p := e.must(tt.status, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: tt.input()}).problem(t)
			if p.Code != tt.code {
				t.Fatalf("problem %+v, want code %q", p, tt.code)
			}
		})
	}
	if after := e.relayerNonce(); after != before {
		t.Fatalf("refused registrations sent %d transactions", after-before)
	}
	e.must(http.StatusUnauthorized, request{method: http.MethodPost, path: path, body: e.registration(alice, 1, alice.key)})

	// A valid registration is pending at once, with its transaction.
	var pending gen.Device
	e.must(http.StatusAccepted, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: e.registration(alice, 1, alice.key)}).decode(t, &pending)
	if pending.State != gen.DeviceStatePending || pending.TxHash == nil || pending.DeviceId != 1 {
		t.Fatalf("relayed device %+v", pending)
	}
	if got := e.devices(alice); len(got) != 1 || got[0].State != gen.DeviceStatePending || *got[0].TxHash != *pending.TxHash || got[0].SigningKey != pending.SigningKey {
		t.Fatalf("devices while pending %+v", got)
	}
	// One pending registration is the limit: the next is refused before the chain sees it.
	p := e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: e.registration(alice, 2, alice.key)}).problem(t)
	if p.Code != "relay_limit" {
		t.Fatalf("problem %+v", p)
	}

	// The indexer sees the event: the device is confirmed, listed once.
	e.index(*pending.TxHash)
	if got := e.devices(alice); len(got) != 1 || got[0].State != gen.DeviceStateConfirmed || got[0].TxHash != nil || !got[0].Valid {
		t.Fatalf("devices after indexing %+v", got)
	}

	// Two relays per day: the second is accepted, the third refused.
	var second gen.Device
	e.must(http.StatusAccepted, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: e.registration(alice, 2, alice.key)}).decode(t, &second)
	e.index(*second.TxHash)
	p = e.must(http.StatusTooManyRequests, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: e.registration(alice, 3, alice.key)}).problem(t)
	if p.Code != "relay_limit" {
		t.Fatalf("problem %+v", p)
	}
	e.clock.advance(25 * time.Hour)
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/refresh", body: gen.RefreshRequest{RefreshToken: alice.tokens.RefreshToken}}).decode(t, &alice.tokens)
	e.must(http.StatusAccepted, request{method: http.MethodPost, path: path, token: alice.tokens.AccessToken, body: e.registration(alice, 3, alice.key)})
	if got := e.devices(alice); len(got) != 3 || got[1].State != gen.DeviceStateConfirmed || got[2].State != gen.DeviceStatePending {
		t.Fatalf("devices %+v", got)
	}
}

func TestRelayerDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.login()
	in := gen.RelayedDeviceInput{DeviceId: 1, Suite: 1, SigningKey: hexutil.Encode(randomBytes(32)), KeyAgreementKey: hexutil.Encode(randomBytes(32)),
		DeviceSignature: hexutil.Encode(randomBytes(64)), Deadline: e.clock.now().Add(time.Minute).Unix(), AccountSignature: hexutil.Encode(randomBytes(65))}
	if p := e.must(http.StatusServiceUnavailable, request{method: http.MethodPost, path: "/v1/devices/relayed", token: u.tokens.AccessToken, body: in}).problem(t); p.Code != "relayer_disabled" {
		t.Fatalf("problem %+v", p)
	}
}
