-- PostgreSQL twin of migrations/server/sqlite/0002_sync.sql.
-- Identity, sync, authoritative quotes and policies, published packs and the
-- audit log. Times are Unix milliseconds (BIGINT); money is decimal text.

CREATE TABLE organisation (
    singleton   BIGINT PRIMARY KEY CHECK (singleton = 1),
    name        TEXT    NOT NULL CHECK (name <> ''),
    log_origin  TEXT    NOT NULL CHECK (log_origin <> ''),
    created_at  BIGINT NOT NULL
);

CREATE TABLE app_user (
    user_id       TEXT    PRIMARY KEY CHECK (length(user_id) = 32),
    username      TEXT    NOT NULL UNIQUE CHECK (username <> ''),
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'underwriter', 'admin', 'auditor')),
    password_hash TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled      BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    BIGINT NOT NULL
);

CREATE TABLE device (
    device_id   TEXT    PRIMARY KEY CHECK (length(device_id) = 32),
    user_id     TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL CHECK (name <> ''),
    public_key  BYTEA    NOT NULL UNIQUE CHECK (octet_length(public_key) = 32),
    enrolled_at BIGINT NOT NULL,
    revoked_at  BIGINT,
    last_seq    BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
);

-- Only the SHA-256 of a token is kept.
CREATE TABLE auth_token (
    token_hash BYTEA    PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id    TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE CASCADE,
    device_id  TEXT    REFERENCES device (device_id) ON DELETE CASCADE,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX auth_token_device ON auth_token (device_id);

CREATE TABLE login_failure (
    account TEXT    NOT NULL,
    address TEXT    NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failure_account ON login_failure (account, at);
CREATE INDEX login_failure_address ON login_failure (address, at);

-- Every processed push operation with its answer: replays are answered from
-- here, and a reused sequence with other content is caught by the digest.
CREATE TABLE sync_op (
    device_id      TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    seq            BIGINT NOT NULL CHECK (seq > 0),
    op_id          TEXT    NOT NULL CHECK (length(op_id) = 32),
    kind           TEXT    NOT NULL,
    content_sha256 BYTEA    NOT NULL CHECK (octet_length(content_sha256) = 32),
    outcome        TEXT    NOT NULL,
    answer         TEXT    NOT NULL,
    received_at    BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq),
    UNIQUE (device_id, op_id)
);

CREATE TABLE quote_number_next (
    year       BIGINT PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    next_first BIGINT NOT NULL CHECK (next_first >= 1)
);

CREATE TABLE quote_number_block (
    year      BIGINT NOT NULL,
    first     BIGINT NOT NULL CHECK (first >= 1),
    last      BIGINT NOT NULL CHECK (last <= 999999 AND last >= first),
    device_id TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    PRIMARY KEY (year, first)
);

-- The server's record of each quote the desktops rated, re-rated here.
CREATE TABLE quote_record (
    quote_number    TEXT    PRIMARY KEY,
    device_id       TEXT    NOT NULL REFERENCES device (device_id) ON DELETE RESTRICT,
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    version         BIGINT NOT NULL CHECK (version >= 1),
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
    updated_at      BIGINT NOT NULL
);
CREATE INDEX quote_record_status ON quote_record (status);

CREATE TABLE policy_number_next (
    state TEXT    NOT NULL CHECK (length(state) = 2),
    year  BIGINT NOT NULL,
    next  BIGINT NOT NULL CHECK (next >= 1),
    PRIMARY KEY (state, year)
);

CREATE TABLE policy (
    policy_number  TEXT    PRIMARY KEY,
    quote_number   TEXT    NOT NULL UNIQUE REFERENCES quote_record (quote_number) ON DELETE RESTRICT,
    version        BIGINT NOT NULL,
    state          TEXT    NOT NULL,
    product        TEXT    NOT NULL,
    premium        TEXT    NOT NULL,
    effective_date TEXT    NOT NULL,
    user_id        TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    issued_at      BIGINT NOT NULL
);
CREATE INDEX policy_user ON policy (user_id);

CREATE TABLE pack_key (
    key_id     TEXT    PRIMARY KEY CHECK (key_id <> ''),
    public_key TEXT    NOT NULL CHECK (length(public_key) = 64),
    trusted_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE published_pack (
    pack_id      TEXT    PRIMARY KEY,
    digest       TEXT    NOT NULL UNIQUE CHECK (length(digest) = 64),
    state        TEXT    NOT NULL,
    product      TEXT    NOT NULL,
    files        TEXT    NOT NULL,
    published_by TEXT    NOT NULL CHECK (published_by <> ''),
    published_at BIGINT NOT NULL
);

-- The audit log: an RFC 6962 Merkle tree. Every mutation locks the head row
-- first, so appends (and their commits) are serialized in index order.
CREATE TABLE log_head (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    size      BIGINT NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (singleton, size) VALUES (1, 0);

CREATE TABLE audit_entry (
    idx       BIGINT PRIMARY KEY CHECK (idx >= 0),
    entry     BYTEA    NOT NULL,
    leaf_hash BYTEA    NOT NULL CHECK (octet_length(leaf_hash) = 32)
);

CREATE TABLE audit_node (
    level BIGINT NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx   BIGINT NOT NULL CHECK (idx >= 0),
    hash  BYTEA    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- What pull serves: a change per mutation that desktops must learn of, at the
-- index of the mutation's audit entry. user_id NULL means every user.
CREATE TABLE change_feed (
    log_index BIGINT PRIMARY KEY REFERENCES audit_entry (idx) ON DELETE RESTRICT,
    user_id   TEXT    REFERENCES app_user (user_id) ON DELETE RESTRICT,
    kind      TEXT    NOT NULL,
    body      TEXT    NOT NULL
);
CREATE INDEX change_feed_user ON change_feed (user_id, log_index);

-- The checkpoint signing keys; the secret is age-encrypted to the server's
-- key-encryption identity (configured explicitly, never stored here).
CREATE TABLE signing_key (
    key_id           TEXT    PRIMARY KEY,
    public_key       BYTEA    NOT NULL CHECK (octet_length(public_key) = 32),
    encrypted_secret BYTEA    NOT NULL,
    created_at       BIGINT NOT NULL,
    retired_at       BIGINT
);

CREATE TABLE checkpoint (
    size      BIGINT PRIMARY KEY CHECK (size >= 0),
    root      BYTEA    NOT NULL CHECK (octet_length(root) = 32),
    note      TEXT    NOT NULL,
    key_id    TEXT    NOT NULL REFERENCES signing_key (key_id) ON DELETE RESTRICT,
    signed_at BIGINT NOT NULL
);
