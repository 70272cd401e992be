package inbound

import (
	"errors"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// The processor's decisions are functions of a claim's snapshot and the
// payer's segment: each scenario of the integration tests (match_test.go)
// is a row here, without a ledger or NATS.

// snap is a claim with the lines given (line i+1 charged charges[i], REF*6R
// id-(i+1), 99214 then 87804 on 2026-11-02) and the CLPs posted to it.
func snap(id string, status ledger.Status, charges []money.Cents, posted ...ledger.PostedCLP) *ledger.Snapshot {
	s := &ledger.Snapshot{Claim: ledger.Claim{ID: id, PCN: id, Status: status, BillingNPI: "1234567893", BillingTaxID: "621234567"}, Payments: posted}
	for i, c := range charges {
		s.Charge += c
		s.Lines = append(s.Lines, ledger.Line{No: i + 1, LineID: id + "-" + string(rune('1'+i)), Procedure: []string{"HC:99214", "HC:87804"}[i%2],
			Charge: c, ServiceDate: "2026-11-02"})
	}
	return s
}

func paid(code, payerNo string, cents money.Cents, lines ...int) ledger.PostedCLP {
	return ledger.PostedCLP{StatusCode: code, PayerClaimNumber: payerNo, Paid: cents, Lines: lines}
}

// clp is a CLP with one SVC per charge, each paying what paid gives it.
func clp(code, payerNo string, paid money.Cents, svcs ...*remit.ServiceLine) *remit.Claim {
	c := &remit.Claim{StatusCode: code, PayerClaimControlNumber: payerNo, Paid: paid, ServiceLines: svcs}
	for _, s := range svcs {
		c.Charge += s.Charge
	}
	return c
}

func svc(proc string, charge, paid money.Cents, lineID string, pos int) *remit.ServiceLine {
	q, code, _ := strings.Cut(proc, ":")
	return &remit.ServiceLine{Procedure: remit.Procedure{Qualifier: q, Code: code}, Charge: charge, Paid: paid, ServiceDate: "2026-11-02",
		LineItemControlNumber: lineID, Position: x12.Position{Position: pos}}
}

func TestRefusal(t *testing.T) {
	one := []money.Cents{10000}
	for _, tt := range []struct {
		name    string
		s       *ledger.Snapshot
		clp     *remit.Claim
		lines   []int
		refused string // a part of the reason, "" when the CLP may be posted
	}{
		{"the first CLP", snap("CLEAN", ledger.StatusAcknowledged, one), clp("1", "PAY1", 8000), []int{1}, ""},
		{"a reversal of nothing", snap("NEVER", ledger.StatusSubmitted, one), clp("22", "PAYX", -8000), nil, "reverses a payment the claim does not hold"},
		{"a reversal under another claim's number", snap("B", ledger.StatusPaid, one, paid("1", "PAYB", 8000, 1)), clp("22", "PAYA", -8000), []int{1},
			"reverses a payment the claim does not hold"},
		{"a reversal of another amount", snap("B", ledger.StatusPaid, one, paid("1", "PAYB", 8000, 1)), clp("22", "PAYB", -9000), []int{1},
			"none of 90.00"},
		{"a reversal of the payment", snap("REVERSE", ledger.StatusPaid, one, paid("1", "PAY5", 8000, 1)), clp("22", "PAY5", -8000), []int{1}, ""},
		{"the correction after the reversal", snap("REVERSE", ledger.StatusReversed, one, paid("1", "PAY5", 8000, 1), paid("22", "PAY5", -8000, 1)),
			clp("1", "PAY5", 9000), []int{1}, ""},
		{"a second payment without a reversal", snap("A", ledger.StatusPaid, one, paid("1", "PAYA", 8000, 1)), clp("1", "PAYA", 9000), []int{1},
			"line 1 was adjudicated before"},
		{"a denial of a paid claim", snap("A", ledger.StatusPaid, one, paid("1", "PAYA", 8000, 1)), clp("4", "PAYA", 0), []int{1},
			"CLP02 4 denies a claim that holds 80.00"},
		{"a reversal of a payment of 0.00", snap("ZERO", ledger.StatusDenied, one, paid("1", "PAYZ", 0)), clp("22", "PAYZ", 0), nil, ""},
		{"a payment over a denial", snap("DP", ledger.StatusDenied, one, paid("4", "PAYDP", 0, 1)), clp("1", "PAYDP", 8000), []int{1},
			"line 1 was adjudicated before"},
		{"a payment after the denial was reversed", snap("DR", ledger.StatusReversed, one, paid("4", "PAYDR", 0, 1), paid("22", "PAYDR", 0, 1)),
			clp("1", "PAYDR", 8000), []int{1}, ""},
		{"the other part of a split claim", snap("SPLIT", ledger.StatusPaid, []money.Cents{18500, 5000}, paid("1", "PAY4", 14800, 1)),
			clp("1", "PAY4", 4000), []int{2}, ""},
		{"a claim-level CLP after the claim was adjudicated", snap("C", ledger.StatusPaid, one, paid("1", "PAYC", 8000)), clp("1", "PAYC", 8000), nil,
			"the claim was adjudicated before"},
		{"a reversal of both parts of a split claim", snap("SPLIT", ledger.StatusPaid, []money.Cents{18500, 5000}, paid("1", "PAY4", 14800, 1), paid("1", "PAY4", 4000, 2)),
			clp("22", "PAY4", -18800), []int{1, 2}, ""},
	} {
		got := refusal(tt.s, tt.clp, tt.lines)
		if tt.refused == "" && got != "" || tt.refused != "" && !strings.Contains(got, tt.refused) {
			t.Errorf("%s: refusal %q, want %q", tt.name, got, tt.refused)
		}
	}
}

func TestReversible(t *testing.T) {
	pay := func(cents money.Cents) ledger.PostedCLP { return ledger.PostedCLP{StatusCode: "1", Paid: cents} }
	rev := func(cents money.Cents) ledger.PostedCLP { return ledger.PostedCLP{StatusCode: "22", Paid: cents} }
	for _, tt := range []struct {
		name  string
		under []ledger.PostedCLP
		paid  money.Cents
		want  bool
	}{
		{"nothing under the number", nil, -8000, false},
		{"the payment", []ledger.PostedCLP{pay(8000)}, -8000, true},
		{"another amount", []ledger.PostedCLP{pay(8000)}, -9500, false},
		{"a payment of 0.00", []ledger.PostedCLP{pay(0)}, 0, true},
		{"reversed before", []ledger.PostedCLP{pay(8000), rev(-8000)}, -8000, false},
		{"the correction", []ledger.PostedCLP{pay(8000), rev(-8000), pay(9000)}, -9000, true},
		{"one part of a split claim", []ledger.PostedCLP{pay(14800), pay(4000)}, -4000, true},
		{"both parts", []ledger.PostedCLP{pay(14800), pay(4000)}, -18800, true},
		{"both parts, reversed before", []ledger.PostedCLP{pay(14800), pay(4000), rev(-18800)}, -4000, false},
	} {
		if got := reversible(tt.under, tt.paid); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPaymentStatus(t *testing.T) {
	crossed := func(c *remit.Claim) *remit.Claim {
		c.CrossoverCarrier = &remit.Name{LastName: "SECOND PLAN"}
		return c
	}
	for _, tt := range []struct {
		name      string
		clp       *remit.Claim
		paidSoFar money.Cents
		want      ledger.Status
	}{
		{"both lines paid", clp("1", "PAY1", 16800, svc("HC:99214", 18500, 12800, "", 1), svc("HC:87804", 5000, 4000, "", 2)), 16800, ledger.StatusPaid},
		{"a line denied", clp("1", "PAY2", 12800, svc("HC:99214", 18500, 12800, "", 1), svc("HC:87804", 5000, 0, "", 2)), 12800, ledger.StatusPartiallyPaid},
		{"a denial", clp("4", "PAY3", 0, svc("HC:99214", 10000, 0, "", 1)), 0, ledger.StatusDenied},
		{"paid nothing (all the patient's)", clp("1", "PAYZ", 0), 0, ledger.StatusDenied},
		{"a reversal", clp("22", "PAY5", -8000), 0, ledger.StatusReversed},
		{"the correction after a reversal", clp("1", "PAY5", 9000, svc("HC:99214", 10000, 9000, "", 1)), 9000, ledger.StatusPaid},
		{"processed as primary, forwarded", clp("19", "PAY6", 8000), 8000, ledger.StatusForwarded},
		{"paid, crossed over (NM1*TT)", crossed(clp("1", "PAY6", 8000, svc("HC:99214", 10000, 8000, "", 1))), 8000, ledger.StatusForwarded},
		{"paid in part, crossed over", crossed(clp("1", "PAY6", 8000, svc("HC:99214", 10000, 8000, "", 1), svc("HC:87804", 5000, 0, "", 2))), 8000,
			ledger.StatusForwarded},
		{"paid nothing, crossed over", crossed(clp("1", "PAY6", 0)), 0, ledger.StatusDenied},
		// A dental predetermination answered: an estimate, not a denial.
		// Before, it was denied.
		{"a predetermination (CLP02 25)", clp("25", "PAY7", 0, svc("AD:D2750", 75000, 0, "", 1)), 0, ledger.StatusPredetermined},
		{"the second part of a split claim", clp("1", "PAY4", 4000, svc("HC:87804", 5000, 4000, "", 1)), 18800, ledger.StatusPaid},
	} {
		if got := paymentStatus(tt.clp, tt.paidSoFar); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestPayment(t *testing.T) {
	s := snap("TWIN", ledger.StatusAcknowledged, []money.Cents{5000, 5000})
	s.Lines[1].Procedure = "HC:99214" // two like lines, no REF*6R
	for _, tt := range []struct {
		name  string
		s     *ledger.Snapshot
		svcs  []*remit.ServiceLine
		lines []int // what each SVC is posted to
	}{
		{"by REF*6R", snap("CLEAN", ledger.StatusAcknowledged, []money.Cents{18500, 5000}),
			[]*remit.ServiceLine{svc("HC:87804", 5000, 4000, "CLEAN-2", 20), svc("HC:99214", 18500, 12800, "CLEAN-1", 14)}, []int{2, 1}},
		{"by procedure, date and charge", snap("SPLIT", ledger.StatusAcknowledged, []money.Cents{18500, 5000}),
			[]*remit.ServiceLine{svc("HC:87804", 5000, 4000, "", 14)}, []int{2}},
		{"two like lines, one each", s, []*remit.ServiceLine{svc("HC:99214", 5000, 4500, "", 14), svc("HC:99214", 5000, 4500, "", 17)}, []int{1, 2}},
		{"a reversal's negative charges", snap("REVERSE", ledger.StatusPaid, []money.Cents{10000}),
			[]*remit.ServiceLine{svc("HC:99214", -10000, -8000, "", 14)}, []int{1}},
		{"a recoded line: its own line, by position", snap("RC", ledger.StatusAcknowledged, []money.Cents{10000, 5000}),
			[]*remit.ServiceLine{svc("HC:99214", 10000, 8000, "RC-1", 14), svc("HC:99999", 5000, 0, "", 18)}, []int{1, -18}},
	} {
		c := clp("1", "P", 0, tt.svcs...)
		c.Adjustments = []remit.Adjustment{{Group: "OA", Reason: "23"}}
		for i, l := range c.ServiceLines {
			l.Adjustments = []remit.Adjustment{{Group: "CO", Reason: "45", Amount: l.Charge - l.Paid}}
			l.Remarks = []string{"M15"}[:i%2]
		}
		p, matched := Payment(c, tt.s.Lines)
		var got, wantMatched []int
		for _, lp := range p.Lines {
			got = append(got, lp.LineNo)
		}
		for _, no := range tt.lines {
			if no > 0 {
				wantMatched = append(wantMatched, no)
			}
		}
		if !equal(got, tt.lines) || !equal(matched, wantMatched) {
			t.Errorf("%s: posted to lines %v (matched %v), want %v", tt.name, got, matched, tt.lines)
		}
		if p.Adjustments[0].LineNo != 0 || len(p.Adjustments) != len(tt.svcs)+1 {
			t.Errorf("%s: adjustments %+v, want the claim-level one first, then one a line", tt.name, p.Adjustments)
		}
		for i, a := range p.Adjustments[1:] {
			if a.LineNo != tt.lines[i] {
				t.Errorf("%s: adjustment %d on line %d, want %d", tt.name, i+1, a.LineNo, tt.lines[i])
			}
		}
		for _, r := range p.Remarks {
			if r.LineNo != tt.lines[1] {
				t.Errorf("%s: the remark on line %d, want %d", tt.name, r.LineNo, tt.lines[1])
			}
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMatchClaim(t *testing.T) {
	old, resent := snap("OLD", ledger.StatusPaid, []money.Cents{10000}), snap("NEW", ledger.StatusSubmitted, []money.Cents{10000})
	old.PCN, resent.PCN, old.PayerClaimNumber = "SAMEPCN", "SAMEPCN", "PAYOLD"
	rejected, again := snap("OLDX", ledger.StatusRejected, []money.Cents{10000}), snap("NEWX", ledger.StatusSubmitted, []money.Cents{10000})
	other := snap("OTHER", ledger.StatusSubmitted, []money.Cents{10000})
	other.BillingNPI, other.BillingTaxID = "1999999999", "999999999"
	ref := claimRef{npi: "1234567893", taxID: "621234567", charge: 10000}
	for _, tt := range []struct {
		name       string
		candidates []*ledger.Snapshot
		ref        claimRef
		want       string
		warning    string // a part of the warning, "" for none
		err        error
	}{
		{"none", nil, ref, "", "no sent claim of this billing provider", nil},
		{"the one", []*ledger.Snapshot{snap("A", ledger.StatusAcknowledged, []money.Cents{10000})}, ref, "A", "", nil},
		{"not sent yet: not a candidate", []*ledger.Snapshot{snap("Q", ledger.StatusQueued, []money.Cents{10000})}, ref, "", "no sent claim", nil},
		{"in a file not marked delivered yet", []*ledger.Snapshot{snap("E", ledger.StatusBatched, []money.Cents{10000})}, ref, "", "", errNotDelivered},
		{"another billing provider's", []*ledger.Snapshot{other}, ref, "", "no sent claim of this billing provider", nil},
		{"by tax ID when the payee has no NPI", []*ledger.Snapshot{other, snap("T", ledger.StatusSubmitted, []money.Cents{10000})},
			claimRef{taxID: "621234567", charge: 10000}, "T", "", nil},
		{"by the payer's claim number", []*ledger.Snapshot{resent, old}, claimRef{npi: ref.npi, charge: 10000, payerNo: "PAYOLD"}, "OLD", "", nil},
		{"the open one", []*ledger.Snapshot{resent, old}, claimRef{npi: ref.npi, charge: 10000, payerNo: "PAYNEW"}, "NEW", "", nil},
		{"a rejected claim yields to the one sent again", []*ledger.Snapshot{again, rejected}, ref, "NEWX", "", nil},
		{"by charge", []*ledger.Snapshot{snap("C1", ledger.StatusSubmitted, []money.Cents{10000}), snap("C2", ledger.StatusSubmitted, []money.Cents{5000})},
			claimRef{npi: ref.npi, charge: 5000}, "C2", "", nil},
		{"none has the charge", []*ledger.Snapshot{snap("C1", ledger.StatusSubmitted, []money.Cents{10000}), snap("C2", ledger.StatusSubmitted, []money.Cents{5000})},
			claimRef{npi: ref.npi, charge: 7000}, "", "none has the charge 70.00", nil},
		{"nothing tells them apart", []*ledger.Snapshot{snap("D1", ledger.StatusSubmitted, []money.Cents{10000}), snap("D2", ledger.StatusSubmitted, []money.Cents{10000})},
			ref, "", "nothing tells them apart", nil},
		{"the only one, with another charge", []*ledger.Snapshot{snap("W", ledger.StatusSubmitted, []money.Cents{10000})}, claimRef{npi: ref.npi, charge: 9000},
			"W", "the payer's charge 90.00 is not the claim's charge 100.00", nil},
		{"a reversal's negative charge", []*ledger.Snapshot{snap("R", ledger.StatusPaid, []money.Cents{10000})}, claimRef{npi: ref.npi, charge: -10000}, "R", "", nil},
	} {
		m, err := matchClaim(tt.candidates, tt.ref)
		id, warning := m.id, m.warning
		if tied := len(m.tied) > 0; tied != (tt.name == "none has the charge" || tt.name == "nothing tells them apart") {
			t.Errorf("%s: tied %v", tt.name, m.tied)
		}
		if id != tt.want || !errors.Is(err, tt.err) || tt.warning == "" && warning != "" || !strings.Contains(warning, tt.warning) {
			t.Errorf("%s: %q (%q, %v), want %q (%q, %v)", tt.name, id, warning, err, tt.want, tt.warning, tt.err)
		}
	}
}

// A PLB names its claim by the patient control number, or by the payer's
// claim control number (CLP07) a CLP of the file was posted under.
func TestPLBClaim(t *testing.T) {
	one := []money.Cents{10000}
	other := snap("OTHER", ledger.StatusSubmitted, one)
	other.BillingNPI, other.BillingTaxID = "1999999999", "999999999"
	type post struct{ no, id string } // a CLP of the file, posted under CLP07 no to the claim id
	for _, tt := range []struct {
		name       string
		candidates []*ledger.Snapshot // the claims with the reference as their patient control number
		posts      []post
		want       string
		err        error
	}{
		{"by the patient control number", []*ledger.Snapshot{snap("WK", ledger.StatusPaid, one)}, nil, "WK", nil},
		{"by a CLP's CLP07", nil, []post{{"PAYW1", "WK"}}, "WK", nil},
		{"the patient control number first", []*ledger.Snapshot{snap("BYPCN", ledger.StatusPaid, one)}, []post{{"PAYW1", "BYCLP07"}}, "BYPCN", nil},
		{"a CLP07 of two CLPs of one claim", nil, []post{{"PAYW1", "WK"}, {"PAYW1", "WK"}}, "WK", nil},
		{"a CLP07 of CLPs of two claims: neither", nil, []post{{"PAYW1", "A"}, {"PAYW1", "B"}}, "", nil},
		{"a CLP07 of two claims stays ambiguous", nil, []post{{"PAYW1", "A"}, {"PAYW1", "B"}, {"PAYW1", "A"}}, "", nil},
		{"another CLP07", nil, []post{{"PAYX", "WK"}}, "", nil},
		{"nothing", nil, nil, "", nil},
		{"a claim never sent: by CLP07", []*ledger.Snapshot{snap("Q", ledger.StatusQueued, one)}, []post{{"PAYW1", "WK"}}, "WK", nil},
		{"another billing provider's: by CLP07", []*ledger.Snapshot{other}, []post{{"PAYW1", "WK"}}, "WK", nil},
		{"in a file not marked delivered yet", []*ledger.Snapshot{snap("E", ledger.StatusBatched, one)}, []post{{"PAYW1", "WK"}}, "", errNotDelivered},
	} {
		var paid payerNumbers
		for _, p := range tt.posts {
			paid.add(p.no, p.id)
		}
		got, err := plbClaim(tt.candidates, claimRef{pcn: "PAYW1", npi: "1234567893", taxID: "621234567"}, paid)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestStatusOf(t *testing.T) {
	for _, tt := range []struct {
		category string
		want     ledger.Status
		moves    bool
	}{
		{"A1", ledger.StatusAccepted, true}, {"A2", ledger.StatusAccepted, true}, {"A5", ledger.StatusAccepted, true},
		{"A3", ledger.StatusRejected, true}, {"A4", ledger.StatusRejected, true}, {"A6", ledger.StatusRejected, true},
		{"A7", ledger.StatusRejected, true}, {"A8", ledger.StatusRejected, true},
		{"P1", ledger.StatusPending, true}, {"P0", ledger.StatusPending, true},
		{"PJOHN DOE", "", false}, {"F1", "", false}, {"", "", false},
	} {
		if got, moves := statusOf(tt.category); got != tt.want || moves != tt.moves {
			t.Errorf("%q: %s %v, want %s %v", tt.category, got, moves, tt.want, tt.moves)
		}
	}
}
