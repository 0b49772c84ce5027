-- Profiles, interests (curated taxonomy plus free tags), contacts and blocks (API, issue 5).

-- +goose Up
CREATE TABLE profiles (
    account      text PRIMARY KEY REFERENCES accounts (address) ON DELETE CASCADE,
    -- Unique, lowercase: a letter, then 2 to 29 letters, digits or underscores.
    username     text UNIQUE CHECK (username ~ '^[a-z][a-z0-9_]{2,29}$'),
    display_name text NOT NULL DEFAULT '' CHECK (length(display_name) <= 64),
    bio          text NOT NULL DEFAULT '' CHECK (length(bio) <= 500),
    age          smallint CHECK (age BETWEEN 13 AND 130),
    gender       text CHECK (length(gender) <= 32),
    discoverable boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE interest_taxonomy (
    id       text PRIMARY KEY,
    label    text NOT NULL,
    category text NOT NULL,
    position int  NOT NULL
);
INSERT INTO interest_taxonomy (id, label, category, position) VALUES
    ('sports', 'Sports', 'activities', 1),
    ('running', 'Running', 'activities', 2),
    ('hiking', 'Hiking', 'activities', 3),
    ('cycling', 'Cycling', 'activities', 4),
    ('music', 'Music', 'culture', 10),
    ('movies', 'Movies', 'culture', 11),
    ('books', 'Books', 'culture', 12),
    ('art', 'Art', 'culture', 13),
    ('photography', 'Photography', 'culture', 14),
    ('gaming', 'Gaming', 'culture', 15),
    ('tech', 'Technology', 'technology', 20),
    ('programming', 'Programming', 'technology', 21),
    ('ethereum', 'Ethereum', 'technology', 22),
    ('defi', 'DeFi', 'technology', 23),
    ('nfts', 'NFTs', 'technology', 24),
    ('privacy', 'Privacy', 'technology', 25),
    ('ai', 'AI', 'technology', 26),
    ('science', 'Science', 'knowledge', 30),
    ('history', 'History', 'knowledge', 31),
    ('languages', 'Languages', 'knowledge', 32),
    ('travel', 'Travel', 'lifestyle', 40),
    ('food', 'Food', 'lifestyle', 41),
    ('fitness', 'Fitness', 'lifestyle', 42),
    ('pets', 'Pets', 'lifestyle', 43),
    ('fashion', 'Fashion', 'lifestyle', 44);

-- An account's interests: taxonomy ids and free tags share one namespace.
CREATE TABLE account_interests (
    account text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    tag     text NOT NULL CHECK (tag ~ '^[a-z0-9][a-z0-9-]{1,31}$'),
    PRIMARY KEY (account, tag)
);
CREATE INDEX account_interests_tag ON account_interests (tag, account);

-- Per-peer state of an owner: nickname and consent (allowed, denied, unknown). The peer need
-- not have an account yet.
CREATE TABLE contacts (
    owner      text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    peer       text NOT NULL CHECK (peer ~ '^0x[0-9a-f]{40}$'),
    nickname   text NOT NULL DEFAULT '' CHECK (length(nickname) <= 64),
    consent    text NOT NULL DEFAULT 'unknown' CHECK (consent IN ('allowed', 'denied', 'unknown')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (owner, peer)
);

CREATE TABLE blocks (
    blocker    text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    blocked    text NOT NULL CHECK (blocked ~ '^0x[0-9a-f]{40}$'),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (blocker, blocked)
);
CREATE INDEX blocks_blocked ON blocks (blocked, blocker);

-- +goose Down
DROP TABLE blocks;
DROP TABLE contacts;
DROP TABLE account_interests;
DROP TABLE interest_taxonomy;
DROP TABLE profiles;
