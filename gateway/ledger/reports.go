package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
)

// The read-only reports: what finance reads from the ledger, and the
// totals an operator checks first. Every sum is done by the database on
// integer cents; docs/reconciliation.md explains each report, its columns
// and its formulas.

// ErrAmbiguous is returned when a trace number names several payments.
var ErrAmbiguous = errors.New("ledger: several payments have this trace number")

// PaymentBalance is one payment (an 835 transaction set) checked against
// what it pays: BPR02 = Σ CLP04 − Σ PLB.
type PaymentBalance struct {
	RemittanceID  int64       `json:"remittance_id"`
	PayerID       string      `json:"payer_id"`
	TraceNumber   string      `json:"trace_number"`  // TRN02
	OriginatorID  string      `json:"originator_id"` // TRN03
	PaymentDate   string      `json:"payment_date"`  // BPR16, YYYY-MM-DD
	CreditDebit   string      `json:"credit_debit"`  // BPR03
	Method        string      `json:"method"`        // BPR04
	InboundSHA256 string      `json:"inbound_sha256"`
	ST02          string      `json:"st02"`
	Amount        money.Cents `json:"amount"`                     // BPR02, negative for a debit (BPR03 D)
	ClaimsPaid    money.Cents `json:"claims_paid"`                // Σ CLP04 of every CLP in the 835, matched or not
	PLB           money.Cents `json:"provider_adjustments_total"` // Σ PLB amounts (positive reduces the payment)
	Expected      money.Cents `json:"expected"`                   // ClaimsPaid − PLB
	Difference    money.Cents `json:"difference"`                 // Amount − Expected; 0 when balanced
	Balanced      bool        `json:"balanced"`
	MatchedPaid   money.Cents `json:"matched_paid"`   // Σ CLP04 of the CLPs applied to claims
	UnmatchedPaid money.Cents `json:"unmatched_paid"` // ClaimsPaid − MatchedPaid: CLPs parked as exceptions
	ClaimCount    int         `json:"-"`              // CLPs applied to claims

	// Filled by PaymentBalance, and by Payments for each payment.
	Claims              []PaymentClaim       `json:"claims"`
	ProviderAdjustments []ProviderAdjustment `json:"provider_adjustments,omitempty"`
	Exceptions          []ExceptionInfo      `json:"-"` // this 835's items that were not matched
}

// PaymentClaim is one CLP of a payment, applied to a claim.
type PaymentClaim struct {
	PaymentID        int64       `json:"payment_id"`
	ClaimID          string      `json:"claim_id"`
	PCN              string      `json:"pcn"`
	Position         int         `json:"position"`
	StatusCode       string      `json:"status_code"` // CLP02
	Charge           money.Cents `json:"charge"`
	Paid             money.Cents `json:"paid"`
	PatientResp      money.Cents `json:"patient_responsibility"` // CLP05
	PayerClaimNumber string      `json:"payer_claim_number"`
}

// PaymentFilter selects payments. Zero fields select all; dates are
// YYYY-MM-DD payment dates (BPR16), both inclusive.
type PaymentFilter struct {
	PayerID string
	From    string
	To      string
	After   int64 // the last remittance id of the previous page
	Limit   int   // 0 means 100, at most 1000
	// WithoutClaims leaves each payment's Claims out (ClaimCount counts
	// them): a page of payments then reads a row per payment, not one per
	// claim paid.
	WithoutClaims bool
}

const paymentColumns = `r.id, r.payer_id, r.trace_number, r.originator_id, r.payment_date, r.credit_debit, r.method,
	r.inbound_sha256, r.st02, r.amount_cents, r.claims_paid_cents,
	COALESCE((SELECT SUM(pa.amount_cents) FROM provider_adjustments pa WHERE pa.remittance_id = r.id), 0),
	COALESCE((SELECT SUM(p.paid_cents) FROM claim_payments p WHERE p.remittance_id = r.id), 0),
	(SELECT count(*) FROM claim_payments p WHERE p.remittance_id = r.id)`

func scanPayment(row scanner) (PaymentBalance, error) {
	var b PaymentBalance
	var amount, claimsPaid, plb, matched int64
	if err := row.Scan(&b.RemittanceID, &b.PayerID, &b.TraceNumber, &b.OriginatorID, &b.PaymentDate, &b.CreditDebit, &b.Method,
		&b.InboundSHA256, &b.ST02, &amount, &claimsPaid, &plb, &matched, &b.ClaimCount); err != nil {
		return b, err
	}
	b.Amount, b.ClaimsPaid, b.PLB, b.MatchedPaid = money.Cents(amount), money.Cents(claimsPaid), money.Cents(plb), money.Cents(matched)
	if b.CreditDebit == "D" {
		b.Amount = -b.Amount
	}
	b.Expected = b.ClaimsPaid - b.PLB
	b.Difference = b.Amount - b.Expected
	b.Balanced = b.Difference == 0
	b.UnmatchedPaid = b.ClaimsPaid - b.MatchedPaid
	return b, nil
}

// ListPayments lists payments (835 transaction sets) in remittance id order, one page at a time, each
// with its balance and its claims.
func (l *Ledger) ListPayments(ctx context.Context, f PaymentFilter) ([]PaymentBalance, error) {
	f.Limit = pageSize(f.Limit)
	out, err := queryAll(ctx, l.db, "payments", `SELECT `+paymentColumns+` FROM remittances r
		WHERE ($1 = '' OR r.payer_id = $1) AND ($2 = '' OR r.payment_date >= $2) AND ($3 = '' OR r.payment_date <= $3) AND r.id > $4
		ORDER BY r.id LIMIT $5`, []any{f.PayerID, f.From, f.To, f.After, f.Limit}, scanPayment)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if f.WithoutClaims {
			continue
		}
		if out[i].Claims, err = l.paymentClaims(ctx, out[i].RemittanceID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PaymentBalance returns one payment by its trace number (TRN02), with
// its claims, provider adjustments and unmatched items. payerID narrows
// the search when several payers used the trace number; "" means any.
// ErrAmbiguous says the trace number names several payments.
func (l *Ledger) PaymentBalance(ctx context.Context, payerID, trace string) (*PaymentBalance, error) {
	found, err := queryAll(ctx, l.db, "payment "+trace, `SELECT `+paymentColumns+` FROM remittances r
		WHERE r.trace_number = $1 AND ($2 = '' OR r.payer_id = $2) ORDER BY r.id LIMIT 2`, []any{trace, payerID}, scanPayment)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("ledger: payment %s: %w", trace, ErrNotFound)
	case 2:
		return nil, fmt.Errorf("ledger: payment %s: %w", trace, ErrAmbiguous)
	}
	b := &found[0]
	if b.Claims, err = l.paymentClaims(ctx, b.RemittanceID); err != nil {
		return nil, err
	}
	if b.ProviderAdjustments, err = l.providerAdjustments(ctx, `remittance_id = $1`, b.RemittanceID); err != nil {
		return nil, err
	}
	if b.Exceptions, err = l.exceptions(ctx, `e.inbound_sha256 = $1 AND e.st02 = $2 AND e.kind = '835' ORDER BY e.position`, b.InboundSHA256, b.ST02); err != nil {
		return nil, err
	}
	return b, nil
}

func (l *Ledger) paymentClaims(ctx context.Context, remittanceID int64) ([]PaymentClaim, error) {
	return queryAll(ctx, l.db, fmt.Sprintf("claims of payment %d", remittanceID), `SELECT p.id, p.claim_id, c.pcn, p.position, p.status_code,
			p.charge_cents, p.paid_cents, p.patient_resp_cents, p.payer_claim_number
		FROM claim_payments p JOIN claims c ON c.id = p.claim_id WHERE p.remittance_id = $1 ORDER BY p.position, p.id`, []any{remittanceID},
		func(row scanner) (PaymentClaim, error) {
			var c PaymentClaim
			var charge, paid, pr int64
			err := row.Scan(&c.PaymentID, &c.ClaimID, &c.PCN, &c.Position, &c.StatusCode, &charge, &paid, &pr, &c.PayerClaimNumber)
			c.Charge, c.Paid, c.PatientResp = money.Cents(charge), money.Cents(paid), money.Cents(pr)
			return c, err
		})
}

func (l *Ledger) providerAdjustments(ctx context.Context, where string, arg any) ([]ProviderAdjustment, error) {
	return queryAll(ctx, l.db, "provider adjustments", `SELECT remittance_id, provider_id, fiscal_period_date, reason, reference, amount_cents, claim_id, position
		FROM provider_adjustments WHERE `+where+` ORDER BY position, id`, []any{arg}, func(row scanner) (ProviderAdjustment, error) {
		var p ProviderAdjustment
		var amount int64
		err := row.Scan(&p.RemittanceID, &p.ProviderID, &p.FiscalPeriodDate, &p.Reason, &p.Reference, &amount, &p.ClaimID, &p.Position)
		p.Amount = money.Cents(amount)
		return p, err
	})
}

// ClaimBalance is a claim checked across all its payments, reversals
// included: Charge = Paid + PatientResp + Contractual + Other.
type ClaimBalance struct {
	ClaimID     string      `json:"claim_id"`
	PayerID     string      `json:"payer_id"`
	PCN         string      `json:"pcn"`
	Status      Status      `json:"status"`
	Charge      money.Cents `json:"charge"`                       // what was billed
	Adjudicated money.Cents `json:"adjudicated_charge"`           // Σ CLP03, net of reversals
	Paid        money.Cents `json:"paid"`                         // Σ CLP04
	PatientResp money.Cents `json:"patient_responsibility"`       // Σ CAS group PR, claim and line level
	Contractual money.Cents `json:"contractual"`                  // Σ CAS group CO
	Other       money.Cents `json:"other_adjustments"`            // Σ CAS groups OA, PI, CR (and any other)
	ReportedPR  money.Cents `json:"clp05_patient_responsibility"` // Σ CLP05, what the payer says the patient owes
	Imbalance   money.Cents `json:"imbalance"`                    // Charge − (Paid + PatientResp + Contractual + Other)
	// Balanced is true when the claim has payments and Imbalance is 0. A
	// claim without payments has nothing to balance: Balanced is false and
	// Imbalance is its charge.
	Balanced            bool                  `json:"balanced"`
	Payments            []ClaimPaymentBalance `json:"payments"`
	ProviderAdjustments []ProviderAdjustment  `json:"provider_adjustments"` // PLBs naming the claim: not part of the balance
}

// ClaimPaymentBalance is one CLP of a claim with its adjustments summed by
// group.
type ClaimPaymentBalance struct {
	PaymentID   int64       `json:"payment_id"`
	TraceNumber string      `json:"trace_number"`
	PaymentDate string      `json:"payment_date"`
	StatusCode  string      `json:"status_code"` // CLP02; 22 is a reversal
	Charge      money.Cents `json:"charge"`
	Paid        money.Cents `json:"paid"`
	PatientResp money.Cents `json:"patient_responsibility"` // CAS PR
	Contractual money.Cents `json:"contractual"`            // CAS CO
	Other       money.Cents `json:"other_adjustments"`
	ReportedPR  money.Cents `json:"clp05_patient_responsibility"` // CLP05
}

// ClaimBalance checks a claim against everything paid and adjusted on it.
func (l *Ledger) ClaimBalance(ctx context.Context, claimID string) (*ClaimBalance, error) {
	b := &ClaimBalance{ClaimID: claimID}
	var charge int64
	err := l.db.QueryRowContext(ctx, `SELECT payer_id, pcn, status, charge_cents FROM claims WHERE id = $1`, claimID).
		Scan(&b.PayerID, &b.PCN, &b.Status, &charge)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, err)
	}
	b.Charge = money.Cents(charge)
	err = queryEach(ctx, l.db, "claim "+claimID+" balance", `SELECT p.id, p.trace_number, p.payment_date, p.status_code, p.charge_cents, p.paid_cents, p.patient_resp_cents,
			COALESCE(SUM(CASE WHEN a.group_code = 'PR' THEN a.amount_cents ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN a.group_code = 'CO' THEN a.amount_cents ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN a.group_code NOT IN ('PR', 'CO') THEN a.amount_cents ELSE 0 END), 0)
		FROM claim_payments p LEFT JOIN claim_adjustments a ON a.payment_id = p.id
		WHERE p.claim_id = $1
		GROUP BY p.id, p.trace_number, p.payment_date, p.status_code, p.charge_cents, p.paid_cents, p.patient_resp_cents
		ORDER BY p.id`, []any{claimID}, func(row scanner) error {
		var p ClaimPaymentBalance
		var c, paid, rpr, pr, co, other int64
		if err := row.Scan(&p.PaymentID, &p.TraceNumber, &p.PaymentDate, &p.StatusCode, &c, &paid, &rpr, &pr, &co, &other); err != nil {
			return err
		}
		p.Charge, p.Paid, p.ReportedPR = money.Cents(c), money.Cents(paid), money.Cents(rpr)
		p.PatientResp, p.Contractual, p.Other = money.Cents(pr), money.Cents(co), money.Cents(other)
		b.Payments = append(b.Payments, p)
		b.Adjudicated += p.Charge
		b.Paid += p.Paid
		b.ReportedPR += p.ReportedPR
		b.PatientResp += p.PatientResp
		b.Contractual += p.Contractual
		b.Other += p.Other
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.Imbalance = b.Charge - (b.Paid + b.PatientResp + b.Contractual + b.Other)
	b.Balanced = len(b.Payments) > 0 && b.Imbalance == 0
	if b.ProviderAdjustments, err = l.providerAdjustments(ctx, `claim_id = $1`, claimID); err != nil {
		return nil, err
	}
	return b, nil
}

// Aging buckets, by whole days since a claim was first submitted.
var AgingBuckets = []string{"0-30", "31-60", "61-90", "90+"}

// AgingRow is the open claims of one payer in one aging bucket.
type AgingRow struct {
	PayerID string
	Bucket  string // one of AgingBuckets
	Claims  int
	Charge  money.Cents
}

// Aging counts the open claims (OpenStatuses) by payer and days since
// their first submission at asOf: 0–30, 31–60, 61–90, over 90. Every payer
// with an open claim has a row for each bucket, in payer then bucket order.
func (l *Ledger) Aging(ctx context.Context, payerID string, asOf time.Time) ([]AgingRow, error) {
	var out []AgingRow
	// The open claims first (by status), then each one's first submission
	// (by the history's index of status and claim): not the first
	// submission of every claim ever sent.
	err := queryEach(ctx, l.db, "aging", `SELECT payer_id, bucket, count(*), COALESCE(SUM(charge_cents), 0) FROM (
			SELECT payer_id, charge_cents, CASE
				WHEN ($1 - at) / 86400000 <= 30 THEN '0-30'
				WHEN ($1 - at) / 86400000 <= 60 THEN '31-60'
				WHEN ($1 - at) / 86400000 <= 90 THEN '61-90'
				ELSE '90+' END AS bucket
			FROM (SELECT c.payer_id, c.charge_cents, (SELECT MIN(h.at) FROM claim_history h WHERE h.claim_id = c.id AND h.to_status = $2) AS at
				FROM claims c WHERE c.status IN ($3, $4, $5, $6, $7) AND ($8 = '' OR c.payer_id = $8)) s
			WHERE at IS NOT NULL
		) o GROUP BY payer_id, bucket ORDER BY payer_id, bucket`,
		[]any{asOf.UnixMilli(), StatusSubmitted, OpenStatuses[0], OpenStatuses[1], OpenStatuses[2], OpenStatuses[3], OpenStatuses[4], payerID},
		func(row scanner) error {
			var r AgingRow
			var charge int64
			if err := row.Scan(&r.PayerID, &r.Bucket, &r.Claims, &charge); err != nil {
				return err
			}
			r.Charge = money.Cents(charge)
			if len(out) == 0 || out[len(out)-1].PayerID != r.PayerID {
				for _, b := range AgingBuckets {
					out = append(out, AgingRow{PayerID: r.PayerID, Bucket: b})
				}
			}
			for i := len(out) - len(AgingBuckets); i < len(out); i++ {
				if out[i].Bucket == r.Bucket {
					out[i] = r
				}
			}
			return nil
		})
	return out, err
}

// ReportFilter selects what a report covers. Zero fields select all;
// dates are YYYY-MM-DD, both inclusive.
type ReportFilter struct {
	PayerID string
	From    string
	To      string
}

// DenialRow is the denials of one payer with one adjustment group, CARC
// and RARC.
type DenialRow struct {
	PayerID string
	Group   string // CAS01: CO, OA, PI, CR
	CARC    string // CAS02
	RARC    string // the remark on the same CLP or line (the lowest code when several), "" if none
	Count   int    // denial adjustments; a reversal's negative one subtracts
	Claims  int    // distinct claims
	Amount  money.Cents
}

// Denials groups the denied amounts by payer, CARC and RARC. A denial is a
// CAS adjustment other than patient responsibility (PR) on a denied CLP
// (CLP02 4), or on a service line paid nothing of which the patient owes
// nothing either (a line the patient's copay took whole is not denied;
// nor is a line of a predetermination, CLP02 25, an estimate).
// The reversal of a denial (its negative adjustments) subtracts from it.
// Dates are payment dates.
func (l *Ledger) Denials(ctx context.Context, f ReportFilter) ([]DenialRow, error) {
	return queryAll(ctx, l.db, "denials", `SELECT payer_id, group_code, reason_code, rarc,
			SUM(CASE WHEN amount_cents > 0 THEN 1 WHEN amount_cents < 0 THEN -1 ELSE 0 END), count(DISTINCT claim_id), SUM(amount_cents)
		FROM (
			SELECT c.payer_id, a.group_code, a.reason_code, p.claim_id, a.amount_cents,
				COALESCE((SELECT MIN(r.code) FROM claim_remarks r WHERE r.payment_id = a.payment_id AND r.line_no = a.line_no), '') AS rarc
			FROM claim_adjustments a JOIN claim_payments p ON p.id = a.payment_id JOIN claims c ON c.id = p.claim_id
			WHERE a.group_code <> 'PR'
				AND (p.status_code = '4'
					OR (p.status_code = '22' AND a.line_no = 0 AND EXISTS (SELECT 1 FROM claim_payments d -- the reversal of a denial
						WHERE d.claim_id = p.claim_id AND d.payer_claim_number = p.payer_claim_number AND d.status_code = '4' AND d.id < p.id))
					OR (a.line_no <> 0 -- a claim line, or an SVC that matched none
					AND p.status_code <> '25' -- a predetermination's estimate pays no line: not a denial
					AND EXISTS (SELECT 1 FROM line_payments lp WHERE lp.payment_id = a.payment_id AND lp.line_no = a.line_no AND lp.paid_cents = 0)
					AND NOT EXISTS (SELECT 1 FROM claim_adjustments pr WHERE pr.payment_id = a.payment_id AND pr.line_no = a.line_no
						AND pr.group_code = 'PR' AND pr.amount_cents <> 0)))
				AND ($1 = '' OR c.payer_id = $1) AND ($2 = '' OR p.payment_date >= $2) AND ($3 = '' OR p.payment_date <= $3)
		) d GROUP BY payer_id, group_code, reason_code, rarc
		ORDER BY payer_id, SUM(amount_cents) DESC, group_code, reason_code, rarc`, []any{f.PayerID, f.From, f.To}, func(row scanner) (DenialRow, error) {
		var r DenialRow
		var amount int64
		err := row.Scan(&r.PayerID, &r.Group, &r.CARC, &r.RARC, &r.Count, &r.Claims, &amount)
		r.Amount = money.Cents(amount)
		return r, err
	})
}

// RejectionRow is the claims of one payer rejected by one kind of answer
// for one reason.
type RejectionRow struct {
	PayerID    string
	SourceKind string // TA1, 999, 277CA, 277, manual ...
	Reason     string
	Claims     int
	Charge     money.Cents
}

// Rejections groups the changes to rejected in the claims' history by
// payer, source kind and reason. Dates are when the rejection was recorded
// (UTC).
func (l *Ledger) Rejections(ctx context.Context, f ReportFilter) ([]RejectionRow, error) {
	from, to, err := millisRange(f.From, f.To)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, l.db, "rejections", `SELECT c.payer_id, h.source_kind, h.reason, count(DISTINCT c.id), COALESCE(SUM(c.charge_cents), 0)
		FROM claim_history h JOIN claims c ON c.id = h.claim_id
		WHERE h.to_status = $1 AND ($2 = '' OR c.payer_id = $2) AND h.at >= $3 AND h.at < $4
		GROUP BY c.payer_id, h.source_kind, h.reason
		ORDER BY c.payer_id, count(DISTINCT c.id) DESC, h.source_kind, h.reason`, []any{StatusRejected, f.PayerID, from, to}, func(row scanner) (RejectionRow, error) {
		var r RejectionRow
		var charge int64
		err := row.Scan(&r.PayerID, &r.SourceKind, &r.Reason, &r.Claims, &charge)
		r.Charge = money.Cents(charge)
		return r, err
	})
}

// millisRange turns inclusive YYYY-MM-DD dates into a half-open range of
// unix milliseconds (UTC).
func millisRange(from, to string) (int64, int64, error) {
	lo, hi := int64(0), int64(1<<62)
	if from != "" {
		t, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return 0, 0, fmt.Errorf("ledger: from: %w", err)
		}
		lo = t.UnixMilli()
	}
	if to != "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return 0, 0, fmt.Errorf("ledger: to: %w", err)
		}
		hi = t.AddDate(0, 0, 1).UnixMilli()
	}
	return lo, hi, nil
}

// DailyRow is one day's totals.
type DailyRow struct {
	Date        string      // YYYY-MM-DD (UTC for submissions; BPR16 for payments)
	Submitted   int         // claims first submitted that day
	Billed      money.Cents // their charges
	Paid        money.Cents // Σ CLP04 of the payments dated that day
	PatientResp money.Cents // Σ CLP05 of those payments
	Adjusted    money.Cents // Σ CAS other than PR of those payments
}

// Daily totals, by day: billed by first submission date, paid, patient
// responsibility and adjusted by payment date. Days with nothing are left
// out.
func (l *Ledger) Daily(ctx context.Context, f ReportFilter) ([]DailyRow, error) {
	return queryAll(ctx, l.db, "daily totals", `SELECT day, SUM(n), SUM(billed), SUM(paid), SUM(pr), SUM(adj) FROM (
			SELECT `+l.dayOf("s.at")+` AS day, 1 AS n, c.charge_cents AS billed, 0 AS paid, 0 AS pr, 0 AS adj
				FROM claims c JOIN (SELECT claim_id, MIN(at) AS at FROM claim_history WHERE to_status = $1 GROUP BY claim_id) s ON s.claim_id = c.id
				WHERE $2 = '' OR c.payer_id = $2
			UNION ALL
			SELECT p.payment_date, 0, 0, p.paid_cents, p.patient_resp_cents, 0
				FROM claim_payments p JOIN claims c ON c.id = p.claim_id WHERE $2 = '' OR c.payer_id = $2
			UNION ALL
			SELECT p.payment_date, 0, 0, 0, 0, a.amount_cents
				FROM claim_adjustments a JOIN claim_payments p ON p.id = a.payment_id JOIN claims c ON c.id = p.claim_id
				WHERE a.group_code <> 'PR' AND ($2 = '' OR c.payer_id = $2)
		) d WHERE ($3 = '' OR day >= $3) AND ($4 = '' OR day <= $4)
		GROUP BY day ORDER BY day`, []any{StatusSubmitted, f.PayerID, f.From, f.To}, func(row scanner) (DailyRow, error) {
		var r DailyRow
		var billed, paid, pr, adj int64
		err := row.Scan(&r.Date, &r.Submitted, &billed, &paid, &pr, &adj)
		r.Billed, r.Paid, r.PatientResp, r.Adjusted = money.Cents(billed), money.Cents(paid), money.Cents(pr), money.Cents(adj)
		return r, err
	})
}

// dayOf is the SQL for the UTC date (YYYY-MM-DD) of a unix milliseconds
// column.
func (l *Ledger) dayOf(col string) string {
	if l.driver == Postgres {
		return "to_char(to_timestamp(" + col + " / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "strftime('%Y-%m-%d', " + col + " / 1000, 'unixepoch')"
}

// pageSize is a page's size: 100 by default, at most 1000.
func pageSize(n int) int {
	if n <= 0 {
		return 100
	}
	return min(n, 1000)
}

// Totals sums up the ledger: what a run of the demo reports, and what an
// operator checks first.
type Totals struct {
	Claims         int
	Encounters     int            // claims to an encounter's first payer: one an encounter
	ByStatus       map[Status]int // where claims stand now
	Reached        map[Status]int // claims that were ever in each status
	Charge         money.Cents    // billed, valid claims to the first payer only (an encounter's charge once)
	Paid           money.Cents    // every CLP04 applied, reversals included, every payer's
	PatientResp    money.Cents    // what the patients owe at last: CLP05 of each encounter's last payer that adjudicated
	Files          int            // outbound files built
	InboundFiles   int
	OpenExceptions int
	// Coordination of benefits: the claims to the payers after the first
	// (voids not counted), what those paid, and how many of them the
	// payer before crossed over (never billed by the gateway).
	SecondaryClaims int
	SecondaryPaid   money.Cents
	Crossovers      int
}

// Totals reads the ledger's totals.
func (l *Ledger) Totals(ctx context.Context) (*Totals, error) {
	t := &Totals{Reached: map[Status]int{}}
	var err error
	if t.ByStatus, err = l.CountByStatus(ctx); err != nil {
		return nil, err
	}
	for _, n := range t.ByStatus {
		t.Claims += n
	}
	err = queryEach(ctx, l.db, "totals", `SELECT to_status, count(DISTINCT claim_id) FROM claim_history GROUP BY to_status`, nil, func(row scanner) error {
		var s Status
		var n int
		err := row.Scan(&s, &n)
		t.Reached[s] = n
		return err
	})
	if err != nil {
		return nil, err
	}
	var charge, paid, pr, secPaid int64
	// A patient's share is the last payer's: a claim's CLP05s count unless
	// a claim to the payer after it (not voided) has a payment.
	err = l.db.QueryRowContext(ctx, `SELECT
			(SELECT COALESCE(SUM(charge_cents), 0) FROM claims WHERE status <> $1 AND responsibility = 'P'),
			(SELECT COALESCE(SUM(paid_cents), 0) FROM claim_payments),
			(SELECT COALESCE(SUM(p.patient_resp_cents), 0) FROM claim_payments p WHERE NOT EXISTS (
				SELECT 1 FROM claims n JOIN claim_payments np ON np.claim_id = n.id
				WHERE n.prior_claim_id = p.claim_id AND n.status <> $2 AND n.id NOT LIKE $3)),
			(SELECT count(*) FROM files),
			(SELECT count(*) FROM inbound_files),
			(SELECT count(*) FROM exceptions WHERE status = 'open'),
			(SELECT count(*) FROM claims WHERE responsibility = 'P'),
			(SELECT count(*) FROM claims WHERE responsibility <> 'P' AND id NOT LIKE $3),
			(SELECT COALESCE(SUM(p.paid_cents), 0) FROM claim_payments p JOIN claims c ON c.id = p.claim_id WHERE c.responsibility <> 'P'),
			(SELECT count(*) FROM claims WHERE responsibility <> 'P' AND id NOT LIKE $3 AND file_id = '' AND status NOT IN ($4, $2))`,
		StatusInvalid, StatusVoided, "%"+voidSuffix, StatusQueued).
		Scan(&charge, &paid, &pr, &t.Files, &t.InboundFiles, &t.OpenExceptions, &t.Encounters, &t.SecondaryClaims, &secPaid, &t.Crossovers)
	if err != nil {
		return nil, fmt.Errorf("ledger: totals: %w", err)
	}
	t.Charge, t.Paid, t.PatientResp, t.SecondaryPaid = money.Cents(charge), money.Cents(paid), money.Cents(pr), money.Cents(secPaid)
	return t, nil
}
