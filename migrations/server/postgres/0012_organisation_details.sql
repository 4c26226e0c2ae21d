-- What documents print about the insurer (issue 27): its legal name, mailing
-- address, NAIC company code and telephone, as an administrator sets them
-- (`PUT /v1/admin/organisation`, `uw-sync-server admin organisation`).
-- Until then desktops print none, and say so.
ALTER TABLE organisation ADD COLUMN legal_name TEXT CHECK (legal_name IS NULL OR legal_name <> '');
ALTER TABLE organisation ADD COLUMN street TEXT;
ALTER TABLE organisation ADD COLUMN city TEXT;
ALTER TABLE organisation ADD COLUMN state TEXT CHECK (state IS NULL OR length(state) = 2);
ALTER TABLE organisation ADD COLUMN zip TEXT;
ALTER TABLE organisation ADD COLUMN naic_code TEXT CHECK (naic_code IS NULL OR length(naic_code) = 5);
ALTER TABLE organisation ADD COLUMN phone TEXT;
