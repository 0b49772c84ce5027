-- name: InsertNonces :exec
-- Stores a batch of nonces with one lifetime (the API hands them out one by one).
INSERT INTO siwe_nonces (nonce, created_at, expires_at)
SELECT unnest(sqlc.arg(nonces)::text[]), sqlc.arg(created_at)::timestamptz, sqlc.arg(expires_at)::timestamptz;

-- name: PurgeExpiredNonces :execrows
DELETE FROM siwe_nonces WHERE expires_at <= sqlc.arg(now)::timestamptz;

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
-- Revokes a live session (not yet revoked or expired).
UPDATE sessions SET revoked_at = sqlc.arg(now), revoke_reason = sqlc.arg(reason)
WHERE id = $1 AND revoked_at IS NULL AND expires_at > sqlc.arg(now)::timestamptz;

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

-- name: PurgeExpiredRooms :execrows
DELETE FROM rooms WHERE expires_at <= sqlc.arg(now)::timestamptz;

-- name: PurgeExpiredDeviceChallenges :execrows
DELETE FROM device_challenges WHERE expires_at <= sqlc.arg(now)::timestamptz;

-- name: SignIn :one
-- In one statement: consumes a live nonce, records the account, opens a session and stores
-- its first refresh token hash. signed_in is false (and nothing changed) when the nonce is not
-- live. The account's last_active_at (search recency) moves at most hourly; touch_interests
-- says it moved for an existing account, whose interests then need TouchInterests. Naming
-- account_interests here cost ~30 µs (an eighth of the statement) on every sign-in even when
-- no row changed: executor start-up and locks for one more table and its indexes.
WITH n AS (
    DELETE FROM siwe_nonces WHERE nonce = sqlc.arg(nonce) AND expires_at > sqlc.arg(now)::timestamptz RETURNING nonce
), a AS (
    INSERT INTO accounts (address, created_at, last_active_at)
    SELECT sqlc.arg(address)::text, sqlc.arg(now), sqlc.arg(now) FROM n
    ON CONFLICT (address) DO UPDATE SET last_active_at = excluded.last_active_at
    WHERE accounts.last_active_at < excluded.last_active_at - interval '1 hour'
    RETURNING created_at
), s AS (
    INSERT INTO sessions (id, account, user_agent, created_at, last_seen_at, expires_at)
    SELECT sqlc.arg(session_id)::uuid, sqlc.arg(address)::text, sqlc.arg(user_agent)::text, sqlc.arg(now), sqlc.arg(now), sqlc.arg(expires_at)::timestamptz FROM n
    RETURNING id
), r AS (
    INSERT INTO refresh_tokens (hash, session_id, created_at) SELECT sqlc.arg(refresh_hash)::bytea, s.id, sqlc.arg(now) FROM s
    RETURNING session_id
)
SELECT EXISTS (SELECT 1 FROM r) AS signed_in,
       EXISTS (SELECT 1 FROM a WHERE a.created_at < sqlc.arg(now)::timestamptz) AS touch_interests;

-- name: TouchInterests :exec
-- Carries an account's new last_active_at (SignIn's touch_interests) to its search rows.
UPDATE account_interests SET last_active_at = sqlc.arg(now)
WHERE account = sqlc.arg(account) AND last_active_at < sqlc.arg(now)::timestamptz;
