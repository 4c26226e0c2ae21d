-- The agency the device's user writes for, as the server last said (issue
-- 27): printed on the proposals, declarations and ID cards this
-- workstation makes, offline too. NULL when the administrator set none.
ALTER TABLE organisation_cache ADD COLUMN agency TEXT CHECK (agency IS NULL OR agency <> '');
