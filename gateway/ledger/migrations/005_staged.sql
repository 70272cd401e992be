-- Delivery: the temporary name a file was staged under on the payer's
-- server, recorded before the rename that makes it visible, so an attempt
-- after a crash finishes that rename instead of uploading the file again.

ALTER TABLE files ADD COLUMN staged_name TEXT NOT NULL DEFAULT '';
