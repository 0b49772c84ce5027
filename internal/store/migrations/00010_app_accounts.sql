-- Accounts, Sign-In with Ethereum nonces and sessions with rotating refresh tokens (API, issue 5).
-- Addresses are stored as lowercase 0x-prefixed hex text.

-- +goose Up
CREATE TABLE siwe_nonces (
    nonce      text PRIMARY KEY,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX siwe_nonces_expires_at ON siwe_nonces (expires_at);

CREATE TABLE accounts (
    address        text PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    created_at     timestamptz NOT NULL,
    last_active_at timestamptz NOT NULL
);

-- A session is one refresh-token family: every rotation adds a row to refresh_tokens, and
-- presenting an already rotated token revokes the whole session.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    account       text NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    device_id     bigint,
    user_agent    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason text
);
CREATE INDEX sessions_account_active ON sessions (account, created_at DESC) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    hash       bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    rotated_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- +goose Down
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE siwe_nonces;
