package ledgertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Recon is what SeedRecon put in a ledger, for the reconciliation tests.
type Recon struct {
	Trace1, Trace2 string // the two payments' trace numbers
	SHA1, SHA2     string // their 835 files
	ExceptionID    int64  // the unmatched CLP of the first payment
}

// Payment dates of SeedRecon's payments.
const (
	ReconDate1 = "2026-11-20"
	ReconDate2 = "2026-11-21"
)

// SeedRecon fills a ledger for the reconciliation tests, every claim
// submitted now:
//
//	C1 SIMPAYER 100.00  paid 60.00, PR-3 20.00, CO-45 20.00          (payment 1)  balanced
//	C2 SIMPAYER 200.00  line 1 paid 80.00 CO-45 20.00; line 2 denied
//	                    CO-97 100.00 remark M15                       (payment 1)  balanced
//	C3 SIMPAYER  50.00  CLP02 4, CO-50 50.00 remark N130              (payment 1)  balanced
//	C4 SIMPAYER 120.00  paid 100.00 CO-45 20.00 (payment 1); reversed
//	                    and paid 110.00 CO-45 10.00 (payment 2)                    balanced
//	C5 SIMPAYER  75.00  paid 50.00, CO-45 20.00                       (payment 1)  5.00 short
//	C6 SIMPAYER  40.00  submitted, open
//	C7 OTHER     30.00  submitted, open
//	C8 SIMPAYER  10.00  rejected by a 277CA, A7:164:IL
//	C9 SIMPAYER  20.00  rejected by a 999, 999 R: IK5 5
//
// Payment 1 (TRACE1, 2026-11-20): BPR02 320.00 = CLP04 60 + 80 + 0 + 100
// + 50, and 30.00 on a CLP for PCN NOPE that matched nothing (an
// exception): balanced. Payment 2 (TRACE2, 2026-11-21): BPR02 11.00 for
// CLP04 −100.00 + 110.00 and PLB L6 −1.37 (interest): 0.37 short.
func SeedRecon(t testing.TB, l *ledger.Ledger) Recon {
	t.Helper()
	ctx := context.Background()
	claims := []struct {
		id, payer string
		charge    money.Cents
		lines     []money.Cents
	}{
		{"C1", "SIMPAYER", 10000, []money.Cents{10000}},
		{"C2", "SIMPAYER", 20000, []money.Cents{10000, 10000}},
		{"C3", "SIMPAYER", 5000, []money.Cents{5000}},
		{"C4", "SIMPAYER", 12000, []money.Cents{12000}},
		{"C5", "SIMPAYER", 7500, []money.Cents{7500}},
		{"C6", "SIMPAYER", 4000, []money.Cents{4000}},
		{"C7", "OTHER", 3000, []money.Cents{3000}},
		{"C8", "SIMPAYER", 1000, []money.Cents{1000}},
		{"C9", "SIMPAYER", 2000, []money.Cents{2000}},
	}
	for _, c := range claims {
		e := ledger.Encounter{ID: c.id, PayerID: c.payer, ClaimType: "professional", Raw: []byte(`{"id":"` + c.id + `"}`), Valid: true, Problems: []byte("[]")}
		cl := ledger.Claim{PayerID: c.payer, ClaimType: "professional", PCN: "PCN-" + c.id, BillingNPI: "1234567893", BillingTaxID: "621234567",
			Charge: c.charge, ServiceFrom: "2026-11-02", ServiceTo: "2026-11-02"}
		for i, ch := range c.lines {
			cl.Lines = append(cl.Lines, ledger.Line{No: i + 1, LineID: fmt.Sprintf("%s-%d", c.id, i+1), Procedure: "HC:99213", Charge: ch, Units: "1", ServiceDate: "2026-11-02"})
		}
		if _, err := l.RecordEncounter(ctx, e, cl); err != nil {
			t.Fatal(err)
		}
	}
	for _, payer := range []string{"SIMPAYER", "OTHER"} {
		f, err := l.CreateFile(ctx, payer, 100, build)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.MarkDelivered(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct{ id, kind, reason string }{{"C8", "277CA", "A7:164:IL"}, {"C9", "999", "999 R: IK5 5"}} {
		if _, err := l.Transition(ctx, r.id, ledger.StatusRejected, ledger.Source{Kind: r.kind, File: "sha-ack", Reason: r.reason, Actor: "processor"}); err != nil {
			t.Fatal(err)
		}
	}

	seed := Recon{Trace1: "TRACE1", Trace2: "TRACE2", SHA1: "sha-835-1", SHA2: "sha-835-2"}
	for _, sha := range []string{seed.SHA1, seed.SHA2} {
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: sha, PayerID: "SIMPAYER", Name: sha + ".835", Kind: "835", Content: []byte(sha)}); err != nil {
			t.Fatal(err)
		}
	}
	adj := func(line int, group, reason string, amount money.Cents) ledger.Adjustment {
		return ledger.Adjustment{LineNo: line, Group: group, Reason: reason, Amount: amount, Quantity: ""}
	}
	line := func(no, pos int, charge, paid money.Cents) ledger.LinePayment {
		return ledger.LinePayment{LineNo: no, Position: pos, Procedure: "HC:99213", Charge: charge, Paid: paid, Allowed: paid}
	}
	pay := func(tx *ledger.Tx, p ledger.Payment, to ledger.Status) {
		if _, err := tx.AddPayment(p); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Transition(p.ClaimID, to, ledger.Source{Kind: "835", File: p.InboundSHA256, Transaction: p.ST02, Position: p.Position,
			Reason: "CLP02 " + p.StatusCode, Actor: "processor"}); err != nil {
			t.Fatal(err)
		}
	}
	err := l.ApplyInbound(ctx, seed.SHA1, func(tx *ledger.Tx) error {
		rem := ledger.Remittance{InboundSHA256: seed.SHA1, ST02: "0001", PayerID: "SIMPAYER", TraceNumber: seed.Trace1, OriginatorID: "1512345678",
			Amount: 32000, CreditDebit: "C", Method: "ACH", PaymentDate: ReconDate1, PayeeNPI: "1234567893", PayeeTaxID: "621234567",
			ClaimsPaid: 32000}
		id, _, err := tx.AddRemittance(rem)
		if err != nil {
			return err
		}
		p := func(claim string, pos int, code string, charge, paid, pr money.Cents) ledger.Payment {
			return ledger.Payment{ClaimID: claim, RemittanceID: id, InboundSHA256: seed.SHA1, ST02: "0001", Position: pos, TraceNumber: seed.Trace1,
				PaymentDate: ReconDate1, StatusCode: code, Charge: charge, Paid: paid, PatientResp: pr, PayerClaimNumber: "PCN" + claim}
		}
		c1 := p("C1", 12, "1", 10000, 6000, 2000)
		c1.Adjustments = []ledger.Adjustment{adj(1, "PR", "3", 2000), adj(1, "CO", "45", 2000)}
		c1.Lines = []ledger.LinePayment{line(1, 14, 10000, 6000)}
		pay(tx, c1, ledger.StatusPaid)
		c2 := p("C2", 20, "1", 20000, 8000, 0)
		c2.Adjustments = []ledger.Adjustment{adj(1, "CO", "45", 2000), adj(2, "CO", "97", 10000)}
		c2.Remarks = []ledger.Remark{{LineNo: 2, Code: "M15"}}
		c2.Lines = []ledger.LinePayment{line(1, 22, 10000, 8000), line(2, 26, 10000, 0)}
		pay(tx, c2, ledger.StatusPartiallyPaid)
		c3 := p("C3", 30, "4", 5000, 0, 0)
		c3.Adjustments = []ledger.Adjustment{adj(1, "CO", "50", 5000)}
		c3.Remarks = []ledger.Remark{{LineNo: 1, Code: "N130"}}
		c3.Lines = []ledger.LinePayment{line(1, 32, 5000, 0)}
		pay(tx, c3, ledger.StatusDenied)
		c4 := p("C4", 40, "1", 12000, 10000, 0)
		c4.Adjustments = []ledger.Adjustment{adj(1, "CO", "45", 2000)}
		c4.Lines = []ledger.LinePayment{line(1, 42, 12000, 10000)}
		pay(tx, c4, ledger.StatusPaid)
		c5 := p("C5", 50, "1", 7500, 5000, 0)
		c5.Adjustments = []ledger.Adjustment{adj(0, "CO", "45", 2000)}
		pay(tx, c5, ledger.StatusPaid)
		return tx.AddException(ledger.Exception{InboundSHA256: seed.SHA1, Kind: "835", ST02: "0001", Position: 60, PCN: "NOPE",
			Reason: "no sent claim of this billing provider with this patient control number"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = l.ApplyInbound(ctx, seed.SHA2, func(tx *ledger.Tx) error {
		rem := ledger.Remittance{InboundSHA256: seed.SHA2, ST02: "0002", PayerID: "SIMPAYER", TraceNumber: seed.Trace2, OriginatorID: "1512345678",
			Amount: 1100, CreditDebit: "C", Method: "ACH", PaymentDate: ReconDate2, PayeeNPI: "1234567893", PayeeTaxID: "621234567",
			ClaimsPaid: 1000, PLB: -137}
		id, _, err := tx.AddRemittance(rem)
		if err != nil {
			return err
		}
		p := func(pos int, code string, charge, paid money.Cents) ledger.Payment {
			return ledger.Payment{ClaimID: "C4", RemittanceID: id, InboundSHA256: seed.SHA2, ST02: "0002", Position: pos, TraceNumber: seed.Trace2,
				PaymentDate: ReconDate2, StatusCode: code, Charge: charge, Paid: paid, PayerClaimNumber: "PCNC4"}
		}
		rev := p(12, "22", -12000, -10000)
		rev.Adjustments = []ledger.Adjustment{adj(1, "CO", "45", -2000)}
		rev.Lines = []ledger.LinePayment{line(1, 14, -12000, -10000)}
		pay(tx, rev, ledger.StatusReversed)
		again := p(20, "1", 12000, 11000)
		again.Adjustments = []ledger.Adjustment{adj(1, "CO", "45", 1000)}
		again.Lines = []ledger.LinePayment{line(1, 22, 12000, 11000)}
		pay(tx, again, ledger.StatusPaid)
		return tx.AddProviderAdjustment(ledger.ProviderAdjustment{RemittanceID: id, ProviderID: "1234567893", FiscalPeriodDate: "2026-12-31",
			Reason: "L6", Amount: -137, Position: 30})
	})
	if err != nil {
		t.Fatal(err)
	}
	es, err := l.Exceptions(ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 1 {
		t.Fatalf("exceptions after seeding: %+v, %v", es, err)
	}
	seed.ExceptionID = es[0].ID
	return seed
}

// build makes a file of the claims, one ST each.
func build(alloc ledger.Allocator, claims []ledger.Pending) (*ledger.File, error) {
	isa, err := alloc(ledger.ISA13, 1)
	if err != nil {
		return nil, err
	}
	f := &ledger.File{Usage: "T", ISA13: isa, Name: fmt.Sprintf("SIM_%09d.837", isa)}
	for i, p := range claims {
		f.Content = append(f.Content, p.ClaimID+";"...)
		f.Claims = append(f.Claims, ledger.FileClaim{ClaimID: p.ClaimID, GS06: 1, ST02: int64(i + 1), FirstPos: 2, LastPos: 30})
	}
	return f, nil
}
