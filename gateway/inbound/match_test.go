package inbound_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/money"
)

func TestMatchingScenarios(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(
			gatewaytest.EncounterJSON("CLEAN", 18500, 5000),
			gatewaytest.EncounterJSON("PARTIAL", 18500, 5000),
			gatewaytest.EncounterJSON("DENIED", 10000),
			gatewaytest.EncounterJSON("SPLIT", 18500, 5000),
			gatewaytest.EncounterJSON("REVERSE", 10000),
			gatewaytest.EncounterJSON("CROSS", 10000),
			gatewaytest.EncounterJSON("RECOUP", 10000),
			gatewaytest.EncounterJSON("ORPHAN", 10000),
		)
		if len(f.Claims) != 8 {
			t.Fatalf("%d claims in the file", len(f.Claims))
		}
		set := f.Claims[0]
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", set.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", set.ST02), "IK5*A", "AK9*A*1*1*1"}))
		if got := h.Status("CLEAN"); got != ledger.StatusAcknowledged {
			t.Fatalf("after the 999: %s", got)
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFT1", "", [][]string{
			// clean payment: both lines paid, CO-45 and PR-3
			{"CLP*CLEAN*1*235*168*20*12*PAY1*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*185*128**1", "DTM*472*20261102", "CAS*CO*45*37", "CAS*PR*3*20", "REF*6R*CLEAN-1",
				"SVC*HC:87804*50*40**1", "DTM*472*20261102", "CAS*CO*45*10", "REF*6R*CLEAN-2"},
			// partial payment: the second line denied
			{"CLP*PARTIAL*1*235*128*20*12*PAY2*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*185*128**1", "DTM*472*20261102", "CAS*CO*45*37", "CAS*PR*3*20", "REF*6R*PARTIAL-1",
				"SVC*HC:87804*50*0**1", "DTM*472*20261102", "CAS*CO*97*50", "REF*6R*PARTIAL-2", "LQ*HE*M15"},
			// denial with its CARC and RARC
			{"CLP*DENIED*4*100*0*0*12*PAY3*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*100*0**1", "DTM*472*20261102", "CAS*CO*50*100", "REF*6R*DENIED-1", "LQ*HE*N130"},
			// split claim: the lines in two CLPs, matched by procedure and date (no REF*6R)
			{"CLP*SPLIT*1*185*148*0*12*PAY4*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*185*148**1", "DTM*472*20261102", "CAS*CO*45*37"},
			{"CLP*SPLIT*1*50*40*0*12*PAY4*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:87804*50*40**1", "DTM*472*20261102", "CAS*CO*45*10"},
			// paid, to be reversed in the next 835
			{"CLP*REVERSE*1*100*80*0*12*PAY5*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*100*80**1", "DTM*472*20261102", "CAS*CO*45*20", "REF*6R*REVERSE-1"},
			// crossover: paid as primary and forwarded
			{"CLP*CROSS*19*100*80*0*12*PAY6*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "NM1*TT*2*SECOND PLAN*****PI*SEC1",
				"SVC*HC:99214*100*80**1", "DTM*472*20261102", "CAS*CO*45*20", "REF*6R*CROSS-1"},
			// a claim the gateway never sent
			{"CLP*NOSUCHPCN*1*100*80*0*12*PAY7*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*100*80**1", "CAS*CO*45*20"},
			// interest on the payment (a negative PLB adds to it)
		}, "PLB*1234567893*20261231*L6*-1.15")))
		want := map[string]ledger.Status{"CLEAN": ledger.StatusPaid, "PARTIAL": ledger.StatusPartiallyPaid, "DENIED": ledger.StatusDenied,
			"SPLIT": ledger.StatusPaid, "REVERSE": ledger.StatusPaid, "CROSS": ledger.StatusForwarded, "RECOUP": ledger.StatusAcknowledged}
		for id, st := range want {
			if got := h.Status(id); got != st {
				t.Errorf("%s: %s, want %s", id, got, st)
			}
		}
		if n := h.Exceptions(); n != 1 {
			t.Errorf("%d open exceptions after the unmatched CLP, want 1", n)
		}
		if got := h.Status("ORPHAN"); got != ledger.StatusAcknowledged {
			t.Errorf("ORPHAN before the manual match: %s", got)
		}
		split, err := l.Payments(h.Ctx, "SPLIT")
		if err != nil || len(split) != 2 || split[0].Paid+split[1].Paid != 18800 {
			t.Fatalf("split payments %+v, %v", split, err)
		}
		// The unmatched CLP, matched by hand, is posted to the claim chosen.
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 || open[0].PCN != "NOSUCHPCN" {
			t.Fatalf("open exceptions %+v, %v", open, err)
		}
		var mismatch *inbound.MismatchError
		if _, err := h.Inbound.MatchException(h.Ctx, open[0].ID, inbound.Match{ClaimID: "ORPHAN", Actor: "alice"}); !errors.As(err, &mismatch) {
			t.Fatalf("matching NOSUCHPCN's CLP to ORPHAN unforced: %v, want a mismatch", err)
		}
		if posted, err := h.Inbound.MatchException(h.Ctx, open[0].ID, inbound.Match{ClaimID: "ORPHAN", Actor: "alice", Force: true, Reason: "the payer mistyped the PCN"}); err != nil || !posted {
			t.Fatalf("manual match: posted %v, %v", posted, err)
		}
		if got := h.Status("ORPHAN"); got != ledger.StatusPaid {
			t.Errorf("ORPHAN after the manual match: %s", got)
		}
		if p, _ := l.Payments(h.Ctx, "ORPHAN"); len(p) != 1 || p[0].Paid != 8000 {
			t.Errorf("ORPHAN payments %+v", p)
		}
		if hist, _ := l.History(h.Ctx, "ORPHAN"); len(hist) < 2 || hist[len(hist)-2].Kind != "manual" || hist[len(hist)-2].Actor != "alice" ||
			!strings.Contains(hist[len(hist)-1].Reason, "matched by hand by alice") {
			t.Errorf("ORPHAN history %+v", hist)
		}
		denied, _ := l.Payments(h.Ctx, "DENIED")
		if len(denied) != 1 || len(denied[0].Adjustments) != 1 || denied[0].Adjustments[0].Reason != "50" || denied[0].Adjustments[0].LineNo != 1 {
			t.Fatalf("denial adjustments %+v", denied)
		}

		// The same 835 again changes nothing; the same trace in another file is not posted twice.
		before := h.Exceptions()
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFT1", "", nil))+" ")
		if n := h.Exceptions(); n != before+1 {
			t.Errorf("a second posting of trace EFT1: %d exceptions, want %d", n, before+1)
		}
		if p, _ := l.Payments(h.Ctx, "CLEAN"); len(p) != 1 {
			t.Errorf("CLEAN has %d payments after the duplicate", len(p))
		}

		// Reversal and correction, with a recoupment (WO) naming another claim.
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFT2", "15", [][]string{
			{"CLP*REVERSE*22*-100*-80*0*12*PAY5*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*-100*-80**1", "DTM*472*20261102", "CAS*CO*45*-20", "REF*6R*REVERSE-1"},
			{"CLP*REVERSE*1*100*90*0*12*PAY5*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*100*90**1", "DTM*472*20261102", "CAS*CO*45*10", "REF*6R*REVERSE-1"},
			{"CLP*RECOUP*1*100*80*0*12*PAY8*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*100*80**1", "DTM*472*20261102", "CAS*CO*45*20", "REF*6R*RECOUP-1"},
		}, "PLB*1234567893*20261231*WO:CLEAN*75")))
		if got := h.Status("REVERSE"); got != ledger.StatusPaid {
			t.Errorf("REVERSE after the correction: %s", got)
		}
		hist, _ := l.History(h.Ctx, "REVERSE")
		var path []string
		for _, ch := range hist {
			path = append(path, string(ch.To))
		}
		if !strings.HasSuffix(strings.Join(path, " "), "paid reversed paid") {
			t.Errorf("REVERSE history %v", path)
		}
		rp, _ := l.Payments(h.Ctx, "REVERSE")
		var net int64
		for _, p := range rp {
			net += int64(p.Paid)
		}
		if len(rp) != 3 || net != 9000 {
			t.Errorf("REVERSE payments %d, net %d; want 3 and 9000", len(rp), net)
		}
	})
}

// CLPs that would put money on the wrong claim, or the wrong amount on the
// right one, wait in the exceptions and change nothing: a reversal of a
// payment the claim does not hold, a second payment without a reversal, a
// denial of a paid claim, a trace posted before for another amount. Two
// claims with one patient control number are told apart by the payer's
// claim control number, then by which one is still open.
func TestMoneyIsNotMisposted(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		twin := bytes.ReplaceAll(gatewaytest.EncounterJSON("TWIN", 5000, 5000), []byte("87804"), []byte("99214"))
		old := bytes.Replace(gatewaytest.EncounterJSON("OLD", 10000), []byte(`"patient_control_number": "OLD"`), []byte(`"patient_control_number": "SAMEPCN"`), 1)
		h.Submit(gatewaytest.EncounterJSON("A", 10000), gatewaytest.EncounterJSON("B", 10000), gatewaytest.EncounterJSON("NEVER", 10000), gatewaytest.EncounterJSON("ZERO", 10000),
			gatewaytest.EncounterJSON("DP", 10000), gatewaytest.EncounterJSON("DR", 10000), twin, old)
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTM1", "", [][]string{
			gatewaytest.CLP1("A", "1", "PAYA", 80, "A-1"), gatewaytest.CLP1("B", "1", "PAYB", 80, "B-1"), gatewaytest.CLP1("SAMEPCN", "1", "PAYOLD", 80, ""),
			{"CLP*TWIN*1*100*90*0*12*PAYT*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
				"SVC*HC:99214*50*45**1", "DTM*472*20261102", "CAS*CO*45*5", "SVC*HC:99214*50*45**1", "DTM*472*20261102", "CAS*CO*45*5"},
			gatewaytest.CLP1("NEVER", "22", "PAYX", -80, ""),                                                 // reverses nothing
			{"CLP*ZERO*1*100*0*100*12*PAYZ*11*1", "CAS*PR*1*100"},                                            // all the patient's: a payment of 0.00
			gatewaytest.CLP1("DP", "4", "PAYDP", 0, "DP-1"), gatewaytest.CLP1("DR", "4", "PAYDR", 0, "DR-1"), // denials
		})))
		if n, net := h.PaidOn("NEVER"); n != 0 || net != 0 || h.Status("NEVER") != ledger.StatusSubmitted {
			t.Errorf("NEVER after a reversal of nothing: %s, %d payments, net %s", h.Status("NEVER"), n, net)
		}
		if n := h.Exceptions(); n != 1 {
			t.Errorf("%d exceptions after the reversal of nothing, want 1", n)
		}
		if ps, _ := l.Payments(h.Ctx, "TWIN"); len(ps) != 1 || len(ps[0].Adjustments) != 2 || ps[0].Adjustments[0].LineNo != 1 || ps[0].Adjustments[1].LineNo != 2 {
			t.Errorf("TWIN's two like lines: %+v, want the adjustments on lines 1 and 2", ps)
		}

		// A second claim with the same patient control number, sent later.
		h.Submit(bytes.Replace(gatewaytest.EncounterJSON("NEW", 10000), []byte(`"patient_control_number": "NEW"`), []byte(`"patient_control_number": "SAMEPCN"`), 1))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTM2", "", [][]string{
			gatewaytest.CLP1("B", "22", "PAYA", -80, "B-1"),                                                          // A's payer claim number: B holds nothing under it
			gatewaytest.CLP1("A", "1", "PAYA", 90, "A-1"),                                                            // a second payment of A's line without a reversal
			gatewaytest.CLP1("A", "4", "PAYA", 0, "A-1"),                                                             // a denial of the paid A
			gatewaytest.CLP1("SAMEPCN", "22", "PAYOLD", -80, ""), gatewaytest.CLP1("SAMEPCN", "1", "PAYOLD", 90, ""), // OLD's, by its number
			gatewaytest.CLP1("SAMEPCN", "1", "PAYNEW", 80, ""),        // NEW's: OLD is paid, NEW still open
			{"CLP*ZERO*22*-100*0*-100*12*PAYZ*11*1", "CAS*PR*1*-100"}, // undoes the payment of 0.00
			gatewaytest.CLP1("DP", "1", "PAYDP", 80, "DP-1"),          // paid after the denial, which nothing reversed
			{"CLP*DR*22*-100*0*0*12*PAYDR*11*1", "SVC*HC:99214*-100*0**1", "DTM*472*20261102", "CAS*CO*45*-100", "REF*6R*DR-1"},
			gatewaytest.CLP1("DR", "1", "PAYDR", 80, "DR-1"), // paid after the denial was reversed
		})))
		if n, net := h.PaidOn("ZERO"); n != 2 || net != 0 || h.Status("ZERO") != ledger.StatusReversed {
			t.Errorf("ZERO after the reversal of its payment of 0.00: %s, %d payments, net %s", h.Status("ZERO"), n, net)
		}
		for id, want := range map[string]money.Cents{"A": 8000, "B": 8000, "OLD": 9000, "NEW": 8000, "DP": 0, "DR": 8000} {
			if _, net := h.PaidOn(id); net != want {
				t.Errorf("%s holds %s, want %s", id, net, want)
			}
		}
		if got := h.Status("A"); got != ledger.StatusPaid {
			t.Errorf("A after the refused CLPs: %s", got)
		}
		if got := h.Status("DR"); got != ledger.StatusPaid {
			t.Errorf("DR, paid after its denial was reversed: %s", got)
		}
		if n := h.Exceptions(); n != 5 {
			t.Errorf("%d exceptions, want 5 (the reversal of nothing, B's reversal under A's number, A's second payment, A's denial, DP's payment over its denial)", n)
		}

		// Matching a refused CLP by hand is refused the same way.
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil {
			t.Fatal(err)
		}
		tried := false
		for _, e := range open {
			if e.PCN == "A" && strings.Contains(e.Reason, "a new CLP needs a reversal first") {
				tried = true
				var refused *inbound.RefusedError
				if _, err := h.Inbound.MatchException(h.Ctx, e.ID, inbound.Match{ClaimID: "A", Actor: "alice"}); !errors.As(err, &refused) {
					t.Errorf("matching A's second payment by hand: %v, want it refused", err)
				}
			}
		}
		if !tried {
			t.Errorf("no exception for A's second payment among %+v", open)
		}
		if _, net := h.PaidOn("A"); net != 8000 || h.Exceptions() != 5 {
			t.Errorf("after the refused manual match: A holds %s, %d exceptions open", net, h.Exceptions())
		}

		// Files out of order: a reversal and its correction reach the
		// gateway before the payment they reverse. The file waits (its
		// deliveries apply nothing, however many) until the payment is in.
		h.Submit(gatewaytest.EncounterJSON("LATE", 10000))
		reversal := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTM4", "10", [][]string{
			gatewaytest.CLP1("LATE", "22", "PAYL", -80, "LATE-1"), gatewaytest.CLP1("LATE", "1", "PAYL", 90, "LATE-1")}))
		for _, waited := range []time.Duration{0, time.Minute, h.Options.OrderWait - time.Second} {
			if err := h.Deliver("835", reversal, waited); !errors.As(err, new(inbound.NotYet)) {
				t.Errorf("the reversal before its payment, delivered after %v: %v, want it put off", waited, err)
			}
		}
		if n, _ := h.PaidOn("LATE"); n != 0 {
			t.Errorf("LATE has %d payments after the put-off file", n)
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTM3", "80", [][]string{gatewaytest.CLP1("LATE", "1", "PAYL", 80, "LATE-1")})))
		if err := h.Deliver("835", reversal, time.Second); err != nil {
			t.Fatalf("the reversal after its payment: %v", err)
		}
		if n, net := h.PaidOn("LATE"); n != 3 || net != 9000 || h.Status("LATE") != ledger.StatusPaid {
			t.Errorf("LATE after payment, reversal and correction: %s, %d payments, net %s", h.Status("LATE"), n, net)
		}

		// The same trace again, for another amount: not posted.
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTM1", "80", [][]string{gatewaytest.CLP1("B", "1", "PAYB2", 80, "B-1")})))
		if n, net := h.PaidOn("B"); n != 1 || net != 8000 {
			t.Errorf("B after trace EFTM1 again: %d payments, net %s", n, net)
		}
		if n := h.Exceptions(); n != 6 {
			t.Errorf("%d exceptions after trace EFTM1 again, want 6", n)
		}
	})
}

// A 999 that rejects a set traces each IK3 to the claim whose segments it
// points at: that claim is rejected with the reason, the others of the set
// go back to the queue and are sent again with new control numbers.
func TestRejectedSetTracedAndResent(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.EncounterJSON("A1", 10000), gatewaytest.EncounterJSON("B2", 10000), gatewaytest.EncounterJSON("C3", 10000))
		bad := gatewaytest.FileClaim(t, f, "B2")
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", bad.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", bad.ST02),
			fmt.Sprintf("IK3*NM1*%d*2010BA*8", bad.FirstPos+1), "IK4*9*67*7", "IK5*R*5", "AK9*R*1*1*0"}))
		if got := h.Status("B2"); got != ledger.StatusRejected {
			t.Fatalf("the traced claim: %s", got)
		}
		if r := h.LastChange("B2").Reason; !strings.Contains(r, "NM1 at position") || !strings.Contains(r, "999 R") {
			t.Errorf("rejection reason %q", r)
		}
		for _, id := range []string{"A1", "C3"} {
			if got := h.Status(id); got != ledger.StatusQueued {
				t.Errorf("%s: %s, want queued to be sent again", id, got)
			}
		}
		again := h.Submit()
		if len(again.Claims) != 2 || again.ISA13 == f.ISA13 || again.Claims[0].ST02 == bad.ST02 {
			t.Fatalf("resent file: ISA13 %d (first %d), %d claims", again.ISA13, f.ISA13, len(again.Claims))
		}
		if got := h.Status("A1"); got != ledger.StatusSubmitted {
			t.Errorf("A1 after the resend: %s", got)
		}

		// Late answers to the first file do not move the claims sent
		// again: the same 999 in another envelope, an acceptance of the
		// old set, a TA1 rejecting the old interchange. (Before, the
		// first put A1 and C3 back in the queue, to be sent a third time.)
		old := func(isa13 string, body ...string) string {
			return strings.ReplaceAll(gatewaytest.Interchange("FA", "005010X231A1", "999", body), "000000777", isa13)
		}
		ak := []string{fmt.Sprintf("AK1*HC*%d*005010X222A1", bad.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", bad.ST02)}
		h.Apply("999", old("000000779", append(ak, fmt.Sprintf("IK3*NM1*%d*2010BA*8", bad.FirstPos+1), "IK4*9*67*7", "IK5*R*5", "AK9*R*1*1*0")...))
		h.Apply("999", old("000000780", append(ak, "IK5*A", "AK9*A*1*1*1")...))
		var ta1 bytes.Buffer
		fmt.Fprintf(&ta1, "ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261123*1200*^*00501*000000781*0*T*:~\nTA1*%09d*261123*1200*R*025~\nIEA*0*000000781~\n", f.ISA13)
		h.Apply("TA1", ta1.String())
		for id, want := range map[string]ledger.Status{"A1": ledger.StatusSubmitted, "C3": ledger.StatusSubmitted, "B2": ledger.StatusRejected} {
			if got := h.Status(id); got != want {
				t.Errorf("%s after late answers to the first file: %s, want %s", id, got, want)
			}
		}
		// The new file's answer moves them.
		set := again.Claims[0]
		h.Apply("999", old("000000782", fmt.Sprintf("AK1*HC*%d*005010X222A1", set.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", set.ST02), "IK5*A", "AK9*A*1*1*1"))
		if got := h.Status(set.ClaimID); got != ledger.StatusAcknowledged {
			t.Errorf("%s after the new file's 999: %s", set.ClaimID, got)
		}
	})
}

// A 999 that rejects a group whole (AK9 R, no AK2) rejects its claims; an
// AK2 answered with no code, or a 999 without AK1, is an exception and
// moves nothing.
func TestGroupRejectedWhole(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.EncounterJSON("W1", 10000), gatewaytest.EncounterJSON("W2", 10000))
		set := f.Claims[0]
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", set.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", set.ST02), "AK9*A*1*1*1"}))
		if got := h.Status("W1"); got != ledger.StatusSubmitted || h.Exceptions() != 1 {
			t.Errorf("W1 after an AK2 without IK5: %s, %d exceptions; want submitted, 1", got, h.Exceptions())
		}
		h.Apply("999", strings.ReplaceAll(gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", set.GS06), "AK9*R*1*1*0*4"}), "000000777", "000000778"))
		for _, id := range []string{"W1", "W2"} {
			if got := h.Status(id); got != ledger.StatusRejected {
				t.Errorf("%s after its group was rejected whole: %s", id, got)
			}
		}
	})
}

// A claim the payer holds (277 P1) can still be accepted or rejected; a
// claim sent again under the number of a rejected one is matched.
func TestPendingAndResentClaims(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("PD", 10000), bytes.Replace(gatewaytest.EncounterJSON("OLDX", 10000), []byte(`"patient_control_number": "OLDX"`), []byte(`"patient_control_number": "PCNX"`), 1))
		status := func(pcn, stc, payerNo string) {
			h.Apply("277CA", gatewaytest.Interchange("HN", "005010X214", "277", []string{
				"BHT*0085*08*X1*20261123*1200*TH", "HL*1**20*1", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "TRN*1*X1",
				"DTP*050*D8*20261123", "DTP*009*D8*20261123", "HL*2*1*21*1", "NM1*41*2*CLAIMSGW*****46*CLAIMSGW", "TRN*2*1",
				"HL*3*2*19*1", "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893", "TRN*1*P1",
				"HL*4*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*" + pcn, "STC*" + stc + "*20261123*WQ*100", "REF*1K*" + payerNo, "DTP*472*D8*20261102"}))
		}
		status("PD", "P1:20:PR", "PAYPD")
		status("PD", "A3:21:PR", "PAYPD")
		if got := h.Status("PD"); got != ledger.StatusRejected {
			t.Errorf("PD, pending, after an A3: %s", got)
		}
		status("PD", "A2:20:PR", "LATE") // moves nothing, so changes no number
		if c, _ := l.Claim(h.Ctx, "PD"); c.Status != ledger.StatusRejected || c.PayerClaimNumber != "PAYPD" {
			t.Errorf("PD after a late A2: %s, payer claim number %q; want rejected, PAYPD", c.Status, c.PayerClaimNumber)
		}
		status("PCNX", "A3:21:PR", "PAYOLDX")
		h.Submit(bytes.Replace(gatewaytest.EncounterJSON("NEWX", 10000), []byte(`"patient_control_number": "NEWX"`), []byte(`"patient_control_number": "PCNX"`), 1))
		status("PCNX", "A2:20:PR", "PAYNEWX")
		if got := h.Status("NEWX"); got != ledger.StatusAccepted || h.Exceptions() != 0 {
			t.Errorf("NEWX, sent again under the number of the rejected OLDX, after an A2: %s, %d exceptions", got, h.Exceptions())
		}
	})
}

func TestTA1AndRejectedStatus(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.EncounterJSON("T1", 10000), gatewaytest.EncounterJSON("T2", 10000), gatewaytest.EncounterJSON("T3", 10000))
		h.Apply("277CA", gatewaytest.Interchange("HN", "005010X214", "277", []string{
			"BHT*0085*08*X1*20261123*1200*TH", "HL*1**20*1", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "TRN*1*X1",
			"DTP*050*D8*20261123", "DTP*009*D8*20261123",
			"HL*2*1*21*1", "NM1*41*2*CLAIMSGW*****46*CLAIMSGW", "TRN*2*1",
			"STC*A1:19:PR*20261123*WQ*200", "QTY*90*1", "QTY*AA*1", "AMT*YU*100", "AMT*YY*100",
			"HL*3*2*19*1", "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893", "TRN*1*P1", "QTY*QA*1", "QTY*QC*1", "AMT*YU*100", "AMT*YY*100",
			"HL*4*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*T1", "STC*A2:20:PR*20261123*WQ*100", "REF*1K*PAYT1", "DTP*472*D8*20261102",
			"HL*5*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*T2", "STC*A7:164:IL*20261123*U*100", "DTP*472*D8*20261102",
			"SVC*HC:99214*100", "STC*A3:21*20261123", "REF*FJ*T2-1", "DTP*472*D8*20261102",
		}))
		if got := h.Status("T1"); got != ledger.StatusAccepted {
			t.Errorf("T1 after 277CA A2: %s", got)
		}
		if c, _ := l.Claim(h.Ctx, "T1"); c.PayerClaimNumber != "PAYT1" {
			t.Errorf("payer claim number %q", c.PayerClaimNumber)
		}
		if got, r := h.Status("T2"), h.LastChange("T2").Reason; got != ledger.StatusRejected || r != "A7:164:IL; line 1 A3:21" {
			t.Errorf("T2 after 277CA A7: %s (%q)", got, r)
		}
		// A TA1 R for the interchange rejects what the 277CA did not
		// answer; a late TA1 does not undo the 277CA's acceptance. Two
		// TA1s for interchanges the gateway did not send are two
		// exceptions.
		var ta1 bytes.Buffer
		fmt.Fprintf(&ta1, "ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261123*1200*^*00501*000000778*0*T*:~\n"+
			"TA1*%09d*261123*1200*R*025~\nTA1*000000901*261123*1200*R*025~\nTA1*000000902*261123*1200*R*025~\nIEA*0*000000778~\n", f.ISA13)
		h.Apply("TA1", ta1.String())
		if got := h.Status("T3"); got != ledger.StatusRejected {
			t.Errorf("T3 after TA1 R: %s", got)
		}
		if r := h.LastChange("T3"); r.Kind != "TA1" || r.Reason != "TA1 R note 025" {
			t.Errorf("TA1 change %+v", r)
		}
		if got := h.Status("T1"); got != ledger.StatusAccepted {
			t.Errorf("T1, accepted by the 277CA, after a TA1 R: %s", got)
		}
		if n := h.Exceptions(); n != 2 {
			t.Errorf("%d exceptions; want 2, one for each TA1 of an interchange not sent", n)
		}
	})
}

// Payer data where a code belongs (a name, a member ID, a birth date in an
// STC or IK3 or IK5, a line control number the claim does not have) does
// not reach a claim's history or its events, which leave the process: it
// shows as "?". An STC category the guide does not have moves nothing.
func TestPayerDataStaysOutOfReasons(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.EncounterJSON("X1", 10000), gatewaytest.EncounterJSON("X2", 10000), gatewaytest.EncounterJSON("X3", 10000))
		h.Apply("277CA", gatewaytest.Interchange("HN", "005010X214", "277", []string{
			"BHT*0085*08*X1*20261123*1200*TH", "HL*1**20*1", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "TRN*1*X1",
			"DTP*050*D8*20261123", "DTP*009*D8*20261123",
			"HL*2*1*21*1", "NM1*41*2*CLAIMSGW*****46*CLAIMSGW", "TRN*2*1",
			"HL*3*2*19*1", "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893", "TRN*1*P1",
			"HL*4*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*X1", "STC*A7:JOHN DOE:W123456789*20261123*U*100", "DTP*472*D8*20261102",
			"SVC*HC:99214*100", "STC*A3:21*20261123", "REF*FJ*SMITH19800101", "DTP*472*D8*20261102",
			"HL*5*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*X3", "STC*PJOHN DOE:19800101*20261123*U*100", "DTP*472*D8*20261102",
		}))
		if got, r := h.Status("X1"), h.LastChange("X1").Reason; got != ledger.StatusRejected || r != "A7:?:?; line ? A3:21" {
			t.Errorf("X1 after the 277CA: %s (%q), want rejected (\"A7:?:?; line ? A3:21\")", got, r)
		}
		if got := h.Status("X3"); got != ledger.StatusSubmitted {
			t.Errorf("X3 after an STC category that is not one: %s, want submitted", got)
		}
		x2 := gatewaytest.FileClaim(t, f, "X2")
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", x2.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", x2.ST02),
			fmt.Sprintf("IK3*SMITH*%d*2010BA*8", x2.FirstPos+1), "IK5*R*5*JOHN DOE", "AK9*R*1*1*0"}))
		want := "999 R (IK5 5,?): ? at position"
		if r := h.LastChange("X2").Reason; !strings.HasPrefix(r, want) || strings.Contains(r, "SMITH") || strings.Contains(r, "JOHN") {
			t.Errorf("X2 after the 999: %q, want it to start %q", r, want)
		}
	})
}

// A payer file that is not X12 is kept with its errors and shows as an
// exception; nothing else changes.
func TestUnreadablePayerFile(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	h.Submit(gatewaytest.EncounterJSON("U1", 10000))
	h.Apply("unknown", "this is not an X12 file")
	if n := h.Exceptions(); n != 1 {
		t.Fatalf("%d exceptions, want 1", n)
	}
	if got := h.Status("U1"); got != ledger.StatusSubmitted {
		t.Errorf("U1: %s", got)
	}
	sum := sha256.Sum256([]byte("this is not an X12 file"))
	in, err := h.Ledger.InboundContent(h.Ctx, hex.EncodeToString(sum[:]))
	if err != nil || !strings.Contains(in.Errors, "not_x12") {
		t.Errorf("errors kept with the file: %q, %v", in.Errors, err)
	}
}

// A payer that answers before the deliverer has marked the file delivered:
// nothing is applied and the file comes back later, when it applies as
// usual.
func TestAnswerBeforeDeliveryIsRetried(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	if err := h.Intake.Take(h.Ctx, &queue.Message{Data: gatewaytest.EncounterJSON("EARLY", 10000)}); err != nil {
		t.Fatal(err)
	}
	if err := h.Batcher.Batch(h.Ctx, h.Payer(), true); err != nil {
		t.Fatal(err)
	}
	ids, _ := h.Ledger.FilesInStatus(h.Ctx, "SIMPAYER", ledger.FileBuilt)
	f, err := h.Ledger.FileByID(h.Ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	fc := f.Claims[0]
	ack := gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
		fmt.Sprintf("AK1*HC*%d*005010X222A1", fc.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", fc.ST02), "IK5*A", "AK9*A*1*1*1"})
	sum := sha256.Sum256([]byte(ack))
	sha := hex.EncodeToString(sum[:])
	if _, err := h.Ledger.RecordInbound(h.Ctx, ledger.InboundFile{SHA256: sha, PayerID: "SIMPAYER", Name: "early.999", Kind: "999", Content: []byte(ack)}); err != nil {
		t.Fatal(err)
	}
	if err := h.Inbound.Process(h.Ctx, &queue.Message{Data: []byte(sha)}); !errors.Is(err, inbound.ErrNotDelivered) {
		t.Fatalf("before delivery: %v", err)
	}
	if got := h.Status("EARLY"); got != ledger.StatusBatched || h.Exceptions() != 0 {
		t.Fatalf("before delivery: %s, %d exceptions", got, h.Exceptions())
	}
	if _, err := h.Ledger.MarkDelivered(h.Ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.Inbound.Process(h.Ctx, &queue.Message{Data: []byte(sha)}); err != nil {
		t.Fatal(err)
	}
	if got := h.Status("EARLY"); got != ledger.StatusAcknowledged {
		t.Fatalf("after delivery: %s", got)
	}
}

// ST02 is unique within a group only: a payer file of two groups whose
// sets are both 0001 posts both payments, each named GS06/ST02, and a CLP
// of the second parked as an exception is found again to match by hand.
func TestGroupsWithTheSameST02(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("G1", 10000), gatewaytest.EncounterJSON("G2", 10000))
		first := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTG1", "80", [][]string{gatewaytest.CLP1("G1", "1", "PG1", 80, "G1-1")}))
		second := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTG2", "150", [][]string{gatewaytest.CLP1("G2", "1", "PG2", 70, "G2-1"), gatewaytest.CLP1("NOSUCH", "1", "PGX", 80, "")}))
		group := second[strings.Index(second, "GS*"):strings.Index(second, "IEA*")]
		file := strings.Replace(first, "IEA*1*", strings.Replace(strings.Replace(group, "*77*X*", "*78*X*", 1), "GE*1*77~", "GE*1*78~", 1)+"IEA*2*", 1)
		h.Apply("835", file)
		if _, net := h.PaidOn("G1"); net != 8000 {
			t.Errorf("G1 holds %s, want 80.00", net)
		}
		if _, net := h.PaidOn("G2"); net != 7000 {
			t.Errorf("G2 holds %s, want 70.00", net)
		}
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 || open[0].ST02 != "78/0001" {
			t.Fatalf("open exceptions %+v, %v; want NOSUCH's, in set 78/0001", open, err)
		}
		h.Submit(gatewaytest.EncounterJSON("G3", 10000))
		if posted, err := h.Inbound.MatchException(h.Ctx, open[0].ID, inbound.Match{ClaimID: "G3", Actor: "alice", Force: true, Reason: "NOSUCH is G3's old number"}); err != nil || !posted {
			t.Fatalf("manual match: %v, %v", posted, err)
		}
		if _, net := h.PaidOn("G3"); net != 8000 {
			t.Errorf("G3 holds %s after the match by hand, want 80.00", net)
		}
	})
}

// A claim-level denial reversed, then paid: the denials report nets it
// out, as it does a line-level one.
func TestReversedDenialLeavesTheDenials(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("DC", 10000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTD1", "0", [][]string{
			{"CLP*DC*4*100*0*0*12*PAYDC*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "CAS*CO*50*100"}})))
		denials := func() (n int, amount money.Cents) {
			rows, err := l.Denials(h.Ctx, ledger.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.Group == "CO" && r.CARC == "50" {
					n, amount = n+r.Count, amount+r.Amount
				}
			}
			return n, amount
		}
		if n, amount := denials(); n != 1 || amount != 10000 {
			t.Fatalf("CO-50 after the denial: %d, %s; want 1, 100.00", n, amount)
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTD2", "80", [][]string{
			{"CLP*DC*22*-100*0*0*12*PAYDC*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "CAS*CO*50*-100"},
			gatewaytest.CLP1("DC", "1", "PAYDC", 80, "DC-1")})))
		if n, amount := denials(); n != 0 || amount != 0 {
			t.Errorf("CO-50 after the denial was reversed and the claim paid: %d, %s; want 0, 0.00", n, amount)
		}
		if got := h.Status("DC"); got != ledger.StatusPaid {
			t.Errorf("DC: %s", got)
		}
	})
}

// An SVC that matches no claim line (the payer recoded it), paid nothing,
// is a denied line: in the denials report with its remark, kept apart from
// the claim-level adjustments.
func TestRecodedLineDenied(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("RC", 10000, 5000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTR1", "80", [][]string{
			{"CLP*RC*1*150*80*0*12*PAYRC*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "CAS*OA*23*0",
				"SVC*HC:99214*100*80**1", "DTM*472*20261102", "CAS*CO*45*20", "REF*6R*RC-1",
				"SVC*HC:99999*50*0**1", "DTM*472*20261102", "CAS*CO*97*50", "LQ*HE*M15"}})))
		rows, err := l.Denials(h.Ctx, ledger.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range rows {
			if r.Group == "CO" && r.CARC == "97" {
				found = r.Count == 1 && r.Amount == 5000 && r.RARC == "M15"
			}
		}
		if !found {
			t.Errorf("denials %+v: want CO-97 M15, one line of 50.00", rows)
		}
		ps, _ := l.Payments(h.Ctx, "RC")
		if len(ps) != 1 || len(ps[0].Adjustments) != 3 || ps[0].Adjustments[0].LineNo != 0 || ps[0].Adjustments[2].LineNo >= 0 {
			t.Errorf("RC's adjustments %+v: want claim level 0, line 1, and the recoded line below 0", ps)
		}
	})
}

// An IK3 outside every claim's segments is traced to a claim when it can
// be: by a CTX naming the claim's CLM01, or, in the loops that lead to a
// claim (an invalid member ID in 2010BA, say), to the claim after it. The
// other claims of the set are sent again, not rejected with it.
func TestIK3BeforeItsClaim(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		var encs [][]byte
		for i, id := range []string{"S1", "S2", "S3", "S4"} {
			encs = append(encs, bytes.Replace(gatewaytest.EncounterJSON(id, 10000), []byte("XJH123456789"), fmt.Appendf(nil, "XJH00000000%d", i), 1))
		}
		f := h.Submit(encs...)
		s2, s3 := gatewaytest.FileClaim(t, f, "S2"), gatewaytest.FileClaim(t, f, "S3")
		if s2.ST02 != s3.ST02 || s3.FirstPos-1 <= s2.LastPos {
			t.Fatalf("S2 %+v and S3 %+v: want one set, S3 with its own subscriber loop", s2, s3)
		}
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", s2.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", s2.ST02),
			fmt.Sprintf("IK3*NM1*%d*2010BB*8", s3.FirstPos-1), "IK4*9*67*7", // S3's payer name, before its CLM
			"IK3*REF*4**8", "CTX*CLM01:S2", // named by a CTX
			"IK5*R*5", "AK9*R*1*1*0"}))
		for id, want := range map[string]ledger.Status{"S1": ledger.StatusQueued, "S2": ledger.StatusRejected, "S3": ledger.StatusRejected, "S4": ledger.StatusQueued} {
			if got := h.Status(id); got != want {
				t.Errorf("%s: %s, want %s", id, got, want)
			}
		}
	})
}

// A PLB names its claim by the PCN or by the payer's claim control number
// (CLP07) of a CLP of the same payment: both link it.
func TestPLBNamesItsClaimByCLP07(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("WK", 10000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTW1", "70", [][]string{gatewaytest.CLP1("WK", "1", "PAYW1", 80, "WK-1")},
			"PLB*1234567893*20261231*WO:PAYW1*20*FB:PAYW1*-10")))
		b, err := l.ClaimBalance(h.Ctx, "WK")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.ProviderAdjustments) != 2 {
			t.Errorf("WK's provider adjustments %+v: want the WO and the FB that name its CLP07", b.ProviderAdjustments)
		}
	})
}
