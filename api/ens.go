package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parleychat/parley/internal/store/appdb"
)

// mainnetENSRegistry is the ENS registry on Ethereum mainnet and its public testnets.
const mainnetENSRegistry = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e"

// ensLookupTimeout bounds one reverse resolution (three or four eth_calls).
const ensLookupTimeout = 3 * time.Second

// ensABI holds the registry's resolver(node) and a resolver's name(node) and addr(node).
var ensABI = mustABI(`[
 {"type":"function","name":"resolver","stateMutability":"view","inputs":[{"name":"node","type":"bytes32"}],"outputs":[{"name":"","type":"address"}]},
 {"type":"function","name":"name","stateMutability":"view","inputs":[{"name":"node","type":"bytes32"}],"outputs":[{"name":"","type":"string"}]},
 {"type":"function","name":"addr","stateMutability":"view","inputs":[{"name":"node","type":"bytes32"}],"outputs":[{"name":"","type":"address"}]}]`)

// ensResolver finds an address's primary ENS name (EIP-181 reverse record) and keeps it only
// when the name resolves forward to the same address, as ENS clients must. A chain without
// code at the registry address (a devnet such as anvil) turns it off after one check.
type ensResolver struct {
	chain    ChainCaller
	registry common.Address
	log      *slog.Logger

	mu      sync.Mutex
	checked bool
	present bool
}

// namehash is the ENS (EIP-137) hash of a dot-separated name.
func namehash(name string) common.Hash {
	var node common.Hash
	if name == "" {
		return node
	}
	labels := strings.Split(name, ".")
	for i := len(labels) - 1; i >= 0; i-- {
		node = crypto.Keccak256Hash(node[:], crypto.Keccak256([]byte(labels[i])))
	}
	return node
}

// available reports whether the registry has code, checking the chain once.
func (r *ensResolver) available(ctx context.Context) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.checked {
		return r.present, nil
	}
	code, err := r.chain.CodeAt(ctx, r.registry, nil)
	if err != nil {
		return false, fmt.Errorf("ens registry code: %w", err)
	}
	r.checked, r.present = true, len(code) > 0
	if !r.present {
		r.log.Info("no ENS registry on the chain; ENS names are off", "registry", r.registry.Hex())
	}
	return r.present, nil
}

// call runs one single-node view function of the ENS ABI at to.
func (r *ensResolver) call(ctx context.Context, to common.Address, method string, node common.Hash) (any, error) {
	data, err := ensABI.Pack(method, node)
	if err != nil {
		return nil, fmt.Errorf("pack %s: %w", method, err)
	}
	out, err := r.chain.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		return nil, fmt.Errorf("call %s: %w", method, err)
	}
	values, err := ensABI.Unpack(method, out)
	if err != nil || len(values) != 1 {
		return nil, fmt.Errorf("unpack %s: %w", method, err)
	}
	return values[0], nil
}

// resolverOf answers the resolver of node, the zero address when there is none.
func (r *ensResolver) resolverOf(ctx context.Context, node common.Hash) (common.Address, error) {
	v, err := r.call(ctx, r.registry, "resolver", node)
	if err != nil {
		return common.Address{}, err
	}
	return v.(common.Address), nil
}

// lookup answers addr's verified primary name, or "" when it has none or ENS is off.
func (r *ensResolver) lookup(ctx context.Context, addr common.Address) (string, error) {
	if ok, err := r.available(ctx); !ok || err != nil {
		return "", err
	}
	reverse := namehash(strings.ToLower(addr.Hex()[2:]) + ".addr.reverse")
	res, err := r.resolverOf(ctx, reverse)
	if err != nil || res == (common.Address{}) {
		return "", err
	}
	v, err := r.call(ctx, res, "name", reverse)
	if err != nil {
		return "", err
	}
	name := v.(string)
	if !plainENSName(name) {
		return "", nil
	}
	forward := namehash(name)
	if res, err = r.resolverOf(ctx, forward); err != nil || res == (common.Address{}) {
		return "", err
	}
	if v, err = r.call(ctx, res, "addr", forward); err != nil {
		return "", err
	}
	if v.(common.Address) != addr {
		return "", nil
	}
	return name, nil
}

// plainENSName accepts a name only when it cannot pass for another on screen: at most 255
// bytes of UTF-8, no empty label, no uppercase letter, and no control, format (bidi
// overrides, zero-width; a joiner only inside an emoji sequence), space or separator
// character, all of which ENSIP-15 disallows or maps away. Full ENSIP-15 normalization
// (confusable scripts) is not applied.
func plainENSName(name string) bool {
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || slices.Contains(strings.Split(name, "."), "") {
		return false
	}
	runes := []rune(name)
	for i, r := range runes {
		if hiddenRune(runes, i) || r == utf8.RuneError || unicode.IsUpper(r) || unicode.In(r, unicode.Co, unicode.Z) {
			return false
		}
	}
	return true
}

// zeroWidthJoiner joins emoji into one (e.g. a family).
const zeroWidthJoiner = '\u200d'

// zeroWidthNonJoiner keeps two letters apart that would join (Persian writes it inside words).
const zeroWidthNonJoiner = '\u200c'

// isEmojiPart reports whether r can precede a joiner in an emoji sequence.
func isEmojiPart(r rune) bool {
	return unicode.Is(unicode.So, r) || r == '\ufe0f' || unicode.Is(unicode.Sk, r)
}

// ensName answers address's verified primary ENS name from the cache or the chain; nil when
// it has none, ENS is off, or the chain cannot answer (logged, the profile is served anyway).
func (s *Server) ensName(ctx context.Context, address string) *string {
	if s.ens == nil {
		return nil
	}
	now := s.now()
	cached, err := s.q.CachedENSName(ctx, appdb.CachedENSNameParams{Address: address, FreshAfter: ts(now.Add(-s.cfg.ENSCacheTTL))})
	switch {
	case err == nil:
		return textPtr(cached)
	case !errors.Is(err, pgx.ErrNoRows):
		s.log.Warn("ens cache", "address", address, "err", err)
		return nil
	}
	lookupCtx, cancel := context.WithTimeout(ctx, ensLookupTimeout)
	defer cancel()
	name, err := s.ens.lookup(lookupCtx, common.HexToAddress(address))
	if err != nil {
		s.log.Warn("ens lookup", "address", address, "err", err)
		return nil
	}
	stored := pgtype.Text{String: name, Valid: name != ""}
	if err := s.q.CacheENSName(ctx, appdb.CacheENSNameParams{Address: address, Name: stored, Now: ts(now)}); err != nil {
		s.log.Warn("ens cache store", "address", address, "err", err)
	}
	return textPtr(stored)
}

func textPtr(t pgtype.Text) *string {
	if !t.Valid {
		return nil
	}
	return &t.String
}
