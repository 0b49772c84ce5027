package indexer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/bindings/tipjar"
	"github.com/parleychat/parley/indexer"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// backend is what the workload needs from a chain: contract calls and the indexer's reads.
type backend interface {
	bind.ContractBackend
	indexer.Client
}

// device is a registered (or attempted) device and the key that signs its rotations.
type device struct {
	account common.Address
	id      uint32
	dev     *protocol.Device
}

// workload sends random registrations, rotations, revocations and tips, some with bad
// device signatures, and remembers which registrations carry a valid self-signature.
type workload struct {
	t        testing.TB
	client   backend
	chainID  uint64
	keys     []*ecdsa.PrivateKey
	registry common.Address
	tipJar   common.Address
	reg      *deviceregistry.DeviceRegistry
	tips     *tipjar.TipJar
	rng      *mrand.Rand
	devices  []device
	// validSig maps a registration's tx hash to whether its self-signature is valid.
	validSig map[common.Hash]bool
	nonces   map[common.Address]uint64
}

// opts returns transact options for the next nonce of k's account. Nonces are counted here:
// a node's pending nonce can lag right after a send. Call resetNonces after a reorg.
func (w *workload) opts(k *ecdsa.PrivateKey) *bind.TransactOpts {
	o := bind.NewKeyedTransactor(k, new(big.Int).SetUint64(w.chainID))
	o.GasLimit = 400_000 // skip estimation: reverting transactions are part of the workload
	addr := crypto.PubkeyToAddress(k.PublicKey)
	n, ok := w.nonces[addr]
	if !ok {
		var err error
		if n, err = w.client.PendingNonceAt(context.Background(), addr); err != nil {
			w.t.Fatalf("pending nonce: %v", err)
		}
	}
	o.Nonce = new(big.Int).SetUint64(n)
	w.nonces[addr] = n + 1
	return o
}

// resetNonces forgets the counted nonces, to read them from the chain again.
func (w *workload) resetNonces() { w.nonces = map[common.Address]uint64{} }

// deploy deploys both contracts from keys[0]; the caller mines the block.
func (w *workload) deploy() {
	w.t.Helper()
	w.resetNonces()
	var err error
	o := w.opts(w.keys[0])
	o.GasLimit = 0
	w.registry, _, err = bind.DeployContract(o, common.FromHex(deviceregistry.DeviceRegistryMetaData.Bin), w.client, nil)
	if err != nil {
		w.t.Fatalf("deploy registry: %v", err)
	}
	o = w.opts(w.keys[0])
	o.GasLimit = 0
	w.tipJar, _, err = bind.DeployContract(o, common.FromHex(tipjar.TipJarMetaData.Bin), w.client, nil)
	if err != nil {
		w.t.Fatalf("deploy tip jar: %v", err)
	}
	w.initBindings()
}

func (w *workload) initBindings() {
	w.reg, w.tips = deviceregistry.NewDeviceRegistry(), tipjar.NewTipJar()
	w.validSig = map[common.Hash]bool{}
	w.resetNonces()
}

// mustPool opens a pool on url that closes when t ends.
func mustPool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// send sends n random transactions (not mined).
func (w *workload) send(n int) {
	w.t.Helper()
	for range n {
		k := w.keys[w.rng.IntN(len(w.keys))]
		acct := crypto.PubkeyToAddress(k.PublicKey)
		var err error
		switch r := w.rng.IntN(10); {
		case r < 3:
			_, err = w.register(k, acct)
		case r < 4 && len(w.devices) > 0:
			d := w.devices[w.rng.IntN(len(w.devices))]
			_, err = w.rotate(d)
		case r < 5 && len(w.devices) > 0:
			d := w.devices[w.rng.IntN(len(w.devices))]
			o := w.opts(w.keyOf(d.account))
			_, err = bind.Transact(w.reg.Instance(w.client, w.registry), o, w.reg.PackRevokeDevice(d.id))
		default:
			to := crypto.PubkeyToAddress(w.keys[w.rng.IntN(len(w.keys))].PublicKey)
			o := w.opts(k)
			o.Value = big.NewInt(int64(1 + w.rng.IntN(1_000_000)))
			var ref [32]byte
			_, _ = rand.Read(ref[:])
			_, err = bind.Transact(w.tips.Instance(w.client, w.tipJar), o, w.tips.PackTip(to, ref))
		}
		if err != nil {
			w.t.Fatalf("send: %v", err)
		}
	}
}

func (w *workload) keyOf(a common.Address) *ecdsa.PrivateKey {
	for _, k := range w.keys {
		if crypto.PubkeyToAddress(k.PublicKey) == a {
			return k
		}
	}
	w.t.Fatalf("no key for %s", a)
	return nil
}

// register adds the account's next device; one in five carries a corrupted self-signature.
func (w *workload) register(k *ecdsa.PrivateKey, acct common.Address) (*types.Transaction, error) {
	next, err := bind.Call(w.reg.Instance(w.client, w.registry), &bind.CallOpts{Pending: true}, w.reg.PackNextDeviceId(acct), w.reg.UnpackNextDeviceId)
	if err != nil {
		return nil, fmt.Errorf("next device id: %w", err)
	}
	// Several registrations of one account in a block would reuse the id and revert; fine.
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		return nil, err
	}
	reg := dev.Registration(w.chainID, w.registry, acct, next)
	sig, err := dev.SignRegistration(reg)
	if err != nil {
		return nil, err
	}
	valid := w.rng.IntN(5) != 0
	if !valid {
		sig[0] ^= 0xff
	}
	tx, err := bind.Transact(w.reg.Instance(w.client, w.registry), w.opts(k),
		w.reg.PackAddDevice(next, reg.SigningKey, reg.KeyAgreementKey, uint8(reg.Suite), sig))
	if err != nil {
		return nil, err
	}
	w.validSig[tx.Hash()] = valid
	w.devices = append(w.devices, device{account: acct, id: next, dev: dev})
	return tx, nil
}

func (w *workload) rotate(d device) (*types.Transaction, error) {
	fresh, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		return nil, err
	}
	rot := protocol.KeyRotation{ChainID: w.chainID, Registry: w.registry, Account: d.account, DeviceID: d.id,
		Suite: protocol.SuiteX25519, KeyAgreementKey: fresh.Keys().KeyAgreementKey()}
	sig := d.dev.Sign(rot.SignedBytes())
	return bind.Transact(w.reg.Instance(w.client, w.registry), w.opts(w.keyOf(d.account)),
		w.reg.PackRotateKeyAgreementKey(d.id, rot.KeyAgreementKey, sig))
}

// waitIndexed polls the cursor until it reaches the chain's head block.
func waitIndexed(t testing.TB, pool *pgxpool.Pool, client indexer.Client, chainID uint64, errc <-chan error) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	for {
		head, err := client.HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatalf("head: %v", err)
		}
		var hash []byte
		err = pool.QueryRow(ctx, "SELECT block_hash FROM chain_cursor WHERE chain_id = $1", int64(chainID)).Scan(&hash)
		if err == nil && common.BytesToHash(hash) == head.Hash() {
			return
		}
		select {
		case err := <-errc:
			t.Fatalf("indexer stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexer did not reach head %d (%s) in time", head.Number, head.Hash())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assertMatchesChain checks that the event tables hold exactly the contracts' logs of the
// canonical chain, row for row, and the expected self-signature verdicts.
func assertMatchesChain(t testing.TB, pool *pgxpool.Pool, w *workload, from uint64) {
	t.Helper()
	ctx := context.Background()
	head, err := w.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	logs, err := w.client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(from), ToBlock: head.Number,
		Addresses: []common.Address{w.registry, w.tipJar}})
	if err != nil {
		t.Fatalf("eth_getLogs: %v", err)
	}
	ra, ta := w.reg.GetABI(), w.tips.GetABI()
	tables := map[common.Hash]string{
		ra.Events["DeviceAdded"].ID: "device_added", ra.Events["DeviceRevoked"].ID: "device_revoked",
		ra.Events["KeyAgreementKeyRotated"].ID: "key_agreement_rotated", ta.Events["Tipped"].ID: "tips",
		ta.Events["Withdrawn"].ID: "withdrawals",
	}
	var want []string
	for _, l := range logs {
		if table, ok := tables[l.Topics[0]]; ok {
			want = append(want, fmt.Sprintf("%s %s %d %d %s", table, l.TxHash.Hex(), l.Index, l.BlockNumber, l.BlockHash.Hex()))
		}
	}
	var got []string
	rows, err := pool.Query(ctx, `
		SELECT 'device_added', tx_hash, log_index, block_number, block_hash FROM device_added
		UNION ALL SELECT 'device_revoked', tx_hash, log_index, block_number, block_hash FROM device_revoked
		UNION ALL SELECT 'key_agreement_rotated', tx_hash, log_index, block_number, block_hash FROM key_agreement_rotated
		UNION ALL SELECT 'tips', tx_hash, log_index, block_number, block_hash FROM tips
		UNION ALL SELECT 'withdrawals', tx_hash, log_index, block_number, block_hash FROM withdrawals`)
	if err != nil {
		t.Fatalf("query rows: %v", err)
	}
	for rows.Next() {
		var table string
		var tx, bh []byte
		var idx int32
		var bn int64
		if err := rows.Scan(&table, &tx, &idx, &bn, &bh); err != nil {
			t.Fatalf("scan: %v", err)
		}
		got = append(got, fmt.Sprintf("%s %s %d %d %s", table, common.BytesToHash(tx).Hex(), idx, bn, common.BytesToHash(bh).Hex()))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows: %v", err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Fatalf("database differs from eth_getLogs (%d rows vs %d logs):\n%s", len(got), len(want), diff(want, got))
	}
	if len(want) == 0 {
		t.Fatal("workload produced no logs")
	}
	sigs, err := pool.Query(ctx, "SELECT tx_hash, sig_valid FROM device_added")
	if err != nil {
		t.Fatalf("query sigs: %v", err)
	}
	defer sigs.Close()
	for sigs.Next() {
		var tx []byte
		var valid bool
		if err := sigs.Scan(&tx, &valid); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if exp, ok := w.validSig[common.BytesToHash(tx)]; ok && exp != valid {
			t.Fatalf("registration %x: sig_valid %v, want %v", tx, valid, exp)
		}
	}
}

func diff(want, got []string) string {
	var b strings.Builder
	for _, s := range want {
		if !slices.Contains(got, s) {
			fmt.Fprintf(&b, "  missing: %s\n", s)
		}
	}
	for _, s := range got {
		if !slices.Contains(want, s) {
			fmt.Fprintf(&b, "  extra:   %s\n", s)
		}
	}
	return b.String()
}

// runIndexer runs an indexer until the test ends and returns its error channel.
func runIndexer(t testing.TB, cfg indexer.Config, pool *pgxpool.Pool, client indexer.Client) (context.CancelFunc, <-chan error) {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	ix, err := indexer.New(cfg, pool, client)
	if err != nil {
		t.Fatalf("new indexer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc, done := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(done)
		errc <- ix.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return cancel, errc
}
