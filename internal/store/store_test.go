package store_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/store"
	"github.com/parleychat/parley/internal/store/chaindb"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const chainID = 31337

var account = bytes.Repeat([]byte{0xaa}, 20)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func txHash(block int64, i int32) []byte {
	h := make([]byte, 32)
	h[0], h[1] = byte(block), byte(i)
	return h
}

// event is one row to insert, positioned at (block, index).
type event struct {
	kind  string // added, rotated, revoked
	block int64
	index int32
	key   byte // key-agreement key byte for added and rotated
	valid bool
}

func insert(t *testing.T, q *chaindb.Queries, evs []event) {
	t.Helper()
	ctx := context.Background()
	for _, e := range evs {
		var err error
		th, bh := txHash(e.block, e.index), key(byte(e.block))
		switch e.kind {
		case "added":
			_, err = q.InsertDeviceAdded(ctx, chaindb.InsertDeviceAddedParams{ChainID: chainID,
				TxHashes: [][]byte{th}, LogIndexes: []int32{e.index}, BlockNumbers: []int64{e.block},
				BlockHashes: [][]byte{bh}, Accounts: [][]byte{account}, DeviceIds: []int64{1},
				SigningKeys: [][]byte{key(0x51)}, KeyAgreementKeys: [][]byte{key(e.key)}, Suites: []int16{1},
				Seqs: []int64{e.block}, DeviceSigs: [][]byte{{1}}, SigValids: []bool{e.valid}})
		case "rotated":
			_, err = q.InsertKeyAgreementRotated(ctx, chaindb.InsertKeyAgreementRotatedParams{ChainID: chainID,
				TxHashes: [][]byte{th}, LogIndexes: []int32{e.index}, BlockNumbers: []int64{e.block},
				BlockHashes: [][]byte{bh}, Accounts: [][]byte{account}, DeviceIds: []int64{1},
				KeyAgreementKeys: [][]byte{key(e.key)}, Seqs: []int64{e.block}, DeviceSigs: [][]byte{{1}},
				SigValids: []bool{e.valid}})
		case "revoked":
			_, err = q.InsertDeviceRevoked(ctx, chaindb.InsertDeviceRevokedParams{ChainID: chainID,
				TxHashes: [][]byte{th}, LogIndexes: []int32{e.index}, BlockNumbers: []int64{e.block},
				BlockHashes: [][]byte{bh}, Accounts: [][]byte{account}, DeviceIds: []int64{1}, Seqs: []int64{e.block}})
		default:
			t.Fatalf("unknown event kind %q", e.kind)
		}
		if err != nil {
			t.Fatalf("insert %s: %v", e.kind, err)
		}
	}
}

func TestDevicesView(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		events      []event
		rollbackTo  int64 // delete rows above this block when > 0
		wantKey     byte
		wantRevoked bool
		wantValid   bool
	}{
		{name: "registered", events: []event{{"added", 1, 0, 0x10, true}}, wantKey: 0x10, wantValid: true},
		{name: "invalid self-signature is kept and flagged", events: []event{{"added", 1, 0, 0x10, false}}, wantKey: 0x10},
		{name: "rotation replaces key", events: []event{{"added", 1, 0, 0x10, true}, {"rotated", 2, 0, 0x20, true}, {"rotated", 2, 1, 0x21, true}},
			wantKey: 0x21, wantValid: true},
		{name: "rotation with bad signature is ignored", events: []event{{"added", 1, 0, 0x10, true}, {"rotated", 2, 0, 0x20, false}},
			wantKey: 0x10, wantValid: true},
		{name: "revoked device stays, marked", events: []event{{"added", 1, 0, 0x10, true}, {"revoked", 3, 0, 0, false}},
			wantKey: 0x10, wantRevoked: true, wantValid: true},
		{name: "rollback of orphaned rotation and revocation restores state",
			events:     []event{{"added", 1, 0, 0x10, true}, {"rotated", 2, 0, 0x20, true}, {"revoked", 3, 0, 0, false}},
			rollbackTo: 1, wantKey: 0x10, wantValid: true},
		{name: "re-registration after revocation is active", events: []event{{"added", 1, 0, 0x10, true}, {"revoked", 2, 0, 0, false}, {"added", 3, 0, 0x30, true}},
			wantKey: 0x30, wantValid: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			q := chaindb.New(pgtest.NewDB(t))
			insert(t, q, tc.events)
			if tc.rollbackTo > 0 {
				if _, err := q.DeleteEventsAbove(ctx, chaindb.DeleteEventsAboveParams{ChainID: chainID, BlockNumber: tc.rollbackTo}); err != nil {
					t.Fatalf("rollback: %v", err)
				}
			}
			devs, err := q.ListDevices(ctx, chaindb.ListDevicesParams{ChainID: chainID, Account: account})
			if err != nil {
				t.Fatalf("list devices: %v", err)
			}
			if len(devs) != 1 {
				t.Fatalf("got %d devices, want 1", len(devs))
			}
			d := devs[0]
			if !bytes.Equal(d.KeyAgreementKey, key(tc.wantKey)) || d.Revoked != tc.wantRevoked || d.SigValid != tc.wantValid {
				t.Fatalf("device = key %x revoked %v valid %v, want key %x revoked %v valid %v",
					d.KeyAgreementKey[:1], d.Revoked, d.SigValid, tc.wantKey, tc.wantRevoked, tc.wantValid)
			}
		})
	}
}

func TestReplayedBatchIsNoOp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := chaindb.New(pgtest.NewDB(t))
	p := chaindb.InsertTipsParams{ChainID: chainID, TxHashes: [][]byte{txHash(1, 0), txHash(1, 1)},
		LogIndexes: []int32{0, 1}, BlockNumbers: []int64{1, 1}, BlockHashes: [][]byte{key(1), key(1)},
		FromAccounts: [][]byte{account, account}, ToAccounts: [][]byte{account, account}, Refs: [][]byte{key(7), key(8)},
		Tokens: [][]byte{make([]byte, 20), make([]byte, 20)},
		Amounts: []pgtype.Numeric{
			{Int: new(big.Int).Lsh(big.NewInt(1), 255), Valid: true}, // uint256-sized amounts fit
			{Int: big.NewInt(5), Valid: true}},
		Credited: []bool{true, false}}
	for i, want := range []int64{2, 0} {
		n, err := q.InsertTips(ctx, p)
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		if n != want {
			t.Fatalf("insert %d wrote %d rows, want %d", i, n, want)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t) // already migrated from the template
	v, err := store.Migrate(ctx, pool)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if v < 1 {
		t.Fatalf("version %d, want >= 1", v)
	}
}

func TestOpenWithoutURL(t *testing.T) {
	t.Parallel()
	if _, err := store.Open(context.Background(), ""); !errors.Is(err, store.ErrNoURL) {
		t.Fatalf("err = %v, want ErrNoURL", err)
	}
}

func TestOpenPoolSize(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	tests := []struct {
		name   string
		suffix string
		want   int32
	}{
		{"default", "", store.DefaultMaxConns()},
		{"from the url", "&pool_max_conns=3", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, err := store.Open(t.Context(), url+tt.suffix)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			if got := pool.Config().MaxConns; got != tt.want {
				t.Fatalf("max conns %d, want %d", got, tt.want)
			}
		})
	}
	if n := store.DefaultMaxConns(); n < 8 || n > 32 {
		t.Fatalf("default max conns %d outside [8, 32]", n)
	}
}
