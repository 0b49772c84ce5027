package relaydb

// Queue* put the generated statements into a pgx.Batch, so that a transaction's statements
// reach Postgres in one round trip; each scans its result when the batch is read. This file
// is written by hand beside sqlc's output.

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// QueueInsertEnvelopes queues InsertEnvelopes; stored receives the cids it stored.
func QueueInsertEnvelopes(b *pgx.Batch, arg InsertEnvelopesParams, stored *[][]byte) {
	b.Queue(insertEnvelopes, arg.Cids, arg.Conversations, arg.Senders, arg.SenderDevices, arg.Bodies, arg.Now).
		Query(func(rows pgx.Rows) error {
			var err error
			*stored, err = pgx.CollectRows(rows, pgx.RowTo[[]byte])
			return err
		})
}

// QueueReserveSeqs queues ReserveSeqs; last receives its rows.
func QueueReserveSeqs(b *pgx.Batch, arg ReserveSeqsParams, last *[]ReserveSeqsRow) {
	b.Queue(reserveSeqs, arg.Accounts, arg.DeviceIds, arg.Counts).Query(func(rows pgx.Rows) error {
		var err error
		*last, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ReserveSeqsRow])
		return err
	})
}

// QueueInsertPending queues InsertPending.
func QueueInsertPending(b *pgx.Batch, arg InsertPendingParams) {
	b.Queue(insertPending, arg.Accounts, arg.DeviceIds, arg.Seqs, arg.Cids, arg.ExpiresAt).Exec(ignoreTag)
}

// QueueTrimPending queues TrimPending.
func QueueTrimPending(b *pgx.Batch, arg TrimPendingParams) {
	b.Queue(trimPending, arg.Accounts, arg.DeviceIds, arg.Seqs, arg.Cap).Exec(ignoreTag)
}

// QueueNotify queues Notify.
func QueueNotify(b *pgx.Batch, arg NotifyParams) {
	b.Queue(notify, arg.Channel, arg.Payload).Exec(ignoreTag)
}

func ignoreTag(pgconn.CommandTag) error { return nil }
