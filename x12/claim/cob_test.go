package claim

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// adjudicated reports whether an other payer of c adjudicated line n.
func adjudicated(c *Claim, n int) bool {
	for i := range c.OtherPayers {
		if c.OtherPayers[i].Adjudication.line(n) != nil {
			return true
		}
	}
	return false
}

// withSecondary is c, a claim to its primary payer, listing the
// secondary payer, which has not adjudicated it.
func withSecondary(c Claim) Claim {
	c.OtherPayers = []OtherPayer{{
		Responsibility: "S", Relationship: "01", GroupNumber: "SEC4455", ClaimFilingIndicator: "CI",
		Subscriber: OtherSubscriber{MemberID: "SEC0099887", LastName: "DOE", FirstName: "MARY", MiddleName: "K",
			Address: Address{Line1: "12 OAK AVE", City: "NASHVILLE", State: "TN", PostalCode: "37205"}},
		Payer: Payer{Name: "SECOND HEALTH PLAN", ID: "SECPAY01"},
	}}
	return c
}

// afterPrimary is c sent to its secondary payer, with what the primary
// decided: every line adjudicated (2430) with a contractual reduction
// (CO 45) and the patient's deductible or coinsurance (PR 1, PR 2), a
// claim-level adjustment in a third group (OA 23), the remaining
// patient liability, the payer's claim number and dates.
func afterPrimary(c Claim) Claim {
	c.Subscriber.PayerResponsibility = "S"
	a := &Adjudication{Date: "2026-11-15", PayerClaimNumber: "PRIICN778899",
		Adjustments: []Adjustment{{Group: "OA", Reason: "23", Amount: 500}}}
	var patient money.Cents
	for i, l := range c.ServiceLines {
		co, pr := l.Charge/5, l.Charge/10
		la := LineAdjudication{Line: i + 1, Paid: l.Charge - co - pr, Procedure: l.Procedure, RevenueCode: l.RevenueCode,
			Units: l.Units, Date: "2026-11-14",
			Adjustments: []Adjustment{{Group: "CO", Reason: "45", Amount: co}, {Group: "PR", Reason: "2", Amount: pr}}}
		if i == 0 {
			la.Adjustments[1] = Adjustment{Group: "PR", Reason: "1", Amount: pr / 2, Quantity: "1"}
			la.Adjustments = append(la.Adjustments, Adjustment{Group: "PR", Reason: "2", Amount: pr - pr/2})
		}
		patient += pr
		a.Paid += la.Paid
		a.Lines = append(a.Lines, la)
	}
	a.Paid -= 500
	a.RemainingPatientLiability = &patient
	rel := "18" // the patient is the subscriber
	if c.Patient != nil {
		rel = c.Patient.Relationship
	}
	c.OtherPayers = []OtherPayer{{
		Responsibility: "P", Relationship: rel, GroupNumber: "GRP1122", GroupName: "FIRST PLAN GROUP", ClaimFilingIndicator: "CI",
		Subscriber:   OtherSubscriber{MemberID: "PRI55500123", LastName: c.Subscriber.LastName, FirstName: c.Subscriber.FirstName},
		Payer:        Payer{Name: "FIRST HEALTH PLAN", ID: "PRIPAY01"},
		Adjudication: a,
	}}
	return c
}

// cobClaims are, for each form, a primary claim listing the secondary and
// a secondary claim carrying the primary's adjudication.
func cobClaims() map[Type][]Claim {
	return map[Type][]Claim{
		Professional:  {withSecondary(professional(1, subscriber(1))), afterPrimary(dependent(professional(2, subscriber(2)), "JILL"))},
		Institutional: {withSecondary(institutional(3)), afterPrimary(institutional(4))},
		Dental:        {withSecondary(dental(5)), afterPrimary(dental(6))},
	}
}

// Write then Decode gives the claims with their other payers back
// equal, the 2430s in their lines and the placements' Last on the last
// 2430's DTP.
func TestRoundTripCOB(t *testing.T) {
	for typ, claims := range cobClaims() {
		t.Run(string(typ), func(t *testing.T) {
			for _, c := range claims {
				write(t, testBatch(), []Claim{c})
			}
			data, _ := write(t, testBatch(), claims)
			for _, want := range []string{"~OI***Y***Y~", "~AMT*D*", "~AMT*EAF*", "~DTP*573*D8*20261115~REF*F8*PRIICN778899~",
				"~SVD*PRIPAY01*", "~CAS*CO*45*", "~CAS*OA*23*5~", "~NM1*PR*2*SECOND HEALTH PLAN*****PI*SECPAY01~"} {
				if !bytes.Contains(data, []byte(want)) {
					t.Errorf("no %s in\n%s", want, data)
				}
			}
		})
	}
}

// The segments of each form's COB loops, exactly.
func TestCOBSegments(t *testing.T) {
	c := afterPrimary(dental(6))
	c.ServiceLines = c.ServiceLines[:1]
	c.Info.TotalCharge = c.ServiceLines[0].Charge
	a := c.OtherPayers[0].Adjudication
	a.Lines = a.Lines[:1]
	a.Adjustments = nil
	a.Paid = a.Lines[0].Paid
	eaf := money.Cents(600)
	a.RemainingPatientLiability = &eaf
	for _, tc := range []struct {
		claim Claim
		want  string
	}{
		{c, "SBR*P*18*GRP1122*FIRST PLAN GROUP*****CI~AMT*D*42~AMT*EAF*6~OI***Y***Y~NM1*IL*1*DOE*JANE****MI*PRI55500123~" +
			"NM1*PR*2*FIRST HEALTH PLAN*****PI*PRIPAY01~DTP*573*D8*20261115~REF*F8*PRIICN778899~" +
			"LX*1~SV3*AD:D0120*60~DTP*472*D8*20261103~REF*6R*PCN000006-1~" +
			"SVD*PRIPAY01*42*AD:D0120**1~CAS*CO*45*12~CAS*PR*1*3*1*2*3~DTP*573*D8*20261114~SE*"},
	} {
		var buf bytes.Buffer
		if _, err := Write(&buf, testBatch(), []Claim{tc.claim}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("want %s in\n%s", tc.want, buf.String())
		}
	}

	i := afterPrimary(institutional(4))
	var buf bytes.Buffer
	if _, err := Write(&buf, testBatch(), []Claim{i}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"~SVD*PRIPAY01*4200**0120*3~", "~SVD*PRIPAY01*3640*HC:93458*0481*1~"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("want %s in\n%s", want, buf.String())
		}
	}
}

// Seven adjustments of one group take two CAS; each round trips.
func TestCASSplit(t *testing.T) {
	c := afterPrimary(professional(1, subscriber(1)))
	la := &c.OtherPayers[0].Adjudication.Lines[1]
	co := la.Adjustments[0].Amount
	la.Adjustments = la.Adjustments[1:]
	for n := range 7 {
		la.Adjustments = append(la.Adjustments, Adjustment{Group: "CO", Reason: fmt.Sprint(100 + n), Amount: co / 7})
	}
	la.Adjustments[1].Amount += co - co/7*7
	data, _ := write(t, testBatch(), []Claim{c})
	if !bytes.Contains(data, []byte("~CAS*PR*2*5~CAS*CO*100*")) || !bytes.Contains(data, []byte("*105*1.42~CAS*CO*106*1.42~")) {
		t.Errorf("the CO adjustments are not in two CAS after the PR one:\n%s", data)
	}
}

func TestCOBRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Claim)
		want string
	}{
		{"line unbalanced", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[1].Paid -= 1000 },
			"claim 0: other payer 1: line 2 charge 50.00 ≠ paid 25.00 + adjustments 15.00"},
		{"claim unbalanced", func(c *Claim) { c.OtherPayers[0].Adjudication.Paid += 1 },
			"other payer 1: claim charge 285.00 ≠ paid 194.51 + adjustments 90.50 (claim level 5.00, lines 85.50)"},
		{"responsibility", func(c *Claim) { c.OtherPayers[0].Responsibility = "X" }, "SBR01"},
		{"the destination's responsibility", func(c *Claim) { c.OtherPayers[0].Responsibility = "S" }, "another payer's"},
		{"no payer ID", func(c *Claim) { c.OtherPayers[0].Payer.ID = "" }, "name and an ID"},
		{"no payer name", func(c *Claim) { c.OtherPayers[0].Payer.Name = "" }, "name and an ID"},
		{"no member ID", func(c *Claim) { c.OtherPayers[0].Subscriber.MemberID = "" }, "member ID"},
		{"no subscriber name", func(c *Claim) { c.OtherPayers[0].Subscriber.LastName = "" }, "last name"},
		{"no relationship", func(c *Claim) { c.OtherPayers[0].Relationship = "" }, "SBR02"},
		{"line out of range", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[2].Line = 4 }, "line 4, the claim has 3 lines"},
		{"line twice", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[2].Line = 2 }, "line 2 adjudicated twice"},
		{"no line date", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[0].Date = "" }, "DTP*573"},
		{"no units", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[0].Units = "" }, "SVD05"},
		{"no procedure", func(c *Claim) { c.OtherPayers[0].Adjudication.Lines[0].Procedure.Code = "" }, "SVD03"},
		{"group", func(c *Claim) { c.OtherPayers[0].Adjudication.Adjustments[0].Group = "XX" }, "adjustment group"},
		{"no reason", func(c *Claim) { c.OtherPayers[0].Adjudication.Adjustments[0].Reason = "" }, "reason"},
		{"six CAS", func(c *Claim) {
			a := c.OtherPayers[0].Adjudication
			a.Adjustments = nil
			for i, g := range []string{"CO", "CR", "OA", "PI", "PR", "CO", "CO", "CO", "CO", "CO", "CO"} {
				a.Adjustments = append(a.Adjustments, Adjustment{Group: g, Reason: fmt.Sprint(i + 1)})
			}
			a.Adjustments[0].Amount = 500
		}, "6 CAS segments: at most 5"},
		{"no date", func(c *Claim) {
			a := c.OtherPayers[0].Adjudication
			a.Date, a.Lines, a.Paid = "", nil, c.Info.TotalCharge-500
		}, "needs its date"},
		{"same payer twice", func(c *Claim) {
			o := c.OtherPayers[0]
			o.Responsibility, o.Adjudication = "T", nil
			c.OtherPayers = append(c.OtherPayers, o)
		}, "another other payer's"},
		{"11 other payers", func(c *Claim) {
			for i := range 10 {
				o := c.OtherPayers[0]
				o.Payer.ID = fmt.Sprint("P", i)
				c.OtherPayers = append(c.OtherPayers, o)
			}
		}, "11 other payers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := afterPrimary(professional(1, subscriber(1)))
			tc.edit(&c)
			res, err := Write(io.Discard, testBatch(), []Claim{c})
			if err == nil || res != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: %v; want an error with %q", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "DOE") || strings.Contains(err.Error(), "PRI55500123")) {
				t.Errorf("the error quotes PHI: %v", err)
			}
		})
	}
	i := afterPrimary(institutional(4))
	i.OtherPayers[0].Adjudication.Lines[0].RevenueCode = ""
	if _, err := Write(io.Discard, testBatch(), []Claim{i}); err == nil || !strings.Contains(err.Error(), "SVD04") {
		t.Errorf("an 837I 2430 without its revenue code: %v", err)
	}
	// Adjudication.Check alone, as the gateway calls it.
	c := afterPrimary(professional(1, subscriber(1)))
	a := c.OtherPayers[0].Adjudication
	if err := a.Check(&c); err != nil {
		t.Errorf("Check: %v", err)
	}
	a.Lines[0].Adjustments[0].Amount++
	if err := a.Check(&c); err == nil || err.Error() != "line 1 charge 185.00 ≠ paid 129.50 + adjustments 55.51" {
		t.Errorf("Check: %v", err)
	}
}

// writeCOB writes the COB claims of a type as one interchange, as the
// golden test's batch does (a line break after each segment).
func writeCOB(t *testing.T, typ Type) []byte {
	t.Helper()
	b := testBatch()
	b.Delimiters = x12.DefaultDelimiters
	b.Delimiters.Suffix = "\n"
	data, _ := write(t, b, cobClaims()[typ])
	return data
}

// The COB 837s pass the guide engine: loops, segments, elements, rules.
func TestCOBPassesTheGuide(t *testing.T) {
	only := func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		return "", guide.For(setID, implementation, groupVersion)
	}
	for _, typ := range []Type{Professional, Institutional, Dental} {
		t.Run(string(typ), func(t *testing.T) {
			f, err := x12.ReadFileWith(bytes.NewReader(writeCOB(t, typ)), only)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range f.Errors {
				t.Errorf("%v", e)
			}
		})
	}
}

// The COB 837P and 837I pass pyx12 (it has no 837D map).
func TestCOBPassesPyx12(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, typ := range []Type{Professional, Institutional} {
		name := filepath.Join(dir, "cob-"+string(typ)+".x12")
		if err := os.WriteFile(name, writeCOB(t, typ), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	for f, errs := range x12test.Pyx12Errors(t, files...) {
		t.Errorf("pyx12 finds errors in %s:\n  %s", filepath.Base(f), strings.Join(errs, "\n  "))
	}
}
