package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/claimsgw/claimsgw/x12/money"
)

// ErrProcessed is returned by ApplyInbound for a file already processed.
var ErrProcessed = errors.New("ledger: inbound file already processed")

// ApplyInbound runs apply in one transaction and marks the inbound file
// processed in it. A file that is already processed is not applied again
// (ErrProcessed): a redelivered message changes nothing.
func (l *Ledger) ApplyInbound(ctx context.Context, sha256 string, apply func(tx *Tx) error) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inbound_files SET status = 'processed', processed_at = $2 WHERE sha256 = $1 AND status <> 'processed'`,
			sha256, l.millis())
		if err != nil {
			return fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM inbound_files WHERE sha256 = $1`, sha256).Scan(&status); errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("ledger: inbound file %s: %w", sha256, ErrNotFound)
			}
			return ErrProcessed
		}
		t := l.newTx(ctx, tx)
		if err := apply(t); err != nil {
			return err
		}
		return t.flush()
	})
}

// InboundContent returns an archived inbound file.
func (l *Ledger) InboundContent(ctx context.Context, sha256 string) (*InboundFile, error) {
	f := &InboundFile{SHA256: sha256}
	err := l.db.QueryRowContext(ctx, `SELECT payer_id, name, kind, content, errors FROM inbound_files WHERE sha256 = $1`, sha256).
		Scan(&f.PayerID, &f.Name, &f.Kind, &f.Content, &f.Errors)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: inbound file %s: %w", sha256, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
	}
	return f, nil
}

// ClaimsInSet returns the claims placed in a payer's transaction set,
// found by the group and transaction control numbers an acknowledgment
// names, with their segment ranges.
func (t *Tx) ClaimsInSet(payerID string, gs06, st02 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in set", `f.payer_id = $1 AND fc.gs06 = $2 AND fc.st02 = $3`, payerID, gs06, st02)
}

// ClaimsInGroup returns the claims of every set of the functional group
// (GS06) the gateway sent the payer, with their segment ranges.
func (t *Tx) ClaimsInGroup(payerID string, gs06 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in group", `f.payer_id = $1 AND fc.gs06 = $2`, payerID, gs06)
}

// Payment is one 835 CLP applied to a claim, with its adjustments,
// remarks and service lines.
type Payment struct {
	ID               int64
	ClaimID          string
	RemittanceID     int64
	InboundSHA256    string
	ST02             string
	Position         int
	TraceNumber      string
	PaymentDate      string
	StatusCode       string // CLP02
	Charge           money.Cents
	Paid             money.Cents
	PatientResp      money.Cents
	PayerClaimNumber string
	Adjustments      []Adjustment
	Remarks          []Remark
	Lines            []LinePayment
}

// Adjustment is one CAS triplet, at claim level (LineNo 0) or on the
// claim line its SVC matched; an SVC that matched no claim line has
// LineNo −P, P its segment position.
type Adjustment struct {
	LineNo   int
	Group    string // CO, PR, OA, PI, CR
	Reason   string // CARC
	Amount   money.Cents
	Quantity string
}

// Remark is a remark code (RARC) at claim level (LineNo 0) or on a line
// (as Adjustment numbers them).
type Remark struct {
	LineNo int
	Code   string
}

// LinePayment is one SVC: what was paid on a claim line.
type LinePayment struct {
	LineNo    int // the claim line it matched, or −Position when none did
	Position  int
	Procedure string
	Charge    money.Cents
	Paid      money.Cents
	Allowed   money.Cents
}

// AddPayment records a CLP against a claim and returns its id. It is
// written with its adjustments, remarks and lines, a hundred and more
// rows at a time; its id is reserved now.
func (t *Tx) AddPayment(p Payment) (int64, error) {
	id, err := t.paymentID()
	if err != nil {
		return 0, err
	}
	t.payments.add(id, p.ClaimID, p.RemittanceID, p.InboundSHA256, p.ST02, p.Position, p.TraceNumber, p.PaymentDate, p.StatusCode,
		int64(p.Charge), int64(p.Paid), int64(p.PatientResp), p.PayerClaimNumber, t.l.millis())
	for _, a := range p.Adjustments {
		t.adjustments.add(id, p.ClaimID, a.LineNo, a.Group, a.Reason, int64(a.Amount), a.Quantity)
	}
	for _, r := range p.Remarks {
		t.remarks.add(id, p.ClaimID, r.LineNo, r.Code)
	}
	for _, l := range p.Lines {
		t.linePayments.add(id, p.ClaimID, l.LineNo, l.Position, l.Procedure, int64(l.Charge), int64(l.Paid), int64(l.Allowed))
	}
	if err := t.flushFull(); err != nil {
		return 0, err
	}
	if tot := t.paid[p.ClaimID]; tot != nil {
		tot.paid += p.Paid
		tot.patientResp += p.PatientResp
		tot.clps++
	}
	return id, nil
}

// Payments returns the CLPs applied to a claim, in the order they came,
// with their adjustments and remarks.
func (l *Ledger) Payments(ctx context.Context, claimID string) ([]Payment, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date, status_code,
			charge_cents, paid_cents, patient_resp_cents, payer_claim_number
		FROM claim_payments WHERE claim_id = $1 ORDER BY id`, claimID)
	if err != nil {
		return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	var out []Payment
	byID := map[int64]int{}
	for rows.Next() {
		var p Payment
		var charge, paid, pr int64
		if err := rows.Scan(&p.ID, &p.ClaimID, &p.RemittanceID, &p.InboundSHA256, &p.ST02, &p.Position, &p.TraceNumber, &p.PaymentDate, &p.StatusCode,
			&charge, &paid, &pr, &p.PayerClaimNumber); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
		}
		p.Charge, p.Paid, p.PatientResp = money.Cents(charge), money.Cents(paid), money.Cents(pr)
		byID[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	adj, err := l.db.QueryContext(ctx, `SELECT payment_id, line_no, group_code, reason_code, amount_cents, quantity FROM claim_adjustments WHERE claim_id = $1 ORDER BY id`, claimID)
	if err != nil {
		return nil, fmt.Errorf("ledger: adjustments of claim %s: %w", claimID, err)
	}
	defer adj.Close()
	for adj.Next() {
		var pid, amount int64
		var a Adjustment
		if err := adj.Scan(&pid, &a.LineNo, &a.Group, &a.Reason, &amount, &a.Quantity); err != nil {
			return nil, fmt.Errorf("ledger: adjustments of claim %s: %w", claimID, err)
		}
		a.Amount = money.Cents(amount)
		out[byID[pid]].Adjustments = append(out[byID[pid]].Adjustments, a)
	}
	return out, adj.Err()
}

// Remittance is one payment: an 835 transaction set.
type Remittance struct {
	ID            int64
	InboundSHA256 string
	ST02          string
	PayerID       string
	TraceNumber   string // TRN02
	OriginatorID  string // TRN03
	Amount        money.Cents
	CreditDebit   string
	Method        string
	PaymentDate   string
	PayeeNPI      string
	PayeeTaxID    string
	ClaimsPaid    money.Cents // the sum of CLP04
	PLB           money.Cents // the sum of PLB amounts
}

// AddRemittance records a payment. A trace number the payer's payments
// had before is a duplicate, whatever its amount or originator: nothing is
// recorded and duplicate is true, so one check or EFT is never posted
// twice. (Without a trace number, which the 835 requires, the same
// originator and amount is a duplicate.)
func (t *Tx) AddRemittance(r Remittance) (id int64, duplicate bool, err error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM remittances WHERE payer_id = $1 AND trace_number = $2
		AND ($2 <> '' OR originator_id = $3 AND amount_cents = $4)`,
		r.PayerID, r.TraceNumber, r.OriginatorID, int64(r.Amount)).Scan(&n); err != nil {
		return 0, false, fmt.Errorf("ledger: remittance: %w", err)
	}
	if n > 0 {
		return 0, true, nil
	}
	err = t.tx.QueryRowContext(t.ctx, `INSERT INTO remittances (inbound_sha256, st02, payer_id, trace_number, originator_id, amount_cents, credit_debit,
			method, payment_date, payee_npi, payee_tax_id, claims_paid_cents, plb_cents, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		r.InboundSHA256, r.ST02, r.PayerID, r.TraceNumber, r.OriginatorID, int64(r.Amount), r.CreditDebit, r.Method, r.PaymentDate,
		r.PayeeNPI, r.PayeeTaxID, int64(r.ClaimsPaid), int64(r.PLB), t.l.millis()).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: remittance: %w", err)
	}
	return id, false, nil
}

// ProviderAdjustment is one PLB adjustment pair.
type ProviderAdjustment struct {
	RemittanceID     int64
	ProviderID       string
	FiscalPeriodDate string
	Reason           string // WO, L6, FB, ...
	Reference        string
	Amount           money.Cents // positive reduces the payment
	ClaimID          string      // the claim the reference names, "" if none
	Position         int
}

// AddProviderAdjustment records a PLB adjustment.
func (t *Tx) AddProviderAdjustment(p ProviderAdjustment) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO provider_adjustments (remittance_id, provider_id, fiscal_period_date, reason, reference, amount_cents, claim_id, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.RemittanceID, p.ProviderID, p.FiscalPeriodDate, p.Reason, p.Reference, int64(p.Amount), p.ClaimID, p.Position); err != nil {
		return fmt.Errorf("ledger: provider adjustment: %w", err)
	}
	return nil
}

// Exception is something a payer sent that could not be matched to a
// claim.
type Exception struct {
	ID            int64
	InboundSHA256 string
	Kind          string
	ST02          string
	Position      int
	PCN           string
	Reason        string
	Status        string // open or resolved
	ClaimID       string
	ResolvedBy    string
}

// AddException parks an unmatched item for a person to look at.
func (t *Tx) AddException(e Exception) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO exceptions (inbound_sha256, kind, st02, position, pcn, reason, status, at)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)`, e.InboundSHA256, e.Kind, e.ST02, e.Position, e.PCN, e.Reason, t.l.millis()); err != nil {
		return fmt.Errorf("ledger: exception: %w", err)
	}
	return nil
}

// CountOpenExceptions counts the unmatched items nobody has resolved.
func (l *Ledger) CountOpenExceptions(ctx context.Context) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM exceptions WHERE status = 'open'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: exceptions: %w", err)
	}
	return n, nil
}

// ClaimsInInterchange returns the claims of the file a payer's TA1 names
// by its ISA13.
func (t *Tx) ClaimsInInterchange(payerID string, isa13 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in interchange", `f.payer_id = $1 AND f.isa13 = $2`, payerID, isa13)
}

// CountInbound counts the payer files in a processing status (received,
// processed).
func (l *Ledger) CountInbound(ctx context.Context, status string) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM inbound_files WHERE status = $1`, status).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: inbound files: %w", err)
	}
	return n, nil
}

// PaidCLP is what one CLP paid on a claim.
type PaidCLP struct {
	Reversal bool        // CLP02 22
	Paid     money.Cents // CLP04, negative for a reversal
}

// PaidUnder returns the claim's CLPs under a payer claim control number,
// in the order they were posted: what a reversal with that number can
// undo.
func (t *Tx) PaidUnder(claimID, payerClaimNumber string) ([]PaidCLP, error) {
	if err := t.flush(); err != nil { // the payments kept back count too
		return nil, err
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT status_code, paid_cents FROM claim_payments WHERE claim_id = $1 AND payer_claim_number = $2 ORDER BY id`,
		claimID, payerClaimNumber)
	if err != nil {
		return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	defer rows.Close()
	var clps []PaidCLP
	for rows.Next() {
		var code string
		var cents int64
		if err := rows.Scan(&code, &cents); err != nil {
			return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
		}
		clps = append(clps, PaidCLP{Reversal: code == "22", Paid: money.Cents(cents)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	return clps, nil
}

// Adjudications counts the claim's CLPs that no reversal (CLP02 22) has
// undone: on the claim, and on each of its lines the CLPs' service lines
// matched (a payment of 0.00, a denial, counts).
func (t *Tx) Adjudications(claimID string) (claim int, lines map[int]int, err error) {
	if err := t.flush(); err != nil {
		return 0, nil, err
	}
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(SUM(CASE WHEN status_code = '22' THEN -1 ELSE 1 END), 0) FROM claim_payments WHERE claim_id = $1`,
		claimID).Scan(&claim); err != nil {
		return 0, nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT lp.line_no, SUM(CASE WHEN p.status_code = '22' THEN -1 ELSE 1 END)
		FROM line_payments lp JOIN claim_payments p ON p.id = lp.payment_id
		WHERE lp.claim_id = $1 AND lp.line_no > 0 GROUP BY lp.line_no`, claimID)
	if err != nil {
		return 0, nil, fmt.Errorf("ledger: line payments of claim %s: %w", claimID, err)
	}
	defer rows.Close()
	lines = map[int]int{}
	for rows.Next() {
		var no, n int
		if err := rows.Scan(&no, &n); err != nil {
			return 0, nil, fmt.Errorf("ledger: line payments of claim %s: %w", claimID, err)
		}
		lines[no] = n
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("ledger: line payments of claim %s: %w", claimID, err)
	}
	return claim, lines, nil
}

// RemittanceID returns the id of the payment recorded for an 835
// transaction set; false when none was (its trace was posted before).
func (t *Tx) RemittanceID(sha256, st02 string) (int64, bool, error) {
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT id FROM remittances WHERE inbound_sha256 = $1 AND st02 = $2`, sha256, st02).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("ledger: remittance: %w", err)
	}
	return id, true, nil
}

// SetInboundErrors keeps the problems found in an inbound file with it,
// one a line (positions and codes, never element data).
func (t *Tx) SetInboundErrors(sha256, errs string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE inbound_files SET errors = $2 WHERE sha256 = $1`, sha256, errs); err != nil {
		return fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
	}
	return nil
}
