-- name: InsertGroup :exec
INSERT INTO groups (id, name, max_members, created_at) VALUES ($1, $2, $3, $4);

-- name: InsertGroupMembers :execrows
-- Adds accounts with one role; existing members are left alone.
INSERT INTO group_members (group_id, account, role, joined_at)
SELECT sqlc.arg(group_id), unnest(sqlc.arg(accounts)::text[]), sqlc.arg(role), sqlc.arg(now)
ON CONFLICT DO NOTHING;

-- name: LockGroup :one
-- Locks the group for a membership change and counts its members.
SELECT g.id, g.name, g.epoch, g.max_members,
       (SELECT count(*) FROM group_members m WHERE m.group_id = g.id)::int AS member_count
FROM groups g WHERE g.id = $1 FOR UPDATE;

-- name: MemberRole :one
SELECT role FROM group_members WHERE group_id = $1 AND account = $2;

-- name: GetGroup :one
SELECT id, name, epoch, max_members FROM groups WHERE id = $1;

-- name: ListGroupMembers :many
SELECT account, role, joined_at FROM group_members WHERE group_id = $1
ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, joined_at, account;

-- name: ListMyGroups :many
SELECT g.id, g.name, g.epoch, m.role,
       (SELECT count(*) FROM group_members x WHERE x.group_id = g.id)::int AS member_count
FROM group_members m JOIN groups g ON g.id = m.group_id
WHERE m.account = $1 ORDER BY g.created_at DESC, g.id;

-- name: DeleteGroupMember :execrows
DELETE FROM group_members WHERE group_id = $1 AND account = $2;

-- name: SetMemberRole :execrows
UPDATE group_members SET role = $3 WHERE group_id = $1 AND account = $2;

-- name: BumpEpoch :one
-- Advances the membership epoch and notifies every current member (relay wakes at commit).
WITH g AS (
    UPDATE groups SET epoch = groups.epoch + 1 WHERE groups.id = sqlc.arg(group_id)::uuid RETURNING groups.id, groups.epoch
), n AS (
    INSERT INTO notifications (account, kind, data, created_at)
    SELECT m.account, 'group_epoch',
           jsonb_build_object('groupId', g.id, 'epoch', g.epoch, 'reason', sqlc.arg(reason)::text), sqlc.arg(now)::timestamptz
    FROM g JOIN group_members m ON m.group_id = g.id
    RETURNING account
)
SELECT g.epoch, (SELECT count(pg_notify('parley_notifications', n.account)) FROM n)::int AS notified FROM g;

-- name: InsertJoinRequest :one
INSERT INTO group_join_requests (id, group_id, account, created_at) VALUES ($1, $2, $3, $4)
RETURNING id, group_id, account, status, created_at;

-- name: ListPendingJoinRequests :many
SELECT id, group_id, account, status, created_at FROM group_join_requests
WHERE group_id = $1 AND status = 'pending' ORDER BY created_at, id;

-- name: DecideJoinRequest :one
UPDATE group_join_requests SET status = $3, decided_at = sqlc.arg(now), decided_by = sqlc.arg(decided_by)
WHERE id = $1 AND group_id = $2 AND status = 'pending'
RETURNING id, group_id, account, status, created_at;

-- name: SettleJoinRequests :exec
-- Marks the pending join requests of accounts that just became members approved.
UPDATE group_join_requests SET status = 'approved', decided_at = sqlc.arg(now), decided_by = sqlc.arg(decided_by)
WHERE group_id = sqlc.arg(group_id) AND account = ANY (sqlc.arg(accounts)::text[]) AND status = 'pending';

-- name: JoinRequestExists :one
SELECT EXISTS (SELECT 1 FROM group_join_requests WHERE id = $1 AND group_id = $2) AS present;

-- name: InsertInvite :exec
INSERT INTO invites (token_hash, creator, group_id, max_uses, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: UseInvite :one
-- Counts one use of a live invite with uses left; a group invite lives only while its creator
-- is still the group's owner or an admin.
UPDATE invites SET uses = uses + 1
WHERE token_hash = $1 AND expires_at > sqlc.arg(now)::timestamptz AND uses < max_uses
  AND (group_id IS NULL OR EXISTS (
    SELECT 1 FROM group_members m
    WHERE m.group_id = invites.group_id AND m.account = invites.creator AND m.role IN ('owner', 'admin')))
RETURNING creator, group_id;

-- name: DeleteGroup :exec
DELETE FROM groups WHERE id = $1;

-- name: ListGroupAccounts :many
SELECT account FROM group_members WHERE group_id = $1 ORDER BY account;
