-- The faults a clearinghouse meets: a delivery retried for a time, not a
-- count (when its attempts began failing), a failed file sent again by
-- hand (who and when); an exception closed by matching, by posting what
-- did not balance, or by dismissing it, with who said why; the payer
-- files the poller does not take (too large), recorded once each.

ALTER TABLE files ADD COLUMN first_failed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN resent_by TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN resent_at BIGINT NOT NULL DEFAULT 0;

ALTER TABLE exceptions ADD COLUMN resolution TEXT NOT NULL DEFAULT ''; -- matched | posted | dismissed
ALTER TABLE exceptions ADD COLUMN note TEXT NOT NULL DEFAULT '';       -- why, as the operator said
ALTER TABLE exceptions ADD COLUMN payer_id TEXT NOT NULL DEFAULT '';   -- for an exception of a file not archived
UPDATE exceptions SET resolution = 'matched' WHERE status = 'resolved';

CREATE TABLE refused_files (
    id          {{id}},
    payer_id    TEXT NOT NULL,
    name        TEXT NOT NULL,   -- on the payer's server
    size        BIGINT NOT NULL,
    modified_at BIGINT NOT NULL, -- its modification time, Unix ms
    reason      TEXT NOT NULL,
    at          BIGINT NOT NULL,
    UNIQUE (payer_id, name, size, modified_at)
);
