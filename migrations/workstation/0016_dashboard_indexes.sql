-- The dashboard's figures without reading the whole book (issue 27): at
-- 100,000 quotes `Store::book_stats` took 607 ms, each weekly count and the
-- 90-day premium sum scanning every quote, and each bind count every audit
-- event. Quotes by creation carry the premium and status the sum reads, so
-- that scan stays in the index.
CREATE INDEX quote_by_created ON quote (created_at, premium, status);
CREATE INDEX audit_event_by_action ON audit_event (action, at);
-- The outbox's waiting count and last delivery, read on every dashboard
-- (166 ms at 50,000 queued changes, scanning every payload).
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_by_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
