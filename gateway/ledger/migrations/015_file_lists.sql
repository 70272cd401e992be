-- The newest-first lists of files (GET /v1/files, GET /v1/inbound-files)
-- read these in order, a page at a time, instead of sorting the table.

CREATE INDEX files_created ON files (created_at, id);
CREATE INDEX inbound_files_received ON inbound_files (received_at, sha256);
