-- name: GetProfile :one
SELECT account, username, display_name, bio, age, gender, discoverable FROM profiles WHERE account = $1;

-- name: UpsertProfile :one
INSERT INTO profiles (account, username, display_name, bio, age, gender, discoverable, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, sqlc.arg(now))
ON CONFLICT (account) DO UPDATE SET
    username = excluded.username, display_name = excluded.display_name, bio = excluded.bio,
    age = excluded.age, gender = excluded.gender, discoverable = excluded.discoverable,
    updated_at = excluded.updated_at
RETURNING account, username, display_name, bio, age, gender, discoverable;

-- name: FindProfile :one
-- A profile by address or username, unless either side blocked the other.
SELECT p.account, p.username, p.display_name, p.bio, p.age, p.gender, p.discoverable FROM profiles p
WHERE (p.account = sqlc.arg(handle) OR p.username = sqlc.arg(handle))
  AND NOT EXISTS (
    SELECT 1 FROM blocks b
    WHERE (b.blocker = sqlc.arg(viewer) AND b.blocked = p.account)
       OR (b.blocker = p.account AND b.blocked = sqlc.arg(viewer)));

-- name: ListTaxonomy :many
SELECT id, label, category FROM interest_taxonomy ORDER BY position;

-- name: ListInterests :many
SELECT tag FROM account_interests WHERE account = $1 ORDER BY tag;

-- name: DeleteInterests :exec
DELETE FROM account_interests WHERE account = $1;

-- name: InsertInterests :exec
INSERT INTO account_interests (account, tag) SELECT $1, unnest(sqlc.arg(tags)::text[]);

-- name: SearchPeople :many
-- Discoverable accounts sharing at least one tag, by overlap then recency then address, all
-- descending, after the keyset cursor; never the viewer, never anyone blocked either way.
SELECT m.account, m.overlap::int AS overlap, m.shared_tags::text[] AS shared_tags, m.last_active_at,
       p.username, p.display_name, p.bio, p.age, p.gender
FROM (
    SELECT ai.account, count(*) AS overlap, array_agg(ai.tag ORDER BY ai.tag) AS shared_tags, a.last_active_at
    FROM account_interests ai
    JOIN accounts a ON a.address = ai.account
    WHERE ai.tag = ANY (sqlc.arg(tags)::text[]) AND ai.account <> sqlc.arg(viewer)
    GROUP BY ai.account, a.last_active_at
) m
JOIN profiles p ON p.account = m.account AND p.discoverable
WHERE (m.overlap, m.last_active_at, m.account) < (sqlc.arg(after_overlap)::bigint, sqlc.arg(after_active)::timestamptz, sqlc.arg(after_account)::text)
  AND NOT EXISTS (
    SELECT 1 FROM blocks b
    WHERE (b.blocker = sqlc.arg(viewer) AND b.blocked = m.account)
       OR (b.blocker = m.account AND b.blocked = sqlc.arg(viewer)))
ORDER BY m.overlap DESC, m.last_active_at DESC, m.account DESC
LIMIT sqlc.arg(page_size);
