package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/bindings/tipjar"
	"github.com/parleychat/parley/internal/protocol"
	"github.com/parleychat/parley/internal/store/chaindb"
)

// NotifyChannel is the Postgres NOTIFY channel of the indexer's change notifications.
const NotifyChannel = "parley_chain"

// Notification is the JSON payload sent on NotifyChannel.
type Notification struct {
	// Kind is tip, device_added, device_revoked, key_rotated, reorg, or bulk (too many events
	// in one commit to list: re-read up to Block).
	Kind string `json:"kind"`
	// ChainID is the chain the change happened on.
	ChainID uint64 `json:"chain_id"`
	// Block is the block of the event, the common ancestor of a reorg, or the last block a
	// bulk notification covers.
	Block uint64 `json:"block"`
	// TxHash and LogIndex identify the event (empty for reorg and bulk).
	TxHash   string `json:"tx_hash,omitempty"`
	LogIndex uint   `json:"log_index,omitempty"`
	// Account is the device owner, or one party of a tip: a tip is notified to its receiver
	// and, in a second notification, to its tipper.
	Account string `json:"account,omitempty"`
	// DeviceID is the device of a key change.
	DeviceID uint32 `json:"device_id,omitempty"`
	// Final says whether the event's block is final. An event written before its block was
	// final is notified again, with Final true, once it is.
	Final bool `json:"final"`
}

// contracts decodes the logs of the two indexed contracts.
type contracts struct {
	reg      *deviceregistry.DeviceRegistry
	tips     *tipjar.TipJar
	topics   []common.Hash // event ids to request from eth_getLogs
	added    common.Hash
	revoked  common.Hash
	rotated  common.Hash
	tipped   common.Hash
	withdraw common.Hash
}

func newContracts() *contracts {
	reg, tips := deviceregistry.NewDeviceRegistry(), tipjar.NewTipJar()
	ra, ta := reg.GetABI(), tips.GetABI()
	c := &contracts{reg: reg, tips: tips,
		added:    ra.Events[deviceregistry.DeviceRegistryDeviceAddedEventName].ID,
		revoked:  ra.Events[deviceregistry.DeviceRegistryDeviceRevokedEventName].ID,
		rotated:  ra.Events[deviceregistry.DeviceRegistryKeyAgreementKeyRotatedEventName].ID,
		tipped:   ta.Events[tipjar.TipJarTippedEventName].ID,
		withdraw: ta.Events[tipjar.TipJarWithdrawnEventName].ID,
	}
	c.topics = []common.Hash{c.added, c.revoked, c.rotated, c.tipped, c.withdraw}
	return c
}

// rotation is a decoded KeyAgreementKeyRotated event, verified once its device is known.
type rotation struct {
	log *types.Log
	ev  *deviceregistry.DeviceRegistryKeyAgreementKeyRotated
}

// batch collects the rows of a block range, column by column, for the batched inserts.
type batch struct {
	chainID   uint64
	registry  common.Address
	final     int64 // rows at or below this block are final
	added     chaindb.InsertDeviceAddedParams
	revoked   chaindb.InsertDeviceRevokedParams
	rotations []rotation
	tips      chaindb.InsertTipsParams
	withdraws chaindb.InsertWithdrawalsParams
	notes     []Notification
}

func (b *batch) note(kind string, l *types.Log, account common.Address, deviceID uint32) {
	b.notes = append(b.notes, Notification{Kind: kind, ChainID: b.chainID, Block: l.BlockNumber,
		TxHash: l.TxHash.Hex(), LogIndex: l.Index, Account: account.Hex(), DeviceID: deviceID,
		Final: int64(l.BlockNumber) <= b.final})
}

// add decodes one log into the batch; logs of other events or contracts are ignored.
func (c *contracts) add(b *batch, l *types.Log, registry, tipJar common.Address) error {
	if l.Removed || len(l.Topics) == 0 {
		return nil
	}
	tx, idx, bn, bh := l.TxHash.Bytes(), int32(l.Index), int64(l.BlockNumber), l.BlockHash.Bytes()
	switch {
	case l.Address == registry && l.Topics[0] == c.added:
		ev, err := c.reg.UnpackDeviceAddedEvent(l)
		if err != nil {
			return fmt.Errorf("decode DeviceAdded %s/%d: %w", l.TxHash, l.Index, err)
		}
		reg := protocol.DeviceRegistration{ChainID: b.chainID, Registry: registry, Account: ev.Account,
			DeviceID: ev.DeviceId, Suite: protocol.Suite(ev.Suite), SigningKey: ev.SigningKey, KeyAgreementKey: ev.KeyAgreementKey}
		p := &b.added
		p.TxHashes, p.LogIndexes, p.BlockNumbers, p.BlockHashes = append(p.TxHashes, tx), append(p.LogIndexes, idx), append(p.BlockNumbers, bn), append(p.BlockHashes, bh)
		p.Accounts, p.DeviceIds = append(p.Accounts, ev.Account.Bytes()), append(p.DeviceIds, int64(ev.DeviceId))
		p.SigningKeys, p.KeyAgreementKeys = append(p.SigningKeys, ev.SigningKey[:]), append(p.KeyAgreementKeys, ev.KeyAgreementKey[:])
		p.Suites, p.Seqs, p.DeviceSigs = append(p.Suites, int16(ev.Suite)), append(p.Seqs, int64(ev.Seq)), append(p.DeviceSigs, ev.DeviceSig)
		p.SigValids = append(p.SigValids, protocol.VerifyDeviceRegistration(reg, ev.DeviceSig) == nil)
		b.note("device_added", l, ev.Account, ev.DeviceId)
	case l.Address == registry && l.Topics[0] == c.revoked:
		ev, err := c.reg.UnpackDeviceRevokedEvent(l)
		if err != nil {
			return fmt.Errorf("decode DeviceRevoked %s/%d: %w", l.TxHash, l.Index, err)
		}
		p := &b.revoked
		p.TxHashes, p.LogIndexes, p.BlockNumbers, p.BlockHashes = append(p.TxHashes, tx), append(p.LogIndexes, idx), append(p.BlockNumbers, bn), append(p.BlockHashes, bh)
		p.Accounts, p.DeviceIds, p.Seqs = append(p.Accounts, ev.Account.Bytes()), append(p.DeviceIds, int64(ev.DeviceId)), append(p.Seqs, int64(ev.Seq))
		b.note("device_revoked", l, ev.Account, ev.DeviceId)
	case l.Address == registry && l.Topics[0] == c.rotated:
		ev, err := c.reg.UnpackKeyAgreementKeyRotatedEvent(l)
		if err != nil {
			return fmt.Errorf("decode KeyAgreementKeyRotated %s/%d: %w", l.TxHash, l.Index, err)
		}
		b.rotations = append(b.rotations, rotation{log: l, ev: ev})
		b.note("key_rotated", l, ev.Account, ev.DeviceId)
	case l.Address == tipJar && l.Topics[0] == c.tipped:
		ev, err := c.tips.UnpackTippedEvent(l)
		if err != nil {
			return fmt.Errorf("decode Tipped %s/%d: %w", l.TxHash, l.Index, err)
		}
		p := &b.tips
		p.TxHashes, p.LogIndexes, p.BlockNumbers, p.BlockHashes = append(p.TxHashes, tx), append(p.LogIndexes, idx), append(p.BlockNumbers, bn), append(p.BlockHashes, bh)
		p.FromAccounts, p.ToAccounts = append(p.FromAccounts, ev.From.Bytes()), append(p.ToAccounts, ev.To.Bytes())
		p.Refs, p.Tokens = append(p.Refs, ev.Ref[:]), append(p.Tokens, ev.Token.Bytes())
		p.Amounts, p.Credited = append(p.Amounts, pgtype.Numeric{Int: ev.Amount, Valid: true}), append(p.Credited, ev.Credited)
		b.note("tip", l, ev.To, 0)
		if ev.From != ev.To {
			b.note("tip", l, ev.From, 0) // the tipper's devices follow their tip's confirmation too
		}
	case l.Address == tipJar && l.Topics[0] == c.withdraw:
		ev, err := c.tips.UnpackWithdrawnEvent(l)
		if err != nil {
			return fmt.Errorf("decode Withdrawn %s/%d: %w", l.TxHash, l.Index, err)
		}
		p := &b.withdraws
		p.TxHashes, p.LogIndexes, p.BlockNumbers, p.BlockHashes = append(p.TxHashes, tx), append(p.LogIndexes, idx), append(p.BlockNumbers, bn), append(p.BlockHashes, bh)
		p.Accounts, p.ToAccounts = append(p.Accounts, ev.Account.Bytes()), append(p.ToAccounts, ev.To.Bytes())
		p.Amounts = append(p.Amounts, pgtype.Numeric{Int: ev.Amount, Valid: true})
	}
	return nil
}

// rowCounts is the number of rows inserted per table.
type rowCounts map[string]int64

// write inserts the batch with q (bound to the transaction) and queues its notifications.
func (b *batch) write(ctx context.Context, q *chaindb.Queries) (rowCounts, error) {
	id := int64(b.chainID)
	b.added.ChainID, b.revoked.ChainID, b.tips.ChainID, b.withdraws.ChainID = id, id, id, id
	n := rowCounts{}
	var err error
	if len(b.added.TxHashes) > 0 {
		if n["device_added"], err = q.InsertDeviceAdded(ctx, b.added); err != nil {
			return nil, fmt.Errorf("insert device_added: %w", err)
		}
	}
	if len(b.revoked.TxHashes) > 0 {
		if n["device_revoked"], err = q.InsertDeviceRevoked(ctx, b.revoked); err != nil {
			return nil, fmt.Errorf("insert device_revoked: %w", err)
		}
	}
	if len(b.rotations) > 0 {
		p, err := b.verifyRotations(ctx, q)
		if err != nil {
			return nil, err
		}
		if n["key_agreement_rotated"], err = q.InsertKeyAgreementRotated(ctx, p); err != nil {
			return nil, fmt.Errorf("insert key_agreement_rotated: %w", err)
		}
	}
	if len(b.tips.TxHashes) > 0 {
		if n["tips"], err = q.InsertTips(ctx, b.tips); err != nil {
			return nil, fmt.Errorf("insert tips: %w", err)
		}
	}
	if len(b.withdraws.TxHashes) > 0 {
		if n["withdrawals"], err = q.InsertWithdrawals(ctx, b.withdraws); err != nil {
			return nil, fmt.Errorf("insert withdrawals: %w", err)
		}
	}
	if len(b.notes) > maxNotesPerCommit {
		// A bulk backfill would flood listeners (and the notify queue): send one summary.
		last := b.notes[len(b.notes)-1]
		b.notes = []Notification{{Kind: "bulk", ChainID: b.chainID, Block: last.Block, Final: last.Final}}
	}
	return n, notify(ctx, q, b.notes...)
}

// maxNotesPerCommit is the most per-event notifications one commit sends; beyond it, one
// "bulk" notification tells listeners to re-read up to its block.
const maxNotesPerCommit = 1000

// verifyRotations checks each rotation's device signature against the signing key the
// device registered earlier (rows of this batch are already inserted in the transaction).
func (b *batch) verifyRotations(ctx context.Context, q *chaindb.Queries) (chaindb.InsertKeyAgreementRotatedParams, error) {
	p := chaindb.InsertKeyAgreementRotatedParams{ChainID: int64(b.chainID)}
	for _, r := range b.rotations {
		l, ev := r.log, r.ev
		valid := false
		dev, err := q.GetSigningKey(ctx, chaindb.GetSigningKeyParams{ChainID: int64(b.chainID), Account: ev.Account.Bytes(),
			DeviceID: int64(ev.DeviceId), BlockNumber: int64(l.BlockNumber), LogIndex: int32(l.Index)})
		switch {
		case err == nil:
			rot := protocol.KeyRotation{ChainID: b.chainID, Registry: b.registry, Account: ev.Account, DeviceID: ev.DeviceId,
				Suite: protocol.Suite(dev.Suite), KeyAgreementKey: ev.KeyAgreementKey}
			valid = protocol.VerifyKeyRotation(rot, [32]byte(dev.SigningKey), ev.DeviceSig) == nil
		case !errors.Is(err, pgx.ErrNoRows):
			return p, fmt.Errorf("signing key of %s/%d: %w", ev.Account, ev.DeviceId, err)
		}
		p.TxHashes, p.LogIndexes = append(p.TxHashes, l.TxHash.Bytes()), append(p.LogIndexes, int32(l.Index))
		p.BlockNumbers, p.BlockHashes = append(p.BlockNumbers, int64(l.BlockNumber)), append(p.BlockHashes, l.BlockHash.Bytes())
		p.Accounts, p.DeviceIds = append(p.Accounts, ev.Account.Bytes()), append(p.DeviceIds, int64(ev.DeviceId))
		p.KeyAgreementKeys, p.Seqs = append(p.KeyAgreementKeys, ev.KeyAgreementKey[:]), append(p.Seqs, int64(ev.Seq))
		p.DeviceSigs, p.SigValids = append(p.DeviceSigs, ev.DeviceSig), append(p.SigValids, valid)
	}
	return p, nil
}

// notify queues notifications in the current transaction; Postgres delivers them on commit.
func notify(ctx context.Context, q *chaindb.Queries, notes ...Notification) error {
	if len(notes) == 0 {
		return nil
	}
	payloads := make([]string, len(notes))
	for i, n := range notes {
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode notification: %w", err)
		}
		payloads[i] = string(b)
	}
	if err := q.Notify(ctx, chaindb.NotifyParams{Channel: NotifyChannel, Payloads: payloads}); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}
