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

-- name: EnsureInterestTags :exec
-- Gives every new tag its id in the search dictionary (see migration 00040).
INSERT INTO interest_tags (tag) SELECT DISTINCT t FROM unnest(sqlc.arg(tags)::text[]) AS t ORDER BY t
ON CONFLICT (tag) DO NOTHING;

-- name: InsertInterests :exec
-- Each row carries the account's whole sorted tag id set for search; EnsureInterestTags first.
INSERT INTO account_interests (account, tag, discoverable, last_active_at, tag_ids)
SELECT a.address, it.tag, COALESCE(p.discoverable, false), a.last_active_at,
       ARRAY(SELECT x.id FROM interest_tags x WHERE x.tag = ANY (sqlc.arg(tags)::text[]) ORDER BY x.id)
FROM accounts a LEFT JOIN profiles p ON p.account = a.address, interest_tags it
WHERE a.address = sqlc.arg(account) AND it.tag = ANY (sqlc.arg(tags)::text[]);

-- name: SetInterestsDiscoverable :exec
UPDATE account_interests SET discoverable = $2 WHERE account = $1 AND discoverable <> $2;

-- name: RankSearch :many
-- Everyone a search for tags finds, best first, with their profiles. Tags nobody has (not in
-- the dictionary) find nobody. Candidates are, per tag, the window_size most recently active
-- discoverable people, read with their whole tag id set from one index-only scan each; they
-- are ranked by their exact overlap with the tags (intarray's C intersection), then recency,
-- then address, all descending. Someone found through several windows comes once per window
-- with the same sort key, so one sort with DISTINCT ON both ranks and removes the repeats (no
-- hash aggregate). The ranking is the same for every viewer: the API caches it briefly and
-- leaves out the viewer and blocks per page (SearchViewer).
WITH qt AS MATERIALIZED (
    SELECT it.id, it.tag FROM interest_tags it WHERE it.tag = ANY (sqlc.arg(tags)::text[])
), c AS (
    SELECT w.account, w.last_active_at, w.tag_ids,
           icount(w.tag_ids & (SELECT array_agg(qt.id) FROM qt))::bigint AS overlap
    FROM qt CROSS JOIN LATERAL (
        SELECT ai.account, ai.last_active_at, ai.tag_ids FROM account_interests ai
        WHERE ai.tag = qt.tag AND ai.discoverable
        ORDER BY ai.last_active_at DESC, ai.account DESC
        LIMIT sqlc.arg(window_size)::int
    ) w
), r AS (
    SELECT DISTINCT ON (c.overlap, c.last_active_at, c.account) c.account, c.overlap, c.last_active_at, c.tag_ids
    FROM c
    ORDER BY c.overlap DESC, c.last_active_at DESC, c.account DESC
)
SELECT r.account, r.overlap::int AS overlap, r.last_active_at::timestamptz AS last_active_at,
       ARRAY(SELECT qt.tag FROM qt WHERE qt.id = ANY (r.tag_ids) ORDER BY qt.tag)::text[] AS shared_tags,
       p.username, p.display_name, p.bio, p.age, p.gender, p.avatar_cid
FROM r JOIN profiles p ON p.account = r.account AND p.discoverable
ORDER BY r.overlap DESC, r.last_active_at DESC, r.account DESC;

-- name: SearchViewer :one
-- What a search needs of the viewer: their interests (the tags when none are given) and
-- everyone they blocked or who blocked them.
SELECT ARRAY(SELECT ai.tag FROM account_interests ai WHERE ai.account = sqlc.arg(viewer) ORDER BY ai.tag)::text[] AS tags,
       ARRAY(SELECT b.blocked FROM blocks b WHERE b.blocker = sqlc.arg(viewer)
             UNION ALL
             SELECT b.blocker FROM blocks b WHERE b.blocked = sqlc.arg(viewer))::text[] AS blocked;

-- name: AvatarOf :one
SELECT avatar_cid FROM profiles WHERE account = $1;

-- name: AvatarInUse :one
SELECT EXISTS (SELECT 1 FROM profiles WHERE avatar_cid = $1) AS in_use;
