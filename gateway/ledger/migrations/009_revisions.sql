-- Corrected encounters: while its claim is invalid (never sent to a
-- payer), an encounter id sent again with new content is a new revision
-- of it. The encounter row holds the current revision; each one it
-- replaced is kept here, and so is a change refused because the claim
-- had been sent (a correction then is a replacement claim).

ALTER TABLE encounters ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE TABLE encounter_revisions (
    id           {{id}},
    encounter_id TEXT NOT NULL REFERENCES encounters (id),
    revision     INTEGER NOT NULL,  -- the one it was; 0 for a refused change
    raw          {{blob}} NOT NULL, -- the JSON as received
    sha256       TEXT NOT NULL,     -- of raw: the same refused change twice is kept once
    status       TEXT NOT NULL,     -- accepted | invalid (replaced) | refused
    problems     TEXT NOT NULL,     -- JSON list of {path, code, message, severity}
    received_at  BIGINT NOT NULL,
    replaced_at  BIGINT NOT NULL,   -- when the next revision came, or when the change was refused
    UNIQUE (encounter_id, sha256)
);
