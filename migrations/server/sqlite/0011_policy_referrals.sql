-- Policy changes the underwriting rules refer: an agent's endorsement or
-- renewal offer waits here for an underwriter, who makes it as prepared (on
-- the version it was prepared on) or declines it with a reason.
CREATE TABLE policy_referral (
    referral_id   TEXT    PRIMARY KEY CHECK (length(referral_id) = 32),
    policy_number TEXT    NOT NULL REFERENCES policy (policy_number),
    base_version  INTEGER NOT NULL CHECK (base_version >= 1),
    kind          TEXT    NOT NULL CHECK (kind <> ''),
    -- The PolicyTransactionRequest as the agent sent it.
    request       TEXT    NOT NULL,
    -- The rules' reasons: [{"code": …, "message": …}].
    reasons       TEXT    NOT NULL,
    requested_by  TEXT    NOT NULL REFERENCES app_user (user_id),
    requested_at  INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('referred', 'approved', 'declined')),
    decided_by    TEXT    REFERENCES app_user (user_id),
    decided_at    INTEGER,
    note          TEXT
) STRICT;
CREATE INDEX policy_referral_waiting ON policy_referral (status, requested_at);
