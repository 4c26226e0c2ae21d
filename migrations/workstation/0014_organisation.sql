-- What documents print about the insurer, as the server last said (issue
-- 27): fetched at each sync, kept for printing offline. `details` is the
-- server's `OrganisationDetails` JSON, or NULL until an administrator sets
-- them.
CREATE TABLE organisation_cache (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    name        TEXT NOT NULL CHECK (name <> ''),
    details     TEXT CHECK (details IS NULL OR json_valid(details)),
    fetched_at  TEXT NOT NULL
) STRICT;
