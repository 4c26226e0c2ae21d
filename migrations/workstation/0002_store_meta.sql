-- The SQLCipher settings this store was written with. The application sets
-- them explicitly on every open and refuses a store whose recorded settings
-- differ, so a future SQLCipher with other defaults cannot silently misread it.
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO store_meta (key, value) VALUES
    ('cipher_compatibility', '4'),
    ('cipher_page_size', '4096'),
    ('key_format', 'raw-256');
