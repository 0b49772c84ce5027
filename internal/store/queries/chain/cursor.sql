-- name: GetCursor :one
SELECT * FROM chain_cursor WHERE chain_id = @chain_id;

-- name: UpsertCursor :exec
INSERT INTO chain_cursor (chain_id, registry, tip_jar, start_block, block_number, block_hash, finalized_number, updated_at)
VALUES (@chain_id, @registry, @tip_jar, @start_block, @block_number, @block_hash, @finalized_number, now())
ON CONFLICT (chain_id) DO UPDATE
SET block_number = excluded.block_number,
    block_hash = excluded.block_hash,
    finalized_number = GREATEST(chain_cursor.finalized_number, excluded.finalized_number),
    updated_at = excluded.updated_at;

-- name: InsertBlocks :exec
INSERT INTO chain_blocks (chain_id, number, hash, parent_hash)
SELECT @chain_id::bigint, unnest(@numbers::bigint[]), unnest(@hashes::bytea[]), unnest(@parent_hashes::bytea[])
ON CONFLICT (chain_id, number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash;

-- name: ListBlocks :many
SELECT number, hash, parent_hash FROM chain_blocks WHERE chain_id = @chain_id ORDER BY number DESC;

-- name: DeleteBlocksAbove :exec
DELETE FROM chain_blocks WHERE chain_id = @chain_id AND number > @number;

-- name: PruneBlocksBelow :exec
DELETE FROM chain_blocks WHERE chain_id = @chain_id AND number < @number;

-- name: Notify :exec
SELECT count(pg_notify(@channel::text, p)) FROM unnest(@payloads::text[]) AS p;
