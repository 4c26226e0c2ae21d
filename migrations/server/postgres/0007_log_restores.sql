-- Restores from a backup, declared with `uw-sync-server admin restored`. The
-- audit log goes on under a new origin, linked to the last checkpoint the
-- server signed before (kept outside the database, beside the key file); the
-- server gets a new instance id, so desktops notice, and re-send what the
-- restored database lost. The checkpoint signing key keeps its name, the
-- organisation's first origin, so auditors' verifier keys stay valid.
CREATE TABLE log_restore (
    new_origin      TEXT    PRIMARY KEY CHECK (new_origin <> ''),
    old_origin      TEXT    NOT NULL CHECK (old_origin <> ''),
    old_note        TEXT    NOT NULL CHECK (old_note <> ''),
    old_size        BIGINT  NOT NULL CHECK (old_size >= 0),
    restored_size   BIGINT  NOT NULL CHECK (restored_size >= 0 AND restored_size < old_size),
    old_instance_id TEXT    NOT NULL,
    new_instance_id TEXT    NOT NULL,
    -- Device numbers the lost entries may have handed out: new devices get
    -- numbers above it. (Policy-number counters move on by the lost entries.)
    device_number_floor BIGINT  NOT NULL CHECK (device_number_floor >= 0),
    restored_at     BIGINT  NOT NULL
);
