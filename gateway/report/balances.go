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

type paymentClaimJSON struct {
	PaymentID        int64       `json:"payment_id"`
	ClaimID          string      `json:"claim_id"`
	PCN              string      `json:"pcn"`
	Position         int         `json:"position"`
	StatusCode       string      `json:"status_code"`
	Charge           money.Cents `json:"charge"`
	Paid             money.Cents `json:"paid"`
	PatientResp      money.Cents `json:"patient_responsibility"`
	PayerClaimNumber string      `json:"payer_claim_number"`
}

type plbJSON struct {
	ProviderID       string      `json:"provider_id"`
	FiscalPeriodDate string      `json:"fiscal_period_date"`
	Reason           string      `json:"reason"`
	Reference        string      `json:"reference"`
	Amount           money.Cents `json:"amount"`
	ClaimID          string      `json:"claim_id"`
	Position         int         `json:"position"`
}

func toPLBs(ps []ledger.ProviderAdjustment) []plbJSON {
	out := []plbJSON{}
	for _, p := range ps {
		out = append(out, plbJSON{p.ProviderID, p.FiscalPeriodDate, p.Reason, p.Reference, p.Amount, p.ClaimID, p.Position})
	}
	return out
}

type paymentJSON struct {
	RemittanceID  int64              `json:"remittance_id"`
	PayerID       string             `json:"payer_id"`
	TraceNumber   string             `json:"trace_number"`
	OriginatorID  string             `json:"originator_id"`
	PaymentDate   string             `json:"payment_date"`
	CreditDebit   string             `json:"credit_debit"`
	Method        string             `json:"method"`
	InboundSHA256 string             `json:"inbound_sha256"`
	ST02          string             `json:"st02"`
	Amount        money.Cents        `json:"amount"`
	ClaimsPaid    money.Cents        `json:"claims_paid"`
	PLB           money.Cents        `json:"provider_adjustments_total"`
	Expected      money.Cents        `json:"expected"`
	Difference    money.Cents        `json:"difference"`
	Balanced      bool               `json:"balanced"`
	MatchedPaid   money.Cents        `json:"matched_paid"`
	UnmatchedPaid money.Cents        `json:"unmatched_paid"`
	Claims        []paymentClaimJSON `json:"claims"`
	PLBs          []plbJSON          `json:"provider_adjustments,omitempty"`
	Exceptions    []Exception        `json:"exceptions,omitempty"`
}

func toPayment(p ledger.PaymentBalance, detail bool) paymentJSON {
	out := paymentJSON{
		RemittanceID: p.RemittanceID, PayerID: p.PayerID, TraceNumber: p.TraceNumber, OriginatorID: p.OriginatorID,
		PaymentDate: p.PaymentDate, CreditDebit: p.CreditDebit, Method: p.Method, InboundSHA256: p.InboundSHA256, ST02: p.ST02,
		Amount: p.Amount, ClaimsPaid: p.ClaimsPaid, PLB: p.PLB, Expected: p.Expected, Difference: p.Difference, Balanced: p.Balanced,
		MatchedPaid: p.MatchedPaid, UnmatchedPaid: p.UnmatchedPaid, Claims: []paymentClaimJSON{},
	}
	for _, c := range p.Claims {
		out.Claims = append(out.Claims, paymentClaimJSON{c.PaymentID, c.ClaimID, c.PCN, c.Position, c.StatusCode, c.Charge, c.Paid, c.PatientResp, c.PayerClaimNumber})
	}
	if detail {
		out.PLBs = toPLBs(p.ProviderAdjustments)
		out.Exceptions = toExceptions(p.Exceptions)
	}
	return out
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
		add("CLP04 unmatched", "", e.PCN, "exception "+itoa64(e.ID)+" "+e.Status, e.Position, 0)
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

type claimPaymentJSON struct {
	PaymentID   int64       `json:"payment_id"`
	TraceNumber string      `json:"trace_number"`
	PaymentDate string      `json:"payment_date"`
	StatusCode  string      `json:"status_code"`
	Charge      money.Cents `json:"charge"`
	Paid        money.Cents `json:"paid"`
	PatientResp money.Cents `json:"patient_responsibility"`
	Contractual money.Cents `json:"contractual"`
	Other       money.Cents `json:"other_adjustments"`
	ReportedPR  money.Cents `json:"clp05_patient_responsibility"`
}

// Claim is a claim's balance: one row per CLP, then the total.
func Claim(b *ledger.ClaimBalance) Report {
	out := struct {
		ClaimID     string             `json:"claim_id"`
		PayerID     string             `json:"payer_id"`
		PCN         string             `json:"pcn"`
		Status      string             `json:"status"`
		Charge      money.Cents        `json:"charge"`
		Adjudicated money.Cents        `json:"adjudicated_charge"`
		Paid        money.Cents        `json:"paid"`
		PatientResp money.Cents        `json:"patient_responsibility"`
		Contractual money.Cents        `json:"contractual"`
		Other       money.Cents        `json:"other_adjustments"`
		ReportedPR  money.Cents        `json:"clp05_patient_responsibility"`
		Imbalance   money.Cents        `json:"imbalance"`
		Balanced    bool               `json:"balanced"`
		Payments    []claimPaymentJSON `json:"payments"`
		PLBs        []plbJSON          `json:"provider_adjustments"`
	}{b.ClaimID, b.PayerID, b.PCN, string(b.Status), b.Charge, b.Adjudicated, b.Paid, b.PatientResp, b.Contractual, b.Other,
		b.ReportedPR, b.Imbalance, b.Balanced, []claimPaymentJSON{}, toPLBs(b.ProviderAdjustments)}
	cols := []string{"row", "trace_number", "payment_date", "status_code", "charge", "paid", "patient_resp", "contractual", "other", "imbalance"}
	rep := Report{Name: "claim-" + b.ClaimID, Columns: cols, Right: right(cols, "charge", "paid", "patient_resp", "contractual", "other", "imbalance")}
	for _, p := range b.Payments {
		out.Payments = append(out.Payments, claimPaymentJSON{p.PaymentID, p.TraceNumber, p.PaymentDate, p.StatusCode, p.Charge, p.Paid,
			p.PatientResp, p.Contractual, p.Other, p.ReportedPR})
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

// ReadPayments is a page of payments after the remittance id after, limit
// at most.
func ReadPayments(ctx context.Context, l *ledger.Ledger, f Filter, after int64, limit int) (Report, error) {
	ps, err := l.ListPayments(ctx, ledger.PaymentFilter{PayerID: f.PayerID, From: f.From, To: f.To, After: after, Limit: limit + 1})
	if err != nil {
		return Report{}, err
	}
	next := ""
	if len(ps) > limit {
		ps = ps[:limit]
		next = itoa64(ps[limit-1].RemittanceID)
	}
	return Payments(ps, next), nil
}

// AllPayments is every payment the filter selects, as one report.
func AllPayments(ctx context.Context, l *ledger.Ledger, f Filter) (Report, error) {
	var all []ledger.PaymentBalance
	pf := ledger.PaymentFilter{PayerID: f.PayerID, From: f.From, To: f.To, Limit: 1000}
	for {
		page, err := l.ListPayments(ctx, pf)
		if err != nil {
			return Report{}, err
		}
		all = append(all, page...)
		if len(page) < pf.Limit {
			return Payments(all, ""), nil
		}
		pf.After = page[len(page)-1].RemittanceID
	}
}
