-- Durable delivery of the WebSocket relay (issue 6). Numbers 00030-00039 belong to the relay.
-- Accounts are 20-byte addresses (bytea) like the chain tables; device ids are the registry's.
--
-- An envelope is stored once (relay_envelopes, ciphertext only: the relay never sees plaintext)
-- and referenced by one pending row per recipient device. A pending row is deleted when its
-- device acknowledges it, when it expires (TTL) or when it falls beyond the per-device cap;
-- the last two are counted in relay_devices.dropped and reported to the device when it connects.

-- +goose Up
CREATE TABLE relay_envelopes (
    cid           bytea       PRIMARY KEY,
    conversation  bytea       NOT NULL CHECK (length(conversation) = 32),
    sender        bytea       NOT NULL CHECK (length(sender) = 20),
    sender_device bigint      NOT NULL,
    body          bytea       NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX relay_envelopes_created_at ON relay_envelopes (created_at);
COMMENT ON TABLE relay_envelopes IS 'encrypted envelopes accepted by the relay, kept until acknowledged by every device and then until the TTL (replay detection)';

CREATE TABLE relay_devices (
    account   bytea  NOT NULL CHECK (length(account) = 20),
    device_id bigint NOT NULL,
    last_seq  bigint NOT NULL,
    dropped   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account, device_id)
);
COMMENT ON TABLE relay_devices IS 'per-device delivery sequence (the row lock orders commits) and the count of pending envelopes dropped by TTL or cap since the device last connected';

CREATE TABLE relay_pending (
    account    bytea       NOT NULL,
    device_id  bigint      NOT NULL,
    seq        bigint      NOT NULL,
    cid        bytea       NOT NULL REFERENCES relay_envelopes (cid),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (account, device_id, seq)
);
CREATE INDEX relay_pending_cid ON relay_pending (cid);
CREATE INDEX relay_pending_expires_at ON relay_pending (expires_at);
COMMENT ON TABLE relay_pending IS 'envelopes not yet acknowledged by a recipient device, in per-device sequence order';

-- +goose Down
DROP TABLE relay_pending;
DROP TABLE relay_devices;
DROP TABLE relay_envelopes;
