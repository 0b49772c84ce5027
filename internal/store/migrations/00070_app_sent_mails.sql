-- Mail the API sent on behalf of an account (verification, invitations), for its daily quota
-- (API review: without it one account could mail-bomb an address). Rows older than a day are purged.

-- +goose Up
CREATE TABLE sent_mails (
    account text        NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    sent_at timestamptz NOT NULL
);
CREATE INDEX sent_mails_account ON sent_mails (account, sent_at);

-- +goose Down
DROP TABLE sent_mails;
