package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// ChainCaller is the part of an Ethereum RPC client that ERC-1271 signature checks need;
// *ethclient.Client and the simulated backend's client satisfy it.
type ChainCaller interface {
	CallContract(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
	ChainID(ctx context.Context) (*big.Int, error)
}

// erc1271Magic is bytes4(keccak256("isValidSignature(bytes32,bytes)")), returned by a contract
// wallet that accepts the signature.
var erc1271Magic = []byte{0x16, 0x26, 0xba, 0x7e}

var erc1271ABI = mustABI(`[{"type":"function","name":"isValidSignature","stateMutability":"view",
 "inputs":[{"name":"hash","type":"bytes32"},{"name":"signature","type":"bytes"}],
 "outputs":[{"name":"","type":"bytes4"}]}]`)

func mustABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic(fmt.Sprintf("erc1271 abi: %v", err))
	}
	return a
}

// siweVerifier checks EIP-4361 messages against the server's domain, URI, chains and clock.
type siweVerifier struct {
	domain   string
	origin   string
	chainIDs []int
	maxAge   time.Duration
	skew     time.Duration
	chain    ChainCaller

	mu       sync.Mutex
	rpcChain int64 // the chain's id once asked; 0 before
}

// verified is an accepted sign-in: who signed and which nonce must be consumed.
type verified struct {
	address string
	nonce   string
}

// verify parses message, checks every field and the signature (EOA or ERC-1271) at now.
func (v *siweVerifier) verify(ctx context.Context, message, signature string, now time.Time) (verified, error) {
	msg, err := parseSiwe(message)
	if err != nil {
		return verified{}, ErrInvalidRequest.with("the message is not a valid EIP-4361 message", err)
	}
	uri := msg.GetURI()
	switch {
	case msg.GetDomain() != v.domain:
		return verified{}, ErrSiweRejected.with("the message is for another domain", fmt.Errorf("domain %q", msg.GetDomain()))
	case uri.Scheme+"://"+uri.Host != v.origin:
		return verified{}, ErrSiweRejected.with("the message URI is not ours", fmt.Errorf("uri %q", uri.String()))
	case msg.GetVersion() != "1":
		return verified{}, ErrSiweRejected.with("unsupported message version", nil)
	case !slices.Contains(v.chainIDs, msg.GetChainID()):
		return verified{}, ErrSiweRejected.with("the chain id is not allowed", fmt.Errorf("chain id %d", msg.GetChainID()))
	}
	if _, err := msg.ValidAt(now); err != nil {
		return verified{}, ErrSiweRejected.with("the message is expired or not yet valid", err)
	}
	issued, err := time.Parse(time.RFC3339, msg.GetIssuedAt())
	if err != nil {
		return verified{}, ErrInvalidRequest.with("issued-at is not an RFC 3339 time", err)
	}
	if issued.After(now.Add(v.skew)) || issued.Before(now.Add(-v.maxAge)) {
		return verified{}, ErrSiweRejected.with("issued-at is too far from now", fmt.Errorf("issued at %s, now %s", issued, now))
	}
	sig, err := hexutil.Decode(signature)
	if err != nil {
		return verified{}, ErrInvalidRequest.with("the signature is not hex", err)
	}
	if err := v.checkSignature(ctx, int64(msg.GetChainID()), msg.GetAddress(), accounts.TextHash([]byte(message)), sig); err != nil {
		return verified{}, err
	}
	return verified{address: strings.ToLower(msg.GetAddress().Hex()), nonce: msg.GetNonce()}, nil
}

// checkSignature accepts an EOA signature by addr over the EIP-191 hash of the message as
// signed, else, when the message names the configured RPC's chain, asks addr's contract there
// (ERC-1271): the same address on another chain may hold other code.
func (v *siweVerifier) checkSignature(ctx context.Context, chainID int64, addr common.Address, hash []byte, sig []byte) error {
	eoaErr := checkEOA(addr, hash, sig)
	if eoaErr == nil {
		return nil
	}
	if v.chain == nil {
		return ErrSiweRejected.with("the signature does not match the address", eoaErr)
	}
	rpcChain, err := v.rpcChainID(ctx)
	if err != nil {
		return ErrUnavailable.with("the chain RPC is unavailable", err)
	}
	if chainID != rpcChain {
		return ErrSiweRejected.with(fmt.Sprintf("the signature does not match the address (a contract wallet signs in on chain %d only)", rpcChain), eoaErr)
	}
	code, err := v.chain.CodeAt(ctx, addr, nil)
	if err != nil {
		return ErrUnavailable.with("the chain RPC is unavailable", fmt.Errorf("code at %s: %w", addr, err))
	}
	if len(code) == 0 {
		return ErrSiweRejected.with("the signature does not match the address", errors.Join(eoaErr, errors.New("no contract code")))
	}
	data, err := erc1271ABI.Pack("isValidSignature", [32]byte(hash), sig)
	if err != nil {
		return fmt.Errorf("pack isValidSignature: %w", err)
	}
	out, err := v.chain.CallContract(ctx, ethereum.CallMsg{To: &addr, Data: data}, nil)
	if err != nil || len(out) < 4 || !bytes.Equal(out[:4], erc1271Magic) {
		return ErrSiweRejected.with("the contract wallet rejected the signature", fmt.Errorf("isValidSignature: out %x: %w", out, err))
	}
	return nil
}

// rpcChainID answers the configured RPC's chain id, asking it once.
func (v *siweVerifier) rpcChainID(ctx context.Context) (int64, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.rpcChain == 0 {
		id, err := v.chain.ChainID(ctx)
		if err != nil {
			return 0, fmt.Errorf("chain id: %w", err)
		}
		v.rpcChain = id.Int64()
	}
	return v.rpcChain, nil
}

// checkEOA recovers the signer of a 65-byte [R || S || V] signature (V 0, 1, 27 or 28).
func checkEOA(addr common.Address, hash, sig []byte) error {
	if len(sig) != 65 {
		return fmt.Errorf("eoa signature has %d bytes, want 65", len(sig))
	}
	rsv := bytes.Clone(sig)
	if rsv[64] >= 27 {
		rsv[64] -= 27
	}
	pub, err := crypto.Ecrecover(hash, rsv) // 65-byte uncompressed key: no curve point to decode
	if err != nil {
		return fmt.Errorf("recover signer: %w", err)
	}
	if got := common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]); got != addr {
		return fmt.Errorf("signer %s is not %s", got, addr)
	}
	return nil
}

// newSiweVerifier builds the verifier from the validated config.
func newSiweVerifier(cfg Config, chain ChainCaller) *siweVerifier {
	u, _ := url.Parse(cfg.PublicURL)
	return &siweVerifier{
		domain: cfg.domain(), origin: u.Scheme + "://" + u.Host, chainIDs: cfg.ChainIDs,
		maxAge: cfg.NonceTTL, skew: cfg.ClockSkew, chain: chain,
	}
}
