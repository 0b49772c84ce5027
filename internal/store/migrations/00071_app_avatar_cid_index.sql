-- Finds the profiles that show an avatar, so a replaced one is unpinned only when no other
-- profile shows the same image (API review).

-- +goose Up
CREATE INDEX profiles_avatar_cid ON profiles (avatar_cid) WHERE avatar_cid IS NOT NULL;

-- +goose Down
DROP INDEX profiles_avatar_cid;
