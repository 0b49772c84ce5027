package api

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/internal/protocol"
	"github.com/parleychat/parley/internal/store/appdb"
)

// relayer submits addDeviceFor transactions from the server's key. Its mutex serializes
// simulation and sending, so the key's transaction nonces never collide within one instance;
// instances sharing a key would need their own nonce coordination, so give each its own key.
type relayer struct {
	mu       sync.Mutex
	key      *ecdsa.PrivateKey
	from     common.Address
	chainID  *big.Int
	registry common.Address
	backend  bind.ContractBackend
	abi      *deviceregistry.DeviceRegistry
	contract *bind.BoundContract
}

// newRelayer answers nil when cfg has no relayer key.
func newRelayer(cfg Config, backend bind.ContractBackend) (*relayer, error) {
	if cfg.RelayerKey == "" {
		return nil, nil
	}
	if backend == nil {
		return nil, fmt.Errorf("%w: a relayer key needs a chain backend", ErrConfig)
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(cfg.RelayerKey, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: relayer key: %w", ErrConfig, err)
	}
	r := &relayer{
		key: key, from: crypto.PubkeyToAddress(key.PublicKey), chainID: big.NewInt(cfg.DeviceChainID),
		registry: common.HexToAddress(cfg.DeviceRegistry), backend: backend, abi: deviceregistry.NewDeviceRegistry(),
	}
	r.contract = r.abi.Instance(backend, r.registry)
	return r, nil
}

// submit simulates the call from the relayer's address and sends it when the registry accepts
// it; a revert answers ErrRegistryRefused naming the contract's error, and no transaction.
func (r *relayer) submit(ctx context.Context, calldata []byte) (common.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.backend.CallContract(ctx, ethereum.CallMsg{From: r.from, To: &r.registry, Data: calldata}, nil); err != nil {
		if reason, ok := r.revertReason(err); ok {
			return common.Hash{}, ErrRegistryRefused.with("the DeviceRegistry refuses this registration: "+reason, err)
		}
		return common.Hash{}, ErrUnavailable.with("the chain is unavailable", fmt.Errorf("simulate addDeviceFor: %w", err))
	}
	opts := bind.NewKeyedTransactor(r.key, r.chainID)
	opts.Context = ctx
	tx, err := bind.Transact(r.contract, opts, calldata)
	if err != nil {
		return common.Hash{}, ErrUnavailable.with("the registration could not be sent", fmt.Errorf("send addDeviceFor: %w", err))
	}
	return tx.Hash(), nil
}

// revertReason names the DeviceRegistry error carried by a reverted call, e.g. InvalidSignature.
func (r *relayer) revertReason(err error) (string, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return "", false
	}
	raw, ok := de.ErrorData().(string)
	if !ok {
		return "", false
	}
	data, derr := hexutil.Decode(raw)
	if derr != nil || len(data) < 4 {
		return "reverted", true
	}
	decoded, uerr := r.abi.UnpackError(data)
	if uerr != nil {
		return "reverted", true
	}
	t := reflect.TypeOf(decoded)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.TrimPrefix(t.Name(), "DeviceRegistry"), true
}

// RelayDeviceRegistration checks a device's self-signature and the wallet's addDeviceFor
// signature, enforces the account's relay limits, and sends the transaction from the relayer.
func (s *Server) RelayDeviceRegistration(c echo.Context) error {
	if s.relayer == nil {
		return ErrRelayerDisabled
	}
	var in gen.RelayedDeviceInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	deadline := time.Unix(in.Deadline, 0)
	if !deadline.After(now) || deadline.After(now.Add(s.cfg.RelayMaxDeadline)) {
		return ErrInvalidRequest.with(fmt.Sprintf("the deadline must be in the future and at most %s ahead", s.cfg.RelayMaxDeadline), nil)
	}
	// The schema guarantees the hex lengths.
	reg := protocol.DeviceRegistration{
		ChainID: uint64(s.cfg.DeviceChainID), Registry: s.relayer.registry, Account: common.HexToAddress(me),
		DeviceID: uint32(in.DeviceId), Suite: protocol.Suite(in.Suite),
		SigningKey: [32]byte(hexutil.MustDecode(in.SigningKey)), KeyAgreementKey: [32]byte(hexutil.MustDecode(in.KeyAgreementKey)),
	}
	deviceSig := hexutil.MustDecode(in.DeviceSignature)
	switch err := protocol.VerifyDeviceRegistration(reg, deviceSig); {
	case errors.Is(err, protocol.ErrBadSignature):
		return ErrDeviceSignature.with("", err)
	case err != nil:
		return ErrInvalidRequest.with("the registration has an unsupported suite or a zero key", err)
	}
	calldata := s.relayer.abi.PackAddDeviceFor(reg.Account, reg.DeviceID, reg.SigningKey, reg.KeyAgreementKey, uint8(reg.Suite),
		deviceSig, big.NewInt(in.Deadline), hexutil.MustDecode(in.AccountSignature))
	var txHash common.Hash
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		if err := q.AdvisoryXactLock(ctx, lockRelay+me); err != nil {
			return fmt.Errorf("lock account relay: %w", err)
		}
		usage, err := q.RelayUsage(ctx, appdb.RelayUsageParams{Now: ts(now), Since: ts(now.Add(-quotaWindow)), Account: me, ChainID: s.cfg.DeviceChainID})
		switch {
		case err != nil:
			return fmt.Errorf("relay usage: %w", err)
		case int(usage.Pending) >= s.cfg.RelayMaxPending:
			return ErrRelayLimit.with(fmt.Sprintf("at most %d gasless registrations may be pending", s.cfg.RelayMaxPending), nil)
		case int(usage.Recent) >= s.cfg.RelayPerDay:
			return ErrRelayLimit.with(fmt.Sprintf("at most %d gasless registrations per 24 hours", s.cfg.RelayPerDay), nil)
		}
		if txHash, err = s.relayer.submit(ctx, calldata); err != nil {
			return err
		}
		s.log.Info("relayed device registration", "account", me, "device_id", in.DeviceId, "tx_hash", txHash.Hex())
		return wrap("insert relayed device", q.InsertRelayedDevice(ctx, appdb.InsertRelayedDeviceParams{
			TxHash: txHash.Bytes(), ChainID: s.cfg.DeviceChainID, Account: me, DeviceID: in.DeviceId, Suite: int16(in.Suite),
			SigningKey: reg.SigningKey[:], KeyAgreementKey: reg.KeyAgreementKey[:], Deadline: ts(deadline), CreatedAt: ts(now),
		}))
	})
	if err != nil {
		return err
	}
	hash := txHash.Hex()
	return c.JSON(http.StatusAccepted, gen.Device{
		DeviceId: in.DeviceId, Suite: in.Suite, SigningKey: in.SigningKey, KeyAgreementKey: in.KeyAgreementKey,
		Valid: true, State: gen.DeviceStatePending, TxHash: &hash,
	})
}
