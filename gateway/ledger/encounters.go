package ledger

import (
	"context"
	"database/sql"
	"time"
)

// Encounter is an encounter as the gateway received it.
type Encounter struct {
	ID         string
	PayerID    string
	ClaimType  string
	Raw        []byte // the JSON as received
	Valid      bool
	Problems   []byte // JSON list of the scrubber's problems, "[]" when none
	ReceivedAt time.Time
}

// RecordEncounter stores an encounter and its claim in one transaction.
// The claim starts as received and moves at once to queued, or to invalid
// when the encounter is not valid. An encounter id seen before changes
// nothing and reports created false: the same id twice is one claim.
func (l *Ledger) RecordEncounter(ctx context.Context, e Encounter, c Claim) (created bool, err error) {
	made, err := l.RecordEncounters(ctx, []EncounterClaim{{e, c}})
	if err != nil {
		return false, err
	}
	return made[0], nil
}

// EncounterClaim is an encounter with its claim, for RecordEncounters.
type EncounterClaim struct {
	Encounter Encounter
	Claim     Claim
}

// RecordEncounters stores many encounters as RecordEncounter does, in one
// transaction: all of them or, on an error, none. created[i] tells whether
// ecs[i] was new (an id given twice is new the first time only). The rows
// go in many to a statement: encounters first, and the claims, lines and
// history of those that were new.
func (l *Ledger) RecordEncounters(ctx context.Context, ecs []EncounterClaim) (created []bool, err error) {
	created = make([]bool, len(ecs))
	err = l.inTx(ctx, func(sqlTx *sql.Tx) error {
		tx := l.stmtCache(sqlTx) // the same statements for every batch of rows
		encounters := l.rowBatch("encounters", "id, payer_id, claim_type, raw, status, problems, received_at", "ON CONFLICT (id) DO NOTHING RETURNING id")
		for _, ec := range ecs {
			e := ec.Encounter
			encounters.add(e.ID, e.PayerID, e.ClaimType, e.Raw, map[bool]string{true: "accepted", false: "invalid"}[e.Valid], string(e.Problems), e.ReceivedAt.UnixMilli())
		}
		inserted := map[string]bool{}
		if err := encounters.query(ctx, tx, func(rows scanner) error {
			var id string
			err := rows.Scan(&id)
			inserted[id] = true
			return err
		}); err != nil {
			return err
		}
		now := l.millis()
		claims := l.rowBatch("claims", "id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at", "")
		lines := l.rowBatch("claim_lines", "claim_id, line_no, line_id, procedure, charge_cents, units, service_date", "")
		history := l.historyBatch()
		for i, ec := range ecs {
			e, c := ec.Encounter, ec.Claim
			if !inserted[e.ID] {
				continue
			}
			delete(inserted, e.ID) // the same id later in ecs is not new
			created[i] = true
			c.EncounterID = e.ID
			if c.ID == "" {
				c.ID = e.ID
			}
			// A claim is received and at once queued, or invalid when the
			// scrubber found errors: it is written with its status, and
			// the history says where it came from.
			to, reason := StatusQueued, ""
			if !e.Valid {
				to, reason = StatusInvalid, "the scrubber found errors"
			}
			claims.add(c.ID, c.EncounterID, c.PayerID, c.ClaimType, c.PCN, c.BillingNPI, c.BillingTaxID,
				int64(c.Charge), c.ServiceFrom, c.ServiceTo, to, now, now)
			for _, ln := range c.Lines {
				lines.add(c.ID, ln.No, ln.LineID, ln.Procedure, int64(ln.Charge), ln.Units, ln.ServiceDate)
			}
			history.addHistory(c.ID, now, StatusReceived, to, Source{Kind: "intake", Reason: reason, Actor: "intake"})
		}
		for _, b := range []*rowBatch{claims, lines, history} {
			if err := b.exec(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}
