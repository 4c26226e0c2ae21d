-- Issue 29: how long records are kept, per kind of record and state ('*':
-- every state without its own rule). No rule, no purge: nothing is deleted
-- until the organisation says how long the law lets it keep each kind.
--   unbound_quote: a quote never bound, counted from its last rating; it is
--                  deleted, its sealed input with it.
--   ended_policy:  a policy, counted from its end (the cancellation's date,
--                  else the term's end); once every record of a customer is
--                  past its rule, the customer's personal data is erased
--                  (their data key destroyed) and the policy kept without it.
CREATE TABLE retention_rule (
    kind  TEXT    NOT NULL CHECK (kind IN ('unbound_quote', 'ended_policy')),
    state TEXT    NOT NULL CHECK (state = '*' OR length(state) = 2),
    days  INTEGER NOT NULL CHECK (days > 0),
    PRIMARY KEY (kind, state)
) STRICT;
