package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"
	"github.com/ipfs/go-cid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/ipfs"
	"github.com/parleychat/parley/internal/protocol"
	"github.com/parleychat/parley/internal/store/relaydb"
)

// rejection is a frame refused for a reason the device can act on; it becomes an error frame.
type rejection struct {
	code, msg, cid string
	missing, stale []wire.DeviceRef
	err            error
}

func (e *rejection) Error() string { return e.code + ": " + e.msg }
func (e *rejection) Unwrap() error { return e.err }

func reject(code, msg string, err error) *rejection {
	return &rejection{code: code, msg: msg, err: err}
}

// ErrNotMember is wrapped by membership rejections.
var ErrNotMember = errors.New("relay: not a member of the conversation")

func cidString(b []byte) (string, error) {
	c, err := cid.Cast(b)
	if err != nil {
		return "", fmt.Errorf("cast cid: %w", err)
	}
	return c.String(), nil
}

// conversation is what a frame addresses: a direct conversation (epoch 0: not checked) or a
// group's, with its member accounts.
type conversation struct {
	id      [32]byte
	members []common.Address
	group   bool
	epoch   uint64
}

// conversation resolves the conversation a frame addresses and its member accounts: the
// direct conversation with Peer, unless either side blocked the other, or Group's, of which
// the sender must be a member.
func (r *Relay) conversation(ctx context.Context, sender common.Address, f *wire.Frame) (conversation, error) {
	switch {
	case f.Group != "" && f.Peer != nil:
		return conversation{}, reject(wire.CodeMalformed, "set either peer or group, not both", nil)
	case f.Group != "":
		return r.groupConversation(ctx, sender, f.Group)
	case f.Peer == nil:
		return conversation{}, reject(wire.CodeMalformed, "no conversation: set peer or group", nil)
	}
	peer := *f.Peer
	conv := conversation{id: wire.DirectConversationID(sender, peer), members: []common.Address{sender, peer}}
	if peer == sender {
		conv.members = conv.members[:1]
		return conv, nil
	}
	blocked, err := r.blockedEitherWay(ctx, sender, peer)
	if err != nil {
		return conv, err
	}
	if blocked {
		return conv, reject(wire.CodeNotMember, "one side blocked the other", ErrNotMember)
	}
	return conv, nil
}

// groupConversation resolves the conversation of the group with id group for sender, a member.
func (r *Relay) groupConversation(ctx context.Context, sender common.Address, group string) (conversation, error) {
	id, err := uuid.Parse(group)
	if err != nil {
		return conversation{}, reject(wire.CodeMalformed, "the group id is not a UUID", err)
	}
	rows, err := r.q.GroupMembership(ctx, pgtype.UUID{Bytes: id, Valid: true})
	if err != nil {
		return conversation{}, fmt.Errorf("group membership: %w", err)
	}
	conv := conversation{id: wire.GroupConversationID(id), group: true}
	member := false
	for _, row := range rows {
		a := common.HexToAddress(row.Account)
		conv.members = append(conv.members, a)
		conv.epoch = uint64(row.Epoch)
		member = member || a == sender
	}
	if !member {
		return conv, reject(wire.CodeNotMember, "not a member of this group", ErrNotMember)
	}
	return conv, nil
}

// checked is an envelope that passed every check against the registry.
type checked struct {
	env     *protocol.Envelope
	members []common.Address
	devices []wire.DeviceRef // unrevoked member devices except the sender's
}

// check decodes an envelope of the given kind and checks its sender, conversation and
// signature against the registered devices.
func (r *Relay) check(ctx context.Context, c *deviceConn, f *wire.Frame, kind uint64) (*checked, error) {
	env, err := protocol.DecodeEnvelope(f.Envelope)
	switch {
	case errors.Is(err, protocol.ErrOversize):
		return nil, reject(wire.CodeOversize, err.Error(), err)
	case err != nil:
		return nil, reject(wire.CodeMalformed, err.Error(), err)
	case env.Kind != kind:
		return nil, reject(wire.CodeMalformed, fmt.Sprintf("envelope kind %d on a %s frame", env.Kind, f.Type), nil)
	case env.SenderAccount() != c.key.account || env.Device != c.key.device:
		return nil, reject(wire.CodeForbidden, "the envelope's sender is not this socket's device", nil)
	}
	conv, err := r.conversation(ctx, c.key.account, f)
	if err != nil {
		return nil, err
	}
	switch {
	case !bytes.Equal(env.Conversation, conv.id[:]):
		return nil, reject(wire.CodeMalformed, "the envelope's conversation id does not match the addressed conversation", protocol.ErrWrongConversation)
	case conv.group && env.Epoch < conv.epoch:
		return nil, reject(wire.CodeStaleEpoch, fmt.Sprintf("the group's members changed (epoch %d): re-read them and start a new chain", conv.epoch), nil)
	case conv.group && env.Epoch > conv.epoch:
		return nil, reject(wire.CodeMalformed, fmt.Sprintf("epoch %d is ahead of the group's %d", env.Epoch, conv.epoch), nil)
	}
	rows, err := r.memberDevices(ctx, conv.members)
	if err != nil {
		return nil, err
	}
	out := &checked{env: env, members: conv.members}
	var signer *relaydb.MemberDevicesRow
	for i, d := range rows {
		ref := wire.DeviceRef{Account: common.BytesToAddress(d.Account), Device: uint32(d.DeviceID)}
		switch {
		case ref.Account == c.key.account && ref.Device == c.key.device:
			signer = &rows[i]
		case !d.Revoked:
			out.devices = append(out.devices, ref)
		}
	}
	switch {
	case signer == nil:
		return nil, reject(wire.CodeUnknownDevice, "the sending device is not registered", nil)
	case signer.Revoked:
		return nil, reject(wire.CodeRevokedDevice, "the sending device is revoked", nil)
	case len(signer.SigningKey) != 32:
		return nil, fmt.Errorf("device %s has a %d-byte signing key", c.key.payload(), len(signer.SigningKey))
	}
	if err := r.verify(env, [32]byte(signer.SigningKey)); err != nil {
		return nil, reject(wire.CodeBadSignature, "the device signature does not verify", err)
	}
	return out, nil
}

// stdlibOptions verify exactly as crypto/ed25519 does (cofactorless, which rules out batch
// verification: the batch equation is cofactored).
var stdlibOptions = &ed25519.Options{Verify: ed25519.VerifyOptionsStdLib}

// verify checks the envelope's signature as Envelope.VerifySignature does, with the signing
// key expanded once per device (curve25519-voi), which halves the cost of a verification.
func (r *Relay) verify(env *protocol.Envelope, key [32]byte) error {
	msg, err := env.SignedBytes()
	if err != nil {
		return err
	}
	x, err := r.signingKey(key)
	if err != nil || !verifyExpanded(x, msg, env.Signature) {
		return protocol.ErrBadSignature
	}
	return nil
}

// verifyExpanded reports whether sig is an Ed25519 signature of msg by x that crypto/ed25519
// accepts.
func verifyExpanded(x *ed25519.ExpandedPublicKey, msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.VerifyExpandedWithOptions(x, msg, sig, stdlibOptions)
}

// prepared is a send on its way: checked concurrently with the socket's other sends, then
// handed to the commit pipeline in the order the socket read it.
type prepared struct {
	c     *deviceConn
	f     *wire.Frame
	chk   *checked
	to    []wire.DeviceRef
	block cid.Cid // set by pinStage
	cid   string  // block as text, set by pinStage
	err   error
	done  chan struct{} // closed when the checks are done
}

// preparedCtx is a send with the context of its socket, on its way to a prepare worker.
type preparedCtx struct {
	ctx context.Context
	p   *prepared
}

// startPrepare hands a send to an idle prepare worker, or to a goroutine of its own when none
// is idle (or Run has not started them): workers keep the stacks that signature checks grow.
func (r *Relay) startPrepare(ctx context.Context, p *prepared) {
	select {
	case r.prepares <- preparedCtx{ctx, p}:
	default:
		go r.prepare(ctx, p)
	}
}

// prepareWorker prepares the sends handed to it until ctx ends.
func (r *Relay) prepareWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case w := <-r.prepares:
			r.prepare(w.ctx, w.p)
		}
	}
}

// prepare checks a send; it runs concurrently with the socket's other prepares.
func (r *Relay) prepare(ctx context.Context, p *prepared) {
	defer close(p.done)
	if len(p.f.Envelope) > r.deps.IPFS.MaxBlockSize() {
		p.err = reject(wire.CodeOversize, "the envelope exceeds the node's block size limit", ipfs.ErrTooLarge)
		return
	}
	p.chk, p.err = r.check(ctx, p.c, p.f, protocol.KindMessage)
	if p.err != nil {
		return
	}
	p.to = slices.Clone(p.f.To)
	slices.SortFunc(p.to, wire.DeviceRef.Compare)
	p.to = slices.Compact(p.to)
	missing, stale := diff(p.chk.devices, p.to)
	if len(missing)+len(stale) > 0 {
		p.err = &rejection{code: wire.CodeDevicesMismatch, msg: "the recipient devices differ from the registered, unrevoked devices of the members", missing: missing, stale: stale}
	}
}

// diff compares the expected devices with the sorted, compacted given ones.
func diff(want, got []wire.DeviceRef) (missing, stale []wire.DeviceRef) {
	for _, w := range want {
		if _, ok := slices.BinarySearchFunc(got, w, wire.DeviceRef.Compare); !ok {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.ContainsFunc(want, func(w wire.DeviceRef) bool { return w == g }) {
			stale = append(stale, g)
		}
	}
	return missing, stale
}

// relayFrame checks an ephemeral frame and publishes it to every instance, which push it to
// the members' online devices. Nothing is stored.
func (r *Relay) relayFrame(ctx context.Context, c *deviceConn, f *wire.Frame) error {
	chk, err := r.check(ctx, c, f, protocol.KindFrame)
	if err != nil {
		return err
	}
	b, err := json.Marshal(frameNote{Accounts: chk.members, From: c.key.payload(), Envelope: f.Envelope})
	if err != nil {
		return fmt.Errorf("marshal frame note: %w", err)
	}
	if len(b) > 7900 {
		return reject(wire.CodeOversize, "ephemeral frame too large to relay", nil)
	}
	return r.notify(ctx, chanFrame, string(b))
}
