package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
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

// Claim is one claim: what was billed, where it went and where it stands.
type Claim struct {
	ID               string
	EncounterID      string
	PayerID          string
	ClaimType        string
	PCN              string // CLM01, the patient control number
	BillingNPI       string
	BillingTaxID     string
	Charge           money.Cents
	ServiceFrom      string // YYYY-MM-DD
	ServiceTo        string
	Status           Status
	PayerClaimNumber string
	FileID           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Lines            []Line
}

// Line is one service line of a claim.
type Line struct {
	No          int    // LX01, 1-based
	LineID      string // REF*6R
	Procedure   string // qualifier:code[:modifier...]
	Charge      money.Cents
	Units       string
	ServiceDate string
}

// ProcedureKey is a procedure as a claim line keeps it, and as an SVC is
// matched to the line: qualifier:code[:modifier...], e.g. HC:99214:25 or
// NU:0450 for a revenue code alone.
func ProcedureKey(qualifier, code string, modifiers ...string) string {
	return strings.Join(append([]string{qualifier, code}, modifiers...), ":")
}

// Source says what made a claim change status, so its history can point
// back at the file, transaction set and segment.
type Source struct {
	Kind        string // intake, batcher, deliverer, TA1, 999, 277CA, 835, manual ...
	File        string // outbound file id or inbound file sha256
	Transaction string // ST02
	Position    int    // segment position in the transaction set
	Reason      string // codes and a short text; never PHI
	Actor       string // the stage, or the person who matched by hand
}

// Change is one entry of a claim's history.
type Change struct {
	At   time.Time
	From Status
	To   Status
	Source
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
		if err := encounters.query(ctx, tx, func(rows *sql.Rows) error {
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

// Transition moves a claim to a status and records the change with its
// source, in one transaction. It returns the status the claim had.
func (l *Ledger) Transition(ctx context.Context, claimID string, to Status, src Source) (from Status, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		from, err = l.transition(ctx, tx, claimID, to, src)
		return err
	})
	return from, err
}

func (l *Ledger) transition(ctx context.Context, tx runner, claimID string, to Status, src Source) (Status, error) {
	var from Status
	q := `SELECT status FROM claims WHERE id = $1`
	if l.driver == Postgres {
		q += ` FOR UPDATE` // see Tx.forUpdate
	}
	if err := tx.QueryRowContext(ctx, q, claimID).Scan(&from); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("ledger: claim %s: %w", claimID, ErrNotFound)
		}
		return "", fmt.Errorf("ledger: claim %s: %w", claimID, err)
	}
	now := l.millis()
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = $2, updated_at = $3 WHERE id = $1`, claimID, to, now); err != nil {
		return "", fmt.Errorf("ledger: claim %s: %w", claimID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO claim_history (claim_id, at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		claimID, now, from, to, src.Kind, src.File, src.Transaction, src.Position, src.Reason, src.Actor); err != nil {
		return "", fmt.Errorf("ledger: claim %s history: %w", claimID, err)
	}
	return from, nil
}

// Claim returns a claim with its lines.
func (l *Ledger) Claim(ctx context.Context, id string) (*Claim, error) {
	c, err := scanClaim(l.db.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: claim %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s: %w", id, err)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT line_no, line_id, procedure, charge_cents, units, service_date
		FROM claim_lines WHERE claim_id = $1 ORDER BY line_no`, id)
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s lines: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ln Line
		var charge int64
		if err := rows.Scan(&ln.No, &ln.LineID, &ln.Procedure, &charge, &ln.Units, &ln.ServiceDate); err != nil {
			return nil, fmt.Errorf("ledger: claim %s lines: %w", id, err)
		}
		ln.Charge = money.Cents(charge)
		c.Lines = append(c.Lines, ln)
	}
	return c, rows.Err()
}

// History returns a claim's status changes, oldest first.
func (l *Ledger) History(ctx context.Context, claimID string) ([]Change, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor
		FROM claim_history WHERE claim_id = $1 ORDER BY id`, claimID)
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s history: %w", claimID, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&at, &c.From, &c.To, &c.Kind, &c.File, &c.Transaction, &c.Position, &c.Reason, &c.Actor); err != nil {
			return nil, fmt.Errorf("ledger: claim %s history: %w", claimID, err)
		}
		c.At = time.UnixMilli(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountByStatus counts the claims in each status.
func (l *Ledger) CountByStatus(ctx context.Context) (map[Status]int, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT status, count(*) FROM claims GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("ledger: count claims: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("ledger: count claims: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ClaimFilter selects claims for ListClaims. Zero fields select all.
type ClaimFilter struct {
	Status  Status
	PayerID string
	PCN     string
	From    time.Time // created at or after
	To      time.Time // created before
	After   string    // the last id of the previous page
	Limit   int       // at most 1000; 0 means 100
}

// ListClaims returns claims in id order, one page at a time: pass the last
// id of a page as After to get the next. Lines are not loaded.
func (l *Ledger) ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	to := int64(1 << 62)
	if !f.To.IsZero() {
		to = f.To.UnixMilli()
	}
	return queryClaims(ctx, l.db, "list claims", `SELECT `+claimColumns+` FROM claims
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR payer_id = $2) AND ($3 = '' OR pcn = $3)
			AND created_at >= $4 AND created_at < $5 AND id > $6
		ORDER BY id LIMIT $7`,
		f.Status, f.PayerID, f.PCN, f.From.UnixMilli(), to, f.After, f.Limit)
}

const claimColumns = `id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents,
	service_from, service_to, status, payer_claim_number, file_id, created_at, updated_at`

// queryClaims runs a query for claimColumns and reads its claims; what
// names the query in errors.
func queryClaims(ctx context.Context, r runner, what, query string, args ...any) ([]Claim, error) {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger: %s: %w", what, err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", what, err)
	}
	return out, nil
}

// scanClaim reads the claimColumns of a row.
func scanClaim(row interface{ Scan(...any) error }) (*Claim, error) {
	c := &Claim{}
	var charge, created, updated int64
	if err := row.Scan(&c.ID, &c.EncounterID, &c.PayerID, &c.ClaimType, &c.PCN, &c.BillingNPI, &c.BillingTaxID,
		&charge, &c.ServiceFrom, &c.ServiceTo, &c.Status, &c.PayerClaimNumber, &c.FileID, &created, &updated); err != nil {
		return nil, err
	}
	c.Charge, c.CreatedAt, c.UpdatedAt = money.Cents(charge), time.UnixMilli(created), time.UnixMilli(updated)
	return c, nil
}

// ClaimsByIDs returns the claims with the given ids, without their lines,
// in one query per 500 ids; ids not found are left out.
func (l *Ledger) ClaimsByIDs(ctx context.Context, ids []string) ([]Claim, error) {
	var out []Claim
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		claims, err := queryClaims(ctx, l.db, "claims", `SELECT `+claimColumns+` FROM claims WHERE id IN (`+l.list(1, len(chunk))+`) ORDER BY id`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, claims...)
	}
	return out, nil
}
