-- The relay caches, per conversation, the members' registered devices and whether either side
-- blocked the other (the checks of every send). Any change to the tables behind them announces
-- itself on parley_relay_dir, once per statement, and every relay instance drops its cache.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION relay_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_relay_dir', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER device_added_relay_dir AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON device_added
    FOR EACH STATEMENT EXECUTE FUNCTION relay_directory_changed();
CREATE TRIGGER device_revoked_relay_dir AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON device_revoked
    FOR EACH STATEMENT EXECUTE FUNCTION relay_directory_changed();
CREATE TRIGGER blocks_relay_dir AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON blocks
    FOR EACH STATEMENT EXECUTE FUNCTION relay_directory_changed();

-- +goose Down
DROP TRIGGER blocks_relay_dir ON blocks;
DROP TRIGGER device_revoked_relay_dir ON device_revoked;
DROP TRIGGER device_added_relay_dir ON device_added;
DROP FUNCTION relay_directory_changed();
