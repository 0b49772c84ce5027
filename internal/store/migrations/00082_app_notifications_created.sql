-- Notifications are kept for Config.NotificationTTL (a device away longer must sign in again
-- anyway); the janitor deletes older ones by creation time.

-- +goose Up
CREATE INDEX notifications_created_at ON notifications (created_at);

-- +goose Down
DROP INDEX notifications_created_at;
