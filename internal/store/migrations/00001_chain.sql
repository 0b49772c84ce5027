-- Chain tables written by the indexer (issue 4). Numbers 00001-00009 belong to the chain
-- schema; 00010 and up hold the application schema (users, sessions, profiles,
-- conversations, pending envelopes), which joins on account addresses (bytea, 20 bytes)
-- and chain ids but never writes to these tables.
--
-- Reorg safety by construction: every event is a raw row keyed by its natural key
-- (chain_id, tx_hash, log_index) and tagged with its block number and hash. Current state
-- (the devices view) is derived from the rows, so deleting the rows of orphaned blocks is
-- the whole rollback. Revocations are rows too: a revoked device is marked, never deleted.

-- +goose Up
CREATE TABLE chain_cursor (
    chain_id         bigint      PRIMARY KEY,
    registry         bytea       NOT NULL,
    tip_jar          bytea       NOT NULL,
    start_block      bigint      NOT NULL,
    block_number     bigint      NOT NULL,
    block_hash       bytea       NOT NULL,
    finalized_number bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chain_cursor IS 'last block whose logs are fully indexed, per chain, with the contract set it covers';

CREATE TABLE chain_blocks (
    chain_id    bigint NOT NULL,
    number      bigint NOT NULL,
    hash        bytea  NOT NULL,
    parent_hash bytea  NOT NULL,
    PRIMARY KEY (chain_id, number)
);
COMMENT ON TABLE chain_blocks IS 'hashes of the indexed, not yet finalized blocks (the reorg window)';

CREATE TABLE device_added (
    chain_id          bigint  NOT NULL,
    tx_hash           bytea   NOT NULL,
    log_index         integer NOT NULL,
    block_number      bigint  NOT NULL,
    block_hash        bytea   NOT NULL,
    account           bytea   NOT NULL,
    device_id         bigint  NOT NULL,
    signing_key       bytea   NOT NULL,
    key_agreement_key bytea   NOT NULL,
    suite             smallint NOT NULL,
    seq               bigint  NOT NULL,
    device_sig        bytea   NOT NULL,
    sig_valid         boolean NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX device_added_device ON device_added (chain_id, account, device_id, block_number, log_index);
CREATE INDEX device_added_block ON device_added (chain_id, block_number);

CREATE TABLE device_revoked (
    chain_id     bigint  NOT NULL,
    tx_hash      bytea   NOT NULL,
    log_index    integer NOT NULL,
    block_number bigint  NOT NULL,
    block_hash   bytea   NOT NULL,
    account      bytea   NOT NULL,
    device_id    bigint  NOT NULL,
    seq          bigint  NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX device_revoked_device ON device_revoked (chain_id, account, device_id, block_number, log_index);
CREATE INDEX device_revoked_block ON device_revoked (chain_id, block_number);

CREATE TABLE key_agreement_rotated (
    chain_id          bigint  NOT NULL,
    tx_hash           bytea   NOT NULL,
    log_index         integer NOT NULL,
    block_number      bigint  NOT NULL,
    block_hash        bytea   NOT NULL,
    account           bytea   NOT NULL,
    device_id         bigint  NOT NULL,
    key_agreement_key bytea   NOT NULL,
    seq               bigint  NOT NULL,
    device_sig        bytea   NOT NULL,
    sig_valid         boolean NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX key_agreement_rotated_device ON key_agreement_rotated (chain_id, account, device_id, block_number, log_index);
CREATE INDEX key_agreement_rotated_block ON key_agreement_rotated (chain_id, block_number);

CREATE TABLE tips (
    chain_id     bigint        NOT NULL,
    tx_hash      bytea         NOT NULL,
    log_index    integer       NOT NULL,
    block_number bigint        NOT NULL,
    block_hash   bytea         NOT NULL,
    from_account bytea         NOT NULL,
    to_account   bytea         NOT NULL,
    ref          bytea         NOT NULL,
    token        bytea         NOT NULL,
    amount       numeric(78,0) NOT NULL,
    credited     boolean       NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX tips_to ON tips (chain_id, to_account, block_number);
CREATE INDEX tips_ref ON tips (chain_id, ref);
CREATE INDEX tips_block ON tips (chain_id, block_number);

CREATE TABLE withdrawals (
    chain_id     bigint        NOT NULL,
    tx_hash      bytea         NOT NULL,
    log_index    integer       NOT NULL,
    block_number bigint        NOT NULL,
    block_hash   bytea         NOT NULL,
    account      bytea         NOT NULL,
    to_account   bytea         NOT NULL,
    amount       numeric(78,0) NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX withdrawals_block ON withdrawals (chain_id, block_number);

-- devices: the current state of every registered device, derived from the event rows. The
-- latest registration of (account, device_id) counts; a later valid rotation replaces its
-- key-agreement key; a later revocation marks it revoked. final says the registration's
-- block is at or below the chain's finalized block.
CREATE VIEW devices AS
SELECT a.chain_id,
       a.account,
       a.device_id,
       a.suite,
       a.signing_key,
       COALESCE(r.key_agreement_key, a.key_agreement_key) AS key_agreement_key,
       a.sig_valid,
       (v.block_number IS NOT NULL)::boolean               AS revoked,
       a.block_number                                      AS added_block,
       (a.block_number <= COALESCE(c.finalized_number, -1)) AS final
FROM (
    SELECT DISTINCT ON (chain_id, account, device_id) *
    FROM device_added
    ORDER BY chain_id, account, device_id, block_number DESC, log_index DESC
) a
LEFT JOIN LATERAL (
    SELECT k.key_agreement_key
    FROM key_agreement_rotated k
    WHERE k.chain_id = a.chain_id AND k.account = a.account AND k.device_id = a.device_id
      AND k.sig_valid AND (k.block_number, k.log_index) > (a.block_number, a.log_index)
    ORDER BY k.block_number DESC, k.log_index DESC
    LIMIT 1
) r ON true
LEFT JOIN LATERAL (
    SELECT d.block_number
    FROM device_revoked d
    WHERE d.chain_id = a.chain_id AND d.account = a.account AND d.device_id = a.device_id
      AND (d.block_number, d.log_index) > (a.block_number, a.log_index)
    ORDER BY d.block_number, d.log_index
    LIMIT 1
) v ON true
LEFT JOIN chain_cursor c ON c.chain_id = a.chain_id;

-- +goose Down
DROP VIEW devices;
DROP TABLE withdrawals;
DROP TABLE tips;
DROP TABLE key_agreement_rotated;
DROP TABLE device_revoked;
DROP TABLE device_added;
DROP TABLE chain_blocks;
DROP TABLE chain_cursor;
