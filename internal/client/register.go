package client

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/internal/protocol"
)

// ErrNotConfirmed is returned when a registered device is not listed as confirmed in time.
var ErrNotConfirmed = errors.New("client: device registration not confirmed")

// Registry is the on-chain DeviceRegistry a device registers in.
type Registry struct {
	// Backend reads the registry (an ethclient.Client or a simulated backend).
	Backend bind.ContractBackend
	// Address is the registry contract.
	Address common.Address
}

// registryPage is how many devices one activeDevices call asks for.
const registryPage = 50

// Check returns a Directory of the devices dir lists that the registry holds as active with
// the same keys and suite, so the API cannot make this client trust or encrypt to a key the
// chain never saw; a device the chain does not confirm (yet) is left out.
func (r Registry) Check(dir Directory) Directory {
	return func(ctx context.Context, account common.Address) ([]protocol.Member, error) {
		listed, err := dir(ctx, account)
		if err != nil || len(listed) == 0 {
			return nil, err
		}
		active, err := r.activeDevices(ctx, account)
		if err != nil {
			return nil, err
		}
		var out []protocol.Member
		for _, m := range listed {
			d, ok := active[m.DeviceID]
			if ok && d.SigningKey == m.Keys.SigningKey && protocol.Suite(d.Suite) == m.Keys.Suite && bytes.Equal(d.KeyAgreementKey[:], m.Keys.KEMPublicKey) {
				out = append(out, m)
			}
		}
		return out, nil
	}
}

// activeDevices reads the account's active devices from the registry page by page, by id.
func (r Registry) activeDevices(ctx context.Context, account common.Address) (map[uint32]deviceregistry.IDeviceRegistryDeviceInfo, error) {
	abi := deviceregistry.NewDeviceRegistry()
	contract := abi.Instance(r.Backend, r.Address)
	out := make(map[uint32]deviceregistry.IDeviceRegistryDeviceInfo)
	var cursor uint32
	for {
		page, err := bind.Call(contract, &bind.CallOpts{Context: ctx}, abi.PackActiveDevices(account, cursor, registryPage), abi.UnpackActiveDevices)
		if err != nil {
			return nil, fmt.Errorf("client: registry active devices %s: %w", account.Hex(), err)
		}
		for _, d := range page.Devices {
			out[d.DeviceId] = d
		}
		if page.NextCursor == 0 {
			return out, nil
		}
		cursor = page.NextCursor
	}
}

// addDeviceTypedData is the EIP-712 AddDevice message the wallet signs for addDeviceFor.
func addDeviceTypedData(chainID int64, registry common.Address, reg protocol.DeviceRegistration, deviceSig []byte, nonce, deadline *big.Int) apitypes.TypedData {
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
			ChainId:           math.NewHexOrDecimal256(chainID),
			VerifyingContract: registry.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"account":         reg.Account.Hex(),
			"deviceId":        new(big.Int).SetUint64(uint64(reg.DeviceID)),
			"signingKey":      reg.SigningKey[:],
			"keyAgreementKey": reg.KeyAgreementKey[:],
			"suite":           big.NewInt(int64(reg.Suite)),
			"deviceSigHash":   crypto.Keccak256(deviceSig),
			"nonce":           nonce,
			"deadline":        deadline,
		},
	}
}

// RegisterDevice registers dev for the signed-in account without gas: it reads the next device
// id and the account's nonce from the registry, has the device sign its registration and the
// wallet key sign the EIP-712 AddDevice authorization, submits both to POST
// /v1/devices/relayed, then polls the account's devices until the API lists it as confirmed
// (indexed) or ctx ends. It returns the device id.
func (a *API) RegisterDevice(ctx context.Context, key *ecdsa.PrivateKey, reg Registry, dev *protocol.Device, poll time.Duration) (uint32, error) {
	account := crypto.PubkeyToAddress(key.PublicKey)
	abi := deviceregistry.NewDeviceRegistry()
	contract := abi.Instance(reg.Backend, reg.Address)
	opts := &bind.CallOpts{Context: ctx}
	id, err := bind.Call(contract, opts, abi.PackNextDeviceId(account), abi.UnpackNextDeviceId)
	if err != nil {
		return 0, fmt.Errorf("client: next device id: %w", err)
	}
	nonce, err := bind.Call(contract, opts, abi.PackNonces(account), abi.UnpackNonces)
	if err != nil {
		return 0, fmt.Errorf("client: registry nonce: %w", err)
	}
	r := dev.Registration(uint64(a.ChainID), reg.Address, account, id)
	devSig, err := dev.SignRegistration(r)
	if err != nil {
		return 0, fmt.Errorf("client: sign registration: %w", err)
	}
	deadline := big.NewInt(time.Now().Add(30 * time.Minute).Unix())
	digest, _, err := apitypes.TypedDataAndHash(addDeviceTypedData(a.ChainID, reg.Address, r, devSig, nonce, deadline))
	if err != nil {
		return 0, fmt.Errorf("client: typed data hash: %w", err)
	}
	accSig, err := crypto.Sign(digest, key)
	if err != nil {
		return 0, fmt.Errorf("client: sign typed data: %w", err)
	}
	accSig[64] += 27
	in := map[string]any{
		"deviceId": id, "suite": r.Suite, "signingKey": hexutil.Encode(r.SigningKey[:]),
		"keyAgreementKey": hexutil.Encode(r.KeyAgreementKey[:]), "deviceSignature": hexutil.Encode(devSig),
		"deadline": deadline.Int64(), "accountSignature": hexutil.Encode(accSig),
	}
	if err := a.call(ctx, http.MethodPost, "/v1/devices/relayed", in, nil); err != nil {
		return 0, err
	}
	return id, a.waitConfirmed(ctx, account, id, poll)
}

// waitConfirmed polls the account's device list until device id is confirmed.
func (a *API) waitConfirmed(ctx context.Context, account common.Address, id uint32, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		var out struct {
			Devices []apiDevice `json:"devices"`
		}
		if err := a.call(ctx, http.MethodGet, "/v1/users/"+strings.ToLower(account.Hex())+"/devices", nil, &out); err != nil {
			return err
		}
		for _, d := range out.Devices {
			if d.DeviceID == id && d.State == "confirmed" && d.Valid {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("client: device %d: %w: %w", id, ErrNotConfirmed, ctx.Err())
		case <-t.C:
		}
	}
}
