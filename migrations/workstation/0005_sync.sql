-- Sync with the server (docs/sync-protocol.md): the device's enrollment,
-- what the server refused and what the device could not apply, keys the
-- server revoked, and the files of packs installed through sync so they
-- load again when the workstation opens.
--
-- `sync_state` (migration 0004) keeps the pull cursor and the highest
-- acknowledged outbox sequence; everything about the enrollment lives here.

-- The device's enrollment: at most one row, replaced when the device enrolls
-- again. The token is a credential: it lives only in this encrypted store
-- and never in a log. The block is the quote-number range the server granted
-- at enrollment, as granted; `quote_number_block` holds the counter.
CREATE TABLE sync_enrollment (
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
    block_year          INTEGER NOT NULL CHECK (block_year BETWEEN 2000 AND 9999),
    block_first         INTEGER NOT NULL CHECK (block_first >= 1),
    block_last          INTEGER NOT NULL CHECK (block_last <= 999999 AND block_last >= block_first),
    enrolled_at         TEXT NOT NULL
) STRICT;

-- What the user must see: operations the server rejected or found in
-- conflict (from a push, one per outbox sequence; final, never retried), and
-- changes this device could not apply (from a pull, by log index: a pack that
-- does not verify, a key that contradicts a trusted one, a policy for a quote
-- not awaiting binding). `dismissed_at` is set when the user has seen it.
CREATE TABLE sync_issue (
    id               INTEGER PRIMARY KEY,
    source           TEXT NOT NULL CHECK (source IN ('push', 'pull')),
    seq              INTEGER UNIQUE REFERENCES outbox (seq),
    op_id            TEXT CHECK (op_id IS NULL OR length(op_id) = 32),
    change_index     INTEGER CHECK (change_index IS NULL OR change_index >= 0),
    -- The operation kind (`quote.bind_requested`) or change kind (`pack_published`).
    kind             TEXT NOT NULL CHECK (kind <> ''),
    -- What it is about: a quote number, a pack id or a key id.
    subject          TEXT,
    outcome          TEXT NOT NULL CHECK (outcome IN ('rejected', 'conflict', 'not_applied')),
    -- The server's stable code, or the device's for `not_applied`; none for a conflict.
    code             TEXT CHECK (code IS NULL OR code <> ''),
    reason           TEXT NOT NULL,
    current_version  INTEGER CHECK (current_version IS NULL OR current_version >= 1),
    received_at      TEXT NOT NULL,
    dismissed_at     TEXT,
    CHECK ((source = 'push') = (seq IS NOT NULL AND op_id IS NOT NULL)),
    CHECK ((source = 'pull') = (change_index IS NOT NULL)),
    CHECK ((outcome = 'conflict') = (current_version IS NOT NULL)),
    CHECK (outcome = 'conflict' OR code IS NOT NULL)
) STRICT;
CREATE INDEX sync_issue_open ON sync_issue (id) WHERE dismissed_at IS NULL;

-- A key the server revoked stays (installed packs reference it) but no
-- longer verifies anything, and packs it signed are not rated with.
ALTER TABLE trusted_key ADD COLUMN revoked_at TEXT;

-- The files of each pack installed through sync, as a JSON object from file
-- name to text, so it is compiled and verified again when the workstation opens.
CREATE TABLE synced_pack (
    pack_id       TEXT PRIMARY KEY REFERENCES installed_pack (pack_id) ON DELETE CASCADE,
    files         TEXT NOT NULL CHECK (json_valid(files) AND json_type(files) = 'object'),
    change_index  INTEGER NOT NULL CHECK (change_index >= 0)
) STRICT;
