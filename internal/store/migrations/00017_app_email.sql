-- Optional account emails with verification by a signed, expiring link (API, issue 5). An
-- address can be verified by one account only; unverified ones may repeat.

-- +goose Up
CREATE TABLE account_emails (
    account     text        PRIMARY KEY REFERENCES accounts (address) ON DELETE CASCADE,
    email       text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    verified_at timestamptz,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX account_emails_verified ON account_emails (lower(email)) WHERE verified_at IS NOT NULL;

-- +goose Down
DROP TABLE account_emails;
