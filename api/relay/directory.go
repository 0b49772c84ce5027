package relay

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"

	"github.com/parleychat/parley/internal/store/relaydb"
)

// chanDir is announced by triggers (migration 00031) on every change to the registry tables
// and blocks: the cached directory is stale.
const chanDir = "parley_relay_dir"

// maxDirEntries bounds each map of the directory cache; beyond it, lookups go to Postgres.
const maxDirEntries = 100_000

// maxSigningKeys bounds the cached expanded signing keys (1.5 KiB each); beyond it, keys are
// expanded for each send.
const maxSigningKeys = 10_000

// dirCache caches what every send checks: the members' registered devices and whether two
// accounts blocked each other. It is used only while the listener is connected (live), and
// dropped on every chanDir notification and every listener (re)connect or loss. A lookup
// stores its result only if no reset happened since it read the database (gen), so a reset
// never leaves an older answer behind.
type dirCache struct {
	mu      sync.Mutex
	live    bool
	gen     uint64
	blocked map[[2]common.Address]bool
	devices map[string][]relaydb.MemberDevicesRow   // key: the member addresses, concatenated
	keys    map[[32]byte]*ed25519.ExpandedPublicKey // signing keys expanded for verification
}

// reset drops every entry; live says whether notifications will announce the next changes.
func (d *dirCache) reset(live bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.live = live
	d.blocked = map[[2]common.Address]bool{}
	d.devices = map[string][]relaydb.MemberDevicesRow{}
	d.keys = map[[32]byte]*ed25519.ExpandedPublicKey{}
}

// cached returns m[k], or loads it and stores it unless the cache was reset meanwhile, is not
// live or holds limit entries. m is one of d's maps, read and written under d.mu.
func cached[K comparable, V any](d *dirCache, m func() map[K]V, limit int, k K, load func() (V, error)) (V, error) {
	d.mu.Lock()
	v, ok := m()[k]
	gen, live := d.gen, d.live
	d.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	d.mu.Lock()
	if mm := m(); live && d.gen == gen && len(mm) < limit {
		mm[k] = v
	}
	d.mu.Unlock()
	return v, nil
}

// blockedEitherWay reports whether either account blocked the other.
func (r *Relay) blockedEitherWay(ctx context.Context, a, b common.Address) (bool, error) {
	return cached(&r.dir, func() map[[2]common.Address]bool { return r.dir.blocked }, maxDirEntries, [2]common.Address{a, b}, func() (bool, error) {
		blocked, err := r.q.BlockedEitherWay(ctx, relaydb.BlockedEitherWayParams{A: strings.ToLower(a.Hex()), B: strings.ToLower(b.Hex())})
		if err != nil {
			return false, fmt.Errorf("check blocks: %w", err)
		}
		return blocked, nil
	})
}

// memberDevices returns the valid registrations (revoked or not) of the members; callers must
// not modify the result.
func (r *Relay) memberDevices(ctx context.Context, members []common.Address) ([]relaydb.MemberDevicesRow, error) {
	var key strings.Builder
	accounts := make([][]byte, len(members))
	for i, m := range members {
		key.Write(m[:])
		accounts[i] = m.Bytes()
	}
	return cached(&r.dir, func() map[string][]relaydb.MemberDevicesRow { return r.dir.devices }, maxDirEntries, key.String(), func() ([]relaydb.MemberDevicesRow, error) {
		rows, err := r.q.MemberDevices(ctx, relaydb.MemberDevicesParams{ChainID: r.cfg.ChainID, Accounts: accounts})
		if err != nil {
			return nil, fmt.Errorf("member devices: %w", err)
		}
		return rows, nil
	})
}

// signingKey returns a device's signing key expanded for verification; an invalid key is an
// error.
func (r *Relay) signingKey(key [32]byte) (*ed25519.ExpandedPublicKey, error) {
	return cached(&r.dir, func() map[[32]byte]*ed25519.ExpandedPublicKey { return r.dir.keys }, maxSigningKeys, key, func() (*ed25519.ExpandedPublicKey, error) {
		return ed25519.NewExpandedPublicKey(key[:])
	})
}
