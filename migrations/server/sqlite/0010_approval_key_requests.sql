-- Approval keys underwriters asked to register from their desktops (the key
-- signed the request, so the asker holds it); an administrator approves one
-- on the Admin screen, which trusts it as that underwriter's key, or turns
-- it down. One waiting request a user.
CREATE TABLE pack_key_request (
    key_id       TEXT    PRIMARY KEY CHECK (key_id <> ''),
    public_key   TEXT    NOT NULL UNIQUE CHECK (length(public_key) = 64),
    user_id      TEXT    NOT NULL UNIQUE REFERENCES app_user (user_id) ON DELETE CASCADE,
    requested_at INTEGER NOT NULL
) STRICT;
