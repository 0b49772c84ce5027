-- Batched inserts: one statement per table and batch, each column passed as an array.
-- ON CONFLICT on the natural key makes a replayed batch a no-op.

-- name: InsertDeviceAdded :execrows
INSERT INTO device_added (chain_id, tx_hash, log_index, block_number, block_hash, account, device_id,
                          signing_key, key_agreement_key, suite, seq, device_sig, sig_valid)
SELECT @chain_id::bigint, unnest(@tx_hashes::bytea[]), unnest(@log_indexes::int[]), unnest(@block_numbers::bigint[]), unnest(@block_hashes::bytea[]), unnest(@accounts::bytea[]), unnest(@device_ids::bigint[]), unnest(@signing_keys::bytea[]), unnest(@key_agreement_keys::bytea[]), unnest(@suites::smallint[]), unnest(@seqs::bigint[]), unnest(@device_sigs::bytea[]), unnest(@sig_valids::boolean[])
ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING;

-- name: InsertDeviceRevoked :execrows
INSERT INTO device_revoked (chain_id, tx_hash, log_index, block_number, block_hash, account, device_id, seq)
SELECT @chain_id::bigint, unnest(@tx_hashes::bytea[]), unnest(@log_indexes::int[]), unnest(@block_numbers::bigint[]), unnest(@block_hashes::bytea[]), unnest(@accounts::bytea[]), unnest(@device_ids::bigint[]), unnest(@seqs::bigint[])
ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING;

-- name: InsertKeyAgreementRotated :execrows
INSERT INTO key_agreement_rotated (chain_id, tx_hash, log_index, block_number, block_hash, account, device_id,
                                   key_agreement_key, seq, device_sig, sig_valid)
SELECT @chain_id::bigint, unnest(@tx_hashes::bytea[]), unnest(@log_indexes::int[]), unnest(@block_numbers::bigint[]), unnest(@block_hashes::bytea[]), unnest(@accounts::bytea[]), unnest(@device_ids::bigint[]), unnest(@key_agreement_keys::bytea[]), unnest(@seqs::bigint[]), unnest(@device_sigs::bytea[]), unnest(@sig_valids::boolean[])
ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING;

-- name: InsertTips :execrows
INSERT INTO tips (chain_id, tx_hash, log_index, block_number, block_hash, from_account, to_account, ref, token,
                  amount, credited)
SELECT @chain_id::bigint, unnest(@tx_hashes::bytea[]), unnest(@log_indexes::int[]), unnest(@block_numbers::bigint[]), unnest(@block_hashes::bytea[]), unnest(@from_accounts::bytea[]), unnest(@to_accounts::bytea[]), unnest(@refs::bytea[]), unnest(@tokens::bytea[]), unnest(@amounts::numeric[]), unnest(@credited::boolean[])
ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING;

-- name: InsertWithdrawals :execrows
INSERT INTO withdrawals (chain_id, tx_hash, log_index, block_number, block_hash, account, to_account, amount)
SELECT @chain_id::bigint, unnest(@tx_hashes::bytea[]), unnest(@log_indexes::int[]), unnest(@block_numbers::bigint[]), unnest(@block_hashes::bytea[]), unnest(@accounts::bytea[]), unnest(@to_accounts::bytea[]), unnest(@amounts::numeric[])
ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING;

-- name: DeleteEventsAbove :one
-- Deletes the rows of every event table above a block (the rollback of a reorg) and
-- returns how many rows went.
WITH a AS (DELETE FROM device_added WHERE device_added.chain_id = @chain_id::bigint AND device_added.block_number > @block_number::bigint RETURNING 1),
     r AS (DELETE FROM device_revoked WHERE device_revoked.chain_id = @chain_id::bigint AND device_revoked.block_number > @block_number::bigint RETURNING 1),
     k AS (DELETE FROM key_agreement_rotated WHERE key_agreement_rotated.chain_id = @chain_id::bigint AND key_agreement_rotated.block_number > @block_number::bigint RETURNING 1),
     t AS (DELETE FROM tips WHERE tips.chain_id = @chain_id::bigint AND tips.block_number > @block_number::bigint RETURNING 1),
     w AS (DELETE FROM withdrawals WHERE withdrawals.chain_id = @chain_id::bigint AND withdrawals.block_number > @block_number::bigint RETURNING 1)
SELECT ((SELECT count(*) FROM a) + (SELECT count(*) FROM r) + (SELECT count(*) FROM k) +
        (SELECT count(*) FROM t) + (SELECT count(*) FROM w))::bigint AS deleted;

-- name: ListDevices :many
SELECT * FROM devices WHERE chain_id = @chain_id AND account = @account ORDER BY device_id;

-- name: GetSigningKey :one
-- Returns the signing key and suite of a device as registered before the given log position,
-- to verify a key rotation's device signature.
SELECT signing_key, suite FROM device_added
WHERE chain_id = @chain_id AND account = @account AND device_id = @device_id
  AND (block_number, log_index) < (@block_number::bigint, @log_index::int)
ORDER BY block_number DESC, log_index DESC
LIMIT 1;

-- name: ListNewlyFinal :many
-- Lists the tips (once per party) and key changes committed while their blocks were not final that are final
-- at @finalized: above the cursor's stored finalized block, up to @finalized and the cursor
-- block (rows the current transaction adds are above it). At most @max_rows rows, in order.
SELECT e.kind::text AS kind, e.block_number::bigint AS block_number, e.tx_hash::bytea AS tx_hash,
       e.log_index::int AS log_index, e.account::bytea AS account, e.device_id::bigint AS device_id
FROM chain_cursor c
CROSS JOIN LATERAL (
    SELECT 'tip' AS kind, t.block_number, t.tx_hash, t.log_index, t.to_account AS account, 0::bigint AS device_id
    FROM tips t
    WHERE t.chain_id = c.chain_id AND t.block_number > c.finalized_number AND t.block_number <= LEAST(@finalized::bigint, c.block_number)
    UNION ALL
    SELECT 'tip', t.block_number, t.tx_hash, t.log_index, t.from_account, 0
    FROM tips t
    WHERE t.chain_id = c.chain_id AND t.block_number > c.finalized_number AND t.block_number <= LEAST(@finalized::bigint, c.block_number)
      AND t.from_account <> t.to_account
    UNION ALL
    SELECT 'device_added', a.block_number, a.tx_hash, a.log_index, a.account, a.device_id
    FROM device_added a
    WHERE a.chain_id = c.chain_id AND a.block_number > c.finalized_number AND a.block_number <= LEAST(@finalized::bigint, c.block_number)
    UNION ALL
    SELECT 'device_revoked', r.block_number, r.tx_hash, r.log_index, r.account, r.device_id
    FROM device_revoked r
    WHERE r.chain_id = c.chain_id AND r.block_number > c.finalized_number AND r.block_number <= LEAST(@finalized::bigint, c.block_number)
    UNION ALL
    SELECT 'key_rotated', k.block_number, k.tx_hash, k.log_index, k.account, k.device_id
    FROM key_agreement_rotated k
    WHERE k.chain_id = c.chain_id AND k.block_number > c.finalized_number AND k.block_number <= LEAST(@finalized::bigint, c.block_number)
) e
WHERE c.chain_id = @chain_id
ORDER BY e.block_number, e.log_index
LIMIT @max_rows;
