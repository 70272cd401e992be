package report

import (
	"context"
	"fmt"
	"strconv"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Balances: payments (835 transaction sets) checked against what they pay,
// a page of them or one, and claims checked against what was paid and
// adjusted on them.

func cents(c money.Cents) string { return c.String() }
func itoa(n int) string          { return strconv.Itoa(n) }
func itoa64(n int64) string      { return strconv.FormatInt(n, 10) }

// paymentJSON is a payment as the reports give it in JSON, with its
// exceptions in their JSON form.
type paymentJSON struct {
	ledger.PaymentBalance
	Exceptions []Exception `json:"exceptions,omitempty"`
}

func toPayment(p ledger.PaymentBalance, detail bool) paymentJSON {
	p.Claims = nonNil(p.Claims)
	out := paymentJSON{PaymentBalance: p}
	if detail {
		out.Exceptions = toExceptions(p.Exceptions)
	}
	return out
}

// nonNil is s, or an empty slice for nil: a JSON list is [], never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// payments is a page of payments: one row per payment.
var payments = list[ledger.PaymentBalance]{
	name: "payments", key: "payments",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.PaymentBalance, error) {
		return l.ListPayments(ctx, ledger.PaymentFilter{PayerID: q.PayerID, From: q.From, To: q.To, After: q.After, Limit: q.Limit, WithoutClaims: q.Brief})
	},
	columns: []string{"remittance_id", "payer_id", "trace_number", "payment_date", "method", "amount", "claims_paid", "plb", "expected",
		"difference", "balanced", "matched_paid", "unmatched_paid", "claims"},
	values: func(p ledger.PaymentBalance) []any {
		return []any{p.RemittanceID, p.PayerID, p.TraceNumber, p.PaymentDate, p.Method, p.Amount, p.ClaimsPaid, p.PLB, p.Expected,
			p.Difference, p.Balanced, p.MatchedPaid, p.UnmatchedPaid, p.ClaimCount}
	},
	row: func(p ledger.PaymentBalance) any { return toPayment(p, false) },
	id:  func(p ledger.PaymentBalance) int64 { return p.RemittanceID },
}

// payment is one payment by its trace number (and the Filter's payer, when
// two payers used the same one).
var payment = one[ledger.PaymentBalance]{
	name: "payment", key: "trace",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) (*ledger.PaymentBalance, error) {
		return l.PaymentBalance(ctx, q.PayerID, q.Key)
	},
	report: paymentReport,
}

// claim is one claim's balance, by its id.
var claim = one[ledger.ClaimBalance]{
	name: "claim", key: "id",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) (*ledger.ClaimBalance, error) {
		return l.ClaimBalance(ctx, q.Key)
	},
	report: claimReport,
}

// paymentReport is one payment's balance, one row per item of the sum
// BPR02 = Σ CLP04 − Σ PLB: the CLPs, the unmatched CLPs, the PLBs, then the
// expected amount and the difference.
func paymentReport(p *ledger.PaymentBalance) Report {
	cols := []string{"item", "claim_id", "pcn", "code", "position", "amount"}
	rep := Report{Name: "payment-" + p.TraceNumber, JSON: toPayment(*p, true), Columns: cols, Right: right(cols, "position", "amount"), Unbalanced: !p.Balanced,
		Title: fmt.Sprintf("payment %s of %s on %s (remittance %d, %s, 835 ST02 %s): %s", p.TraceNumber, p.PayerID, p.PaymentDate,
			p.RemittanceID, p.Method, p.ST02, map[bool]string{true: "balanced", false: "unbalanced by " + p.Difference.String()}[p.Balanced])}
	add := func(item, claimID, pcn, code string, pos int, amount money.Cents) {
		ps := ""
		if pos > 0 {
			ps = itoa(pos)
		}
		rep.Rows = append(rep.Rows, []string{item, claimID, pcn, code, ps, cents(amount)})
	}
	add("BPR02", "", "", p.CreditDebit, 0, p.Amount)
	for _, c := range p.Claims {
		add("CLP04", c.ClaimID, c.PCN, c.StatusCode, c.Position, c.Paid)
	}
	for _, e := range p.Exceptions {
		code := "exception " + itoa64(e.ID) + " " + e.Status
		if e.Count > 1 {
			code += fmt.Sprintf(" (%d CLPs of the file)", e.Count)
		}
		add("CLP04 unmatched", "", e.PCN, code, e.Position, 0)
	}
	if p.UnmatchedPaid != 0 || len(p.Exceptions) > 0 {
		add("CLP04 unmatched total", "", "", "", 0, p.UnmatchedPaid)
	}
	for _, a := range p.ProviderAdjustments {
		code := a.Reason
		if a.Reference != "" {
			code += ":" + a.Reference
		}
		add("PLB", a.ClaimID, "", code, a.Position, a.Amount)
	}
	add("expected", "", "", "CLP04-PLB", 0, p.Expected)
	add("difference", "", "", map[bool]string{true: "balanced", false: "unbalanced"}[p.Balanced], 0, p.Difference)
	return rep
}

// claimReport is a claim's balance: one row per CLP, then the total. A
// claim without payments has nothing to balance: it is not Unbalanced.
func claimReport(b *ledger.ClaimBalance) Report {
	out := *b
	out.Payments, out.ProviderAdjustments = nonNil(b.Payments), nonNil(b.ProviderAdjustments)
	cols := []string{"row", "trace_number", "payment_date", "status_code", "charge", "paid", "patient_resp", "contractual", "other", "imbalance"}
	rep := Report{Name: "claim-" + b.ClaimID, Columns: cols, Right: right(cols, "charge", "paid", "patient_resp", "contractual", "other", "imbalance"),
		Unbalanced: len(b.Payments) > 0 && !b.Balanced}
	for _, p := range b.Payments {
		rep.Rows = append(rep.Rows, []string{"payment " + itoa64(p.PaymentID), p.TraceNumber, p.PaymentDate, p.StatusCode, cents(p.Charge),
			cents(p.Paid), cents(p.PatientResp), cents(p.Contractual), cents(p.Other), ""})
	}
	state := "unbalanced"
	switch {
	case b.Balanced:
		state = "balanced"
	case len(b.Payments) == 0:
		state = "no payments"
	}
	rep.Title = fmt.Sprintf("claim %s of %s (PCN %s, %s): %s", b.ClaimID, b.PayerID, b.PCN, b.Status, state)
	if state == "unbalanced" {
		rep.Title += " by " + b.Imbalance.String()
	}
	rep.Rows = append(rep.Rows, []string{"claim " + b.ClaimID, "", "", state, cents(b.Charge), cents(b.Paid), cents(b.PatientResp),
		cents(b.Contractual), cents(b.Other), cents(b.Imbalance)})
	rep.JSON = out
	return rep
}

// encounter is one encounter's balance across its payers' claims (the
// first payer's, and those to the payers after it), by its id.
var encounter = one[ledger.EncounterBalance]{
	name: "encounter", key: "id",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) (*ledger.EncounterBalance, error) {
		return l.EncounterBalance(ctx, q.Key)
	},
	report: encounterReport,
}

// encounterReport is an encounter's balance: one row per payer's claim,
// then the encounter's: charge = paid + adjustments + the patient's final
// responsibility.
func encounterReport(b *ledger.EncounterBalance) Report {
	cols := []string{"row", "payer_id", "responsibility", "status", "charge", "paid", "adjustments", "patient_resp"}
	state := map[bool]string{true: "balanced", false: "unbalanced"}[b.Balanced]
	rep := Report{Name: "encounter-" + b.EncounterID, Columns: cols, Right: right(cols, "charge", "paid", "adjustments", "patient_resp"),
		Unbalanced: !b.Balanced, JSON: b,
		Title: fmt.Sprintf("encounter %s, %d payer claims: %s", b.EncounterID, len(b.Claims), state)}
	for _, c := range b.Claims {
		rep.Rows = append(rep.Rows, []string{"claim " + c.ClaimID, c.PayerID, c.Responsibility, string(c.Status), "", cents(c.Paid), cents(c.Adjustments), cents(c.PatientResp)})
	}
	rep.Rows = append(rep.Rows, []string{"encounter " + b.EncounterID, "", "", state, cents(b.Charge), cents(b.Paid), cents(b.Adjustments), cents(b.PatientResp)})
	return rep
}
