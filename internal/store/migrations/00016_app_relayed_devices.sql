-- Gasless device registrations the API relayed to the DeviceRegistry (API, issue 5). A row is
-- pending until the indexer's devices view holds (chain_id, account, device_id), and stops
-- counting once its deadline passes (the transaction can no longer succeed after it).

-- +goose Up
CREATE TABLE relayed_devices (
    tx_hash           bytea       PRIMARY KEY CHECK (length(tx_hash) = 32),
    chain_id          bigint      NOT NULL,
    account           text        NOT NULL CHECK (account ~ '^0x[0-9a-f]{40}$'),
    device_id         bigint      NOT NULL CHECK (device_id BETWEEN 1 AND 4294967295),
    suite             smallint    NOT NULL,
    signing_key       bytea       NOT NULL CHECK (length(signing_key) = 32),
    key_agreement_key bytea       NOT NULL CHECK (length(key_agreement_key) = 32),
    deadline          timestamptz NOT NULL,
    created_at        timestamptz NOT NULL
);
CREATE INDEX relayed_devices_account ON relayed_devices (account, created_at);

-- +goose Down
DROP TABLE relayed_devices;
