-- Desktop versions (issue 31): the oldest desktop app the organisation's
-- server syncs with and the one it recommends (an administrator sets them:
-- `PUT /v1/admin/desktop-versions`, `uw-sync-server admin desktop-versions`),
-- and the update packages it hands out, as the vendor signed them
-- (`uw-sync-server admin desktop-release add`). Desktops check the signature
-- against the key built into the app; the server only stores and serves.
ALTER TABLE organisation ADD COLUMN desktop_minimum TEXT;
ALTER TABLE organisation ADD COLUMN desktop_recommended TEXT;

CREATE TABLE desktop_release (
    version   TEXT NOT NULL,
    platform  TEXT NOT NULL CHECK (platform <> ''),
    size      INTEGER NOT NULL CHECK (size > 0),
    sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
    signature TEXT NOT NULL,
    content   BLOB NOT NULL,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (version, platform)
);
