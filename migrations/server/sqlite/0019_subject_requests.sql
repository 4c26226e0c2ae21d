-- Issue 29: data-subject requests and where they stand. An export asks the
-- desktops that hold the customer's data for it (the devices of the users
-- whose quotes are the customer's); each answer is sealed with the
-- customer's data key, so an erasure makes it unrecoverable too.
CREATE TABLE subject_request (
    request_id   TEXT    PRIMARY KEY CHECK (length(request_id) = 32),
    customer_id  TEXT    NOT NULL REFERENCES person (person_id),
    kind         TEXT    NOT NULL CHECK (kind IN ('export', 'erasure')),
    status       TEXT    NOT NULL CHECK (status IN ('waiting', 'ready', 'done', 'erased')),
    requested_at INTEGER NOT NULL,
    requested_by TEXT    NOT NULL,
    completed_at INTEGER
) STRICT;
CREATE INDEX subject_request_customer ON subject_request (customer_id);

CREATE TABLE subject_request_desktop (
    request_id  TEXT    NOT NULL REFERENCES subject_request (request_id),
    device_id   TEXT    NOT NULL REFERENCES device (device_id),
    answered_at INTEGER,
    held        BLOB,
    PRIMARY KEY (request_id, device_id)
) STRICT;
