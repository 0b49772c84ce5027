-- name: ListContacts :many
SELECT peer, nickname, consent, created_at FROM contacts WHERE owner = $1 ORDER BY created_at, peer;

-- name: UpsertContact :one
INSERT INTO contacts (owner, peer, nickname, consent, created_at) VALUES ($1, $2, $3, $4, sqlc.arg(now))
ON CONFLICT (owner, peer) DO UPDATE SET nickname = excluded.nickname, consent = excluded.consent
RETURNING peer, nickname, consent, created_at;

-- name: GetContactConsent :one
SELECT consent FROM contacts WHERE owner = $1 AND peer = $2;

-- name: DeleteContact :execrows
DELETE FROM contacts WHERE owner = $1 AND peer = $2;

-- name: InsertBlock :exec
INSERT INTO blocks (blocker, blocked, created_at) VALUES ($1, $2, sqlc.arg(now)) ON CONFLICT DO NOTHING;

-- name: DenyConsent :exec
-- Sets consent to denied for a blocked peer, creating the contact row when missing.
INSERT INTO contacts (owner, peer, consent, created_at) VALUES ($1, $2, 'denied', sqlc.arg(now))
ON CONFLICT (owner, peer) DO UPDATE SET consent = 'denied';

-- name: DeleteBlock :execrows
DELETE FROM blocks WHERE blocker = $1 AND blocked = $2;

-- name: ListBlocks :many
SELECT blocked FROM blocks WHERE blocker = $1 ORDER BY created_at, blocked;
