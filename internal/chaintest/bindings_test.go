package chaintest_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/bindings/tipjar"
	"github.com/parleychat/parley/internal/chaintest"
)

// testDevice is a device key set generated the way a client does it.
type testDevice struct {
	signingKey      [32]byte
	keyAgreementKey [32]byte
	sig             []byte
}

func newDevice(t *testing.T, account common.Address, id uint32) testDevice {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var d testDevice
	copy(d.signingKey[:], pub)
	copy(d.keyAgreementKey[:], x.PublicKey().Bytes())
	// The self-signature format is the protocol's business; here it only has to travel through the event.
	msg := append(append(account.Bytes(), d.signingKey[:]...), d.keyAgreementKey[:]...)
	msg = append(msg, byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	d.sig = ed25519.Sign(priv, msg)
	return d
}

// addDeviceTypedData is the EIP-712 typed data an account signs to authorize a relayed addDeviceFor.
func addDeviceTypedData(chainID *big.Int, registry, account common.Address, id uint32, d testDevice,
	nonce, deadline *big.Int) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {
				{Name: "name", Type: "string"},
				{Name: "version", Type: "string"},
				{Name: "chainId", Type: "uint256"},
				{Name: "verifyingContract", Type: "address"},
			},
			"AddDevice": {
				{Name: "account", Type: "address"},
				{Name: "deviceId", Type: "uint32"},
				{Name: "signingKey", Type: "bytes32"},
				{Name: "keyAgreementKey", Type: "bytes32"},
				{Name: "suite", Type: "uint8"},
				{Name: "deviceSigHash", Type: "bytes32"},
				{Name: "nonce", Type: "uint256"},
				{Name: "deadline", Type: "uint256"},
			},
		},
		PrimaryType: "AddDevice",
		Domain: apitypes.TypedDataDomain{
			Name:              "Parley DeviceRegistry",
			Version:           "1",
			ChainId:           (*math.HexOrDecimal256)(chainID),
			VerifyingContract: registry.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"account":         account.Hex(),
			"deviceId":        new(big.Int).SetUint64(uint64(id)),
			"signingKey":      d.signingKey[:],
			"keyAgreementKey": d.keyAgreementKey[:],
			"suite":           big.NewInt(1),
			"deviceSigHash":   crypto.Keccak256(d.sig),
			"nonce":           nonce,
			"deadline":        deadline,
		},
	}
}

// signTypedData signs typed data with go-ethereum's EIP-712 implementation, as a wallet does.
func signTypedData(t *testing.T, key *ecdsa.PrivateKey, typed apitypes.TypedData) []byte {
	t.Helper()
	digest, _, err := apitypes.TypedDataAndHash(typed)
	if err != nil {
		t.Fatalf("typed data hash: %v", err)
	}
	sig, err := crypto.Sign(digest, key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	sig[64] += 27
	return sig
}

// TestBindings deploys both contracts through the bindings on each kind of chain, registers a device
// directly and one relayed with a Go-signed EIP-712 signature, tips, and decodes every event.
func TestBindings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *chaintest.Chain
	}{
		{name: "simulated", start: chaintest.NewSimulated},
		{name: "anvil", start: chaintest.StartAnvil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testBindings(t, tc.start(t))
		})
	}
}

func testBindings(t *testing.T, c *chaintest.Chain) {
	d := chaintest.DeployContracts(t, c, 0)
	reg := deviceregistry.NewDeviceRegistry()
	regc := reg.Instance(c.Client, d.DeviceRegistry)
	jar := tipjar.NewTipJar()
	jarc := jar.Instance(c.Client, d.TipJar)
	account, relayer, friend := c.Address(1), 2, c.Address(3)

	// Direct registration from the wallet.
	dev1 := newDevice(t, account, 1)
	tx, err := bind.Transact(regc, c.Transactor(1),
		reg.PackAddDevice(1, dev1.signingKey, dev1.keyAgreementKey, 1, dev1.sig))
	if err != nil {
		t.Fatalf("addDevice: %v", err)
	}
	r1 := c.Mine(t, tx)
	t.Logf("addDevice (first device) gas used: %d", r1.GasUsed)
	wantAdded(t, reg, r1, account, 1, dev1, 1)

	// The domain separator the contract computes equals the one go-ethereum computes.
	domain, err := bind.Call(regc, nil, reg.PackDOMAINSEPARATOR(), reg.UnpackDOMAINSEPARATOR)
	if err != nil {
		t.Fatalf("DOMAIN_SEPARATOR: %v", err)
	}
	typed := addDeviceTypedData(c.ChainID, d.DeviceRegistry, account, 2, testDevice{}, big.NewInt(0), big.NewInt(0))
	goDomain, err := typed.HashStruct("EIP712Domain", typed.Domain.Map())
	if err != nil {
		t.Fatalf("go domain separator: %v", err)
	}
	if !bytes.Equal(domain[:], goDomain) {
		t.Fatalf("domain separator: contract %x, go %x", domain, []byte(goDomain))
	}

	// Relayed registration: the account signs typed data in Go, another key pays for the transaction.
	dev2 := newDevice(t, account, 2)
	nonce, err := bind.Call(regc, nil, reg.PackNonces(account), reg.UnpackNonces)
	if err != nil {
		t.Fatalf("nonces: %v", err)
	}
	deadline := big.NewInt(time.Now().Add(time.Hour).Unix())
	accountSig := signTypedData(t, c.Keys[1],
		addDeviceTypedData(c.ChainID, d.DeviceRegistry, account, 2, dev2, nonce, deadline))
	tx, err = bind.Transact(regc, c.Transactor(relayer), reg.PackAddDeviceFor(account, 2, dev2.signingKey,
		dev2.keyAgreementKey, 1, dev2.sig, deadline, accountSig))
	if err != nil {
		t.Fatalf("addDeviceFor: %v", err)
	}
	r2 := c.Mine(t, tx)
	t.Logf("addDeviceFor (later device) gas used: %d", r2.GasUsed)
	wantAdded(t, reg, r2, account, 2, dev2, 2)

	// A third device from the wallet measures a later direct registration.
	dev3 := newDevice(t, account, 3)
	tx, err = bind.Transact(regc, c.Transactor(1),
		reg.PackAddDevice(3, dev3.signingKey, dev3.keyAgreementKey, 1, dev3.sig))
	if err != nil {
		t.Fatalf("addDevice 3: %v", err)
	}
	r3 := c.Mine(t, tx)
	t.Logf("addDevice (later device) gas used: %d", r3.GasUsed)
	wantAdded(t, reg, r3, account, 3, dev3, 3)

	page, err := bind.Call(regc, nil, reg.PackActiveDevices(account, 0, 10), reg.UnpackActiveDevices)
	if err != nil {
		t.Fatalf("activeDevices: %v", err)
	}
	if len(page.Devices) != 3 || page.NextCursor != 0 || page.Devices[1].KeyAgreementKey != dev2.keyAgreementKey {
		t.Fatalf("activeDevices = %+v", page)
	}

	// Tips: one pushed to an existing account, one credited to a contract that cannot receive ETH.
	ref := crypto.Keccak256Hash([]byte("bafkreiexample"))
	for _, tip := range []struct {
		name     string
		to       common.Address
		credited bool
	}{
		{name: "pushed to an account", to: friend, credited: false},
		{name: "credited to a contract without receive", to: d.DeviceRegistry, credited: true},
	} {
		opts := c.Transactor(1)
		opts.Value = big.NewInt(1e15)
		tx, err := bind.Transact(jarc, opts, jar.PackTip(tip.to, ref))
		if err != nil {
			t.Fatalf("%s: tip: %v", tip.name, err)
		}
		r := c.Mine(t, tx)
		t.Logf("tip %s gas used: %d", tip.name, r.GasUsed)
		if len(r.Logs) != 1 {
			t.Fatalf("%s: %d logs, want 1", tip.name, len(r.Logs))
		}
		ev, err := jar.UnpackTippedEvent(r.Logs[0])
		if err != nil {
			t.Fatalf("%s: decode Tipped: %v", tip.name, err)
		}
		if ev.From != account || ev.To != tip.to || ev.Ref != ref || ev.Token != (common.Address{}) ||
			ev.Amount.Cmp(opts.Value) != 0 || ev.Credited != tip.credited {
			t.Fatalf("%s: Tipped = %+v", tip.name, ev)
		}
	}
	credits, err := bind.Call(jarc, nil, jar.PackCredits(d.DeviceRegistry), jar.UnpackCredits)
	if err != nil {
		t.Fatalf("credits: %v", err)
	}
	if credits.Cmp(big.NewInt(1e15)) != 0 {
		t.Fatalf("credits = %s, want 1e15", credits)
	}
}

// wantAdded checks that the receipt holds exactly one DeviceAdded event with the given fields and that the
// device view agrees.
func wantAdded(t *testing.T, reg *deviceregistry.DeviceRegistry, r *types.Receipt, account common.Address,
	id uint32, d testDevice, seq uint64) {
	t.Helper()
	if len(r.Logs) != 1 {
		t.Fatalf("device %d: %d logs, want 1", id, len(r.Logs))
	}
	ev, err := reg.UnpackDeviceAddedEvent(r.Logs[0])
	if err != nil {
		t.Fatalf("device %d: decode DeviceAdded: %v", id, err)
	}
	if ev.Account != account || ev.DeviceId != id || ev.SigningKey != d.signingKey ||
		ev.KeyAgreementKey != d.keyAgreementKey || ev.Suite != 1 || ev.Seq != seq || !bytes.Equal(ev.DeviceSig, d.sig) {
		t.Fatalf("device %d: DeviceAdded = %+v", id, ev)
	}
}
