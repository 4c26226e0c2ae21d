-- Customers, quotes with versions and a status machine, what each version
-- insures, its rating, installed packs and trusted keys, local audit events,
-- policies mirrored from the server, and sync state.
--
-- Dates are ISO 8601 text (`YYYY-MM-DD`), instants are UTC
-- (`YYYY-MM-DDTHH:MM:SS.sssZ`), money is decimal text. Statuses are the
-- names `uw-policy` defines; the store never writes one it did not produce.

-- The skeleton's anonymous quick quotes (ZIP and model year) keep their
-- rows under a name that says what they are.
ALTER TABLE quote RENAME TO quick_quote;

CREATE TABLE customer (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL CHECK (trim(name) <> '' AND length(name) <= 200),
    street         TEXT NOT NULL CHECK (trim(street) <> ''),
    city           TEXT NOT NULL CHECK (trim(city) <> ''),
    state          TEXT NOT NULL CHECK (length(state) = 2 AND state GLOB '[A-Z][A-Z]'),
    zip            TEXT NOT NULL CHECK (length(zip) = 5 AND zip NOT GLOB '*[^0-9]*'),
    date_of_birth  TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
    email          TEXT CHECK (email IS NULL OR email LIKE '%_@_%'),
    phone          TEXT CHECK (phone IS NULL OR length(phone) BETWEEN 7 AND 20),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

-- Customer names, tokenised for prefix search ("smi" finds "Ann Smith").
CREATE VIRTUAL TABLE customer_name_fts USING fts5(
    name, content = 'customer', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER customer_name_fts_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_name_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER customer_name_fts_delete AFTER DELETE ON customer BEGIN
    INSERT INTO customer_name_fts (customer_name_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER customer_name_fts_update AFTER UPDATE OF name ON customer BEGIN
    INSERT INTO customer_name_fts (customer_name_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO customer_name_fts (rowid, name) VALUES (new.id, new.name);
END;

-- Quote number serials this device may hand out, per year. Until sync
-- assigns the device its own block, a device numbers from the whole range.
CREATE TABLE quote_number_block (
    year         INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    next_serial  INTEGER NOT NULL CHECK (next_serial >= 1),
    last_serial  INTEGER NOT NULL CHECK (last_serial <= 999999),
    CHECK (next_serial <= last_serial + 1)
) STRICT;

CREATE TABLE quote (
    id              INTEGER PRIMARY KEY,
    quote_number    TEXT NOT NULL UNIQUE CHECK (quote_number GLOB 'QUOT-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]'),
    customer_id     INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    product         TEXT NOT NULL CHECK (product IN ('personal-auto', 'homeowners-ho3')),
    state           TEXT NOT NULL CHECK (length(state) = 2),
    effective_date  TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'rated', 'referred', 'approved', 'declined',
                                                    'bind_requested', 'bound', 'bind_rejected', 'expired')),
    -- The latest version; every quote has at least one.
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    -- The latest rating's premium and dates, copied here so lists need no join.
    premium         TEXT CHECK (premium IS NULL OR (premium <> '' AND premium NOT GLOB '*[^0-9.]*')),
    rated_on        TEXT CHECK (rated_on IS NULL OR date(rated_on) = rated_on),
    expires_on      TEXT CHECK (expires_on IS NULL OR date(expires_on) = expires_on),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((rated_on IS NULL) = (expires_on IS NULL)),
    CHECK (status = 'draft' OR rated_on IS NOT NULL),
    CHECK ((premium IS NULL) = (rated_on IS NULL))
) STRICT;
CREATE INDEX quote_by_updated ON quote (updated_at DESC, id DESC);
CREATE INDEX quote_by_customer ON quote (customer_id);
CREATE INDEX quote_by_status ON quote (status, updated_at DESC);
CREATE INDEX quote_by_effective ON quote (effective_date);
CREATE INDEX quote_open_by_expiry ON quote (expires_on) WHERE status IN ('rated', 'referred', 'approved');

-- One immutable version of a quote's input: the exact rating input as the
-- engine's canonical JSON, from which re-rating reproduces the worksheet.
CREATE TABLE quote_version (
    id          INTEGER PRIMARY KEY,
    quote_id    INTEGER NOT NULL REFERENCES quote (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    input       TEXT NOT NULL CHECK (json_valid(input)),
    created_at  TEXT NOT NULL,
    UNIQUE (quote_id, version)
) STRICT;

-- What a version insures, one row per driver, vehicle, dwelling and
-- coverage, for lists, searches and documents. `position` is the index in
-- the rating input.
CREATE TABLE driver (
    version_id      INTEGER NOT NULL REFERENCES quote_version (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    name            TEXT NOT NULL CHECK (trim(name) <> ''),
    date_of_birth   TEXT NOT NULL CHECK (date(date_of_birth) = date_of_birth),
    license_date    TEXT NOT NULL CHECK (date(license_date) = license_date),
    -- PII: shown masked to its last four characters.
    license_number  TEXT CHECK (license_number IS NULL OR length(license_number) BETWEEN 4 AND 20),
    license_state   TEXT CHECK (license_state IS NULL OR (length(license_state) = 2 AND license_state GLOB '[A-Z][A-Z]')),
    violations      INTEGER NOT NULL CHECK (violations >= 0),
    accidents       INTEGER NOT NULL CHECK (accidents >= 0),
    PRIMARY KEY (version_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE vehicle (
    version_id        INTEGER NOT NULL REFERENCES quote_version (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position >= 0),
    vin               TEXT CHECK (vin IS NULL OR (length(vin) = 17 AND vin NOT GLOB '*[IOQioq]*')),
    year              INTEGER NOT NULL CHECK (year BETWEEN 1981 AND 2100),
    make              TEXT,
    model             TEXT,
    usage             TEXT NOT NULL CHECK (usage IN ('pleasure', 'commute', 'business')),
    annual_miles      INTEGER NOT NULL CHECK (annual_miles >= 0),
    garaging_zip      TEXT NOT NULL CHECK (length(garaging_zip) = 5 AND garaging_zip NOT GLOB '*[^0-9]*'),
    principal_driver  INTEGER NOT NULL,
    PRIMARY KEY (version_id, position),
    FOREIGN KEY (version_id, principal_driver) REFERENCES driver (version_id, position) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX vehicle_by_vin ON vehicle (vin) WHERE vin IS NOT NULL;

CREATE TABLE dwelling (
    version_id        INTEGER PRIMARY KEY REFERENCES quote_version (id) ON DELETE CASCADE,
    year_built        INTEGER NOT NULL CHECK (year_built BETWEEN 1700 AND 2100),
    construction      TEXT NOT NULL CHECK (construction IN ('frame', 'masonry', 'masonry-veneer', 'fire-resistive')),
    protection_class  INTEGER NOT NULL CHECK (protection_class BETWEEN 1 AND 10),
    roof_type         TEXT NOT NULL CHECK (roof_type IN ('asphalt-shingle', 'metal', 'tile', 'slate', 'wood-shake', 'flat')),
    roof_age          INTEGER NOT NULL CHECK (roof_age >= 0),
    square_feet       INTEGER NOT NULL CHECK (square_feet > 0),
    coverage_a        TEXT NOT NULL CHECK (coverage_a <> '' AND coverage_a NOT GLOB '*[^0-9.]*')
) STRICT;

CREATE TABLE coverage_selection (
    version_id  INTEGER NOT NULL REFERENCES quote_version (id) ON DELETE CASCADE,
    code        TEXT NOT NULL CHECK (code <> ''),
    coverage_limit TEXT,
    deductible  TEXT,
    -- JSON array of vehicle positions, or NULL for every vehicle.
    vehicles    TEXT CHECK (vehicles IS NULL OR json_type(vehicles) = 'array'),
    PRIMARY KEY (version_id, code)
) STRICT, WITHOUT ROWID;

-- The rating of one version: the pack that priced it and the full worksheet.
-- A version is rated at most once; re-rating saves a new version.
CREATE TABLE rating_result (
    version_id   INTEGER PRIMARY KEY REFERENCES quote_version (id) ON DELETE CASCADE,
    pack_id      TEXT NOT NULL CHECK (pack_id LIKE '%/%@%'),
    pack_digest  TEXT NOT NULL CHECK (length(pack_digest) = 64 AND pack_digest NOT GLOB '*[^0-9a-f]*'),
    total        TEXT NOT NULL CHECK (total <> '' AND total NOT GLOB '*[^0-9.]*'),
    decision     TEXT NOT NULL CHECK (decision IN ('accept', 'refer', 'decline')),
    worksheet    TEXT NOT NULL CHECK (json_valid(worksheet)),
    rated_at     TEXT NOT NULL,
    rated_on     TEXT NOT NULL CHECK (date(rated_on) = rated_on)
) STRICT;

-- Rate packs this workstation holds and the keys it trusts to sign them.
CREATE TABLE trusted_key (
    key_id      TEXT PRIMARY KEY CHECK (key_id <> ''),
    public_key  TEXT NOT NULL CHECK (length(public_key) = 64 AND public_key NOT GLOB '*[^0-9a-f]*'),
    source      TEXT NOT NULL CHECK (source IN ('bundled', 'sync')),
    added_at    TEXT NOT NULL
) STRICT;

CREATE TABLE installed_pack (
    pack_id        TEXT PRIMARY KEY CHECK (pack_id LIKE '%/%@%'),
    state          TEXT NOT NULL CHECK (length(state) = 2),
    product        TEXT NOT NULL CHECK (product IN ('personal-auto', 'homeowners-ho3')),
    digest         TEXT NOT NULL CHECK (length(digest) = 64),
    key_id         TEXT NOT NULL REFERENCES trusted_key (key_id) ON DELETE RESTRICT,
    source         TEXT NOT NULL CHECK (source IN ('bundled', 'sync')),
    installed_at   TEXT NOT NULL
) STRICT;

-- What happened on this workstation, in order; the quote and bind events
-- also travel to the server through the outbox.
CREATE TABLE audit_event (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action GLOB '[a-z]*.[a-z]*'),
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL CHECK (json_valid(details))
) STRICT;
CREATE INDEX audit_event_by_subject ON audit_event (subject, id);

-- Policies as the server last reported them. The server is authoritative;
-- this is a read-only mirror for working offline.
CREATE TABLE policy (
    policy_number   TEXT PRIMARY KEY CHECK (policy_number <> ''),
    quote_id        INTEGER REFERENCES quote (id) ON DELETE SET NULL,
    customer_id     INTEGER REFERENCES customer (id) ON DELETE SET NULL,
    status          TEXT NOT NULL CHECK (status <> ''),
    version         INTEGER NOT NULL CHECK (version >= 1),
    effective_date  TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    expiration_date TEXT NOT NULL CHECK (date(expiration_date) = expiration_date AND expiration_date > effective_date),
    premium         TEXT NOT NULL CHECK (premium <> '' AND premium NOT GLOB '*[^0-9.-]*'),
    document        TEXT NOT NULL CHECK (json_valid(document)),
    synced_at       TEXT NOT NULL
) STRICT;

-- Where sync stands: one row per setting (server URL, device id, the pull
-- cursor, the highest outbox sequence the server acknowledged).
CREATE TABLE sync_state (
    key    TEXT PRIMARY KEY CHECK (key IN ('server_url', 'device_id', 'pull_cursor', 'acked_seq')),
    value  TEXT NOT NULL
) STRICT;
