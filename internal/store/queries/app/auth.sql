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
SELECT id, user_agent, created_at, last_seen_at, expires_at, device_id FROM sessions
WHERE account = $1 AND revoked_at IS NULL AND expires_at > sqlc.arg(now)::timestamptz
ORDER BY created_at DESC, id;

-- name: PurgeDeadSessions :execrows
-- Drops sessions that expired or were revoked before the cutoff.
DELETE FROM sessions WHERE expires_at <= sqlc.arg(cutoff)::timestamptz OR revoked_at <= sqlc.arg(cutoff)::timestamptz;

-- name: InsertDeviceChallenge :exec
INSERT INTO device_challenges (challenge, session_id, device_id, expires_at) VALUES ($1, $2, $3, $4);

-- name: ConsumeDeviceChallenge :one
-- Deletes a live challenge of the session for the device; a second use finds nothing.
DELETE FROM device_challenges
WHERE challenge = $1 AND session_id = $2 AND device_id = $3 AND expires_at > sqlc.arg(now)::timestamptz
RETURNING challenge;

-- name: ActiveDeviceSigningKey :one
-- The signing key of an account's device that is registered with a valid self-signature and
-- not revoked, from the indexer's devices view (accounts are bytea there).
SELECT signing_key FROM devices
WHERE chain_id = sqlc.arg(chain_id) AND account = decode(substr(sqlc.arg(account)::text, 3), 'hex')
  AND device_id = sqlc.arg(device_id) AND sig_valid AND NOT revoked;

-- name: BindSessionDevice :one
UPDATE sessions SET device_id = $2 WHERE id = $1
RETURNING id, user_agent, created_at, last_seen_at, expires_at, device_id;

-- name: ListAccountDevices :many
SELECT device_id, suite, signing_key, key_agreement_key, sig_valid, revoked, final FROM devices
WHERE chain_id = sqlc.arg(chain_id) AND account = decode(substr(sqlc.arg(account)::text, 3), 'hex')
ORDER BY device_id;

-- name: PurgeExpiredRooms :execrows
DELETE FROM rooms WHERE expires_at <= sqlc.arg(now)::timestamptz;

-- name: PurgeExpiredDeviceChallenges :execrows
DELETE FROM device_challenges WHERE expires_at <= sqlc.arg(now)::timestamptz;
