package report

import (
	"context"
	"fmt"
	"strconv"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Balances: payments (835 transaction sets) checked against what they pay,
// and claims checked against what was paid and adjusted on them.

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

// Payments is a page of payments: one row per payment.
func Payments(ps []ledger.PaymentBalance, next string) Report {
	cols := []string{"remittance_id", "payer_id", "trace_number", "payment_date", "method", "amount", "claims_paid", "plb", "expected",
		"difference", "balanced", "matched_paid", "unmatched_paid", "claims"}
	rep := Report{Name: "payments", Columns: cols, Next: next,
		Right: right(cols, "remittance_id", "amount", "claims_paid", "plb", "expected", "difference", "matched_paid", "unmatched_paid", "claims")}
	page := struct {
		Payments []paymentJSON `json:"payments"`
		Next     string        `json:"next"`
	}{Payments: []paymentJSON{}, Next: next}
	for _, p := range ps {
		page.Payments = append(page.Payments, toPayment(p, false))
		rep.Rows = append(rep.Rows, []string{itoa64(p.RemittanceID), p.PayerID, p.TraceNumber, p.PaymentDate, p.Method, cents(p.Amount),
			cents(p.ClaimsPaid), cents(p.PLB), cents(p.Expected), cents(p.Difference), strconv.FormatBool(p.Balanced),
			cents(p.MatchedPaid), cents(p.UnmatchedPaid), itoa(len(p.Claims))})
	}
	rep.JSON = page
	return rep
}

// Payment is one payment's balance, one row per item of the sum
// BPR02 = Σ CLP04 − Σ PLB: the CLPs, the unmatched CLPs, the PLBs, then the
// expected amount and the difference.
func Payment(p *ledger.PaymentBalance) Report {
	cols := []string{"item", "claim_id", "pcn", "code", "position", "amount"}
	rep := Report{Name: "payment-" + p.TraceNumber, JSON: toPayment(*p, true), Columns: cols, Right: right(cols, "position", "amount"),
		Title: fmt.Sprintf("payment %s of %s on %s (remittance %d, %s, 835 ST02 %s): %s", p.TraceNumber, p.PayerID, p.PaymentDate,
			p.RemittanceID, p.Method, p.ST02, map[bool]string{true: "balanced", false: "unbalanced by " + p.Difference.String()}[p.Balanced])}
	add := func(item, claim, pcn, code string, pos int, amount money.Cents) {
		ps := ""
		if pos > 0 {
			ps = itoa(pos)
		}
		rep.Rows = append(rep.Rows, []string{item, claim, pcn, code, ps, cents(amount)})
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

// Claim is a claim's balance: one row per CLP, then the total.
func Claim(b *ledger.ClaimBalance) Report {
	out := *b
	out.Payments, out.ProviderAdjustments = nonNil(b.Payments), nonNil(b.ProviderAdjustments)
	cols := []string{"row", "trace_number", "payment_date", "status_code", "charge", "paid", "patient_resp", "contractual", "other", "imbalance"}
	rep := Report{Name: "claim-" + b.ClaimID, Columns: cols, Right: right(cols, "charge", "paid", "patient_resp", "contractual", "other", "imbalance")}
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

// ReadPayments is a page of the payments the filter selects after the
// remittance id after, limit at most, or all of them for limit 0.
func ReadPayments(ctx context.Context, l *ledger.Ledger, f Filter, after int64, limit int) (Report, error) {
	ps, next, err := page(func(after int64, limit int) ([]ledger.PaymentBalance, error) {
		return l.ListPayments(ctx, ledger.PaymentFilter{PayerID: f.PayerID, From: f.From, To: f.To, After: after, Limit: limit})
	}, func(p ledger.PaymentBalance) int64 { return p.RemittanceID }, after, limit)
	return Payments(ps, next), err
}
