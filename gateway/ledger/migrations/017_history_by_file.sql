-- A payer file's page lists the claims it moved: the claim history by its
-- source file, in order.
CREATE INDEX claim_history_file ON claim_history (source_file, id);
