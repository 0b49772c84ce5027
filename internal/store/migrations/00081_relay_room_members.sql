-- Members of anonymous rooms, so that a room's member cap holds across relay instances: a
-- socket's row is added under the room's row lock when the room's rows with a live lease are
-- fewer than its cap, and deleted when the socket leaves. Each instance renews the leases of
-- its rows; the rows of an instance that died (kill -9) stop counting when their lease lapses
-- and are deleted by the janitor. A lease never outlasts its room, and deleting the room (the
-- API's purge of expired rooms) deletes its rows.

-- +goose Up
CREATE TABLE relay_room_members (
    room        text        NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    socket      text        NOT NULL,
    instance    text        NOT NULL,
    lease_until timestamptz NOT NULL,
    PRIMARY KEY (room, socket)
);
CREATE INDEX relay_room_members_instance ON relay_room_members (instance);
CREATE INDEX relay_room_members_lease_until ON relay_room_members (lease_until);
COMMENT ON TABLE relay_room_members IS 'sockets in anonymous rooms, per relay instance, counted against the room cap while their lease lives';

-- +goose Down
DROP TABLE relay_room_members;
