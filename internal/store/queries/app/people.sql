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
-- Each row carries the account's whole sorted tag set for search (see migration 00019).
INSERT INTO account_interests (account, tag, discoverable, last_active_at, tags)
SELECT a.address, t.tag, COALESCE(p.discoverable, false), a.last_active_at,
       ARRAY(SELECT DISTINCT x FROM unnest(sqlc.arg(tags)::text[]) AS x ORDER BY x)
FROM accounts a LEFT JOIN profiles p ON p.account = a.address, unnest(sqlc.arg(tags)::text[]) AS t (tag)
WHERE a.address = sqlc.arg(account);

-- name: SetInterestsDiscoverable :exec
UPDATE account_interests SET discoverable = $2 WHERE account = $1 AND discoverable <> $2;

-- name: SearchPeople :many
-- The query tags are the given ones, or the viewer's interests when tags is NULL. Candidates
-- are, per query tag, the window_size most recently active discoverable people, read with their
-- whole tag set from one index-only scan each; they are ranked by their exact overlap with the
-- query tags, then recency, then address, all descending, after the keyset cursor; never the
-- viewer, never anyone blocked either way. A candidate found through k of the query tags joins
-- k windows × overlap rows, of which k have the window's own tag, so overlap is their ratio (one
-- hash aggregate, no sort per candidate). Profiles are read for the page only.
WITH q AS MATERIALIZED (
    SELECT COALESCE(sqlc.narg(tags)::text[],
                    ARRAY(SELECT ai.tag FROM account_interests ai WHERE ai.account = sqlc.arg(viewer))) AS tags
), qt AS MATERIALIZED (
    SELECT DISTINCT t.tag FROM q CROSS JOIN unnest(q.tags) AS t (tag)
), m AS (
    SELECT c.account, max(c.last_active_at) AS last_active_at, max(c.tags) AS tags,
           count(*) / NULLIF(count(*) FILTER (WHERE hit.tag = w.tag), 0) AS overlap
    FROM qt AS w
    CROSS JOIN LATERAL (
        SELECT ai.account, ai.last_active_at, ai.tags FROM account_interests ai
        WHERE ai.tag = w.tag AND ai.discoverable
        ORDER BY ai.last_active_at DESC, ai.account DESC
        LIMIT sqlc.arg(window_size)::int
    ) c
    JOIN qt AS hit ON hit.tag = ANY (c.tags)
    WHERE c.account <> sqlc.arg(viewer)
    GROUP BY c.account
), page AS (
    SELECT m.account, m.overlap, m.tags, m.last_active_at FROM m
    WHERE (m.overlap, m.last_active_at, m.account) < (sqlc.arg(after_overlap)::bigint, sqlc.arg(after_active)::timestamptz, sqlc.arg(after_account)::text)
      AND m.account NOT IN (SELECT b.blocked FROM blocks b WHERE b.blocker = sqlc.arg(viewer)
                            UNION ALL
                            SELECT b.blocker FROM blocks b WHERE b.blocked = sqlc.arg(viewer))
    ORDER BY m.overlap DESC, m.last_active_at DESC, m.account DESC
    LIMIT sqlc.arg(page_size)
)
SELECT page.account, page.overlap::int AS overlap,
       ARRAY(SELECT t FROM unnest(page.tags) AS t WHERE t = ANY (qt_all.tags))::text[] AS shared_tags,
       page.last_active_at::timestamptz AS last_active_at,
       p.username, p.display_name, p.bio, p.age, p.gender, p.avatar_cid
FROM page JOIN profiles p ON p.account = page.account
CROSS JOIN (SELECT array_agg(qt.tag) AS tags FROM qt) AS qt_all
ORDER BY page.overlap DESC, page.last_active_at DESC, page.account DESC;
