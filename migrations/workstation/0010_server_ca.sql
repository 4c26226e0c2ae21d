-- The organisation's certificate authority (PEM) the sync server was pinned
-- to at enrollment; NULL when the operating system's trust store decides.
ALTER TABLE sync_enrollment ADD COLUMN server_ca TEXT CHECK (server_ca IS NULL OR server_ca LIKE '%-----BEGIN CERTIFICATE-----%');
