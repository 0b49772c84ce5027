-- Interest search: each interest row carries its account's discoverable flag and last activity
-- so a search reads, per tag, only the most recently active discoverable people from one index.

-- +goose Up
ALTER TABLE account_interests
    ADD COLUMN discoverable   boolean     NOT NULL DEFAULT false,
    ADD COLUMN last_active_at timestamptz NOT NULL DEFAULT '-infinity';
DROP INDEX account_interests_tag;
CREATE INDEX account_interests_search ON account_interests (tag, last_active_at DESC, account DESC) WHERE discoverable;

-- +goose Down
DROP INDEX account_interests_search;
CREATE INDEX account_interests_tag ON account_interests (tag, account);
ALTER TABLE account_interests DROP COLUMN discoverable, DROP COLUMN last_active_at;
