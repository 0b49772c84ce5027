
-- name: RelayUsage :one
-- The account's registrations still pending (not indexed, deadline ahead) and those relayed
-- since sqlc.arg(since).
SELECT count(*) FILTER (WHERE r.deadline > sqlc.arg(now)::timestamptz AND d.device_id IS NULL)::int AS pending,
       count(*) FILTER (WHERE r.created_at > sqlc.arg(since)::timestamptz)::int                     AS recent
FROM relayed_devices r
LEFT JOIN devices d ON d.chain_id = r.chain_id AND d.account = decode(substr(r.account, 3), 'hex') AND d.device_id = r.device_id
WHERE r.account = sqlc.arg(account) AND r.chain_id = sqlc.arg(chain_id);

-- name: InsertRelayedDevice :exec
INSERT INTO relayed_devices (tx_hash, chain_id, account, device_id, suite, signing_key, key_agreement_key, deadline, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: ListAccountDevicesWithPending :many
-- An account's indexed devices, then its relayed registrations the indexer has not seen yet
-- whose deadline is ahead (the latest relay of each device id).
SELECT device_id, suite, signing_key, key_agreement_key, sig_valid, revoked, final,
       false AS pending, NULL::bytea AS tx_hash
FROM devices
WHERE devices.chain_id = sqlc.arg(chain_id) AND devices.account = decode(substr(sqlc.arg(account)::text, 3), 'hex')
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (r.device_id) r.device_id, r.suite, r.signing_key, r.key_agreement_key,
           true AS sig_valid, false AS revoked, false AS final, true AS pending, r.tx_hash
    FROM relayed_devices r
    WHERE r.chain_id = sqlc.arg(chain_id) AND r.account = sqlc.arg(account)::text AND r.deadline > sqlc.arg(now)::timestamptz
      AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.chain_id = r.chain_id
                      AND d.account = decode(substr(r.account, 3), 'hex') AND d.device_id = r.device_id)
    ORDER BY r.device_id, r.created_at DESC
) p
ORDER BY device_id;
