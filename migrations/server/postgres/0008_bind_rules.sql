-- How far before the server's today a bind or an agent's endorsement may
-- take effect, per state and product (none unless a row allows it): a
-- policy never starts, or changes, after a loss nobody told the insurer of.
CREATE TABLE backdate_allowance (
    state      TEXT    NOT NULL CHECK (length(state) = 2),
    product    TEXT    NOT NULL CHECK (product <> ''),
    kind       TEXT    NOT NULL CHECK (kind IN ('new_business', 'endorsement')),
    days       BIGINT NOT NULL CHECK (days BETWEEN 0 AND 366),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (state, product, kind)
);

-- Publishing a pack outside the four-eyes workflow (an administrator alone,
-- signed with an organisation key) is off unless the organisation turns it on.
ALTER TABLE organisation ADD COLUMN direct_publishing BIGINT NOT NULL DEFAULT 0 CHECK (direct_publishing IN (0, 1));

-- When the server last recorded a rating of the quote (Unix ms): a quote
-- binds within 30 days of it by the server's clock, whatever the device's
-- says. Approving a referral does not restart the 30 days. Quotes recorded
-- before this column fall back on updated_at.
ALTER TABLE quote_record ADD COLUMN rated_at BIGINT;
