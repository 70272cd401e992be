-- Readiness: each replica's /readyz writes its row, to find whether the
-- ledger takes writes (a full disk, a database that is read-only or gone).

CREATE TABLE readiness (
    replica    TEXT PRIMARY KEY,
    checked_at BIGINT NOT NULL
);
