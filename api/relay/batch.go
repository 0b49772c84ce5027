package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/store/relaydb"
)

// maxNotePayload keeps a wake-up notification inside Postgres' 8000-byte payload limit.
const maxNotePayload = 7900

// collect takes one item from in, then whatever else arrives within delay, up to max items.
// It returns nil when ctx ends first.
func collect[T any](ctx context.Context, in <-chan T, max int, delay time.Duration) []T {
	var batch []T
	select {
	case <-ctx.Done():
		return nil
	case it := <-in:
		batch = append(batch, it)
	}
	var timeout <-chan time.Time
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		timeout = t.C
	}
	for len(batch) < max {
		select {
		case it := <-in:
			batch = append(batch, it)
			continue
		default:
		}
		if timeout == nil {
			break
		}
		select {
		case it := <-in:
			batch = append(batch, it)
		case <-timeout:
			return batch
		case <-ctx.Done():
			return batch
		}
	}
	return batch
}

// pinStage takes checked sends in the order the sockets handed them over, stores and pins a
// batch of their blocks with one synced write, and passes the batch to commitStage.
func (r *Relay) pinStage(ctx context.Context) {
	defer close(r.pinned)
	for {
		batch := collect(ctx, r.commits, r.cfg.CommitBatch, r.cfg.CommitDelay)
		if batch == nil {
			return
		}
		bodies := make([][]byte, len(batch))
		for i, p := range batch {
			bodies[i] = p.f.Envelope
		}
		cids, err := r.deps.IPFS.PutMany(ctx, bodies)
		if err != nil {
			r.failBatch(batch, fmt.Errorf("pin envelopes: %w", err))
			continue
		}
		for i, p := range batch {
			// The raw block's CID is the envelope's (protocol.EnvelopeCID; the relay tests
			// compare the acked CIDs with it), so it is not hashed again here.
			p.block, p.cid = cids[i], cids[i].String()
		}
		select {
		case r.pinned <- batch:
		case <-ctx.Done():
			return
		}
	}
}

// commitStage makes each pinned batch durable in one transaction and answers its senders. It
// keeps one pool connection between batches, so commits never queue behind the checks.
func (r *Relay) commitStage(ctx context.Context) {
	var conn *pgxpool.Conn
	defer func() {
		if conn != nil {
			conn.Release()
		}
	}()
	for batch := range r.pinned {
		var err error
		if conn == nil {
			conn, err = r.deps.Pool.Acquire(ctx)
			if err != nil {
				conn = nil
				r.failBatch(batch, fmt.Errorf("acquire commit connection: %w", err))
				continue
			}
		}
		if err = r.commitBatch(ctx, conn, batch); err != nil {
			conn.Release() // a broken connection is closed, a healthy one goes back to the pool
			conn = nil
			r.failBatch(batch, err)
		}
	}
}

func (r *Relay) failBatch(batch []*prepared, err error) {
	for _, p := range batch {
		p.c.replyError(p.f.ID, err)
	}
}

// delivery is one pending row of a batch: an envelope for a recipient device.
type delivery struct {
	to  deviceKey
	p   *prepared
	seq int64
}

// commitBatch stores a batch in one transaction: the envelopes not accepted before, a pending
// row per recipient device with its next sequence numbers (in batch order, which keeps every
// socket's send order), the cap trim and one wake-up notification. Then it acks the senders,
// rejects the duplicates and hands the rows to the recipients' sockets on this instance.
func (r *Relay) commitBatch(ctx context.Context, conn *pgxpool.Conn, batch []*prepared) error {
	first := make(map[string]*prepared, len(batch)) // cid → its first send in the batch
	var sends []*prepared
	for _, p := range batch {
		if p.err != nil {
			continue
		}
		if k := p.block.KeyString(); first[k] == nil {
			first[k] = p
			sends = append(sends, p)
		}
	}
	var rows []delivery
	for len(sends) > 0 {
		stored, rs, err := r.store(ctx, conn, sends)
		if err != nil {
			return err
		}
		if len(stored) == len(sends) { // store returns rows only then
			rows = rs
			break
		}
		// Some envelopes were accepted before (a retried send): the transaction, which
		// reserved sequence numbers for their rows too, was rolled back. Again without them.
		sends = sends[:0]
		for _, c := range stored {
			sends = append(sends, first[string(c)])
		}
	}
	accepted := make(map[*prepared]bool, len(sends))
	for _, p := range sends {
		accepted[p] = true
	}
	for _, p := range batch {
		switch {
		case p.err != nil:
			p.c.replyError(p.f.ID, p.err)
		case accepted[p]:
			p.c.sendFrame(&wire.Frame{Type: wire.TypeSent, ID: p.f.ID, CID: p.cid})
		default:
			p.c.replyError(p.f.ID, &rejection{code: wire.CodeDuplicate, msg: "this envelope was accepted before", cid: p.cid})
		}
	}
	r.handOver(rows)
	return nil
}

// store commits distinct envelopes and their pending rows in one transaction of two round
// trips: the envelopes with the sequence numbers their rows need, then the rows, the cap trim,
// the wake-up notification and the commit. It returns the cids stored and the committed rows;
// when an envelope was accepted before, it rolls back and returns the stored cids alone.
func (r *Relay) store(ctx context.Context, conn *pgxpool.Conn, sends []*prepared) ([][]byte, []delivery, error) {
	now := r.deps.Now()
	env := relaydb.InsertEnvelopesParams{Now: pgtype.Timestamptz{Time: now, Valid: true}}
	counts := map[deviceKey]int64{}
	var rows []delivery
	for _, p := range sends {
		env.Cids = append(env.Cids, p.block.Bytes())
		env.Conversations = append(env.Conversations, p.chk.env.Conversation)
		env.Senders = append(env.Senders, p.c.key.account.Bytes())
		env.SenderDevices = append(env.SenderDevices, int64(p.c.key.device))
		env.Bodies = append(env.Bodies, p.f.Envelope)
		for _, d := range p.to {
			k := deviceKey{d.Account, d.Device}
			counts[k]++
			rows = append(rows, delivery{to: k, p: p})
		}
	}
	devs := make([]deviceKey, 0, len(counts))
	for k := range counts {
		devs = append(devs, k)
	}
	slices.SortFunc(devs, func(a, b deviceKey) int {
		return wire.DeviceRef{Account: a.account, Device: a.device}.Compare(wire.DeviceRef{Account: b.account, Device: b.device})
	})
	var res relaydb.ReserveSeqsParams
	for _, k := range devs {
		res.Accounts = append(res.Accounts, k.account.Bytes())
		res.DeviceIds = append(res.DeviceIds, int64(k.device))
		res.Counts = append(res.Counts, counts[k])
	}
	var (
		first  pgx.Batch
		stored [][]byte
		last   []relaydb.ReserveSeqsRow
	)
	first.Queue("begin")
	relaydb.QueueInsertEnvelopes(&first, env, &stored)
	if len(devs) > 0 {
		relaydb.QueueReserveSeqs(&first, res, &last)
	}
	if err := conn.SendBatch(ctx, &first).Close(); err != nil {
		return nil, nil, rollback(ctx, conn, fmt.Errorf("insert envelopes, reserve sequence numbers: %w", err))
	}
	if len(stored) < len(sends) {
		return stored, nil, rollback(ctx, conn, nil)
	}
	var second pgx.Batch
	r.queueRows(&second, rows, counts, last, now)
	for _, payload := range r.wakePayloads(devs) {
		relaydb.QueueNotify(&second, relaydb.NotifyParams{Channel: chanWake, Payload: payload})
	}
	second.Queue("commit")
	if err := conn.SendBatch(ctx, &second).Close(); err != nil {
		return nil, nil, rollback(ctx, conn, fmt.Errorf("insert pending rows, commit: %w", err))
	}
	return stored, rows, nil
}

// rollback ends the connection's failed or abandoned transaction and returns err.
func rollback(ctx context.Context, conn *pgxpool.Conn, err error) error {
	if conn.Conn().PgConn().TxStatus() == 'I' {
		return err
	}
	if _, rerr := conn.Exec(ctx, "rollback"); rerr != nil {
		return errors.Join(err, fmt.Errorf("roll back: %w", rerr))
	}
	return err
}

// queueRows gives the rows the sequence numbers reserved for their devices (last: the last
// one reserved per device) and queues their insert and the trim of devices beyond the cap.
func (r *Relay) queueRows(b *pgx.Batch, rows []delivery, counts map[deviceKey]int64, last []relaydb.ReserveSeqsRow, now time.Time) {
	if len(rows) == 0 {
		return
	}
	next := make(map[deviceKey]int64, len(last))
	trim := relaydb.TrimPendingParams{Cap: r.cfg.MaxPending}
	for _, l := range last {
		k := deviceKey{[20]byte(l.Account), uint32(l.DeviceID)}
		next[k] = l.LastSeq - counts[k] + 1
		if l.LastSeq > r.cfg.MaxPending {
			trim.Accounts = append(trim.Accounts, l.Account)
			trim.DeviceIds = append(trim.DeviceIds, l.DeviceID)
			trim.Seqs = append(trim.Seqs, l.LastSeq)
		}
	}
	pending := relaydb.InsertPendingParams{ExpiresAt: pgtype.Timestamptz{Time: now.Add(r.cfg.PendingTTL), Valid: true}}
	for i := range rows {
		d := &rows[i]
		d.seq = next[d.to]
		next[d.to]++
		pending.Accounts = append(pending.Accounts, d.to.account.Bytes())
		pending.DeviceIds = append(pending.DeviceIds, int64(d.to.device))
		pending.Seqs = append(pending.Seqs, d.seq)
		pending.Cids = append(pending.Cids, d.p.block.Bytes())
	}
	relaydb.QueueInsertPending(b, pending)
	if len(trim.Accounts) > 0 {
		relaydb.QueueTrimPending(b, trim)
	}
}

// wakePayloads packs devices into chanWake payloads: this instance's id, then the devices
// separated by commas, each payload within maxNotePayload.
func (r *Relay) wakePayloads(devs []deviceKey) []string {
	var out []string
	var b strings.Builder
	for _, k := range devs {
		p := k.payload()
		if b.Len() > 0 && b.Len()+1+len(p) > maxNotePayload {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() == 0 {
			b.WriteString(r.instance)
			b.WriteByte('|')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// wakeNote wakes the local sockets named in a chanWake payload; this instance's own payloads
// are skipped, since handOver already gave their rows to the local sockets.
func (r *Relay) wakeNote(payload string) {
	from, devs, ok := strings.Cut(payload, "|")
	if !ok || from == r.instance {
		return
	}
	for s := range strings.SplitSeq(devs, ",") {
		if k, ok := parseDeviceKey(s); ok {
			r.wake(k)
		}
	}
}

// handOver gives committed rows to the recipients' sockets on this instance, which push them
// without reading them back (the fast path), and wakes those sockets.
func (r *Relay) handOver(rows []delivery) {
	if len(rows) == 0 {
		return
	}
	byDev := map[deviceKey][]pushRow{}
	for _, d := range rows {
		byDev[d.to] = append(byDev[d.to], pushRow{seq: d.seq, cid: d.p.cid, body: d.p.f.Envelope})
	}
	r.mu.Lock()
	conns := make(map[*deviceConn][]pushRow, len(byDev))
	for k, rs := range byDev {
		if c := r.devices[k]; c != nil {
			conns[c] = rs
		}
	}
	r.mu.Unlock()
	for c, rs := range conns {
		c.offer(rs)
	}
}

// ackReq is one ack frame: a device's acknowledged sequence numbers.
type ackReq struct {
	key  deviceKey
	seqs []int64
}

// acker deletes acknowledged rows of every socket in batches, one statement per batch. A
// failed delete (Postgres restarting) is retried with capped backoff until it succeeds, so the
// rows of a device whose socket stays open do not linger; meanwhile ack frames wait.
func (r *Relay) acker(ctx context.Context) {
	for {
		batch := collect(ctx, r.acks, r.cfg.CommitBatch, 0)
		if batch == nil {
			return
		}
		var p relaydb.AckPendingParams
		for _, a := range batch {
			for _, s := range a.seqs {
				p.Accounts = append(p.Accounts, a.key.account.Bytes())
				p.DeviceIds = append(p.DeviceIds, int64(a.key.device))
				p.Seqs = append(p.Seqs, s)
			}
		}
		for backoff := 100 * time.Millisecond; ; backoff = min(2*backoff, 5*time.Second) {
			_, err := r.q.AckPending(ctx, p)
			if err == nil || ctx.Err() != nil {
				break
			}
			r.deps.Logger.Warn("delete acknowledged rows", "err", err, "rows", len(p.Seqs), "retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
	}
}
