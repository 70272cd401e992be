package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/money"
)

func TestPaymentBalance(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		seed := ledgertest.SeedRecon(t, l)

		p, err := l.PaymentBalance(ctx, "", seed.Trace1)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%s %s %s amount=%s clp=%s plb=%s expected=%s diff=%s balanced=%v matched=%s unmatched=%s n=%d",
			p.PayerID, p.TraceNumber, p.PaymentDate, p.Amount, p.ClaimsPaid, p.PLB, p.Expected, p.Difference, p.Balanced, p.MatchedPaid, p.UnmatchedPaid, p.ClaimCount)
		if want := "SIMPAYER TRACE1 2026-11-20 amount=320.00 clp=320.00 plb=0.00 expected=320.00 diff=0.00 balanced=true matched=290.00 unmatched=30.00 n=5"; got != want {
			t.Errorf("payment 1:\n got %s\nwant %s", got, want)
		}
		var clps []string
		for _, c := range p.Claims {
			clps = append(clps, fmt.Sprintf("%s/%s@%d:%s:%s", c.ClaimID, c.PCN, c.Position, c.StatusCode, c.Paid))
		}
		if got, want := strings.Join(clps, " "), "C1/PCN-C1@12:1:60.00 C2/PCN-C2@20:1:80.00 C3/PCN-C3@30:4:0.00 C4/PCN-C4@40:1:100.00 C5/PCN-C5@50:1:50.00"; got != want {
			t.Errorf("payment 1 CLPs:\n got %s\nwant %s", got, want)
		}
		if len(p.Exceptions) != 1 || p.Exceptions[0].PCN != "NOPE" || p.Exceptions[0].Position != 60 || len(p.ProviderAdjustments) != 0 {
			t.Errorf("payment 1 exceptions %+v, PLBs %+v", p.Exceptions, p.ProviderAdjustments)
		}

		p, err = l.PaymentBalance(ctx, "SIMPAYER", seed.Trace2)
		if err != nil {
			t.Fatal(err)
		}
		if p.Amount != 1100 || p.ClaimsPaid != 1000 || p.PLB != -137 || p.Expected != 1137 || p.Difference != -37 || p.Balanced ||
			p.MatchedPaid != 1000 || p.UnmatchedPaid != 0 || len(p.Claims) != 2 || p.Claims[0].StatusCode != "22" || p.Claims[0].Paid != -10000 {
			t.Errorf("payment 2: %+v", p)
		}
		if len(p.ProviderAdjustments) != 1 || p.ProviderAdjustments[0].Reason != "L6" || p.ProviderAdjustments[0].Amount != -137 || len(p.Exceptions) != 0 {
			t.Errorf("payment 2 PLBs %+v, exceptions %+v", p.ProviderAdjustments, p.Exceptions)
		}

		if _, err := l.PaymentBalance(ctx, "", "NOSUCH"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("unknown trace: %v", err)
		}
		if _, err := l.PaymentBalance(ctx, "OTHER", seed.Trace1); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("another payer's trace: %v", err)
		}
	})
}

func TestListPayments(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		ledgertest.SeedRecon(t, l)
		all, err := l.ListPayments(ctx, ledger.PaymentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].TraceNumber != "TRACE1" || len(all[0].Claims) != 5 || all[1].TraceNumber != "TRACE2" || len(all[1].Claims) != 2 {
			t.Fatalf("all payments: %+v", all)
		}
		// Σ of the CLPs applied = the ledger's total paid.
		tot, err := l.Totals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sum := all[0].MatchedPaid + all[1].MatchedPaid; sum != tot.Paid || sum != 30000 {
			t.Errorf("Σ matched paid %s, totals paid %s", sum, tot.Paid)
		}
		page, err := l.ListPayments(ctx, ledger.PaymentFilter{Limit: 1})
		if err != nil || len(page) != 1 || page[0].TraceNumber != "TRACE1" {
			t.Fatalf("first page: %+v, %v", page, err)
		}
		page, err = l.ListPayments(ctx, ledger.PaymentFilter{After: page[0].RemittanceID, Limit: 1})
		if err != nil || len(page) != 1 || page[0].TraceNumber != "TRACE2" {
			t.Fatalf("second page: %+v, %v", page, err)
		}
		for _, c := range []struct {
			f    ledger.PaymentFilter
			want []string
		}{
			{ledger.PaymentFilter{From: "2026-11-21"}, []string{"TRACE2"}},
			{ledger.PaymentFilter{To: "2026-11-20"}, []string{"TRACE1"}},
			{ledger.PaymentFilter{From: "2026-11-20", To: "2026-11-21", PayerID: "SIMPAYER"}, []string{"TRACE1", "TRACE2"}},
			{ledger.PaymentFilter{PayerID: "OTHER"}, nil},
		} {
			ps, err := l.ListPayments(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.TraceNumber)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
	})
}

func TestClaimBalance(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		ledgertest.SeedRecon(t, l)
		for _, c := range []struct {
			id, want string
		}{
			{"C1", "paid charge=100.00 adj=100.00 paid=60.00 pr=20.00 co=20.00 other=0.00 clp05=20.00 imbalance=0.00 balanced=true payments=1"},
			{"C2", "partially_paid charge=200.00 adj=200.00 paid=80.00 pr=0.00 co=120.00 other=0.00 clp05=0.00 imbalance=0.00 balanced=true payments=1"},
			{"C3", "denied charge=50.00 adj=50.00 paid=0.00 pr=0.00 co=50.00 other=0.00 clp05=0.00 imbalance=0.00 balanced=true payments=1"},
			// The reversal cancels the first payment: 100 − 100 + 110 paid, 20 − 20 + 10 CO.
			{"C4", "paid charge=120.00 adj=120.00 paid=110.00 pr=0.00 co=10.00 other=0.00 clp05=0.00 imbalance=0.00 balanced=true payments=3"},
			{"C5", "paid charge=75.00 adj=75.00 paid=50.00 pr=0.00 co=20.00 other=0.00 clp05=0.00 imbalance=5.00 balanced=false payments=1"},
			{"C6", "submitted charge=40.00 adj=0.00 paid=0.00 pr=0.00 co=0.00 other=0.00 clp05=0.00 imbalance=40.00 balanced=false payments=0"},
		} {
			b, err := l.ClaimBalance(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s charge=%s adj=%s paid=%s pr=%s co=%s other=%s clp05=%s imbalance=%s balanced=%v payments=%d",
				b.Status, b.Charge, b.Adjudicated, b.Paid, b.PatientResp, b.Contractual, b.Other, b.ReportedPR, b.Imbalance, b.Balanced, len(b.Payments))
			if got != c.want {
				t.Errorf("%s:\n got %s\nwant %s", c.id, got, c.want)
			}
		}
		b, _ := l.ClaimBalance(ctx, "C4")
		if p := b.Payments; p[1].StatusCode != "22" || p[1].Paid != -10000 || p[1].Contractual != -2000 || p[1].TraceNumber != "TRACE2" || p[1].PaymentDate != "2026-11-21" {
			t.Errorf("C4 reversal: %+v", p[1])
		}
		if _, err := l.ClaimBalance(ctx, "NOSUCH"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("unknown claim: %v", err)
		}
	})
}

func TestReports(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		ledgertest.SeedRecon(t, l)
		now := time.Now()

		aging := func(payer string, asOf time.Time) string {
			rows, err := l.Aging(ctx, payer, asOf)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, fmt.Sprintf("%s %s %d %s", r.PayerID, r.Bucket, r.Claims, r.Charge))
			}
			return strings.Join(out, "; ")
		}
		if got, want := aging("", now), "OTHER 0-30 1 30.00; OTHER 31-60 0 0.00; OTHER 61-90 0 0.00; OTHER 90+ 0 0.00; "+
			"SIMPAYER 0-30 1 40.00; SIMPAYER 31-60 0 0.00; SIMPAYER 61-90 0 0.00; SIMPAYER 90+ 0 0.00"; got != want {
			t.Errorf("aging now:\n got %s\nwant %s", got, want)
		}
		for _, c := range []struct {
			days   int
			bucket string
		}{{30, "0-30"}, {31, "31-60"}, {60, "31-60"}, {61, "61-90"}, {90, "61-90"}, {91, "90+"}, {400, "90+"}} {
			got := aging("SIMPAYER", now.Add(time.Duration(c.days)*24*time.Hour+time.Minute))
			if want := "SIMPAYER " + c.bucket + " 1 40.00"; !strings.Contains(got, want) {
				t.Errorf("aging after %d days: %s, want %s", c.days, got, want)
			}
		}

		// A line the copay took whole (paid 0, PR-3) is not a denial.
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: "sha-835-3", PayerID: "SIMPAYER", Name: "3.835", Kind: "835", Content: []byte("3")}); err != nil {
			t.Fatal(err)
		}
		err := l.ApplyInbound(ctx, "sha-835-3", func(tx *ledger.Tx) error {
			_, err := tx.AddPayment(ledger.Payment{ClaimID: "C6", InboundSHA256: "sha-835-3", ST02: "0003", Position: 12, TraceNumber: "TRACE3",
				PaymentDate: "2026-11-22", StatusCode: "1", Charge: 4000, PatientResp: 2000,
				Adjustments: []ledger.Adjustment{{LineNo: 1, Group: "PR", Reason: "3", Amount: 2000}, {LineNo: 1, Group: "CO", Reason: "45", Amount: 2000}},
				Lines:       []ledger.LinePayment{{LineNo: 1, Position: 14, Procedure: "HC:99213", Charge: 4000}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		denials, err := l.Denials(ctx, ledger.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range denials {
			got = append(got, fmt.Sprintf("%s %s-%s %s %d %d %s", d.PayerID, d.Group, d.CARC, d.RARC, d.Count, d.Claims, d.Amount))
		}
		if want := []string{"SIMPAYER CO-97 M15 1 1 100.00", "SIMPAYER CO-50 N130 1 1 50.00"}; !slices.Equal(got, want) {
			t.Errorf("denials:\n got %q\nwant %q", got, want)
		}
		if d, err := l.Denials(ctx, ledger.ReportFilter{From: "2026-11-21"}); err != nil || len(d) != 0 {
			t.Errorf("denials from 2026-11-21: %+v, %v", d, err)
		}
		if d, err := l.Denials(ctx, ledger.ReportFilter{PayerID: "OTHER"}); err != nil || len(d) != 0 {
			t.Errorf("denials of OTHER: %+v, %v", d, err)
		}

		rej, err := l.Rejections(ctx, ledger.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, r := range rej {
			got = append(got, fmt.Sprintf("%s %s %q %d %s", r.PayerID, r.SourceKind, r.Reason, r.Claims, r.Charge))
		}
		if want := []string{`SIMPAYER 277CA "A7:164:IL" 1 10.00`, `SIMPAYER 999 "999 R: IK5 5" 1 20.00`}; !slices.Equal(got, want) {
			t.Errorf("rejections:\n got %q\nwant %q", got, want)
		}
		if r, err := l.Rejections(ctx, ledger.ReportFilter{To: "2020-01-01"}); err != nil || len(r) != 0 {
			t.Errorf("rejections until 2020: %+v, %v", r, err)
		}

		daily, err := l.Daily(ctx, ledger.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		today := now.UTC().Format(time.DateOnly)
		want := []string{
			ledgertest.ReconDate1 + " 0 0.00 290.00 20.00 230.00",
			ledgertest.ReconDate2 + " 0 0.00 10.00 0.00 -10.00",
			"2026-11-22 0 0.00 0.00 20.00 20.00",
			today + " 9 645.00 0.00 0.00 0.00",
		}
		slices.Sort(want)
		got = nil
		var paid money.Cents
		for _, d := range daily {
			got = append(got, fmt.Sprintf("%s %d %s %s %s %s", d.Date, d.Submitted, d.Billed, d.Paid, d.PatientResp, d.Adjusted))
			paid += d.Paid
		}
		if !slices.Equal(got, want) {
			t.Errorf("daily:\n got %q\nwant %q", got, want)
		}
		if tot, _ := l.Totals(ctx); paid != tot.Paid {
			t.Errorf("Σ daily paid %s, totals %s", paid, tot.Paid)
		}
		if d, err := l.Daily(ctx, ledger.ReportFilter{From: ledgertest.ReconDate2, To: ledgertest.ReconDate2}); err != nil || len(d) != 1 || d[0].Paid != 1000 {
			t.Errorf("daily of %s: %+v, %v", ledgertest.ReconDate2, d, err)
		}
	})
}

func TestResolveException(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		seed := ledgertest.SeedRecon(t, l)
		id := seed.ExceptionID
		e, err := l.Exception(ctx, id)
		if err != nil || e.Status != "open" || e.PayerID != "SIMPAYER" || e.Kind != "835" || e.At.IsZero() || !e.ResolvedAt.IsZero() {
			t.Fatalf("exception: %+v, %v", e, err)
		}
		for _, c := range []struct {
			id           int64
			claim, actor string
			want         error
		}{
			{id + 100, "C5", "alice", ledger.ErrNotFound},
			{id, "NOSUCH", "alice", ledger.ErrUnknownClaim},
			{id, "C7", "alice", ledger.ErrOtherPayer},
		} {
			if err := l.ResolveException(ctx, c.id, ledger.Resolution{How: ledger.Matched, ClaimID: c.claim, Actor: c.actor}, nil); !errors.Is(err, c.want) {
				t.Errorf("resolve %d to %s: %v, want %v", c.id, c.claim, err, c.want)
			}
		}
		if err := l.ResolveException(ctx, id, ledger.Resolution{How: ledger.Matched, ClaimID: "C5", Actor: " "}, nil); err == nil {
			t.Error("resolved without an actor")
		}
		for _, r := range []ledger.Resolution{{How: ledger.Dismissed, Actor: "alice"}, {How: ledger.Posted, Actor: "alice", Note: " "}, {How: "forgotten", Actor: "alice", Note: "x"}} {
			if err := l.ResolveException(ctx, id, r, nil); err == nil {
				t.Errorf("resolved %s with note %q", r.How, r.Note)
			}
		}
		// When it was resolved is the caller's (the stages' clock).
		when := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
		if err := l.ResolveException(ctx, id, ledger.Resolution{How: ledger.Matched, ClaimID: "C5", Actor: "alice", At: when}, nil); err != nil {
			t.Fatal(err)
		}
		if err := l.ResolveException(ctx, id, ledger.Resolution{How: ledger.Dismissed, Actor: "bob", Note: "late"}, nil); !errors.Is(err, ledger.ErrResolved) {
			t.Errorf("resolving twice: %v", err)
		}
		e, err = l.Exception(ctx, id)
		if err != nil || e.Status != "resolved" || e.ClaimID != "C5" || e.ResolvedBy != "alice" || e.Resolution != ledger.Matched || e.ResolvedAt.IsZero() || !e.ResolvedAt.Equal(when) {
			t.Errorf("resolved exception: %+v, %v", e, err)
		}
		h, err := l.History(ctx, "C5")
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Kind != "manual" || last.Actor != "alice" || last.From != ledger.StatusPaid || last.To != ledger.StatusPaid || !last.At.Equal(when) ||
			last.File != seed.SHA1 || last.Transaction != "0001" || last.Position != 60 ||
			last.Reason != fmt.Sprintf("exception %d (835 PCN NOPE) matched by hand", id) {
			t.Errorf("history entry: %+v", last)
		}
		if c, _ := l.Claim(ctx, "C5"); c.Status != ledger.StatusPaid {
			t.Errorf("C5 is %s", c.Status)
		}
		open, err := l.Exceptions(ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 0 {
			t.Errorf("open exceptions: %+v, %v", open, err)
		}
		all, err := l.Exceptions(ctx, ledger.ExceptionFilter{})
		if err != nil || len(all) != 1 || all[0].ID != id {
			t.Errorf("all exceptions: %+v, %v", all, err)
		}
		if n, _ := l.CountOpenExceptions(ctx); n != 0 {
			t.Errorf("%d open exceptions", n)
		}
	})
}
