-- name: ActiveSessionDevice :one
-- The device bound to a live session of the account (NULL when the session is not bound).
SELECT device_id FROM sessions
WHERE id = $1 AND account = $2 AND revoked_at IS NULL AND expires_at > sqlc.arg(now)::timestamptz;
