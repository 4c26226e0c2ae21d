-- Sign-in throttles, replacing login_failure's lockout: failed sign-ins are
-- counted per account, per client address and per account at an address,
-- each with a delay that doubles from the fifth failure (at most 15 minutes),
-- never a lockout. An attempt is counted before its password is checked, in
-- the same transaction that decides it may go ahead, so concurrent guesses
-- cannot all pass; a success takes its own count back.
CREATE TABLE login_throttle (
    scope         TEXT    NOT NULL CHECK (scope IN ('account', 'address', 'account_address')),
    subject       TEXT    NOT NULL CHECK (subject <> ''),
    failures      BIGINT NOT NULL CHECK (failures >= 0),
    -- No attempt in this scope before this time (Unix ms; 0: none waiting).
    blocked_until BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);

-- Where each account last signed in successfully: the account's own
-- throttle does not apply there, so guesses from elsewhere never keep a user
-- out at their usual address.
CREATE TABLE login_known_address (
    account         TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    last_success_at BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);

DROP TABLE login_failure;
