-- Issue 29: sign-in through the organisation's OpenID Connect providers
-- (see sync-server/src/sso/).
--
-- A provider the server trusts. The client secret (of a confidential
-- client) is age-encrypted to the server's key-encryption identity, like
-- authenticator keys. `extra_scopes` are asked for besides `openid profile
-- email offline_access`, space-separated. `role_rules` is a JSON list of {value, role}: the
-- first value of the roles claim that a rule names gives the role.
CREATE TABLE identity_provider (
    provider_id    TEXT    PRIMARY KEY CHECK (provider_id <> ''),
    display_name   TEXT    NOT NULL CHECK (display_name <> ''),
    issuer         TEXT    NOT NULL CHECK (issuer LIKE 'https://%'),
    client_id      TEXT    NOT NULL CHECK (client_id <> ''),
    client_secret  BYTEA,
    username_claim TEXT    NOT NULL,
    roles_claim    TEXT    NOT NULL,
    role_rules     TEXT    NOT NULL,
    create_users   BIGINT  NOT NULL DEFAULT 0 CHECK (create_users IN (0, 1)),
    agency         TEXT,
    extra_scopes   TEXT    NOT NULL DEFAULT '',
    ca_certificate TEXT,
    created_at     BIGINT  NOT NULL
);

-- A sign-in under way: the state the provider's redirect brings back, the
-- nonce its ID token must carry and the PKCE challenge the code is bound
-- to. It is deleted when used (a code, a state or a nonce works once).
CREATE TABLE sso_attempt (
    state          TEXT    PRIMARY KEY,
    provider_id    TEXT    NOT NULL REFERENCES identity_provider (provider_id) ON DELETE CASCADE,
    nonce          TEXT    NOT NULL UNIQUE,
    code_challenge TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    expires_at     BIGINT  NOT NULL
);

-- A person of a provider (its `sub`) and the user they are. The refresh
-- token (age-encrypted) lets the server ask the provider whether the person
-- may still sign in; `ended_at` is when the provider said no (their tokens
-- were revoked then; a new sign-in through the provider clears it);
-- `checking_until` is a replica's lease while it asks the provider (one
-- check of a person at a time: providers treat a refresh token used twice
-- as stolen).
CREATE TABLE sso_identity (
    provider_id   TEXT    NOT NULL REFERENCES identity_provider (provider_id) ON DELETE CASCADE,
    subject       TEXT    NOT NULL,
    user_id       TEXT    NOT NULL UNIQUE REFERENCES app_user (user_id),
    refresh_token BYTEA,
    linked_at     BIGINT  NOT NULL,
    checked_at    BIGINT,
    ended_at      BIGINT,
    checking_until BIGINT,
    PRIMARY KEY (provider_id, subject)
);
