-- name: AccountExists :one
SELECT EXISTS (SELECT 1 FROM accounts WHERE address = $1) AS present;

-- name: AccountByUsername :one
SELECT account FROM profiles WHERE username = $1;

-- name: BlockedEitherWay :one
SELECT EXISTS (
    SELECT 1 FROM blocks
    WHERE (blocker = sqlc.arg(a) AND blocked = sqlc.arg(b)) OR (blocker = sqlc.arg(b) AND blocked = sqlc.arg(a))
) AS blocked;

-- name: LastDeclinedAt :one
-- When recipient last declined sender (NULL when never).
SELECT max(decided_at)::timestamptz AS declined_at FROM chat_requests
WHERE sender = $1 AND recipient = $2 AND status = 'declined';


-- name: CountRecentRequests :one
-- The sender's chat requests and group additions of strangers since a time (one daily quota).
SELECT ((SELECT count(*) FROM chat_requests WHERE sender = sqlc.arg(sender) AND created_at > sqlc.arg(since)::timestamptz)
     + (SELECT count(*) FROM stranger_adds WHERE adder = sqlc.arg(sender) AND added_at > sqlc.arg(since)::timestamptz))::bigint AS sent;

-- name: InsertStrangerAdds :exec
-- One row per stranger added.
INSERT INTO stranger_adds (adder, added_at)
SELECT sqlc.arg(adder), sqlc.arg(now)::timestamptz FROM generate_series(1, sqlc.arg(count)::int);

-- name: PurgeStrangerAdds :execrows
DELETE FROM stranger_adds WHERE added_at <= sqlc.arg(cutoff)::timestamptz;

-- name: InsertChatRequest :one
INSERT INTO chat_requests (id, sender, recipient, note, created_at) VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: ListIncomingRequests :many
SELECT * FROM chat_requests WHERE recipient = $1 ORDER BY created_at DESC, id LIMIT 200;

-- name: ListOutgoingRequests :many
SELECT * FROM chat_requests WHERE sender = $1 ORDER BY created_at DESC, id LIMIT 200;

-- name: DecideChatRequest :one
-- Decides a request addressed to recipient that is still pending.
UPDATE chat_requests SET status = $3, decided_at = sqlc.arg(now)
WHERE id = $1 AND recipient = $2 AND status = 'pending'
RETURNING *;

-- name: ChatRequestFor :one
SELECT * FROM chat_requests WHERE id = $1 AND recipient = $2;

-- name: SetConsent :exec
INSERT INTO contacts (owner, peer, consent, created_at) VALUES ($1, $2, $3, sqlc.arg(now))
ON CONFLICT (owner, peer) DO UPDATE SET consent = excluded.consent;

-- name: InsertNotification :exec
-- Stores a notification and wakes the relay instances (delivered at commit).
WITH n AS (
    INSERT INTO notifications (account, kind, data, created_at) VALUES ($1, $2, $3, $4) RETURNING account
)
SELECT pg_notify('parley_notifications', account) FROM n;

-- name: ListNotifications :many
SELECT id, kind, data, created_at FROM notifications WHERE account = $1 AND id > $2 ORDER BY id LIMIT $3;

-- name: InsertRoom :one
INSERT INTO rooms (id, max_members, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING *;

-- name: GetRoom :one
SELECT * FROM rooms WHERE id = $1 AND expires_at > sqlc.arg(now)::timestamptz;

-- name: PurgeOldNotifications :execrows
-- Deletes the notifications created before a cutoff (the janitor, Config.NotificationTTL).
DELETE FROM notifications WHERE created_at < sqlc.arg(before)::timestamptz;
