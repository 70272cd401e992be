package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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
// when the encounter is not valid, or when its patient control number is
// on an open claim of the same payer and billing provider (see
// RecordEncounters). An encounter id seen before changes nothing and
// reports created false: the same id twice is one claim.
func (l *Ledger) RecordEncounter(ctx context.Context, e Encounter, c Claim) (created bool, err error) {
	made, err := l.RecordEncounters(ctx, []EncounterClaim{{Encounter: e, Claim: c}})
	if err != nil {
		return false, err
	}
	return made[0], nil
}

// EncounterClaim is an encounter with its claim, for RecordEncounters.
// Replaces says the claim replaces or voids one sent before (frequency 7
// or 8): it may have the patient control number of an open claim.
type EncounterClaim struct {
	Encounter Encounter
	Claim     Claim
	Replaces  bool
	// Duplicate is set by RecordEncounters when it refused the claim as a
	// duplicate: why (which open claim has its number).
	Duplicate string
}

// CodeDuplicateClaim is the problem of an encounter whose patient control
// number is on an open claim of the same payer and billing provider.
const CodeDuplicateClaim = "duplicate_claim"

// blocksDuplicate says whether a claim in status s keeps its patient
// control number from a new claim of the same payer and billing provider:
// until it is settled one way or another (invalid and rejected claims are
// sent again under their number; paid, denied and forwarded ones are
// closed, and a correction is a replacement).
func blocksDuplicate(s Status) bool {
	switch s {
	case StatusInvalid, StatusRejected, StatusPaid, StatusPartiallyPaid, StatusDenied, StatusForwarded:
		return false
	}
	return true
}

// RecordEncounters stores many encounters as RecordEncounter does, in one
// transaction: all of them or, on an error, none. created[i] tells whether
// ecs[i] was new (an id given twice is new the first time only). The rows
// go in many to a statement: encounters first, and the claims, lines and
// history of those that were new.
//
// A valid encounter whose claim has the patient control number of an open
// claim of the same payer and billing provider (one recorded before, or
// earlier in ecs) is recorded invalid with the problem duplicate_claim,
// unless it Replaces one: ecs[i].Encounter says so after the call (Valid,
// Problems). The check is made in the transaction, under a lock of the
// number on PostgreSQL, so two replicas cannot both let one through.
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
		if err := l.refuseDuplicates(ctx, sqlTx, ecs, inserted); err != nil {
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
			switch {
			case ec.Duplicate != "":
				to, reason = StatusInvalid, CodeDuplicateClaim+": "+ec.Duplicate
			case !e.Valid:
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

// refuseDuplicates makes invalid the new valid encounters whose claim has
// the patient control number of an open claim of its payer and billing
// provider, or of one earlier in ecs, unless it replaces one.
func (l *Ledger) refuseDuplicates(ctx context.Context, tx *sql.Tx, ecs []EncounterClaim, inserted map[string]bool) error {
	key := func(c Claim) string {
		return c.PayerID + "\x1f" + cmp.Or(c.BillingNPI, c.BillingTaxID) + "\x1f" + c.PCN
	}
	var check []int
	var keys, pcns []string
	for i, ec := range ecs {
		if ec.Encounter.Valid && !ec.Replaces && ec.Claim.PCN != "" && inserted[ec.Encounter.ID] {
			check = append(check, i)
			keys, pcns = append(keys, key(ec.Claim)), append(pcns, ec.Claim.PCN)
		}
	}
	if len(check) == 0 {
		return nil
	}
	if l.driver == Postgres {
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, k); err != nil {
				return fmt.Errorf("ledger: lock of a patient control number: %w", err)
			}
		}
	}
	open := map[string]string{} // key → an open claim with it
	slices.Sort(pcns)
	for chunk := range slices.Chunk(slices.Compact(pcns), 500) {
		args := make([]any, len(chunk))
		marks := make([]string, len(chunk))
		for i, p := range chunk {
			args[i], marks[i] = p, fmt.Sprintf("$%d", i+1)
		}
		err := queryEach(ctx, tx, "claims by patient control number", `SELECT id, payer_id, billing_npi, billing_tax_id, pcn, status FROM claims
			WHERE pcn IN (`+strings.Join(marks, ", ")+`)`, args, func(row scanner) error {
			var c Claim
			if err := row.Scan(&c.ID, &c.PayerID, &c.BillingNPI, &c.BillingTaxID, &c.PCN, &c.Status); err != nil {
				return err
			}
			if blocksDuplicate(c.Status) {
				open[key(c)] = c.ID + " (" + string(c.Status) + ")"
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, i := range check {
		ec := &ecs[i]
		k := key(ec.Claim)
		other, dup := open[k]
		if !dup {
			open[k] = cmp.Or(ec.Claim.ID, ec.Encounter.ID) + " (queued)"
			continue
		}
		ec.Duplicate = "claim " + other + " of this payer and billing provider has this patient control number and is open: " +
			"a claim sent again is a replacement (frequency 7) or a void (8) of it, or waits until it is settled"
		problems, err := withProblem(ec.Encounter.Problems, problem{Path: "claim.patient_control_number", Code: CodeDuplicateClaim, Severity: "error", Message: ec.Duplicate})
		if err != nil {
			return err
		}
		ec.Encounter.Valid, ec.Encounter.Problems = false, problems
		if _, err := tx.ExecContext(ctx, `UPDATE encounters SET status = 'invalid', problems = $2 WHERE id = $1`, ec.Encounter.ID, string(problems)); err != nil {
			return fmt.Errorf("ledger: encounter %s: %w", ec.Encounter.ID, err)
		}
	}
	return nil
}

// problem is one of an encounter's problems, as the scrubber writes them
// (encounter.Problem).
type problem struct {
	Path     string `json:"path"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// withProblem is a JSON list of problems with p added.
func withProblem(list []byte, p problem) ([]byte, error) {
	var probs []json.RawMessage
	if len(list) > 0 {
		if err := json.Unmarshal(list, &probs); err != nil {
			return nil, fmt.Errorf("ledger: an encounter's problems: %w", err)
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return json.Marshal(append(probs, b))
}
