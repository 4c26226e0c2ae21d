-- Issue 27: the agency an agent writes for, which the documents printed on
-- their desktop show beside the insurer; and when each user last signed in
-- with their password (Unix ms), for the administrator's user list. The
-- sign-in time is operational, not a change of record, so not in the audit
-- log.
ALTER TABLE app_user ADD COLUMN agency TEXT CHECK (agency IS NULL OR agency <> '');
ALTER TABLE app_user ADD COLUMN last_login_at BIGINT;
