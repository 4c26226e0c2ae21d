-- Moving a legacy book onto this server (issue 30, docs/migration.md).
--
-- legacy_policy: every policy of the legacy books loaded, by its legacy
-- number: the canonical policy (its personal data sealed like a quote's
-- input), where the routing rules send it and why, its data-quality
-- results, which system holds it now and, once migrated, the policy it
-- became here (unique: a policy is migrated once).
CREATE TABLE legacy_policy (
    legacy_number   TEXT    PRIMARY KEY CHECK (legacy_number <> ''),
    state           TEXT    NOT NULL,
    product         TEXT    NOT NULL,
    document        TEXT    NOT NULL CHECK (document::jsonb IS NOT NULL),
    -- The SHA-256 of the canonical policy as loaded: a later dump that
    -- differs is a change made in legacy.
    document_sha256 TEXT    NOT NULL CHECK (length(document_sha256) = 64),
    book_sha256     TEXT    NOT NULL CHECK (length(book_sha256) = 64),
    written_premium TEXT,
    rated_premium   TEXT,
    quality         TEXT    NOT NULL CHECK (quality::jsonb IS NOT NULL),
    destination     TEXT    NOT NULL,
    rule            TEXT,
    because         TEXT    NOT NULL,
    rules_sha256    TEXT    NOT NULL CHECK (length(rules_sha256) = 64),
    system          TEXT    NOT NULL CHECK (system IN ('legacy', 'server')),
    wave_id         TEXT,
    policy_number   TEXT    UNIQUE REFERENCES policy (policy_number) ON DELETE RESTRICT,
    loaded_at       BIGINT  NOT NULL
);
CREATE INDEX legacy_policy_destination ON legacy_policy (destination);

-- A wave: the policies the rules send to it, moved together, with the
-- tolerance its dry run compares premiums by and the gates that stop it.
CREATE TABLE migration_wave (
    wave_id     TEXT    PRIMARY KEY CHECK (wave_id <> ''),
    status      TEXT    NOT NULL CHECK (status IN ('planned', 'running', 'completed', 'rolled_back')),
    owner_id    TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    tolerance   TEXT    NOT NULL,
    gates       TEXT    NOT NULL CHECK (gates::jsonb IS NOT NULL),
    -- The last dry run's or gate check's report.
    report      TEXT    CHECK (report IS NULL OR report::jsonb IS NOT NULL),
    planned_by  TEXT    NOT NULL,
    planned_at  BIGINT  NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT
);

-- The wave's journal: one row per policy, its state written in the same
-- transaction as the policy it makes, so a wave stopped by a crash resumes
-- from the first pending row without making any policy twice.
CREATE TABLE migration_item (
    wave_id       TEXT    NOT NULL REFERENCES migration_wave (wave_id) ON DELETE RESTRICT,
    position      BIGINT  NOT NULL,
    legacy_number TEXT    NOT NULL REFERENCES legacy_policy (legacy_number) ON DELETE RESTRICT,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'migrated', 'rejected', 'rolled_back')),
    policy_number TEXT,
    rated_premium TEXT,
    reason        TEXT,
    log_index     BIGINT,
    done_at       BIGINT,
    PRIMARY KEY (wave_id, position),
    UNIQUE (wave_id, legacy_number)
);

-- The tracker finds a policy's journal rows by its legacy number.
CREATE INDEX migration_item_legacy ON migration_item (legacy_number);

-- Every routing and migration event of a legacy policy, for the tracker.
CREATE TABLE migration_event (
    legacy_number TEXT    NOT NULL,
    seq           BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    wave_id       TEXT,
    detail        TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    log_index     BIGINT,
    PRIMARY KEY (legacy_number, seq)
);

-- A migrated policy's first transaction is `migrated`.
ALTER TABLE policy_transaction DROP CONSTRAINT policy_transaction_kind_check;
ALTER TABLE policy_transaction ADD CONSTRAINT policy_transaction_kind_check
    CHECK (kind IN ('bind', 'migrated', 'endorse', 'cancel', 'reinstate', 'offer_renewal', 'renew', 'non_renew'));
