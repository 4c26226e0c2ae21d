-- Accounts, notes, notifications and sync runs (issue 27).
--
-- A quote keeps its own customer row (the applicant as that quote was
-- written). An account is the person behind several rows: the same name,
-- and the same date of birth where both rows have one, otherwise the same
-- street and ZIP (see `accounts.rs`). The index below finds the rows of one
-- name without scanning.
CREATE INDEX customer_by_name ON customer (lower(trim(name)));

-- Agents read a VIN's last six characters (its serial) off an ID card; the
-- search finds them through this index instead of reading every VIN.
CREATE INDEX vehicle_by_vin_serial ON vehicle (substr(vin, 12)) WHERE vin IS NOT NULL;

-- What the agent wrote about a customer. Attached to the row it was written
-- on; the account shows the notes of all its rows.
CREATE TABLE customer_note (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    body         TEXT NOT NULL CHECK (trim(body) <> '' AND length(body) <= 4000),
    -- The user who wrote it, when this device is enrolled.
    author       TEXT CHECK (author IS NULL OR author <> ''),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX customer_note_by_customer ON customer_note (customer_id, id);

-- What sync brought that the user should hear about. Written in the same
-- savepoint as the change it reports, so a change is never applied without
-- its notice, nor announced without being applied. `read_at` is set when
-- the user has seen it.
CREATE TABLE notification (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('policy_issued', 'policy_changed', 'referral_approved', 'referral_declined',
                                              'pack_installed', 'draft_approved', 'draft_rejected', 'change_refused')),
    -- What it is about: a quote number, a policy number, a pack id or a rate draft's pack id.
    subject     TEXT NOT NULL CHECK (subject <> ''),
    quote_id    INTEGER REFERENCES quote (id) ON DELETE SET NULL,
    -- The underwriter's note on a referral or a rate draft; the server's reason for a refusal.
    note        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
) STRICT;
CREATE INDEX notification_unread ON notification (id) WHERE read_at IS NULL;

-- Each sync that ran to the end or failed, for the "last synced" time and
-- the background sync's backoff. Kept short: the newest 200 rows.
CREATE TABLE sync_run (
    id           INTEGER PRIMARY KEY,
    finished_at  TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    -- The error's code when it failed.
    code         TEXT CHECK ((outcome = 'failed') = (code IS NOT NULL))
) STRICT;
