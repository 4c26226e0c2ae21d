-- Quotes rated on this workstation. Money is stored as decimal text so it
-- survives exactly; the CHECKs keep a bad write from ever landing.
CREATE TABLE quote (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT    NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    garaging_zip  TEXT    NOT NULL CHECK (length(garaging_zip) = 5 AND garaging_zip NOT GLOB '*[^0-9]*'),
    vehicle_year  INTEGER NOT NULL CHECK (vehicle_year BETWEEN 1981 AND 2100),
    pack_id       TEXT    NOT NULL CHECK (pack_id LIKE '%@%'),
    premium       TEXT    NOT NULL CHECK (premium NOT GLOB '*[^0-9.]*' AND premium <> ''),
    worksheet     TEXT    NOT NULL CHECK (json_valid(worksheet))
) STRICT;
