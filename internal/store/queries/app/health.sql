-- name: Ping :one
SELECT 1::int AS ok;
