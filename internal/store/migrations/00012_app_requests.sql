-- Device-proof challenges, chat requests, notifications and anonymous rooms (API, issue 5).

-- +goose Up
CREATE TABLE device_challenges (
    challenge  text PRIMARY KEY,
    session_id uuid   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    device_id  bigint NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE chat_requests (
    id         uuid PRIMARY KEY,
    sender     text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    recipient  text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 280),
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    CHECK (sender <> recipient)
);
-- At most one pending request per direction.
CREATE UNIQUE INDEX chat_requests_one_pending ON chat_requests (sender, recipient) WHERE status = 'pending';
CREATE INDEX chat_requests_recipient ON chat_requests (recipient, created_at DESC);
CREATE INDEX chat_requests_sender ON chat_requests (sender, created_at DESC);

-- Notifications for an account, delivered by the relay (LISTEN parley_notifications; the
-- payload is the account) and readable through the API until then.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account    text  NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    kind       text  NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_account ON notifications (account, id);

-- Anonymous rooms: only an id, a lifetime and a member cap; the key never reaches the server.
CREATE TABLE rooms (
    id          text PRIMARY KEY,
    max_members int  NOT NULL CHECK (max_members BETWEEN 2 AND 50),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX rooms_expires_at ON rooms (expires_at);

-- +goose Down
DROP TABLE rooms;
DROP TABLE notifications;
DROP TABLE chat_requests;
DROP TABLE device_challenges;
