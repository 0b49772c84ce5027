-- name: GetProfile :one
SELECT account, username, display_name, bio, age, gender, discoverable, avatar_cid FROM profiles WHERE account = $1;

-- name: UpsertProfile :one
INSERT INTO profiles (account, username, display_name, bio, age, gender, discoverable, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, sqlc.arg(now))
ON CONFLICT (account) DO UPDATE SET
    username = excluded.username, display_name = excluded.display_name, bio = excluded.bio,
    age = excluded.age, gender = excluded.gender, discoverable = excluded.discoverable,
    updated_at = excluded.updated_at
RETURNING account, username, display_name, bio, age, gender, discoverable, avatar_cid;

-- name: FindProfile :one
-- A profile by address or username, unless either side blocked the other.
SELECT p.account, p.username, p.display_name, p.bio, p.age, p.gender, p.discoverable, p.avatar_cid FROM profiles p
WHERE (p.account = sqlc.arg(handle) OR p.username = sqlc.arg(handle))
  AND NOT EXISTS (
    SELECT 1 FROM blocks b
    WHERE (b.blocker = sqlc.arg(viewer) AND b.blocked = p.account)
       OR (b.blocker = p.account AND b.blocked = sqlc.arg(viewer)));

-- name: SetAvatar :one
INSERT INTO profiles (account, avatar_cid, updated_at) VALUES ($1, $2, sqlc.arg(now))
ON CONFLICT (account) DO UPDATE SET avatar_cid = excluded.avatar_cid, updated_at = excluded.updated_at
RETURNING account, username, display_name, bio, age, gender, discoverable, avatar_cid;

-- name: ListTaxonomy :many
SELECT id, label, category FROM interest_taxonomy ORDER BY position;

-- name: ListInterests :many
SELECT tag FROM account_interests WHERE account = $1 ORDER BY tag;

-- name: DeleteInterests :exec
DELETE FROM account_interests WHERE account = $1;

-- name: InsertInterests :exec
INSERT INTO account_interests (account, tag, discoverable, last_active_at)
SELECT a.address, t.tag, COALESCE(p.discoverable, false), a.last_active_at
FROM accounts a LEFT JOIN profiles p ON p.account = a.address, unnest(sqlc.arg(tags)::text[]) AS t (tag)
WHERE a.address = sqlc.arg(account);

-- name: SetInterestsDiscoverable :exec
UPDATE account_interests SET discoverable = $2 WHERE account = $1 AND discoverable <> $2;

-- name: SearchPeople :many
-- Candidates are, per tag, the window_size most recently active discoverable people; they are
-- ranked by their exact overlap with the tags, then recency, then address, all descending,
-- after the keyset cursor; never the viewer, never anyone blocked either way. Profiles are
-- read for the page only (discoverable is denormalized into account_interests).
WITH cand AS (
    SELECT c.account, max(c.last_active_at) AS last_active_at
    FROM unnest(sqlc.arg(tags)::text[]) AS q (tag)
    CROSS JOIN LATERAL (
        SELECT ai.account, ai.last_active_at FROM account_interests ai
        WHERE ai.tag = q.tag AND ai.discoverable
        ORDER BY ai.last_active_at DESC, ai.account DESC
        LIMIT sqlc.arg(window_size)::int
    ) c
    GROUP BY c.account
), m AS (
    SELECT cand.account, count(*) AS overlap, array_agg(ai.tag ORDER BY ai.tag) AS shared_tags, cand.last_active_at
    FROM cand JOIN account_interests ai ON ai.account = cand.account AND ai.tag = ANY (sqlc.arg(tags)::text[])
    WHERE ai.account <> sqlc.arg(viewer)
    GROUP BY cand.account, cand.last_active_at
), page AS (
    SELECT m.account, m.overlap, m.shared_tags, m.last_active_at FROM m
    WHERE (m.overlap, m.last_active_at, m.account) < (sqlc.arg(after_overlap)::bigint, sqlc.arg(after_active)::timestamptz, sqlc.arg(after_account)::text)
      AND NOT EXISTS (
        SELECT 1 FROM blocks b
        WHERE (b.blocker = sqlc.arg(viewer) AND b.blocked = m.account)
           OR (b.blocker = m.account AND b.blocked = sqlc.arg(viewer)))
    ORDER BY m.overlap DESC, m.last_active_at DESC, m.account DESC
    LIMIT sqlc.arg(page_size)
)
SELECT page.account, page.overlap::int AS overlap, page.shared_tags::text[] AS shared_tags, page.last_active_at::timestamptz AS last_active_at,
       p.username, p.display_name, p.bio, p.age, p.gender, p.avatar_cid
FROM page JOIN profiles p ON p.account = page.account
ORDER BY page.overlap DESC, page.last_active_at DESC, page.account DESC;
