-- Four-eyes rate changes: draft packs submitted for approval, and approval
-- keys that belong to an underwriter.

-- A pack-signing key registered as a user's approval key; NULL for an
-- organisation key (the development key, a filing tool's key), which no
-- approval may use.
ALTER TABLE pack_key ADD COLUMN user_id TEXT REFERENCES app_user (user_id) ON DELETE RESTRICT;

CREATE TABLE pack_draft (
    draft_id      TEXT    PRIMARY KEY CHECK (length(draft_id) BETWEEN 1 AND 64),
    pack_id       TEXT    NOT NULL UNIQUE,
    digest        TEXT    NOT NULL CHECK (length(digest) = 64),
    state         TEXT    NOT NULL,
    product       TEXT    NOT NULL,
    base_pack_id  TEXT    NOT NULL REFERENCES published_pack (pack_id) ON DELETE RESTRICT,
    files         TEXT    NOT NULL CHECK (files::jsonb IS NOT NULL),
    note          TEXT    NOT NULL,
    impact        TEXT    CHECK (impact IS NULL OR impact::jsonb IS NOT NULL),
    author_id     TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    submitted_at  BIGINT  NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
    decided_by    TEXT    REFERENCES app_user (user_id) ON DELETE RESTRICT,
    decided_at    BIGINT,
    comment       TEXT,
    -- Four eyes, in the schema too: nobody decides their own draft.
    CHECK (decided_by IS NULL OR decided_by <> author_id),
    CHECK ((status = 'submitted') = (decided_by IS NULL))
);
CREATE INDEX pack_draft_status ON pack_draft (status, submitted_at);
