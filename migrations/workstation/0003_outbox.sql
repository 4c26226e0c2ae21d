-- The write-ahead outbox: every change the server must learn of, written in
-- the same transaction as the change itself. `seq` is this device's
-- monotonic, gapless sequence number; `op_id` the client id the server
-- de-duplicates on; `signature` the device's Ed25519 signature (hex) over
-- `uw-outbox-v1`, seq, op_id, kind and payload, one per line.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    op_id      TEXT    NOT NULL UNIQUE CHECK (length(op_id) = 32),
    kind       TEXT    NOT NULL CHECK (kind <> ''),
    payload    TEXT    NOT NULL CHECK (json_valid(payload)),
    created_at TEXT    NOT NULL,
    signature  TEXT    NOT NULL CHECK (length(signature) = 128),
    sent_at    TEXT
) STRICT;
