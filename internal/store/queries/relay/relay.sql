-- name: MemberDevices :many
-- The valid registrations (revoked or not) of the given accounts on one chain.
SELECT account, device_id, suite, signing_key, revoked
FROM devices
WHERE chain_id = @chain_id::bigint AND account = ANY (@accounts::bytea[]) AND sig_valid
ORDER BY account, device_id;

-- name: BlockedEitherWay :one
-- Whether either of two accounts (lowercase 0x hex, as the API stores them) blocked the other.
SELECT EXISTS (
    SELECT 1 FROM blocks
    WHERE (blocker = @a::text AND blocked = @b::text) OR (blocker = @b::text AND blocked = @a::text)
) AS blocked;

-- name: GroupMembership :many
-- A group's membership epoch and member accounts (lowercase 0x hex, as the API stores them);
-- no rows for an unknown group.
SELECT g.epoch, m.account FROM groups g JOIN group_members m ON m.group_id = g.id
WHERE g.id = @group_id
ORDER BY m.account;

-- name: InsertEnvelopes :many
-- Stores a batch of accepted envelopes (distinct cids) and returns the cids it stored; a cid
-- missing from the result was accepted before.
INSERT INTO relay_envelopes (cid, conversation, sender, sender_device, body, created_at)
SELECT unnest(@cids::bytea[]), unnest(@conversations::bytea[]), unnest(@senders::bytea[]),
       unnest(@sender_devices::bigint[]), unnest(@bodies::bytea[]), @now
ON CONFLICT (cid) DO NOTHING
RETURNING cid;

-- name: ReserveSeqs :many
-- Reserves the next n sequence numbers of each device and returns the last one reserved. The
-- devices must be distinct and sorted (account, device_id) so that concurrent batches lock
-- relay_devices rows in one order; the row lock, held until commit, makes a device's rows
-- commit in sequence order.
INSERT INTO relay_devices AS d (account, device_id, last_seq)
SELECT unnest(@accounts::bytea[]), unnest(@device_ids::bigint[]), unnest(@counts::bigint[])
ON CONFLICT (account, device_id) DO UPDATE SET last_seq = d.last_seq + excluded.last_seq
RETURNING d.account, d.device_id, d.last_seq;

-- name: InsertPending :exec
-- Writes pending rows (one per recipient device of a stored envelope).
INSERT INTO relay_pending (account, device_id, seq, cid, expires_at)
SELECT unnest(@accounts::bytea[]), unnest(@device_ids::bigint[]), unnest(@seqs::bigint[]),
       unnest(@cids::bytea[]), @expires_at;

-- name: Notify :exec
-- Publishes a notification (delivered at commit inside a transaction).
SELECT pg_notify(@channel::text, @payload::text);

-- name: TrimPending :execrows
-- Deletes the pending rows beyond the per-device cap (seq <= last_seq - cap) and counts them
-- as dropped.
WITH d AS (
    DELETE FROM relay_pending p
    USING (SELECT unnest(@accounts::bytea[]) AS account, unnest(@device_ids::bigint[]) AS device_id,
                  unnest(@seqs::bigint[]) AS seq) t
    WHERE p.account = t.account AND p.device_id = t.device_id AND p.seq <= t.seq - @cap::bigint
    RETURNING p.account, p.device_id
), c AS (
    SELECT d.account, d.device_id, count(*) AS n FROM d GROUP BY d.account, d.device_id
)
UPDATE relay_devices r SET dropped = r.dropped + c.n
FROM c WHERE r.account = c.account AND r.device_id = c.device_id;

-- name: PendingPage :many
-- The next page of a device's unexpired pending envelopes after a sequence number.
SELECT p.seq, p.cid, e.body
FROM relay_pending p
JOIN relay_envelopes e ON e.cid = p.cid
WHERE p.account = @account AND p.device_id = @device_id AND p.seq > @after::bigint AND p.expires_at > @now
ORDER BY p.seq
LIMIT @page_size;

-- name: AckPending :execrows
-- Deletes acknowledged pending rows, of several devices at once.
DELETE FROM relay_pending p
USING (SELECT unnest(@accounts::bytea[]) AS account, unnest(@device_ids::bigint[]) AS device_id,
              unnest(@seqs::bigint[]) AS seq) t
WHERE p.account = t.account AND p.device_id = t.device_id AND p.seq = t.seq;

-- name: TakeDropped :one
-- Returns and resets the count of envelopes dropped for a device since it last connected.
UPDATE relay_devices d SET dropped = 0
FROM (SELECT account, device_id, dropped FROM relay_devices
      WHERE relay_devices.account = @account AND relay_devices.device_id = @device_id FOR UPDATE) o
WHERE d.account = o.account AND d.device_id = o.device_id
RETURNING o.dropped;

-- name: ExpirePending :execrows
-- Deletes expired pending rows and counts them as dropped for their devices.
WITH d AS (
    DELETE FROM relay_pending WHERE expires_at <= @now RETURNING account, device_id
), c AS (
    SELECT d.account, d.device_id, count(*) AS n FROM d GROUP BY d.account, d.device_id
)
UPDATE relay_devices r SET dropped = r.dropped + c.n
FROM c WHERE r.account = c.account AND r.device_id = c.device_id;

-- name: PruneEnvelopes :execrows
-- Deletes envelopes older than a cutoff that no device still waits for.
DELETE FROM relay_envelopes e
WHERE e.created_at < @before
  AND NOT EXISTS (SELECT 1 FROM relay_pending p WHERE p.cid = e.cid);

-- name: DeviceHeads :many
-- The last sequence number given to each of the listed devices (the poll fallback).
SELECT d.account, d.device_id, d.last_seq
FROM relay_devices d
JOIN (SELECT unnest(@accounts::bytea[]) AS account, unnest(@device_ids::bigint[]) AS device_id) t
  ON d.account = t.account AND d.device_id = t.device_id;

-- name: LockLiveRoom :one
-- An anonymous room that has not expired, its row locked until the transaction ends: the joins
-- of one room take turns.
SELECT max_members, expires_at FROM rooms WHERE id = @id AND expires_at > @now FOR UPDATE;

-- name: JoinRoom :execrows
-- Adds a socket to a room whose row the transaction locked (LockLiveRoom) unless the room's
-- members with a live lease reach its cap; no row added: the room is full.
INSERT INTO relay_room_members (room, socket, instance, lease_until)
SELECT @room::text, @socket::text, @instance::text, @lease_until::timestamptz
WHERE (SELECT count(*) FROM relay_room_members m WHERE m.room = @room::text AND m.lease_until > @now::timestamptz) < @max_members::int;

-- name: LeaveRoom :exec
-- Removes a socket that left its room.
DELETE FROM relay_room_members WHERE room = @room AND socket = @socket;

-- name: RenewRoomLeases :many
-- Extends the live leases of an instance's room members (never past the room's expiry) and
-- returns their sockets; a socket missing from the result no longer counts against its cap.
UPDATE relay_room_members m SET lease_until = least(@until::timestamptz, r.expires_at)
FROM rooms r
WHERE r.id = m.room AND m.instance = @instance AND m.lease_until > @now
RETURNING m.socket;

-- name: ExpireRoomMembers :execrows
-- Deletes room members whose lease lapsed (their instance died, or their room expired).
DELETE FROM relay_room_members WHERE lease_until <= @now;

-- name: LatestNotificationID :one
-- The newest notification id of an account (lowercase 0x hex, as the API stores it), 0 if none.
SELECT coalesce(max(id), 0)::bigint AS id FROM notifications WHERE account = @account::text;

-- name: NotificationsAfter :many
-- A page of an account's notifications after an id, oldest first.
SELECT id, kind, data, created_at FROM notifications
WHERE account = @account::text AND id > @after::bigint
ORDER BY id
LIMIT @page_size;

-- name: EndedSessions :many
-- The API sessions among the given ids that were revoked or no longer exist.
SELECT t.id::text AS id FROM unnest(@ids::text[]) AS t(id)
WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = t.id::uuid AND s.revoked_at IS NULL);
