-- Group additions of strangers (people whose consent toward the adder is not allowed), for the
-- adder's daily quota shared with chat requests (API review: group adds bypassed that quota).
-- Rows older than a day are purged.

-- +goose Up
CREATE TABLE stranger_adds (
    adder    text        NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    added_at timestamptz NOT NULL
);
CREATE INDEX stranger_adds_adder ON stranger_adds (adder, added_at);

-- +goose Down
DROP TABLE stranger_adds;
