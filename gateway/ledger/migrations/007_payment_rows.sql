-- The rows an 835 writes per CLP, made cheaper to write and read: adjustments,
-- remarks and line payments are kept in the order of their payment
-- ({{clustered}}: on SQLite the table is its primary key), found from
-- their payment (claim_payments.claim_id names the claim), with no index
-- that nothing reads by.

CREATE TABLE claim_adjustments_new (
    payment_id   BIGINT NOT NULL,      -- claim_payments.id
    seq          INTEGER NOT NULL,     -- its order in the payment
    line_no      INTEGER NOT NULL,     -- 0: claim level; else the claim line it matched
    group_code   TEXT NOT NULL,        -- CO, PR, OA, PI, CR
    reason_code  TEXT NOT NULL,        -- CARC
    amount_cents BIGINT NOT NULL,
    quantity     TEXT NOT NULL,
    PRIMARY KEY (payment_id, seq)
){{clustered}};
INSERT INTO claim_adjustments_new (payment_id, seq, line_no, group_code, reason_code, amount_cents, quantity)
    SELECT payment_id, ROW_NUMBER() OVER (PARTITION BY payment_id ORDER BY id), line_no, group_code, reason_code, amount_cents, quantity
    FROM claim_adjustments;
DROP TABLE claim_adjustments;
ALTER TABLE claim_adjustments_new RENAME TO claim_adjustments;

CREATE TABLE claim_remarks_new (
    payment_id BIGINT NOT NULL,
    seq        INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    code       TEXT NOT NULL,          -- RARC
    PRIMARY KEY (payment_id, seq)
){{clustered}};
INSERT INTO claim_remarks_new (payment_id, seq, line_no, code)
    SELECT payment_id, ROW_NUMBER() OVER (PARTITION BY payment_id ORDER BY id), line_no, code FROM claim_remarks;
DROP TABLE claim_remarks;
ALTER TABLE claim_remarks_new RENAME TO claim_remarks;

CREATE TABLE line_payments_new (
    payment_id    BIGINT NOT NULL,
    position      INTEGER NOT NULL,    -- of the SVC
    line_no       INTEGER NOT NULL,    -- the claim line matched; −position when none
    procedure     TEXT NOT NULL,
    charge_cents  BIGINT NOT NULL,
    paid_cents    BIGINT NOT NULL,
    allowed_cents BIGINT NOT NULL,
    PRIMARY KEY (payment_id, position)
){{clustered}};
INSERT INTO line_payments_new (payment_id, position, line_no, procedure, charge_cents, paid_cents, allowed_cents)
    SELECT payment_id, position, line_no, procedure, charge_cents, paid_cents, allowed_cents FROM line_payments;
DROP TABLE line_payments;
ALTER TABLE line_payments_new RENAME TO line_payments;

-- A claim's lines together, read with it: the columns of 001.
CREATE TABLE claim_lines_new (
    claim_id TEXT NOT NULL REFERENCES claims (id), line_no INTEGER NOT NULL, line_id TEXT NOT NULL,
    procedure TEXT NOT NULL, charge_cents BIGINT NOT NULL, units TEXT NOT NULL, service_date TEXT NOT NULL,
    PRIMARY KEY (claim_id, line_no)
){{clustered}};
INSERT INTO claim_lines_new SELECT claim_id, line_no, line_id, procedure, charge_cents, units, service_date FROM claim_lines;
DROP TABLE claim_lines;
ALTER TABLE claim_lines_new RENAME TO claim_lines;
