-- Device token renewal: a device proves possession of its registered
-- Ed25519 key by signing a single-use challenge, and gets a new token
-- without a password. A challenge row is deleted when it is used.
CREATE TABLE device_challenge (
    challenge  BYTEA   PRIMARY KEY CHECK (length(challenge) = 32),
    device_id  TEXT    NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX device_challenge_device ON device_challenge (device_id, expires_at);
