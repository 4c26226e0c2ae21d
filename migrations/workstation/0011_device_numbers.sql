-- Quote numbers that scale: an enrolled device numbers its quotes
-- QUOT-YYYY-DDDDD-NNNNN with the device number the server gave it at
-- enrollment and a serial it counts itself each year (`quote_serial`).
-- Enrollments made with a server of the first scheme keep their block of
-- QUOT-YYYY-NNNNNN numbers until the device learns its number on a sync.
--
-- uw-migration: foreign keys off
-- (the quote table is rebuilt for its wider number check; with foreign keys
-- on, dropping it would cascade to every version. The runner turns them off
-- around this migration and runs `PRAGMA foreign_key_check` before commit.)
CREATE TABLE sync_enrollment_v2 (
    singleton           INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url          TEXT NOT NULL CHECK (server_url GLOB 'http://?*' OR server_url GLOB 'https://?*'),
    server_instance_id  TEXT NOT NULL CHECK (server_instance_id <> ''),
    device_id           TEXT NOT NULL CHECK (device_id <> ''),
    device_name         TEXT NOT NULL CHECK (trim(device_name) <> ''),
    token               TEXT NOT NULL CHECK (token <> ''),
    token_expires_at    TEXT NOT NULL,
    user_id             TEXT NOT NULL CHECK (user_id <> ''),
    username            TEXT NOT NULL CHECK (username <> ''),
    role                TEXT NOT NULL CHECK (role IN ('agent', 'underwriter', 'admin', 'auditor')),
    block_year          INTEGER CHECK (block_year BETWEEN 2000 AND 9999),
    block_first         INTEGER CHECK (block_first >= 1),
    block_last          INTEGER CHECK (block_last <= 999999 AND block_last >= block_first),
    enrolled_at         TEXT NOT NULL,
    server_ca           TEXT CHECK (server_ca IS NULL OR server_ca LIKE '%-----BEGIN CERTIFICATE-----%'),
    device_number       INTEGER CHECK (device_number IS NULL OR device_number >= 1),
    CHECK ((block_year IS NULL) = (block_first IS NULL) AND (block_first IS NULL) = (block_last IS NULL)),
    CHECK (device_number IS NOT NULL OR block_year IS NOT NULL)
) STRICT;
INSERT INTO sync_enrollment_v2 (singleton, server_url, server_instance_id, device_id, device_name, token, token_expires_at, user_id,
        username, role, block_year, block_first, block_last, enrolled_at, server_ca, device_number)
    SELECT singleton, server_url, server_instance_id, device_id, device_name, token, token_expires_at, user_id,
        username, role, block_year, block_first, block_last, enrolled_at, server_ca, NULL
    FROM sync_enrollment;
DROP TABLE sync_enrollment;
ALTER TABLE sync_enrollment_v2 RENAME TO sync_enrollment;

-- A store restored from a backup: quotes after `after_quote` were numbered
-- before the device knew how far it had really got; the next sync renumbers
-- any whose number the server already holds, then clears the mark.
CREATE TABLE restore_mark (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    after_quote INTEGER NOT NULL CHECK (after_quote >= 0),
    restored_at TEXT NOT NULL
) STRICT;

-- The sync server came back from a backup (a new instance id that names
-- the enrolled one as restored from): the next push first sends again what
-- this device delivered after the server's last sequence number.
CREATE TABLE server_restore_pending (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    adopted_at TEXT NOT NULL
) STRICT;

-- The next serial this device hands out under its device number, per year.
CREATE TABLE quote_serial (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1000 AND 9999),
    next_serial INTEGER NOT NULL CHECK (next_serial >= 1)
) STRICT;

-- Quote numbers of both schemes. Rebuilt as SQLite's ALTER TABLE procedure
-- says: new table, copy, drop, rename, indexes again.
CREATE TABLE quote_v2 (
    id              INTEGER PRIMARY KEY,
    quote_number    TEXT NOT NULL UNIQUE CHECK (
        quote_number GLOB 'QUOT-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]'
        OR (quote_number GLOB 'QUOT-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9]*-[0-9][0-9][0-9][0-9][0-9]*'
            AND substr(quote_number, 11) NOT GLOB '*[^0-9-]*')),
    customer_id     INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    product         TEXT NOT NULL CHECK (product IN ('personal-auto', 'homeowners-ho3')),
    state           TEXT NOT NULL CHECK (length(state) = 2),
    effective_date  TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'rated', 'referred', 'approved', 'declined',
                                                    'bind_requested', 'bound', 'bind_rejected', 'expired')),
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    premium         TEXT CHECK (premium IS NULL OR (premium <> '' AND premium NOT GLOB '*[^0-9.]*')),
    rated_on        TEXT CHECK (rated_on IS NULL OR date(rated_on) = rated_on),
    expires_on      TEXT CHECK (expires_on IS NULL OR date(expires_on) = expires_on),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((rated_on IS NULL) = (expires_on IS NULL)),
    CHECK (status = 'draft' OR rated_on IS NOT NULL),
    CHECK ((premium IS NULL) = (rated_on IS NULL))
) STRICT;
INSERT INTO quote_v2 SELECT id, quote_number, customer_id, product, state, effective_date, status, current_version, premium,
    rated_on, expires_on, created_at, updated_at FROM quote;
DROP TABLE quote;
ALTER TABLE quote_v2 RENAME TO quote;
CREATE INDEX quote_by_updated ON quote (updated_at DESC, id DESC);
CREATE INDEX quote_by_customer ON quote (customer_id);
CREATE INDEX quote_by_status ON quote (status, updated_at DESC);
CREATE INDEX quote_by_effective ON quote (effective_date);
CREATE INDEX quote_open_by_expiry ON quote (expires_on) WHERE status IN ('rated', 'referred', 'approved');
