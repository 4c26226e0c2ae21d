-- Identity, sync, authoritative quotes and policies, published packs and the
-- audit log. Times are Unix milliseconds (INTEGER); money is decimal text.

CREATE TABLE organisation (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    name        TEXT    NOT NULL CHECK (name <> ''),
    log_origin  TEXT    NOT NULL CHECK (log_origin <> ''),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE app_user (
    user_id       TEXT    PRIMARY KEY CHECK (length(user_id) = 32),
    username      TEXT    NOT NULL UNIQUE CHECK (username <> ''),
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'underwriter', 'admin', 'auditor')),
    password_hash TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE device (
    device_id   TEXT    PRIMARY KEY CHECK (length(device_id) = 32),
    user_id     TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL CHECK (name <> ''),
    public_key  BLOB    NOT NULL UNIQUE CHECK (length(public_key) = 32),
    enrolled_at INTEGER NOT NULL,
    revoked_at  INTEGER,
    last_seq    INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
) STRICT;

-- Only the SHA-256 of a token is kept.
CREATE TABLE auth_token (
    token_hash BLOB    PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE CASCADE,
    device_id  TEXT    REFERENCES device (device_id) ON DELETE CASCADE,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX auth_token_device ON auth_token (device_id);

CREATE TABLE login_failure (
    account TEXT    NOT NULL,
    address TEXT    NOT NULL,
    at      INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failure_account ON login_failure (account, at);
CREATE INDEX login_failure_address ON login_failure (address, at);

-- Every processed push operation with its answer: replays are answered from
-- here, and a reused sequence with other content is caught by the digest.
CREATE TABLE sync_op (
    device_id      TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    seq            INTEGER NOT NULL CHECK (seq > 0),
    op_id          TEXT    NOT NULL CHECK (length(op_id) = 32),
    kind           TEXT    NOT NULL,
    content_sha256 BLOB    NOT NULL CHECK (length(content_sha256) = 32),
    outcome        TEXT    NOT NULL,
    answer         TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq),
    UNIQUE (device_id, op_id)
) STRICT;

CREATE TABLE quote_number_next (
    year       INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    next_first INTEGER NOT NULL CHECK (next_first >= 1)
) STRICT;

CREATE TABLE quote_number_block (
    year      INTEGER NOT NULL,
    first     INTEGER NOT NULL CHECK (first >= 1),
    last      INTEGER NOT NULL CHECK (last <= 999999 AND last >= first),
    device_id TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    PRIMARY KEY (year, first)
) STRICT;

-- The server's record of each quote the desktops rated, re-rated here.
CREATE TABLE quote_record (
    quote_number    TEXT    PRIMARY KEY,
    device_id       TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    version         INTEGER NOT NULL CHECK (version >= 1),
    state           TEXT    NOT NULL CHECK (length(state) = 2),
    product         TEXT    NOT NULL,
    effective_date  TEXT    NOT NULL,
    input           TEXT    NOT NULL,
    pack_id         TEXT    NOT NULL,
    pack_digest     TEXT    NOT NULL,
    total           TEXT    NOT NULL,
    decision        TEXT    NOT NULL CHECK (decision IN ('accept', 'refer', 'decline')),
    reasons         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('rated', 'referred', 'approved', 'declined', 'bound')),
    decided_by      TEXT    REFERENCES app_user (user_id) ON DELETE RESTRICT,
    decision_reason TEXT,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX quote_record_status ON quote_record (status);

CREATE TABLE policy_number_next (
    state TEXT    NOT NULL CHECK (length(state) = 2),
    year  INTEGER NOT NULL,
    next  INTEGER NOT NULL CHECK (next >= 1),
    PRIMARY KEY (state, year)
) STRICT;

CREATE TABLE policy (
    policy_number  TEXT    PRIMARY KEY,
    quote_number   TEXT    NOT NULL UNIQUE REFERENCES quote_record (quote_number) ON DELETE RESTRICT,
    version        INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    product        TEXT    NOT NULL,
    premium        TEXT    NOT NULL,
    effective_date TEXT    NOT NULL,
    user_id        TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    issued_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX policy_user ON policy (user_id);

CREATE TABLE pack_key (
    key_id     TEXT    PRIMARY KEY CHECK (key_id <> ''),
    public_key TEXT    NOT NULL CHECK (length(public_key) = 64),
    trusted_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE published_pack (
    pack_id      TEXT    PRIMARY KEY,
    digest       TEXT    NOT NULL UNIQUE CHECK (length(digest) = 64),
    state        TEXT    NOT NULL,
    product      TEXT    NOT NULL,
    files        TEXT    NOT NULL,
    published_by TEXT    NOT NULL CHECK (published_by <> ''),
    published_at INTEGER NOT NULL
) STRICT;

-- The audit log: an RFC 6962 Merkle tree. Every mutation locks the head row
-- first, so appends (and their commits) are serialized in index order.
CREATE TABLE log_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    size      INTEGER NOT NULL CHECK (size >= 0)
) STRICT;
INSERT INTO log_head (singleton, size) VALUES (1, 0);

CREATE TABLE audit_entry (
    idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
    entry     BLOB    NOT NULL,
    leaf_hash BLOB    NOT NULL CHECK (length(leaf_hash) = 32)
) STRICT;

CREATE TABLE audit_node (
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT;

-- What pull serves: a change per mutation that desktops must learn of, at the
-- index of the mutation's audit entry. user_id NULL means every user.
CREATE TABLE change_feed (
    log_index INTEGER PRIMARY KEY REFERENCES audit_entry (idx) ON DELETE RESTRICT,
    user_id   TEXT    REFERENCES app_user (user_id) ON DELETE RESTRICT,
    kind      TEXT    NOT NULL,
    body      TEXT    NOT NULL
) STRICT;
CREATE INDEX change_feed_user ON change_feed (user_id, log_index);

-- The checkpoint signing keys; the secret is age-encrypted to the server's
-- key-encryption identity (configured explicitly, never stored here).
CREATE TABLE signing_key (
    key_id           TEXT    PRIMARY KEY,
    public_key       BLOB    NOT NULL CHECK (length(public_key) = 32),
    encrypted_secret BLOB    NOT NULL,
    created_at       INTEGER NOT NULL,
    retired_at       INTEGER
) STRICT;

CREATE TABLE checkpoint (
    size      INTEGER PRIMARY KEY CHECK (size >= 0),
    root      BLOB    NOT NULL CHECK (length(root) = 32),
    note      TEXT    NOT NULL,
    key_id    TEXT    NOT NULL REFERENCES signing_key (key_id) ON DELETE RESTRICT,
    signed_at INTEGER NOT NULL
) STRICT;
