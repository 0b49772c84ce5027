-- The relay closes the WebSocket of a session that ends: revoking a session (logout, a refresh
-- token's reuse revoking its family, "revoke my session") or deleting it (the purge of dead
-- sessions, an account's deletion) announces its id on parley_session_ended, once, at commit.
-- A revoked session's later deletion was announced already.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION relay_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_session_ended', OLD.id::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER sessions_revoked_relay AFTER UPDATE OF revoked_at ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION relay_session_ended();
CREATE TRIGGER sessions_deleted_relay AFTER DELETE ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL) EXECUTE FUNCTION relay_session_ended();

-- +goose Down
DROP TRIGGER sessions_deleted_relay ON sessions;
DROP TRIGGER sessions_revoked_relay ON sessions;
DROP FUNCTION relay_session_ended();
