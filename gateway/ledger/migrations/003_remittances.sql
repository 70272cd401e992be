-- Remittances as finance reconciles them: one row per payment (an 835
-- transaction set), its provider adjustments (PLB), and every adjustment
-- (CAS) and remark (LQ, MOA, MIA) of every CLP, claim and line level.

CREATE TABLE remittances (
    id                {{id}},
    inbound_sha256    TEXT NOT NULL,
    st02              TEXT NOT NULL,
    payer_id          TEXT NOT NULL,
    trace_number      TEXT NOT NULL,   -- TRN02: the check or EFT number
    originator_id     TEXT NOT NULL,   -- TRN03
    amount_cents      BIGINT NOT NULL, -- BPR02
    credit_debit      TEXT NOT NULL,   -- BPR03
    method            TEXT NOT NULL,   -- BPR04
    payment_date      TEXT NOT NULL,   -- BPR16
    payee_npi         TEXT NOT NULL,
    payee_tax_id      TEXT NOT NULL,
    claims_paid_cents BIGINT NOT NULL, -- the sum of CLP04
    plb_cents         BIGINT NOT NULL, -- the sum of PLB amounts
    at                BIGINT NOT NULL,
    UNIQUE (payer_id, trace_number, originator_id, amount_cents),
    UNIQUE (inbound_sha256, st02)
);
CREATE INDEX remittances_date ON remittances (payer_id, payment_date);

CREATE TABLE provider_adjustments (
    id                 {{id}},
    remittance_id      BIGINT NOT NULL REFERENCES remittances (id),
    provider_id        TEXT NOT NULL,
    fiscal_period_date TEXT NOT NULL,
    reason             TEXT NOT NULL,  -- PLB03-1: WO, L6, FB, ...
    reference          TEXT NOT NULL,  -- PLB03-2
    amount_cents       BIGINT NOT NULL,
    claim_id           TEXT NOT NULL DEFAULT '', -- the claim the reference names, if any
    position           INTEGER NOT NULL
);

ALTER TABLE claim_payments ADD COLUMN remittance_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claim_payments DROP COLUMN adjustments; -- now in claim_adjustments and claim_remarks

CREATE TABLE claim_adjustments (
    id           {{id}},
    payment_id   BIGINT NOT NULL,      -- claim_payments.id
    claim_id     TEXT NOT NULL,
    line_no      INTEGER NOT NULL,     -- 0: claim level; else the claim line it matched
    group_code   TEXT NOT NULL,        -- CO, PR, OA, PI, CR
    reason_code  TEXT NOT NULL,        -- CARC
    amount_cents BIGINT NOT NULL,
    quantity     TEXT NOT NULL
);
CREATE INDEX claim_adjustments_claim ON claim_adjustments (claim_id);
CREATE INDEX claim_adjustments_reason ON claim_adjustments (group_code, reason_code);

CREATE TABLE claim_remarks (
    id         {{id}},
    payment_id BIGINT NOT NULL,
    claim_id   TEXT NOT NULL,
    line_no    INTEGER NOT NULL,
    code       TEXT NOT NULL           -- RARC
);
CREATE INDEX claim_remarks_claim ON claim_remarks (claim_id);

CREATE TABLE line_payments (
    payment_id   BIGINT NOT NULL,
    claim_id     TEXT NOT NULL,
    line_no      INTEGER NOT NULL,     -- the claim line matched, 0 when none
    position     INTEGER NOT NULL,     -- of the SVC
    procedure    TEXT NOT NULL,
    charge_cents BIGINT NOT NULL,
    paid_cents   BIGINT NOT NULL,
    allowed_cents BIGINT NOT NULL,
    PRIMARY KEY (payment_id, position)
);
