-- Issue 29: a second factor for local accounts.
--
-- A user's authenticator key (TOTP, RFC 6238). It is in force from the
-- first code confirmed with it (`confirmed_at`); `last_step` is the last
-- 30-second step a code was accepted for, so a code signs in once.
CREATE TABLE user_totp (
    user_id TEXT PRIMARY KEY REFERENCES app_user (user_id),
    secret BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER NOT NULL DEFAULT 0
);

-- Recovery codes, by the SHA-256 of the code (80 random bits each: no
-- slow hash is needed); each signs in once.
CREATE TABLE user_recovery_code (
    user_id TEXT NOT NULL REFERENCES app_user (user_id),
    code_hash BLOB NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

-- The roles that must sign in with a second factor. `admin init` puts the
-- administrators and auditors here; the demonstration organisation none.
CREATE TABLE second_factor_policy (
    role TEXT PRIMARY KEY
);

-- Whether a session's sign-in gave a second factor. A device token counts
-- as one: the device proves its own key on every renewal.
ALTER TABLE auth_token ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0;
