-- Issue 29: data-subject export requests the server sent (through the
-- change feed) that this device has not answered yet: it sends what it
-- holds of these quotes and policies, and of their customers, at its next
-- sync (`sync::subject_requests`), then forgets the request.
CREATE TABLE subject_request_pending (
    request_id     TEXT PRIMARY KEY CHECK (length(request_id) = 32),
    quote_numbers  TEXT NOT NULL CHECK (json_valid(quote_numbers)),
    policy_numbers TEXT NOT NULL CHECK (json_valid(policy_numbers)),
    received_at    TEXT NOT NULL
) STRICT;
