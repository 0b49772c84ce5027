-- Interest search in bounded work: every interest row also carries its account's whole tag set
-- (sorted), included in the per-tag recency index, so a search reads each query tag's
-- SEARCH_WINDOW most recent discoverable people with their tags from the index alone (an
-- index-only scan) and ranks them by overlap without a join back to account_interests.

-- +goose Up
ALTER TABLE account_interests ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
UPDATE account_interests ai SET tags = t.tags
FROM (SELECT account, array_agg(tag ORDER BY tag) AS tags FROM account_interests GROUP BY account) t
WHERE ai.account = t.account;
DROP INDEX account_interests_search;
CREATE INDEX account_interests_search ON account_interests (tag, last_active_at DESC, account DESC)
    INCLUDE (tags) WHERE discoverable;

-- +goose Down
DROP INDEX account_interests_search;
CREATE INDEX account_interests_search ON account_interests (tag, last_active_at DESC, account DESC) WHERE discoverable;
ALTER TABLE account_interests DROP COLUMN tags;
