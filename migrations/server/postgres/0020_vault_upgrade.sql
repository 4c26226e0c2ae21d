-- Issue 29: one-time upgrade steps of the personal-data vault that are
-- finished (`inputs-sealed`: every rating input stored before field
-- encryption has been sealed), so a start does not scan every stored
-- input again to find none.
CREATE TABLE vault_upgrade (
    step    TEXT    PRIMARY KEY,
    done_at BIGINT  NOT NULL
);
