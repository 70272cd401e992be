-- The claim events' outbox: each event is written with the change it
-- tells of, in the same transaction, and deleted once NATS has it
-- (gateway.Events relays them). A crash, a NATS failover or a full disk
-- delays events; none is lost. What the event says of its claim (its
-- encounter, patient control number, payer and charge) is read from the
-- claim when it is published.

CREATE TABLE event_outbox (
    id          {{id}},
    claim_id    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_file TEXT NOT NULL,
    reason      TEXT NOT NULL,
    paid_cents  BIGINT NOT NULL,
    revision    INTEGER NOT NULL,  -- the encounter's, when a correction (2 and up); else 0
    problems    TEXT NOT NULL      -- an invalid claim's problems (JSON), else ''
);
