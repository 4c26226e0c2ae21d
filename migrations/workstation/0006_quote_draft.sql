-- Quotes the agent is still entering: the wizard's form as it stands, saved
-- at every step so a half-finished quote survives closing the app. A draft
-- need not validate; it becomes a quote (or a quote's next version, when
-- `quote_id` is set) only when the agent saves it complete, and is deleted
-- in the same transaction.
CREATE TABLE quote_draft (
    id          INTEGER PRIMARY KEY,
    quote_id    INTEGER REFERENCES quote (id) ON DELETE CASCADE,
    product     TEXT NOT NULL CHECK (product IN ('personal-auto', 'homeowners-ho3')),
    step        INTEGER NOT NULL CHECK (step BETWEEN 1 AND 5),
    -- What lists show: the customer's name as typed so far (may be empty).
    label       TEXT NOT NULL CHECK (length(label) <= 200),
    form        TEXT NOT NULL CHECK (json_valid(form) AND json_type(form) = 'object' AND length(form) <= 262144),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX quote_draft_by_updated ON quote_draft (updated_at DESC, id DESC);
-- At most one open draft edits a given quote.
CREATE UNIQUE INDEX quote_draft_one_per_quote ON quote_draft (quote_id) WHERE quote_id IS NOT NULL;
