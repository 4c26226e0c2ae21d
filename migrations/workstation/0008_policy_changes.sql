-- Policy changes (docs/policy-lifecycle.md): what the server last said about
-- each policy, and the changes this device prepared offline.
--
-- The server stays authoritative. `policy_version` is the newest version the
-- server reported (a push answer or a pulled `policy_changed`); `detail` is
-- the server's whole `PolicyDetail` (lifecycle, input in force, pack,
-- timeline) as last fetched, at `detail_version`. When the two differ the
-- detail is stale and the next sync fetches it again.
ALTER TABLE policy ADD COLUMN policy_version INTEGER CHECK (policy_version IS NULL OR policy_version >= 1);
ALTER TABLE policy ADD COLUMN detail TEXT CHECK (detail IS NULL OR (json_valid(detail) AND json_type(detail) = 'object'));
ALTER TABLE policy ADD COLUMN detail_version INTEGER CHECK (detail_version IS NULL OR detail_version >= 1);
ALTER TABLE policy ADD COLUMN fetched_at TEXT;

-- A change prepared here, written with its outbox entry in one transaction.
-- `policy` is the `uw_policy::Policy` the change makes as this device worked
-- it out, so a second change can be prepared on top before the first syncs;
-- the server recomputes everything and its answer lands in `outcome`.
CREATE TABLE policy_change (
    id             INTEGER PRIMARY KEY,
    policy_number  TEXT NOT NULL REFERENCES policy (policy_number),
    seq            INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
    base_version   INTEGER NOT NULL CHECK (base_version >= 1),
    kind           TEXT NOT NULL CHECK (kind IN ('endorse', 'cancel', 'reinstate', 'offer_renewal', 'renew', 'non_renew')),
    effective_date TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    -- Charged (positive) or returned (negative), decimal text.
    amount         TEXT NOT NULL CHECK (amount <> '' AND amount NOT GLOB '*[^0-9.-]*'),
    description    TEXT NOT NULL,
    policy         TEXT NOT NULL CHECK (json_valid(policy) AND json_type(policy) = 'object'),
    worksheet      TEXT NOT NULL CHECK (json_valid(worksheet) AND json_type(worksheet) = 'object'),
    -- The rating input an endorsement or a renewal offer carries, and the pack that rated it.
    input          TEXT CHECK (input IS NULL OR json_valid(input)),
    pack_id        TEXT CHECK (pack_id IS NULL OR pack_id <> ''),
    prepared_at    TEXT NOT NULL,
    outcome        TEXT CHECK (outcome IS NULL OR outcome IN ('accepted', 'rejected', 'conflict')),
    answered_at    TEXT,
    CHECK ((outcome IS NULL) = (answered_at IS NULL)),
    CHECK ((input IS NULL) = (pack_id IS NULL)),
    CHECK ((kind IN ('endorse', 'offer_renewal')) = (input IS NOT NULL))
) STRICT;
CREATE INDEX policy_change_by_policy ON policy_change (policy_number, id);
