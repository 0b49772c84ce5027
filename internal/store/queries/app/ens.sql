-- name: CachedENSName :one
-- The cached name of an address resolved after sqlc.arg(fresh_after); no row when stale or absent.
SELECT name FROM ens_names WHERE address = sqlc.arg(address) AND resolved_at > sqlc.arg(fresh_after)::timestamptz;

-- name: CacheENSName :exec
INSERT INTO ens_names (address, name, resolved_at) VALUES (sqlc.arg(address), sqlc.narg(name), sqlc.arg(now))
ON CONFLICT (address) DO UPDATE SET name = excluded.name, resolved_at = excluded.resolved_at;
