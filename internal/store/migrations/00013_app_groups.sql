-- Groups with roles and a membership epoch, join requests and invite links (API, issue 5).

-- +goose Up
CREATE TABLE groups (
    id          uuid PRIMARY KEY,
    name        text   NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    -- Bumped on every membership change; the protocol rotates sender chains per epoch.
    epoch       bigint NOT NULL DEFAULT 1,
    max_members int    NOT NULL CHECK (max_members >= 2),
    created_at  timestamptz NOT NULL
);

CREATE TABLE group_members (
    group_id  uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account   text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    role      text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (group_id, account)
);
CREATE UNIQUE INDEX group_members_one_owner ON group_members (group_id) WHERE role = 'owner';
CREATE INDEX group_members_account ON group_members (account);

CREATE TABLE group_join_requests (
    id         uuid PRIMARY KEY,
    group_id   uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account    text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by text
);
CREATE UNIQUE INDEX group_join_requests_one_pending ON group_join_requests (group_id, account) WHERE status = 'pending';

-- Invite links: only the SHA-256 of the token is stored. group_id NULL invites to a chat.
CREATE TABLE invites (
    token_hash bytea PRIMARY KEY,
    creator    text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    group_id   uuid REFERENCES groups (id) ON DELETE CASCADE,
    max_uses   int  NOT NULL CHECK (max_uses >= 1),
    uses       int  NOT NULL DEFAULT 0 CHECK (uses <= max_uses),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE invites;
DROP TABLE group_join_requests;
DROP TABLE group_members;
DROP TABLE groups;
