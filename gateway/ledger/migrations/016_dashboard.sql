-- The dashboard (gateway/web) and GET /v1/claims search claims by status,
-- payer, billing provider, patient control number and created date, a page
-- at a time in id order: an index for each that the query walks in that
-- order, instead of reading every claim. (status, id) replaces
-- (status, payer_id): it counts claims by status as well. The pipeline's
-- throughput is read by the claims' creation time and the files' delivery
-- time, and each payer route's last delivery and pickup by payer.

DROP INDEX claims_status;
CREATE INDEX claims_status_id ON claims (status, id);
CREATE INDEX claims_payer_id ON claims (payer_id, id);
CREATE INDEX claims_billing ON claims (billing_npi, id);
CREATE INDEX claims_pcn ON claims (pcn);
CREATE INDEX claims_created ON claims (created_at);
CREATE INDEX files_delivered ON files (delivered_at, claims);
CREATE INDEX files_payer_delivered ON files (payer_id, delivered_at);
CREATE INDEX inbound_files_payer ON inbound_files (payer_id, received_at);
