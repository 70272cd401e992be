-- One encounter, several payer claims (coordination of benefits): see
-- 018_payer_claims.sqlite.sql, SQLite's version of this migration, for
-- the columns.
ALTER TABLE claims DROP CONSTRAINT claims_encounter_id_key;
ALTER TABLE claims ADD COLUMN responsibility TEXT NOT NULL DEFAULT 'P';
ALTER TABLE claims ADD COLUMN next_payers TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN prior_claim_id TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN billing TEXT NOT NULL DEFAULT '';
CREATE INDEX claims_encounter ON claims (encounter_id);
CREATE INDEX claims_prior ON claims (prior_claim_id);
