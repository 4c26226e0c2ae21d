-- The policy lifecycle: each policy's current state (uw_policy::Policy as
-- JSON), the rating input and pack in force, and every transaction with its
-- worksheet and audit entry.

-- 1 at bind, one more per transaction: optimistic concurrency.
ALTER TABLE policy ADD COLUMN policy_version BIGINT NOT NULL DEFAULT 1 CHECK (policy_version >= 1);
ALTER TABLE policy ADD COLUMN status TEXT NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'cancelled'));
-- NULL for a policy bound before this migration: built from its bind (the
-- quote record's input and pack) the first time a transaction touches it.
ALTER TABLE policy ADD COLUMN lifecycle TEXT CHECK (lifecycle IS NULL OR lifecycle::jsonb IS NOT NULL);
ALTER TABLE policy ADD COLUMN input TEXT CHECK (input IS NULL OR input::jsonb IS NOT NULL);
ALTER TABLE policy ADD COLUMN pack_digest TEXT CHECK (pack_digest IS NULL OR length(pack_digest) = 64);
-- Fees are fully earned: charged at bind and renewal, never prorated.
ALTER TABLE policy ADD COLUMN fees TEXT;

CREATE TABLE policy_transaction (
    policy_number  TEXT    NOT NULL REFERENCES policy (policy_number) ON DELETE RESTRICT,
    version        BIGINT  NOT NULL CHECK (version >= 1),
    kind           TEXT    NOT NULL CHECK (kind IN ('bind', 'endorse', 'cancel', 'reinstate', 'offer_renewal', 'renew', 'non_renew')),
    effective_date TEXT    NOT NULL,
    amount         TEXT    NOT NULL,
    worksheet      TEXT    NOT NULL CHECK (worksheet::jsonb IS NOT NULL),
    user_id        TEXT    NOT NULL REFERENCES app_user (user_id) ON DELETE RESTRICT,
    -- The audit entry that records it (written with it, in the same
    -- transaction); NULL only for the bind of a policy bound before 0003,
    -- whose entry is the `policy.bind` one.
    log_index      BIGINT,
    recorded_at    BIGINT  NOT NULL,
    PRIMARY KEY (policy_number, version)
);

-- An offered renewal's rating input and pack, which take over when it is accepted.
CREATE TABLE policy_renewal_offer (
    policy_number TEXT PRIMARY KEY REFERENCES policy (policy_number) ON DELETE RESTRICT,
    term_start    TEXT NOT NULL,
    input         TEXT NOT NULL,
    pack_digest   TEXT NOT NULL,
    -- The renewal rating's fees, charged with the new term.
    fees          TEXT NOT NULL
);
