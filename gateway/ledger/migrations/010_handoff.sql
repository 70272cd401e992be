-- A built file's hand-off to the deliverer (its message published to
-- NATS). A file whose hand-off failed (no response from the stream during
-- a leader election) is handed off again by the batcher at its next tick,
-- on whichever replica, instead of waiting for a restart. Files built
-- before were handed off (or are again at the next start).

ALTER TABLE files ADD COLUMN handed_off_at BIGINT NOT NULL DEFAULT 0;
UPDATE files SET handed_off_at = created_at;

-- The batcher looks for them at every tick: by an index, never through
-- the files' content (the column comes after it in each row).
CREATE INDEX files_handoff ON files (status, handed_off_at, created_at);
