package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Claim is one claim: what was billed, where it went and where it stands.
// The ledger's read models carry the names the HTTP API gives them in
// JSON (docs/api.md).
type Claim struct {
	ID               string      `json:"id"`
	EncounterID      string      `json:"encounter_id"`
	PayerID          string      `json:"payer_id"`
	ClaimType        string      `json:"claim_type"`
	PCN              string      `json:"pcn"` // CLM01, the patient control number
	BillingNPI       string      `json:"billing_npi"`
	BillingTaxID     string      `json:"billing_tax_id"`
	Charge           money.Cents `json:"charge"`
	ServiceFrom      string      `json:"service_from"` // YYYY-MM-DD
	ServiceTo        string      `json:"service_to"`
	Status           Status      `json:"status"`
	PayerClaimNumber string      `json:"payer_claim_number"`
	FileID           string      `json:"file_id"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	// Responsibility is the payer's on this claim: P for the encounter's
	// payer, S or T for the claims the gateway builds for the payers
	// after it (coordination of benefits).
	Responsibility string `json:"responsibility"`
	// NextPayers are the payers billed after this claim's, in order,
	// when it leaves a balance.
	NextPayers []string `json:"next_payers,omitempty"`
	// PriorClaimID is the claim whose adjudication a secondary (tertiary)
	// claim carries, or the claim a void voids; "" for the encounter's
	// first claim.
	PriorClaimID string `json:"prior_claim_id,omitempty"`
	Lines        []Line `json:"-"`
}

// Line is one service line of a claim.
type Line struct {
	No          int         `json:"no"`        // LX01, 1-based
	LineID      string      `json:"line_id"`   // REF*6R
	Procedure   string      `json:"procedure"` // qualifier:code[:modifier...]
	Charge      money.Cents `json:"charge"`
	Units       string      `json:"units"`
	ServiceDate string      `json:"service_date"`
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
	Kind        string `json:"kind"`        // intake, batcher, deliverer, TA1, 999, 277CA, 835, manual ...
	File        string `json:"file"`        // outbound file id or inbound file sha256
	Transaction string `json:"transaction"` // ST02
	Position    int    `json:"position"`    // segment position in the transaction set
	Reason      string `json:"reason"`      // codes and a short text; never PHI
	Actor       string `json:"actor"`       // the stage, or the person who matched by hand
	// Paid is what the claim holds paid after the change (an 835's, its
	// reversals counted): its event says it.
	Paid money.Cents `json:"-"`
}

// Change is one entry of a claim's history.
type Change struct {
	At   time.Time `json:"at"`
	From Status    `json:"from"`
	To   Status    `json:"to"`
	Source
}

// Transition moves a claim to a status and records the change with its
// source and its event, in one transaction. It returns the status the
// claim had.
func (l *Ledger) Transition(ctx context.Context, claimID string, to Status, src Source) (from Status, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		now := l.millis()
		if from, err = l.transition(ctx, tx, claimID, to, src, now); err != nil {
			return err
		}
		events := l.outboxBatch()
		events.addEvent(claimID, now, from, to, src, 0, nil)
		return events.exec(ctx, tx)
	})
	return from, err
}

func (l *Ledger) transition(ctx context.Context, tx runner, claimID string, to Status, src Source, now int64) (Status, error) {
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
	c.Lines, err = queryAll(ctx, l.db, "claim "+id+" lines", `SELECT `+lineColumns+` FROM claim_lines WHERE claim_id = $1 ORDER BY line_no`,
		[]any{id}, func(row scanner) (Line, error) { return scanLine(row) })
	return c, err
}

const lineColumns = `line_no, line_id, procedure, charge_cents, units, service_date`

// scanLine reads the lineColumns of a row, after the columns given before
// them.
func scanLine(row scanner, before ...any) (Line, error) {
	var ln Line
	var charge int64
	err := row.Scan(append(before, &ln.No, &ln.LineID, &ln.Procedure, &charge, &ln.Units, &ln.ServiceDate)...)
	ln.Charge = money.Cents(charge)
	return ln, err
}

// ClaimDetail is all the ledger knows of a claim: the claim, its lines,
// its history, the 837 files it went in, the payments on it, and its
// encounter's problems and revisions. The API's GET /v1/claims/{id} and
// `claimsgw claims show` give it; no list is null.
type ClaimDetail struct {
	*Claim
	Lines     []Line          `json:"lines"`
	History   []Change        `json:"history"`
	Files     []ClaimFile     `json:"files"`
	Payments  []Payment       `json:"payments"`
	Problems  json.RawMessage `json:"problems"` // the encounter's, as the scrubber found them
	Revision  int             `json:"revision"`
	Revisions []Revision      `json:"revisions"` // what the encounter replaced, and changes refused
}

// ClaimDetail returns a claim with all the ledger knows of it.
func (l *Ledger) ClaimDetail(ctx context.Context, id string) (*ClaimDetail, error) {
	c, err := l.Claim(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &ClaimDetail{Claim: c, Lines: append([]Line{}, c.Lines...)}
	h, herr := l.History(ctx, c.ID)
	files, ferr := l.ClaimFiles(ctx, c.ID)
	payments, perr := l.Payments(ctx, c.ID)
	e, eerr := l.Encounter(ctx, c.EncounterID)
	revs, rerr := l.Revisions(ctx, c.EncounterID)
	if err := errors.Join(herr, ferr, perr, eerr, rerr); err != nil {
		return nil, err
	}
	for i := range payments {
		payments[i].Adjustments = append([]Adjustment{}, payments[i].Adjustments...)
	}
	d.History, d.Files, d.Payments, d.Revisions = append([]Change{}, h...), append([]ClaimFile{}, files...), append([]Payment{}, payments...), append([]Revision{}, revs...)
	d.Problems, d.Revision = json.RawMessage(e.Problems), e.Revision
	if len(d.Problems) == 0 {
		d.Problems = json.RawMessage("[]")
	}
	return d, nil
}

// History returns a claim's status changes, oldest first.
func (l *Ledger) History(ctx context.Context, claimID string) ([]Change, error) {
	return queryAll(ctx, l.db, "claim "+claimID+" history", `SELECT at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor
		FROM claim_history WHERE claim_id = $1 ORDER BY id`, []any{claimID}, func(row scanner) (Change, error) {
		var c Change
		var at int64
		err := row.Scan(&at, &c.From, &c.To, &c.Kind, &c.File, &c.Transaction, &c.Position, &c.Reason, &c.Actor)
		c.At = fromMillis(at)
		return c, err
	})
}

// FileChange is a claim's change that a file made.
type FileChange struct {
	ClaimID string `json:"claim_id"`
	Change
}

// ChangesOfFile returns the claim changes a file made (a payer file by its
// SHA-256, an 837 file by its id), in the order they were made, at most
// limit of them (0: 1,000), and how many it made in all.
func (l *Ledger) ChangesOfFile(ctx context.Context, file string, limit int) ([]FileChange, int, error) {
	if limit <= 0 {
		limit = 1000
	}
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM claim_history WHERE source_file = $1`, file).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("ledger: changes of file %s: %w", file, err)
	}
	out, err := queryAll(ctx, l.db, "changes of file "+file, `SELECT claim_id, at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor
		FROM claim_history WHERE source_file = $1 ORDER BY id LIMIT $2`, []any{file, limit}, func(row scanner) (FileChange, error) {
		var c FileChange
		var at int64
		err := row.Scan(&c.ClaimID, &at, &c.From, &c.To, &c.Kind, &c.File, &c.Transaction, &c.Position, &c.Reason, &c.Actor)
		c.At = fromMillis(at)
		return c, err
	})
	return out, n, err
}

// CountByStatus counts the claims in each status.
func (l *Ledger) CountByStatus(ctx context.Context) (map[Status]int, error) {
	out := map[Status]int{}
	return out, queryEach(ctx, l.db, "count claims", `SELECT status, count(*) FROM claims GROUP BY status`, nil, func(row scanner) error {
		var s Status
		var n int
		err := row.Scan(&s, &n)
		out[s] = n
		return err
	})
}

// ClaimFilter selects claims for ListClaims. Zero fields select all.
type ClaimFilter struct {
	Status     Status
	PayerID    string
	PCN        string
	BillingNPI string    // the billing provider's NPI
	From       time.Time // created at or after
	To         time.Time // created before
	After      string    // the last id of the previous page
	Limit      int       // at most 1000; 0 means 100
}

// ListClaims returns claims in id order, one page at a time: pass the last
// id of a page as After to get the next. Lines are not loaded. The query
// names only the filters given, so that the database walks an index of
// one of them in id order (migration 016) instead of the whole table.
func (l *Ledger) ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	for _, c := range []struct {
		cond string
		v    string
	}{{"status = ?", string(f.Status)}, {"payer_id = ?", f.PayerID}, {"pcn = ?", f.PCN}, {"billing_npi = ?", f.BillingNPI}} {
		if c.v != "" {
			add(c.cond, c.v)
		}
	}
	if !f.From.IsZero() {
		add("created_at >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("created_at < ?", f.To.UnixMilli())
	}
	add("id > ?", f.After)
	args = append(args, f.Limit)
	return queryClaims(ctx, l.db, "list claims", `SELECT `+claimColumns+` FROM claims WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
}

const claimColumns = `id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents,
	service_from, service_to, status, payer_claim_number, file_id, created_at, updated_at, responsibility, next_payers, prior_claim_id`

// queryClaims runs a query for claimColumns and reads its claims; what
// names the query in errors.
func queryClaims(ctx context.Context, r runner, what, query string, args ...any) ([]Claim, error) {
	return queryAll(ctx, r, what, query, args, func(row scanner) (Claim, error) {
		c, err := scanClaim(row)
		if err != nil {
			return Claim{}, err
		}
		return *c, nil
	})
}

// scanClaim reads the claimColumns of a row.
func scanClaim(row scanner) (*Claim, error) {
	c := &Claim{}
	var charge, created, updated int64
	var next string
	if err := row.Scan(&c.ID, &c.EncounterID, &c.PayerID, &c.ClaimType, &c.PCN, &c.BillingNPI, &c.BillingTaxID,
		&charge, &c.ServiceFrom, &c.ServiceTo, &c.Status, &c.PayerClaimNumber, &c.FileID, &created, &updated,
		&c.Responsibility, &next, &c.PriorClaimID); err != nil {
		return nil, err
	}
	c.Charge, c.CreatedAt, c.UpdatedAt = money.Cents(charge), fromMillis(created), fromMillis(updated)
	c.NextPayers = splitPayers(next)
	return c, nil
}

// claimBatch collects claims rows: the encounters' claims
// (RecordEncounters) and those built from another's adjudication
// (AddPayerClaim).
func (l *Ledger) claimBatch() *rowBatch {
	return l.rowBatch("claims", "id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, "+
		"status, created_at, updated_at, responsibility, next_payers, prior_claim_id, billing", "")
}

// addClaim adds c's row, in status to at the time at (Unix ms), with its
// billing (encounter.Billing's JSON, "" for an encounter's first claim).
func (b *rowBatch) addClaim(c *Claim, to Status, at int64, billing string) {
	b.add(c.ID, c.EncounterID, c.PayerID, c.ClaimType, c.PCN, c.BillingNPI, c.BillingTaxID, int64(c.Charge), c.ServiceFrom, c.ServiceTo,
		to, at, at, cmp.Or(c.Responsibility, "P"), strings.Join(c.NextPayers, ","), c.PriorClaimID, billing)
}

// lineBatch collects claim_lines rows.
func (l *Ledger) lineBatch() *rowBatch {
	return l.rowBatch("claim_lines", "claim_id, line_no, line_id, procedure, charge_cents, units, service_date", "")
}

// addLines adds the rows of c's lines.
func (b *rowBatch) addLines(c *Claim) {
	for _, ln := range c.Lines {
		b.add(c.ID, ln.No, ln.LineID, ln.Procedure, int64(ln.Charge), ln.Units, ln.ServiceDate)
	}
}

// splitPayers reads next_payers: payer ids, comma-separated.
func splitPayers(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
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
