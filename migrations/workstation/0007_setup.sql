-- How the agent chose to start on the first launch: work offline at once,
-- or enroll with a sync server. The first-launch screen shows while this
-- table is empty; enrolling later records `enrolled`.
CREATE TABLE workstation_setup (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    mode       TEXT NOT NULL CHECK (mode IN ('offline', 'enrolled')),
    chosen_at  TEXT NOT NULL
) STRICT;

-- A store in use before this migration has made its choice already.
INSERT INTO workstation_setup (singleton, mode, chosen_at)
    SELECT 1,
           CASE WHEN EXISTS (SELECT 1 FROM sync_enrollment) THEN 'enrolled' ELSE 'offline' END,
           strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE EXISTS (SELECT 1 FROM sync_enrollment) OR EXISTS (SELECT 1 FROM quote) OR EXISTS (SELECT 1 FROM quote_draft)
       OR EXISTS (SELECT 1 FROM quick_quote) OR EXISTS (SELECT 1 FROM outbox);
