-- When each device last called the server with its token (Unix ms), for
-- the administrator's "not seen for a week" (issue 27). Written at most
-- every five minutes per device; operational, not a change of record, so
-- not in the audit log.
ALTER TABLE device ADD COLUMN last_seen_at INTEGER;
