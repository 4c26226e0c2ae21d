-- An approval or rejection the server refused when it was delivered (an
-- approval key it does not know, a revision that would clash with a pack in
-- force): the decision is taken back so the underwriter can decide again,
-- and the reason stays here until they do. The rest of the sync carries on.
CREATE TABLE pack_review_refusal (
    draft_id   TEXT PRIMARY KEY,
    code       TEXT NOT NULL CHECK (code <> ''),
    reason     TEXT NOT NULL,
    refused_at TEXT NOT NULL
) STRICT;
