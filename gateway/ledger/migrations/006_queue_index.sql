-- The batcher takes a payer's queued claims oldest first: an index in that
-- order lets it read them without sorting them (with their encounters'
-- JSON) first.

CREATE INDEX claims_queue ON claims (payer_id, status, created_at, id);
