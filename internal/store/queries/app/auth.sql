-- name: InsertNonce :exec
INSERT INTO siwe_nonces (nonce, created_at, expires_at) VALUES ($1, $2, $3);

-- name: ConsumeNonce :one
-- Deletes the nonce when it is still valid; a second use finds nothing.
DELETE FROM siwe_nonces WHERE nonce = $1 AND expires_at > sqlc.arg(now)::timestamptz RETURNING nonce;

-- name: PurgeExpiredNonces :execrows
DELETE FROM siwe_nonces WHERE expires_at <= sqlc.arg(now)::timestamptz;

-- name: UpsertAccount :exec
INSERT INTO accounts (address, created_at, last_active_at) VALUES ($1, sqlc.arg(now), sqlc.arg(now))
ON CONFLICT (address) DO UPDATE SET last_active_at = excluded.last_active_at;

-- name: InsertSession :exec
INSERT INTO sessions (id, account, user_agent, created_at, last_seen_at, expires_at)
VALUES ($1, $2, $3, sqlc.arg(now), sqlc.arg(now), $4);

-- name: InsertRefreshToken :exec
INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES ($1, $2, $3);

-- name: RotateRefreshToken :one
-- Marks an unrotated token of a live session as rotated and returns its session.
UPDATE refresh_tokens t SET rotated_at = sqlc.arg(now)::timestamptz
FROM sessions s
WHERE t.hash = $1 AND t.rotated_at IS NULL AND s.id = t.session_id
  AND s.revoked_at IS NULL AND s.expires_at > sqlc.arg(now)::timestamptz
RETURNING s.id, s.account;

-- name: RefreshTokenSession :one
-- Finds the session of any token ever issued, rotated or not.
SELECT session_id FROM refresh_tokens WHERE hash = $1;

-- name: TouchSession :exec
UPDATE sessions SET last_seen_at = sqlc.arg(now) WHERE id = $1;

-- name: RevokeSession :execrows
UPDATE sessions SET revoked_at = sqlc.arg(now), revoke_reason = sqlc.arg(reason)
WHERE id = $1 AND account = $2 AND revoked_at IS NULL;

-- name: RevokeSessionByID :execrows
UPDATE sessions SET revoked_at = sqlc.arg(now), revoke_reason = sqlc.arg(reason)
WHERE id = $1 AND revoked_at IS NULL;

-- name: SessionActive :one
SELECT EXISTS (
    SELECT 1 FROM sessions
    WHERE id = $1 AND account = $2 AND revoked_at IS NULL AND expires_at > sqlc.arg(now)::timestamptz
) AS active;

-- name: ListActiveSessions :many
SELECT id, user_agent, created_at, last_seen_at, expires_at FROM sessions
WHERE account = $1 AND revoked_at IS NULL AND expires_at > sqlc.arg(now)::timestamptz
ORDER BY created_at DESC, id;

-- name: PurgeDeadSessions :execrows
-- Drops sessions that expired or were revoked before the cutoff.
DELETE FROM sessions WHERE expires_at <= sqlc.arg(cutoff)::timestamptz OR revoked_at <= sqlc.arg(cutoff)::timestamptz;
