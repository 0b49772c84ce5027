-- name: AdvisoryXactLock :exec
-- Takes the advisory lock named key until the transaction ends (the key prefixes are in api/locks.go).
SELECT pg_advisory_xact_lock(hashtext(sqlc.arg(key)::text));
