-- Rate management on an underwriter's workstation: drafts of rate packs
-- written here, the approval key's public half, and the drafts by other
-- underwriters this one reviews, with any decision waiting for sync.

-- A draft is its base pack plus the edits; the files, id and digest are what
-- the edits gave when it was last saved (it always compiles).
CREATE TABLE rate_draft (
    draft_id      TEXT PRIMARY KEY CHECK (length(draft_id) BETWEEN 1 AND 64),
    base_pack_id  TEXT NOT NULL,
    edits         TEXT NOT NULL CHECK (json_valid(edits)),
    files         TEXT NOT NULL CHECK (json_valid(files)),
    pack_id       TEXT NOT NULL,
    digest        TEXT NOT NULL CHECK (length(digest) = 64),
    note          TEXT NOT NULL,
    author        TEXT NOT NULL,
    -- editing → submitted (queued until sync sends it: sent_at) → approved | rejected
    status        TEXT NOT NULL CHECK (status IN ('editing', 'submitted', 'approved', 'rejected')),
    impact        TEXT CHECK (impact IS NULL OR json_valid(impact)),
    submitted_at  TEXT,
    sent_at       TEXT,
    decided_by    TEXT,
    comment       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- The public half of this user's approval key (the seed is in the keychain).
CREATE TABLE approval_key (
    username    TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL CHECK (length(public_key) = 64),
    created_at  TEXT NOT NULL
) STRICT;

-- Other underwriters' drafts as the server last sent them, and this
-- underwriter's decision on one until sync delivers it.
CREATE TABLE pack_review (
    draft_id    TEXT PRIMARY KEY,
    draft       TEXT NOT NULL CHECK (json_valid(draft)),
    decision    TEXT CHECK (decision IS NULL OR json_valid(decision)),
    decided_at  TEXT,
    sent_at     TEXT,
    fetched_at  TEXT NOT NULL
) STRICT;
