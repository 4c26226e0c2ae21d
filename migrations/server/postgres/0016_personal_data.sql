-- Issue 29: customers' personal data encrypted at rest (field-level
-- envelope encryption; see sync-server/src/personal.rs).
--
-- The vault's own keys, each a random 32-byte secret age-encrypted to the
-- server's key-encryption identity (the key file, never in the database):
-- `wrap` keys wrap people's data keys (one active; rotation adds one,
-- re-wraps every data key and retires the old), the `search` key makes the
-- keyed hashes exact look-ups use.
CREATE TABLE vault_key (
    key_id           TEXT    PRIMARY KEY CHECK (key_id <> ''),
    purpose          TEXT    NOT NULL CHECK (purpose IN ('wrap', 'search')),
    encrypted_secret BYTEA   NOT NULL,
    created_at       BIGINT  NOT NULL,
    retired_at       BIGINT
);

-- A customer (the named insured of their quotes and policies): their data
-- key wrapped by a vault key, and keyed hashes of who they are (name and
-- address) and of their name alone, for exact look-ups. Erasure destroys
-- the wrapped key (crypto-shredding): the ciphertext stays, unreadable.
CREATE TABLE person (
    person_id     TEXT    PRIMARY KEY CHECK (length(person_id) = 32),
    identity_hash BYTEA   NOT NULL CHECK (length(identity_hash) = 32),
    name_hash     BYTEA   NOT NULL CHECK (length(name_hash) = 32),
    key_id        TEXT    REFERENCES vault_key (key_id),
    wrapped_key   BYTEA,
    created_at    BIGINT  NOT NULL,
    erased_at     BIGINT,
    CHECK ((erased_at IS NULL) = (wrapped_key IS NOT NULL))
);
CREATE UNIQUE INDEX person_identity ON person (identity_hash) WHERE erased_at IS NULL;
CREATE INDEX person_name ON person (name_hash);

-- Whose personal data a quote record holds.
ALTER TABLE quote_record ADD COLUMN person_id TEXT REFERENCES person (person_id);
CREATE INDEX quote_record_person ON quote_record (person_id);
