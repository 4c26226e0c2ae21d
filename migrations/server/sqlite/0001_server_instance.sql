-- The server's identity. A desktop remembers the instance id it enrolled
-- with, so a store restored or replaced underneath it is noticed, not synced into.
CREATE TABLE server_instance (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    instance_id TEXT    NOT NULL CHECK (length(instance_id) = 32),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
