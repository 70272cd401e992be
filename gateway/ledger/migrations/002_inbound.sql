-- What payers send back: payments per claim (one row per 835 CLP) and the
-- items that could not be matched to a claim.

CREATE TABLE claim_payments (
    id                 {{id}},
    claim_id           TEXT NOT NULL REFERENCES claims (id),
    inbound_sha256     TEXT NOT NULL,  -- the 835 file
    st02               TEXT NOT NULL,
    position           INTEGER NOT NULL, -- of the CLP in its transaction set
    trace_number       TEXT NOT NULL,  -- TRN02: the check or EFT number
    payment_date       TEXT NOT NULL,  -- BPR16
    status_code        TEXT NOT NULL,  -- CLP02
    charge_cents       BIGINT NOT NULL,
    paid_cents         BIGINT NOT NULL,
    patient_resp_cents BIGINT NOT NULL,
    payer_claim_number TEXT NOT NULL,
    adjustments        TEXT NOT NULL,  -- JSON: claim and line CAS, remarks
    at                 BIGINT NOT NULL,
    UNIQUE (inbound_sha256, st02, position)
);
CREATE INDEX claim_payments_claim ON claim_payments (claim_id, id);

CREATE TABLE exceptions (
    id             {{id}},
    inbound_sha256 TEXT NOT NULL,
    kind           TEXT NOT NULL,      -- 999 | 277CA | 835 ...
    st02           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    pcn            TEXT NOT NULL,      -- what the payer said the claim was
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,      -- open | resolved
    claim_id       TEXT NOT NULL DEFAULT '',
    resolved_by    TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL,
    UNIQUE (inbound_sha256, st02, position)
);
CREATE INDEX exceptions_open ON exceptions (status, id);
