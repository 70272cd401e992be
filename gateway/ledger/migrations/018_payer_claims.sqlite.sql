-- One encounter, several payer claims (coordination of benefits): the
-- claim to the encounter's payer (responsibility P), and those the
-- gateway builds for the payers after it from the one before's 835 (S,
-- T) or for voiding them. claims.encounter_id is no longer unique.
--   responsibility  the payer's: P, S, T
--   next_payers     the payers billed after this claim's, in order,
--                   comma-separated ('' when none)
--   prior_claim_id  the claim whose adjudication a secondary or tertiary
--                   claim carries, or the claim a void voids
--   billing         the payers before's adjudication (JSON), for the 837
-- SQLite cannot drop a UNIQUE constraint: the table is made again, its
-- foreign keys checked as the transaction ends (every claim is back by
-- then). This file is SQLite's; 018_payer_claims.postgres.sql is
-- PostgreSQL's.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE claims_copy AS SELECT * FROM claims;
DROP TABLE claims;
CREATE TABLE claims (
    id                 TEXT PRIMARY KEY,
    encounter_id       TEXT NOT NULL REFERENCES encounters (id),
    payer_id           TEXT NOT NULL,
    claim_type         TEXT NOT NULL,
    pcn                TEXT NOT NULL,
    billing_npi        TEXT NOT NULL,
    billing_tax_id     TEXT NOT NULL,
    charge_cents       BIGINT NOT NULL,
    service_from       TEXT NOT NULL,
    service_to         TEXT NOT NULL,
    status             TEXT NOT NULL,
    payer_claim_number TEXT NOT NULL DEFAULT '',
    file_id            TEXT NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    responsibility     TEXT NOT NULL DEFAULT 'P',
    next_payers        TEXT NOT NULL DEFAULT '',
    prior_claim_id     TEXT NOT NULL DEFAULT '',
    billing            TEXT NOT NULL DEFAULT ''
);
INSERT INTO claims (id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to,
        status, payer_claim_number, file_id, created_at, updated_at)
    SELECT id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to,
        status, payer_claim_number, file_id, created_at, updated_at FROM claims_copy;
DROP TABLE claims_copy;
CREATE INDEX claims_match ON claims (payer_id, pcn);
CREATE INDEX claims_file ON claims (file_id);
CREATE INDEX claims_queue ON claims (payer_id, status, created_at, id);
CREATE INDEX claims_status_id ON claims (status, id);
CREATE INDEX claims_payer_id ON claims (payer_id, id);
CREATE INDEX claims_billing ON claims (billing_npi, id);
CREATE INDEX claims_pcn ON claims (pcn);
CREATE INDEX claims_created ON claims (created_at);
CREATE INDEX claims_encounter ON claims (encounter_id);
CREATE INDEX claims_prior ON claims (prior_claim_id);
