package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Payment is one 835 CLP applied to a claim, with its adjustments,
// remarks and service lines.
type Payment struct {
	TraceNumber      string        `json:"trace_number"`
	PaymentDate      string        `json:"payment_date"`
	StatusCode       string        `json:"status_code"` // CLP02
	Charge           money.Cents   `json:"charge"`
	Paid             money.Cents   `json:"paid"`
	PatientResp      money.Cents   `json:"patient_responsibility"`
	PayerClaimNumber string        `json:"payer_claim_number"`
	InboundSHA256    string        `json:"file"` // the 835
	ST02             string        `json:"st02"`
	Position         int           `json:"position"`
	Adjustments      []Adjustment  `json:"adjustments"`
	ID               int64         `json:"-"`
	ClaimID          string        `json:"-"`
	RemittanceID     int64         `json:"-"`
	Remarks          []Remark      `json:"-"`
	Lines            []LinePayment `json:"-"`
}

// Adjustment is one CAS triplet, at claim level (LineNo 0) or on the
// claim line its SVC matched; an SVC that matched no claim line has
// LineNo −P, P its segment position.
type Adjustment struct {
	LineNo   int         `json:"line_no"`
	Group    string      `json:"group"`  // CO, PR, OA, PI, CR
	Reason   string      `json:"reason"` // CARC
	Amount   money.Cents `json:"amount"`
	Quantity string      `json:"-"`
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

// paymentBatch inserts claim_payments rows with the ids AddPayment
// reserved (PostgreSQL generates its identity column unless told).
func (l *Ledger) paymentBatch() *rowBatch {
	b := l.rowBatch("claim_payments", "id, claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date, "+
		"status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at", "")
	if l.driver == Postgres {
		b.head = strings.Replace(b.head, ") VALUES ", ") OVERRIDING SYSTEM VALUE VALUES ", 1)
	}
	return b
}

// ReservePayments reserves ids for the n payments about to be added (an
// 835's CLPs), so that AddPayment need not ask for each; on PostgreSQL an
// id reserved and not used is a gap in claim_payments' ids.
func (t *Tx) ReservePayments(n int) error {
	if n <= len(t.paymentIDs) {
		return nil
	}
	n -= len(t.paymentIDs)
	if t.l.driver == SQLite {
		// This is the one writer: the ids after the highest given are free.
		if t.lastPaymentID == 0 {
			if err := t.tx.QueryRowContext(t.ctx, `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'claim_payments'), 0),
				COALESCE((SELECT MAX(id) FROM claim_payments), 0))`).Scan(&t.lastPaymentID); err != nil {
				return fmt.Errorf("ledger: payment ids: %w", err)
			}
		}
		for range n {
			t.lastPaymentID++
			t.paymentIDs = append(t.paymentIDs, t.lastPaymentID)
		}
		return nil
	}
	return queryEach(t.ctx, t.tx, "payment ids", `SELECT nextval(pg_get_serial_sequence('claim_payments', 'id')) FROM generate_series(1, $1)`,
		[]any{n}, func(row scanner) error {
			var id int64
			err := row.Scan(&id)
			t.paymentIDs = append(t.paymentIDs, id)
			return err
		})
}

// paymentID hands out a reserved payment id, reserving one if none is.
func (t *Tx) paymentID() (int64, error) {
	if err := t.ReservePayments(1); err != nil {
		return 0, err
	}
	if len(t.paymentIDs) == 0 {
		return 0, errors.New("ledger: payment ids: none reserved")
	}
	id := t.paymentIDs[0]
	t.paymentIDs = t.paymentIDs[1:]
	return id, nil
}

// adjustmentBatch collects claim_adjustments rows.
func (l *Ledger) adjustmentBatch() *rowBatch {
	return l.rowBatch("claim_adjustments", "payment_id, seq, line_no, group_code, reason_code, amount_cents, quantity", "")
}

// remarkBatch collects claim_remarks rows.
func (l *Ledger) remarkBatch() *rowBatch {
	return l.rowBatch("claim_remarks", "payment_id, seq, line_no, code", "")
}

// linePaymentBatch collects line_payments rows.
func (l *Ledger) linePaymentBatch() *rowBatch {
	return l.rowBatch("line_payments", "payment_id, position, line_no, procedure, charge_cents, paid_cents, allowed_cents", "")
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
		int64(p.Charge), int64(p.Paid), int64(p.PatientResp), p.PayerClaimNumber, t.now())
	for i, a := range p.Adjustments {
		t.adjustments.add(id, i, a.LineNo, a.Group, a.Reason, int64(a.Amount), a.Quantity)
	}
	for i, r := range p.Remarks {
		t.remarks.add(id, i, r.LineNo, r.Code)
	}
	for _, l := range p.Lines {
		t.linePayments.add(id, l.Position, l.LineNo, l.Procedure, int64(l.Charge), int64(l.Paid), int64(l.Allowed))
	}
	if err := t.flushFull(); err != nil {
		return 0, err
	}
	if s := t.snaps[p.ClaimID]; s != nil && s.full {
		posted := PostedCLP{StatusCode: p.StatusCode, PayerClaimNumber: p.PayerClaimNumber, Paid: p.Paid, PatientResp: p.PatientResp}
		for _, l := range p.Lines {
			if l.LineNo > 0 {
				posted.Lines = append(posted.Lines, l.LineNo)
			}
		}
		s.Payments = append(s.Payments, posted)
	}
	return id, nil
}

// Payments returns the CLPs applied to a claim, in the order they came,
// with their adjustments and remarks.
func (l *Ledger) Payments(ctx context.Context, claimID string) ([]Payment, error) {
	out, err := queryAll(ctx, l.db, "payments of claim "+claimID, `SELECT id, claim_id, remittance_id, inbound_sha256, st02, position, trace_number,
			payment_date, status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number
		FROM claim_payments WHERE claim_id = $1 ORDER BY id`, []any{claimID}, func(row scanner) (Payment, error) {
		var p Payment
		var charge, paid, pr int64
		err := row.Scan(&p.ID, &p.ClaimID, &p.RemittanceID, &p.InboundSHA256, &p.ST02, &p.Position, &p.TraceNumber, &p.PaymentDate, &p.StatusCode,
			&charge, &paid, &pr, &p.PayerClaimNumber)
		p.Charge, p.Paid, p.PatientResp = money.Cents(charge), money.Cents(paid), money.Cents(pr)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]int{}
	for i, p := range out {
		byID[p.ID] = i
	}
	err = queryEach(ctx, l.db, "adjustments of claim "+claimID, `SELECT a.payment_id, a.line_no, a.group_code, a.reason_code, a.amount_cents, a.quantity
		FROM claim_payments p JOIN claim_adjustments a ON a.payment_id = p.id WHERE p.claim_id = $1 ORDER BY a.payment_id, a.seq`, []any{claimID}, func(row scanner) error {
		var pid, amount int64
		var a Adjustment
		err := row.Scan(&pid, &a.LineNo, &a.Group, &a.Reason, &amount, &a.Quantity)
		a.Amount = money.Cents(amount)
		out[byID[pid]].Adjustments = append(out[byID[pid]].Adjustments, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, l.db, "remarks of claim "+claimID, `SELECT m.payment_id, m.line_no, m.code
		FROM claim_payments p JOIN claim_remarks m ON m.payment_id = p.id WHERE p.claim_id = $1 ORDER BY m.payment_id, m.seq`, []any{claimID}, func(row scanner) error {
		var pid int64
		var m Remark
		err := row.Scan(&pid, &m.LineNo, &m.Code)
		out[byID[pid]].Remarks = append(out[byID[pid]].Remarks, m)
		return err
	})
	return out, err
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

// TracePosted reports whether the payer's payments have the trace number
// of r already, as AddRemittance checks it.
func (t *Tx) TracePosted(r Remittance) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM remittances WHERE payer_id = $1 AND trace_number = $2
		AND ($2 <> '' OR originator_id = $3 AND amount_cents = $4)`,
		r.PayerID, r.TraceNumber, r.OriginatorID, int64(r.Amount)).Scan(&n); err != nil {
		return false, fmt.Errorf("ledger: remittance: %w", err)
	}
	return n > 0, nil
}

// AddRemittance records a payment. A trace number the payer's payments
// had before is a duplicate, whatever its amount or originator: nothing is
// recorded and duplicate is true, so one check or EFT is never posted
// twice. (Without a trace number, which the 835 requires, the same
// originator and amount is a duplicate.)
func (t *Tx) AddRemittance(r Remittance) (id int64, duplicate bool, err error) {
	if dup, err := t.TracePosted(r); err != nil || dup {
		return 0, dup, err
	}
	err = t.tx.QueryRowContext(t.ctx, `INSERT INTO remittances (inbound_sha256, st02, payer_id, trace_number, originator_id, amount_cents, credit_debit,
			method, payment_date, payee_npi, payee_tax_id, claims_paid_cents, plb_cents, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		r.InboundSHA256, r.ST02, r.PayerID, r.TraceNumber, r.OriginatorID, int64(r.Amount), r.CreditDebit, r.Method, r.PaymentDate,
		r.PayeeNPI, r.PayeeTaxID, int64(r.ClaimsPaid), int64(r.PLB), t.now()).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: remittance: %w", err)
	}
	return id, false, nil
}

// ProviderAdjustment is one PLB adjustment pair.
type ProviderAdjustment struct {
	RemittanceID     int64       `json:"-"`
	ProviderID       string      `json:"provider_id"`
	FiscalPeriodDate string      `json:"fiscal_period_date"`
	Reason           string      `json:"reason"` // WO, L6, FB, ...
	Reference        string      `json:"reference"`
	Amount           money.Cents `json:"amount"`   // positive reduces the payment
	ClaimID          string      `json:"claim_id"` // the claim the reference names, "" if none
	Position         int         `json:"position"`
}

// AddProviderAdjustment records a PLB adjustment.
func (t *Tx) AddProviderAdjustment(p ProviderAdjustment) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO provider_adjustments (remittance_id, provider_id, fiscal_period_date, reason, reference, amount_cents, claim_id, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.RemittanceID, p.ProviderID, p.FiscalPeriodDate, p.Reason, p.Reference, int64(p.Amount), p.ClaimID, p.Position); err != nil {
		return fmt.Errorf("ledger: provider adjustment: %w", err)
	}
	return nil
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
