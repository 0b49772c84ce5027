package relay

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/internal/client/wire"
	"github.com/parleychat/parley/internal/protocol"
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
			p.block, p.cid = cids[i], cids[i].String()
			if want := protocol.EnvelopeCID(p.f.Envelope); !p.block.Equals(want) {
				p.err = fmt.Errorf("ipfs stored %s, envelope cid is %s", p.block, want)
			}
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
	now := r.deps.Now()
	first := make(map[string]*prepared, len(batch)) // cid → its first send in the batch
	var env relaydb.InsertEnvelopesParams
	env.Now = pgtype.Timestamptz{Time: now, Valid: true}
	for _, p := range batch {
		if p.err != nil {
			continue
		}
		k := p.block.KeyString()
		if first[k] != nil {
			continue
		}
		first[k] = p
		env.Cids = append(env.Cids, p.block.Bytes())
		env.Conversations = append(env.Conversations, p.chk.env.Conversation)
		env.Senders = append(env.Senders, p.c.key.account.Bytes())
		env.SenderDevices = append(env.SenderDevices, int64(p.c.key.device))
		env.Bodies = append(env.Bodies, p.f.Envelope)
	}
	accepted := make(map[*prepared]bool, len(batch))
	var rows []delivery
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if len(env.Cids) == 0 {
			return nil
		}
		q := r.q.WithTx(tx)
		stored, err := q.InsertEnvelopes(ctx, env)
		if err != nil {
			return fmt.Errorf("insert envelopes: %w", err)
		}
		for _, c := range stored {
			accepted[first[string(c)]] = true
		}
		counts := map[deviceKey]int64{}
		for _, p := range batch {
			if !accepted[p] {
				continue
			}
			for _, d := range p.to {
				k := deviceKey{d.Account, d.Device}
				counts[k]++
				rows = append(rows, delivery{to: k, p: p})
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return r.enqueue(ctx, q, rows, counts, now)
	})
	if err != nil {
		return err
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

// enqueue reserves sequence numbers, writes the pending rows, trims devices beyond the cap and
// notifies the other instances, inside the batch's transaction.
func (r *Relay) enqueue(ctx context.Context, q *relaydb.Queries, rows []delivery, counts map[deviceKey]int64, now time.Time) error {
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
	last, err := q.ReserveSeqs(ctx, res)
	if err != nil {
		return fmt.Errorf("reserve sequence numbers: %w", err)
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
	expires := pgtype.Timestamptz{Time: now.Add(r.cfg.PendingTTL), Valid: true}
	pending := make([]relaydb.InsertPendingParams, len(rows))
	for i := range rows {
		d := &rows[i]
		d.seq = next[d.to]
		next[d.to]++
		pending[i] = relaydb.InsertPendingParams{Account: d.to.account.Bytes(), DeviceID: int64(d.to.device), Seq: d.seq, Cid: d.p.block.Bytes(), ExpiresAt: expires}
	}
	if _, err := q.InsertPending(ctx, pending); err != nil {
		return fmt.Errorf("insert pending rows: %w", err)
	}
	if len(trim.Accounts) > 0 {
		if _, err := q.TrimPending(ctx, trim); err != nil {
			return fmt.Errorf("trim pending rows: %w", err)
		}
	}
	for _, payload := range r.wakePayloads(devs) {
		if err := q.Notify(ctx, relaydb.NotifyParams{Channel: chanWake, Payload: payload}); err != nil {
			return fmt.Errorf("notify devices: %w", err)
		}
	}
	return nil
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
