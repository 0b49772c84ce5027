-- Cache of verified primary ENS names (reverse record whose name resolves back), so profile
-- views do not call the RPC each time (API, issue 5). name is NULL when the address has none.

-- +goose Up
CREATE TABLE ens_names (
    address     text        PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    name        text        CHECK (length(name) <= 255),
    resolved_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE ens_names;
