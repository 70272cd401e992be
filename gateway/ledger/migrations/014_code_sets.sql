-- Code sets imported by `claimsgw codesets import` (issue 13): each file as
-- its publisher shipped it (gzip-compressed), with what it is. The scrubber
-- of every replica reads them all and looks again when the stamp (the
-- count and the newest id) changes. A file imported twice is one row; a
-- file of the same kind, version and part with other content replaces it.

CREATE TABLE code_sets (
    id          {{id}},
    kind        TEXT NOT NULL,    -- codeset.Kind: icd10cm, hcpcs, cpt, ptp-practitioner, mue-dme, ...
    name        TEXT NOT NULL,    -- for messages: "ICD-10-CM FY2025"
    version     TEXT NOT NULL,
    part        TEXT NOT NULL,    -- a part of a version split over files ("f1"), else ''
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,    -- of the file as imported
    file_bytes  BIGINT NOT NULL,
    covers_from TEXT NOT NULL,    -- YYYY-MM-DD, or '' for any date
    covers_to   TEXT NOT NULL,    -- YYYY-MM-DD, or '' for open-ended
    codes       INTEGER NOT NULL,
    content     {{blob}} NOT NULL, -- gzip of the file
    imported_at BIGINT NOT NULL,
    UNIQUE (kind, version, part)
);
