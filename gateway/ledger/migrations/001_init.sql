-- The ledger: every encounter, claim, file and status change the gateway
-- has seen. Times are unix milliseconds (BIGINT); business dates are
-- 'YYYY-MM-DD' text; money is integer cents. {{id}} and {{blob}} are filled
-- in per database.

CREATE TABLE encounters (
    id          TEXT PRIMARY KEY,      -- the billing system's idempotency key
    payer_id    TEXT NOT NULL,
    claim_type  TEXT NOT NULL,
    raw         {{blob}} NOT NULL,     -- the JSON as received
    status      TEXT NOT NULL,         -- accepted | invalid
    problems    TEXT NOT NULL,         -- JSON list of {path, code, message, severity}
    received_at BIGINT NOT NULL
);

CREATE TABLE claims (
    id                 TEXT PRIMARY KEY,
    encounter_id       TEXT NOT NULL UNIQUE REFERENCES encounters (id),
    payer_id           TEXT NOT NULL,
    claim_type         TEXT NOT NULL,
    pcn                TEXT NOT NULL,  -- CLM01
    billing_npi        TEXT NOT NULL,
    billing_tax_id     TEXT NOT NULL,
    charge_cents       BIGINT NOT NULL,
    service_from       TEXT NOT NULL,
    service_to         TEXT NOT NULL,
    status             TEXT NOT NULL,
    payer_claim_number TEXT NOT NULL DEFAULT '',
    file_id            TEXT NOT NULL DEFAULT '', -- the outbound file it went in last
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX claims_match ON claims (payer_id, pcn);
CREATE INDEX claims_status ON claims (status, payer_id);
CREATE INDEX claims_file ON claims (file_id);

CREATE TABLE claim_lines (
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    line_no      INTEGER NOT NULL,     -- LX01
    line_id      TEXT NOT NULL,        -- REF*6R
    procedure    TEXT NOT NULL,        -- qualifier:code:modifiers
    charge_cents BIGINT NOT NULL,
    units        TEXT NOT NULL,
    service_date TEXT NOT NULL,
    PRIMARY KEY (claim_id, line_no)
);

CREATE TABLE claim_history (
    id          {{id}},
    claim_id    TEXT NOT NULL REFERENCES claims (id),
    at          BIGINT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    source_kind TEXT NOT NULL,         -- intake | batcher | deliverer | 999 | 277CA | 835 | manual ...
    source_file TEXT NOT NULL,         -- file id or inbound sha256
    source_st02 TEXT NOT NULL,         -- ST02 of the source, if any
    position    INTEGER NOT NULL,      -- segment position in that transaction set, 0 if none
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL          -- who: the stage, or the user of a manual match
);
CREATE INDEX claim_history_claim ON claim_history (claim_id, id);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,     -- batch id
    payer_id     TEXT NOT NULL,
    usage        TEXT NOT NULL,        -- ISA15 T | P
    isa13        BIGINT NOT NULL,
    name         TEXT NOT NULL,        -- the remote file name
    content      {{blob}} NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    claims       INTEGER NOT NULL,
    status       TEXT NOT NULL,        -- built | submitted | delivery_failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    delivered_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX files_isa13 ON files (payer_id, isa13);

CREATE TABLE file_claims (
    file_id   TEXT NOT NULL REFERENCES files (id),
    claim_id  TEXT NOT NULL REFERENCES claims (id),
    gs06      BIGINT NOT NULL,
    st02      BIGINT NOT NULL,
    first_pos INTEGER NOT NULL,        -- the claim's segment range in its ST (ST = 1)
    last_pos  INTEGER NOT NULL,
    PRIMARY KEY (file_id, claim_id)
);
CREATE INDEX file_claims_claim ON file_claims (claim_id);

CREATE TABLE control_numbers (
    partner TEXT NOT NULL,             -- the trading partner (payer id)
    kind    TEXT NOT NULL,             -- isa13 | gs06 | st02
    last    BIGINT NOT NULL,
    PRIMARY KEY (partner, kind)
);

CREATE TABLE inbound_files (
    sha256       TEXT PRIMARY KEY,
    payer_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,        -- TA1 | 999 | 997 | 277CA | 277 | 835 | unknown
    content      {{blob}} NOT NULL,
    status       TEXT NOT NULL,        -- received | processed | failed
    errors       TEXT NOT NULL DEFAULT '',
    received_at  BIGINT NOT NULL,
    processed_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE dead_letters (
    id      {{id}},
    stream  TEXT NOT NULL,
    subject TEXT NOT NULL,
    msg_id  TEXT NOT NULL,
    data    {{blob}} NOT NULL,
    error   TEXT NOT NULL,
    at      BIGINT NOT NULL
);
