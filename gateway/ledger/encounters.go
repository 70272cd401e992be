package ledger

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	Revision   int // 1, and one more for each correction (set when read)
}

// Encounter returns the current revision of an encounter.
func (l *Ledger) Encounter(ctx context.Context, id string) (*Encounter, error) {
	e := Encounter{ID: id}
	var status string
	var received int64
	err := l.db.QueryRowContext(ctx, `SELECT payer_id, claim_type, raw, status, problems, received_at, revision FROM encounters WHERE id = $1`, id).
		Scan(&e.PayerID, &e.ClaimType, &e.Raw, &status, &e.Problems, &received, &e.Revision)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: encounter %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: encounter %s: %w", id, err)
	}
	e.Valid, e.ReceivedAt = status == "accepted", fromMillis(received)
	return &e, nil
}

// Revision is content an encounter id had before its current revision, or
// a change refused because its claim had been sent.
type Revision struct {
	Revision   int             `json:"revision"` // 0 for a refused change
	Status     string          `json:"status"`   // accepted | invalid (replaced), refused
	Problems   json.RawMessage `json:"problems"`
	ReceivedAt time.Time       `json:"received_at"`
	ReplacedAt time.Time       `json:"replaced_at"` // or refused at
}

// Revisions returns what an encounter id had before its current
// revision, and the changes refused, in the order they came.
func (l *Ledger) Revisions(ctx context.Context, id string) ([]Revision, error) {
	return queryAll(ctx, l.db, "encounter "+id+" revisions", `SELECT revision, status, problems, received_at, replaced_at FROM encounter_revisions
		WHERE encounter_id = $1 ORDER BY id`, []any{id}, func(row scanner) (Revision, error) {
		var r Revision
		var problems string
		var received, replaced int64
		err := row.Scan(&r.Revision, &r.Status, &problems, &received, &replaced)
		r.Problems, r.ReceivedAt, r.ReplacedAt = json.RawMessage(problems), fromMillis(received), fromMillis(replaced)
		return r, err
	})
}

// RecordEncounter stores an encounter and its claim in one transaction.
// The claim starts as received and moves at once to queued, or to invalid
// when the encounter is not valid, or when its patient control number is
// on an open claim of the same payer and billing provider (see
// RecordEncounters). An encounter id seen before with the same content
// changes nothing and reports created false: the same id twice is one
// claim. With new content it is a revision (see RecordEncounters).
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
	// Set by RecordEncounters. Duplicate: why it refused the claim as a
	// duplicate (which open claim has its number). Revision: the
	// encounter's revision when the encounter was new content for the id
	// of an invalid or rejected claim (2 and up); the claim moved from
	// there. Refused: why new content for an id was kept but not applied
	// (its claim was queued for the payer, or sent: AlreadySubmitted).
	Duplicate string
	Revision  int
	Refused   string
}

// CodeDuplicateClaim is the problem of an encounter whose patient control
// number is on an open claim of the same payer and billing provider.
const CodeDuplicateClaim = "duplicate_claim"

// CodeAlreadySubmitted is the problem of new content for an encounter id
// whose claim is on its way to the payer or has reached it: only an
// invalid claim, or one the payer rejected at the front end, takes new
// content (Revisable).
const CodeAlreadySubmitted = "already_submitted"

// Revisable says whether a claim in status s takes new content for its
// encounter id as a new revision: while it is invalid (never sent), or
// rejected, which only a TA1, a 999 or a 277CA does (the payer checked
// the file or the claim and never adjudicated it: it holds no claim to
// replace). Otherwise new content is refused (CodeAlreadySubmitted).
func Revisable(s Status) bool { return s == StatusInvalid || s == StatusRejected }

// AlreadySubmitted is the message of CodeAlreadySubmitted for claim id in
// status s: what is true of the claim, and how a correction goes then.
func AlreadySubmitted(id string, s Status) string {
	head := "claim " + id + " is " + string(s) + ": "
	switch s {
	case StatusReceived, StatusQueued, StatusBatched:
		return head + "it is queued for the payer, so new content for its id is not applied; " +
			"if the payer rejects it, its id takes the correction then, and once the payer has it a correction is a replacement claim (frequency 7) under a new id"
	case StatusDeliveryFailed:
		return head + "its file was not delivered to the payer and waits for an operator (claimsgw files resend), so new content for its id is not applied; " +
			"once the payer has it, a correction is a replacement claim (frequency 7) under a new id"
	}
	return head + "it has been sent to the payer, so new content for its id is not applied; " +
		"a correction is a replacement claim (frequency 7) under a new id"
}

// RecordEncounters stores many encounters as RecordEncounter does, in one
// transaction: all of them or, on an error, none. created[i] tells whether
// ecs[i] made or changed a claim: it was new, or a revision. The rows go in
// many to a statement: encounters first, and the claims, lines and history
// of those that were new.
//
// An id seen before with other content is a revision while its claim is
// invalid (never sent) or rejected at the front end (Revisable): the
// encounter and the claim take the new content, the one replaced is kept
// in encounter_revisions, and the claim moves from where it stood as a new
// one would. Otherwise (queued for the payer, or sent) the new content is
// kept there as refused (already_submitted): once the payer has the
// claim, a correction is a replacement claim. An id given again later in ecs is taken after
// the ones before it, as if it came in a transaction of its own.
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
		for _, round := range rounds(ecs) {
			some := make([]EncounterClaim, len(round))
			for j, i := range round {
				some[j] = ecs[i]
			}
			made, err := l.recordEncounters(ctx, sqlTx, some)
			if err != nil {
				return err
			}
			for j, i := range round {
				ecs[i], created[i] = some[j], made[j]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// rounds splits ecs by the times an id has come before in it: the first
// of each id, then the second, and so on. Almost always there is one.
func rounds(ecs []EncounterClaim) [][]int {
	seen := map[string]int{}
	var out [][]int
	for i, ec := range ecs {
		n := seen[ec.Encounter.ID]
		seen[ec.Encounter.ID] = n + 1
		if n == len(out) {
			out = append(out, nil)
		}
		out[n] = append(out[n], i)
	}
	return out
}

// recordEncounters is RecordEncounters for encounters of distinct ids, in
// its transaction.
func (l *Ledger) recordEncounters(ctx context.Context, sqlTx *sql.Tx, ecs []EncounterClaim) (created []bool, err error) {
	created = make([]bool, len(ecs))
	tx := l.stmtCache(sqlTx) // the same statements for every batch of rows
	encounters := l.rowBatch("encounters", "id, payer_id, claim_type, raw, status, problems, received_at", "ON CONFLICT (id) DO NOTHING RETURNING id")
	for _, ec := range ecs {
		e := ec.Encounter
		encounters.add(e.ID, e.PayerID, e.ClaimType, e.Raw, encounterStatus(e.Valid), string(e.Problems), e.ReceivedAt.UnixMilli())
	}
	inserted := map[string]bool{}
	if err := encounters.query(ctx, tx, func(rows scanner) error {
		var id string
		err := rows.Scan(&id)
		inserted[id] = true
		return err
	}); err != nil {
		return nil, err
	}
	revised, err := l.revise(ctx, sqlTx, ecs, inserted)
	if err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	for id := range inserted {
		changed[id] = true
	}
	for id := range revised {
		changed[id] = true
	}
	if err := l.refuseDuplicates(ctx, sqlTx, ecs, changed); err != nil {
		return nil, err
	}
	now := l.millis()
	claims, lines := l.claimBatch(), l.lineBatch()
	history, events := l.historyBatch(), l.outboxBatch()
	for i, ec := range ecs {
		e, c := ec.Encounter, ec.Claim
		if !changed[e.ID] {
			continue
		}
		created[i] = true
		c.EncounterID = e.ID
		if c.ID == "" {
			c.ID = e.ID
		}
		// A claim is received and at once queued, or invalid when the
		// scrubber found errors: it is written with its status, and
		// the history says where it came from.
		// Its event says why in its own words: a duplicate's reason, an
		// invalid claim's problems.
		said := Source{Kind: "intake"}
		if ec.Duplicate != "" {
			said.Reason = CodeDuplicateClaim + ": " + ec.Duplicate
		}
		from, to, reason := StatusReceived, StatusQueued, ""
		switch {
		case ec.Duplicate != "":
			to, reason = StatusInvalid, said.Reason
		case !e.Valid:
			to, reason = StatusInvalid, "the scrubber found errors"
		}
		if was, ok := revised[e.ID]; ok {
			from, reason = was, strings.TrimSuffix(fmt.Sprintf("revision %d; %s", ec.Revision, reason), "; ")
			if _, err := sqlTx.ExecContext(ctx, `UPDATE claims SET payer_id = $2, claim_type = $3, pcn = $4, billing_npi = $5, billing_tax_id = $6,
				charge_cents = $7, service_from = $8, service_to = $9, status = $10, updated_at = $11, next_payers = $12 WHERE id = $1`,
				c.ID, c.PayerID, c.ClaimType, c.PCN, c.BillingNPI, c.BillingTaxID, int64(c.Charge), c.ServiceFrom, c.ServiceTo, to, now,
				strings.Join(c.NextPayers, ",")); err != nil {
				return nil, fmt.Errorf("ledger: claim %s, revision %d: %w", c.ID, ec.Revision, err)
			}
			if _, err := sqlTx.ExecContext(ctx, `DELETE FROM claim_lines WHERE claim_id = $1`, c.ID); err != nil {
				return nil, fmt.Errorf("ledger: claim %s, revision %d: %w", c.ID, ec.Revision, err)
			}
		} else {
			claims.addClaim(&c, to, now, "")
		}
		lines.addLines(&c)
		history.addHistory(c.ID, now, from, to, Source{Kind: "intake", Reason: reason, Actor: "intake"})
		var problems []byte
		if to == StatusInvalid {
			problems = e.Problems
		}
		events.addEvent(c.ID, now, from, to, said, ec.Revision, problems)
	}
	for _, b := range []*rowBatch{claims, lines, history, events} {
		if err := b.exec(ctx, tx); err != nil {
			return nil, err
		}
	}
	return created, nil
}

func encounterStatus(valid bool) string {
	return map[bool]string{true: "accepted", false: "invalid"}[valid]
}

// revise takes the encounters of ids seen before (not inserted) with new
// content: a revision of the encounter of a claim that takes one
// (Revisable), which it writes (the one replaced goes to
// encounter_revisions), and returns by id with the status the claim moves
// from; or a change refused, which it keeps there. The same content again
// is left alone: a duplicate.
func (l *Ledger) revise(ctx context.Context, tx *sql.Tx, ecs []EncounterClaim, inserted map[string]bool) (map[string]Status, error) {
	byID := map[string]*EncounterClaim{}
	var ids []string
	for i := range ecs {
		if id := ecs[i].Encounter.ID; !inserted[id] {
			byID[id] = &ecs[i]
			ids = append(ids, id)
		}
	}
	revised := map[string]Status{}
	now := l.millis()
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args[i], marks[i] = id, fmt.Sprintf("$%d", i+1)
		}
		type current struct {
			id, status, problems string
			raw                  []byte
			received             int64
			revision             int
			claim                Status
		}
		var cur []current
		err := queryEach(ctx, tx, "encounters seen before", `SELECT e.id, e.raw, e.status, e.problems, e.received_at, e.revision, c.status
			FROM encounters e JOIN claims c ON c.id = e.id WHERE e.id IN (`+strings.Join(marks, ", ")+`)`, args, func(row scanner) error {
			var c current
			err := row.Scan(&c.id, &c.raw, &c.status, &c.problems, &c.received, &c.revision, &c.claim)
			cur = append(cur, c)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range cur {
			ec := byID[c.id]
			e := ec.Encounter
			if bytes.Equal(c.raw, e.Raw) {
				continue
			}
			keep := `INSERT INTO encounter_revisions (encounter_id, revision, raw, sha256, status, problems, received_at, replaced_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (encounter_id, sha256) DO NOTHING`
			if !Revisable(c.claim) {
				ec.Refused = AlreadySubmitted(c.id, c.claim)
				problems, err := withProblem(nil, problem{Path: "id", Code: CodeAlreadySubmitted, Severity: "error", Message: ec.Refused})
				if err != nil {
					return nil, err
				}
				if _, err := tx.ExecContext(ctx, keep, c.id, 0, e.Raw, sha256Hex(e.Raw), "refused", string(problems), e.ReceivedAt.UnixMilli(), now); err != nil {
					return nil, fmt.Errorf("ledger: encounter %s, a refused change: %w", c.id, err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, keep, c.id, c.revision, c.raw, sha256Hex(c.raw), c.status, c.problems, c.received, now); err != nil {
				return nil, fmt.Errorf("ledger: encounter %s, revision %d: %w", c.id, c.revision, err)
			}
			ec.Revision = c.revision + 1
			if _, err := tx.ExecContext(ctx, `UPDATE encounters SET payer_id = $2, claim_type = $3, raw = $4, status = $5, problems = $6, received_at = $7,
				revision = $8 WHERE id = $1`, c.id, e.PayerID, e.ClaimType, e.Raw, encounterStatus(e.Valid), string(e.Problems), e.ReceivedAt.UnixMilli(), ec.Revision); err != nil {
				return nil, fmt.Errorf("ledger: encounter %s, revision %d: %w", c.id, ec.Revision, err)
			}
			revised[c.id] = c.claim
		}
	}
	return revised, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// refuseDuplicates makes invalid the new (or revised) valid encounters
// whose claim has the patient control number of an open claim of its
// payer and billing provider, or of one earlier in ecs, unless it replaces
// one.
func (l *Ledger) refuseDuplicates(ctx context.Context, tx *sql.Tx, ecs []EncounterClaim, changed map[string]bool) error {
	key := func(c Claim) string {
		return c.PayerID + "\x1f" + cmp.Or(c.BillingNPI, c.BillingTaxID) + "\x1f" + c.PCN
	}
	var check []int
	var keys, pcns []string
	for i, ec := range ecs {
		if ec.Encounter.Valid && !ec.Replaces && ec.Claim.PCN != "" && changed[ec.Encounter.ID] {
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
			if c.Status.blocksDuplicate() {
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

// ProblemCounts counts, by problem code, the errors of the encounters
// received since a time that are invalid: what the scrubber caught (the
// demo's summary).
func (l *Ledger) ProblemCounts(ctx context.Context, since time.Time) (map[string]int, error) {
	out := map[string]int{}
	return out, queryEach(ctx, l.db, "problem counts", `SELECT problems FROM encounters WHERE status = 'invalid' AND received_at >= $1`,
		[]any{since.UnixMilli()}, func(row scanner) error {
			var raw string
			if err := row.Scan(&raw); err != nil {
				return err
			}
			var probs []struct{ Code, Severity string }
			if err := json.Unmarshal([]byte(raw), &probs); err != nil {
				return err
			}
			for _, p := range probs {
				if p.Severity == "error" {
					out[p.Code]++
				}
			}
			return nil
		})
}
