package inbound_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// A CLP matched by hand moves its claim as a matched one does: the
// claim's event is published, at the time of the change as its history
// has it, and that time is the stages' clock's (the harness's fixed
// gatewaytest.Now, not the time the test runs), as is the exception's
// resolution. (Before, the manual match built its own processor, which
// published nothing, and the ledger took the time from time.Now.)
func TestManualMatchPublishesItsEvent(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("ORPHAN", 10000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFT9", "80", [][]string{
			{"CLP*NOSUCHPCN*1*100*80*0*12*PAY7*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "SVC*HC:99214*100*80**1", "CAS*CO*45*20"}})))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 {
			t.Fatalf("open exceptions %+v, %v", open, err)
		}
		if posted, err := h.Inbound.MatchException(h.Ctx, open[0].ID, inbound.Match{ClaimID: "ORPHAN", Actor: "alice", Force: true, Reason: "the payer mistyped the PCN"}); err != nil || !posted {
			t.Fatalf("manual match: posted %v, %v", posted, err)
		}
		paid := h.Events("paid")
		if len(paid) != 1 {
			t.Fatalf("%d paid events after the manual match, want 1", len(paid))
		}
		history, err := l.History(h.Ctx, "ORPHAN")
		if err != nil {
			t.Fatal(err)
		}
		last, manual := history[len(history)-1], history[len(history)-2]
		if e := paid[0]; e.ClaimID != "ORPHAN" || e.Source != "835" || e.Paid != 8000 || !e.At.Equal(last.At) || !e.At.Equal(gatewaytest.Now) {
			t.Errorf("event %+v, want ORPHAN paid 80.00 by the 835 at %s, its history's time and the stages' clock's %s", e, last.At, gatewaytest.Now)
		}
		if manual.Kind != "manual" || manual.Actor != "alice" || !manual.At.Equal(gatewaytest.Now) || !last.At.Equal(gatewaytest.Now) {
			t.Errorf("history after the manual match %+v then %+v: want the manual entry and the payment at the stages' clock's %s", manual, last, gatewaytest.Now)
		}
		if e, err := l.Exception(h.Ctx, open[0].ID); err != nil || !e.ResolvedAt.Equal(gatewaytest.Now) {
			t.Errorf("the matched exception %+v, %v: want it resolved at the stages' clock's %s", e, err, gatewaytest.Now)
		}
	})
}

// A manual match checks the CLP against the claim: the dental
// CLP (another payee, charge 226.00, paid 132.00) matched to a rejected
// claim of 65.00 is refused, saying what differs; forced, with a reason,
// it is matched and the reason is recorded with who matched it.
func TestManualMatchRefusesWhatDoesNotFit(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("SMALL", 6500))
		body := gatewaytest.Remittance("EFTD", "", [][]string{{"CLP*D2150*1*226*132*94*12*PAYD*11*1", "NM1*QC*1*DOE*JANE****MI*XJH123456789",
			"SVC*AD:D2150*226*132**1", "DTM*472*20261102", "CAS*PR*2*94"}})
		h.Apply("835", strings.Replace(gatewaytest.Interchange("HP", "005010X221A1", "835", body), "XX*1234567893", "XX*1999999984", 1))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 {
			t.Fatalf("open exceptions %+v, %v", open, err)
		}
		id := open[0].ID
		var mismatch *inbound.MismatchError
		_, err = h.Inbound.MatchException(h.Ctx, id, inbound.Match{ClaimID: "SMALL", Actor: "alice"})
		if !errors.As(err, &mismatch) || len(mismatch.Fields) != 3 || !strings.Contains(err.Error(), "payee NPI 1999999984 is not the claim's billing provider 1234567893") ||
			!strings.Contains(err.Error(), "charge 226.00 is not the claim's 65.00") {
			t.Fatalf("the unforced match: %v", err)
		}
		if _, err := h.Inbound.MatchException(h.Ctx, id, inbound.Match{ClaimID: "SMALL", Actor: "alice", Force: true}); err == nil {
			t.Error("forced without a reason")
		}
		if n, _ := h.PaidOn("SMALL"); n != 0 || h.Exceptions() != 1 {
			t.Fatalf("after the refused matches: %d payments, %d exceptions open", n, h.Exceptions())
		}
		if _, err := h.Inbound.MatchException(h.Ctx, id, inbound.Match{ClaimID: "SMALL", Actor: "alice", Force: true, Reason: "the payer paid our claim under a dental number"}); err != nil {
			t.Fatal(err)
		}
		e, err := l.Exception(h.Ctx, id)
		if err != nil || e.Resolution != ledger.Matched || e.ClaimID != "SMALL" || e.ResolvedBy != "alice" || e.Note != "the payer paid our claim under a dental number" {
			t.Errorf("the forced match: %+v, %v", e, err)
		}
		hist, err := l.History(h.Ctx, "SMALL")
		if err != nil || !slices.ContainsFunc(hist, func(c ledger.Change) bool {
			return c.Kind == "manual" && c.Actor == "alice" && strings.HasSuffix(c.Reason, "matched by hand: the payer paid our claim under a dental number")
		}) {
			t.Errorf("SMALL's history has no entry of the forced match: %+v, %v", hist, err)
		}
	})
}

// An 835 that does not balance is held back; an operator posts it anyway
// (who, why), or dismisses an exception with a reason. Neither is done
// twice, and only a held-back payment can be posted.
func TestUnbalancedPaymentPostedByHand(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("UB1", 10000), gatewaytest.EncounterJSON("UB2", 10000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTUB", "161", [][]string{
			gatewaytest.CLP1("UB1", "1", "PAYU1", 80, "UB1-1"), gatewaytest.CLP1("NOSUCH", "1", "PAYU2", 80, "")})))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 || !strings.Contains(open[0].Reason, "unbalanced by 1.00") {
			t.Fatalf("open exceptions %+v, %v", open, err)
		}
		if n, _ := h.PaidOn("UB1"); n != 0 {
			t.Fatalf("UB1 has %d payments from the unbalanced 835", n)
		}
		id := open[0].ID
		if err := h.Inbound.PostException(h.Ctx, id, "alice", " "); err == nil {
			t.Error("posted without a reason")
		}
		if err := h.Inbound.PostException(h.Ctx, id, "alice", "the payer's 1.00 fee is in BPR02"); err != nil {
			t.Fatal(err)
		}
		if n, net := h.PaidOn("UB1"); n != 1 || net != 8000 || h.Status("UB1") != ledger.StatusPaid {
			t.Errorf("UB1 after the post: %s, %d payments, %s", h.Status("UB1"), n, net)
		}
		p, err := l.PaymentBalance(h.Ctx, gatewaytest.PayerID, "EFTUB")
		if err != nil || p.Balanced || p.Difference != 100 || p.UnmatchedPaid != 8000 {
			t.Errorf("the payment posted anyway: %+v, %v", p, err)
		}
		e, err := l.Exception(h.Ctx, id)
		if err != nil || e.Resolution != ledger.Posted || e.ResolvedBy != "alice" || e.Note != "the payer's 1.00 fee is in BPR02" {
			t.Errorf("the exception after the post: %+v, %v", e, err)
		}
		// Who posted it and why is in the claim's history, as a manual
		// match's is: an entry of kind manual, then the payment's, which
		// names her too. Before, the history said only "processor".
		hist, err := l.History(h.Ctx, "UB1")
		if err != nil || len(hist) < 2 {
			t.Fatalf("UB1's history %+v, %v", hist, err)
		}
		manual, paid := hist[len(hist)-2], hist[len(hist)-1]
		if want := fmt.Sprintf("exception %d (835 trace EFTUB, unbalanced by 1.00) posted by hand: the payer's 1.00 fee is in BPR02", id); manual.Kind != "manual" ||
			manual.Actor != "alice" || manual.Reason != want || manual.From != ledger.StatusSubmitted || manual.To != ledger.StatusSubmitted || !manual.At.Equal(gatewaytest.Now) {
			t.Errorf("UB1's history entry of the post: %+v, want kind manual by alice saying %q", manual, want)
		}
		if paid.Kind != "835" || paid.To != ledger.StatusPaid || !strings.HasSuffix(paid.Reason, "; posted by hand by alice") {
			t.Errorf("UB1's payment entry: %+v", paid)
		}
		if err := h.Inbound.PostException(h.Ctx, id, "bob", "again"); !errors.Is(err, ledger.ErrResolved) {
			t.Errorf("a second post: %v", err)
		}
		// NOSUCH's CLP, parked by the post, is no payment held back.
		open, err = l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 || open[0].PCN != "NOSUCH" {
			t.Fatalf("open exceptions after the post %+v, %v", open, err)
		}
		if err := h.Inbound.PostException(h.Ctx, open[0].ID, "alice", "why not"); !errors.Is(err, inbound.ErrNotPostable) {
			t.Errorf("posting a CLP's exception: %v", err)
		}
		if err := h.Inbound.DismissException(h.Ctx, open[0].ID, "alice", ""); err == nil {
			t.Error("dismissed without a reason")
		}
		if err := h.Inbound.DismissException(h.Ctx, open[0].ID, "alice", "not our patient: returned to the payer"); err != nil {
			t.Fatal(err)
		}
		if e, err := l.Exception(h.Ctx, open[0].ID); err != nil || e.Status != "resolved" || e.Resolution != ledger.Dismissed || e.ClaimID != "" {
			t.Errorf("the dismissed exception: %+v, %v", e, err)
		}
		if n := h.Exceptions(); n != 0 {
			t.Errorf("%d exceptions open", n)
		}
	})
}
