-- Profile avatars: the CID of an image block pinned by the node (API, issue 5).

-- +goose Up
ALTER TABLE profiles ADD COLUMN avatar_cid text CHECK (length(avatar_cid) <= 128);

-- +goose Down
ALTER TABLE profiles DROP COLUMN avatar_cid;
