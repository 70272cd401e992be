package encounter

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// cobExample is the contract's example with a secondary payer, read in
// place.
const cobExample = "../../../shared/contracts/examples-dental-cob/professional-cob.json"

func readCOBExample(t *testing.T) *Encounter {
	t.Helper()
	b, err := os.ReadFile(cobExample)
	if os.IsNotExist(err) {
		t.Skipf("the contract's COB example is not at %s (the shared directory beside the repository); skipping", cobExample)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The contract's example with a secondary payer is accepted as it is.
func TestCOBExampleAccepted(t *testing.T) {
	e := readCOBExample(t)
	if probs := errorsOf(Scrub(e, Options{Now: today})); len(probs) > 0 {
		t.Fatalf("want no errors, got %+v", probs)
	}
	if o := e.Next("P"); o == nil || o.PayerID != "SIMPAYER2" || o.Subscriber.MemberID != "SEC99887766" || o.Relationship != "01" {
		t.Errorf("next payer after P: %+v", o)
	}
	if e.Next("S") != nil {
		t.Error("no payer after S")
	}
}

// Every other-payer rule, one change of the example at a time.
func TestCheckOtherPayerRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(e *Encounter)
		want   []want
	}{
		{"tertiary too", func(e *Encounter) {
			o := *e.OtherPayers[0]
			o.PayerID, o.Responsibility, o.Relationship = "THIRDPAY", "T", "18"
			e.OtherPayers = append(e.OtherPayers, &o)
		}, nil},
		{"payer missing", func(e *Encounter) { e.OtherPayers[0].PayerID = "" }, []want{{"other_payers[0].payer_id", CodeRequired}}},
		{"payer is the encounter's", func(e *Encounter) { e.OtherPayers[0].PayerID = "SIMPAYER" }, []want{{"other_payers[0].payer_id", CodeDuplicatePayer}}},
		{"name missing", func(e *Encounter) { e.OtherPayers[0].Name = "" }, []want{{"other_payers[0].name", CodeRequired}}},
		{"responsibility P", func(e *Encounter) { e.OtherPayers[0].Responsibility = "P" }, []want{{"other_payers[0].responsibility", CodeInvalidCode}}},
		{"tertiary alone", func(e *Encounter) { e.OtherPayers[0].Responsibility = "T" }, []want{{"other_payers", CodeRequired}}},
		{"two secondaries", func(e *Encounter) {
			o := *e.OtherPayers[0]
			o.PayerID = "OTHER"
			e.OtherPayers = append(e.OtherPayers, &o)
		}, []want{{"other_payers[1].responsibility", CodeDuplicatePayer}}},
		{"relationship bad", func(e *Encounter) { e.OtherPayers[0].Relationship = "99" }, []want{{"other_payers[0].relationship", CodeInvalidCode}}},
		{"relationship missing", func(e *Encounter) { e.OtherPayers[0].Relationship = "" }, []want{{"other_payers[0].relationship", CodeRequired}}},
		{"subscriber missing", func(e *Encounter) { e.OtherPayers[0].Subscriber = nil }, []want{{"other_payers[0].subscriber", CodeRequired}}},
		{"member id missing", func(e *Encounter) { e.OtherPayers[0].Subscriber.MemberID = "" }, []want{{"other_payers[0].subscriber.member_id", CodeRequired}}},
		{"filing indicator bad", func(e *Encounter) { e.OtherPayers[0].Subscriber.ClaimFilingIndicator = "XX" },
			[]want{{"other_payers[0].subscriber.claim_filing_indicator", CodeInvalidCode}}},
		{"birth date bad", func(e *Encounter) { e.OtherPayers[0].Subscriber.BirthDate = "1982-13-09" },
			[]want{{"other_payers[0].subscriber.birth_date", CodeInvalidDate}}},
		{"first payer not primary", func(e *Encounter) { e.Subscriber.PayerResponsibility = "S" },
			[]want{{"subscriber.payer_responsibility", CodeInvalidCode}}},
		{"name too long", func(e *Encounter) { e.OtherPayers[0].Name = fmt.Sprintf("%061d", 0) }, []want{{"other_payers[0].name", CodeTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := readCOBExample(t)
			Normalize(e)
			tt.change(e)
			probs := errorsOf(Check(e, Options{Now: today}))
			var got []want
			for _, p := range probs {
				got = append(got, want{p.Path, p.Code})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v\n%+v", got, tt.want, probs)
			}
		})
	}
}

// The claim to each payer: the first lists the secondary in 2320; the
// secondary's has its own subscriber in 2000B (SBR01 S), the patient in
// 2000C (the spouse's plan), and the primary in 2320 with its
// adjudication; a void names the claim it voids.
func TestToClaimFor(t *testing.T) {
	e := readCOBExample(t)
	Normalize(e)
	names := func(id string) claim.Payer { return claim.Payer{ID: id, Name: "NAME OF " + id} }

	first := ToClaimFor(e, Billing{}, names)
	if first.Payer.ID != "SIMPAYER" || first.Subscriber.PayerResponsibility != "P" || first.Patient != nil || len(first.OtherPayers) != 1 {
		t.Fatalf("first claim: payer %+v subscriber %+v patient %+v other payers %+v", first.Payer, first.Subscriber, first.Patient, first.OtherPayers)
	}
	if o := first.OtherPayers[0]; o.Responsibility != "S" || o.Relationship != "01" || o.Payer != (claim.Payer{ID: "SIMPAYER2", Name: "SECOND HEALTH PLAN"}) ||
		o.Subscriber.MemberID != "SEC99887766" || o.GroupNumber != "SG100" || o.ClaimFilingIndicator != "CI" || o.Adjudication != nil {
		t.Errorf("2320 on the first claim: %+v", o)
	}

	adj := &claim.Adjudication{Paid: 14000, Date: "2026-11-20", PayerClaimNumber: "SIM1",
		Adjustments: []claim.Adjustment{{Group: "PR", Reason: "1", Amount: 2000}}}
	second := ToClaimFor(e, Billing{Responsibility: "S", Prior: map[string]*claim.Adjudication{"P": adj}}, names)
	if second.Payer != (claim.Payer{ID: "SIMPAYER2", Name: "NAME OF SIMPAYER2"}) {
		t.Errorf("2010BB %+v", second.Payer)
	}
	if s := second.Subscriber; s.MemberID != "SEC99887766" || s.LastName != "DOE" || s.FirstName != "MARY" || s.PayerResponsibility != "S" || s.GroupNumber != "SG100" {
		t.Errorf("2000B %+v", s)
	}
	if p := second.Patient; p == nil || p.Relationship != "01" || p.FirstName != "JOHN" || p.BirthDate != "1980-02-01" || p.Address.City != "NASHVILLE" {
		t.Errorf("2000C %+v", p)
	}
	if len(second.OtherPayers) != 1 {
		t.Fatalf("2320 %+v", second.OtherPayers)
	}
	if o := second.OtherPayers[0]; o.Responsibility != "P" || o.Relationship != "18" || o.Payer.ID != "SIMPAYER" || o.Subscriber.MemberID != "XJH123456789" ||
		o.GroupNumber != "GRP7788" || o.Adjudication != adj {
		t.Errorf("2320 of the primary %+v", o)
	}
	if second.Info.TotalCharge != money.Cents(23500) || len(second.ServiceLines) != 2 || second.Info.Frequency != "1" {
		t.Errorf("2300 %+v", second.Info)
	}

	// The patient is the secondary's subscriber: no 2000C, and 2010BA
	// takes the patient's demographics.
	e.OtherPayers[0].Relationship = "18"
	e.OtherPayers[0].Subscriber.BirthDate, e.OtherPayers[0].Subscriber.Gender = "", ""
	self := ToClaimFor(e, Billing{Responsibility: "S", Prior: map[string]*claim.Adjudication{"P": adj}}, names)
	if self.Patient != nil || self.Subscriber.BirthDate != "1980-02-01" || self.Subscriber.Gender != "M" || self.Subscriber.Address.Line1 != "12 OAK AVE" {
		t.Errorf("self: patient %+v subscriber %+v", self.Patient, self.Subscriber)
	}

	v := ToClaimFor(e, Billing{Responsibility: "S", Prior: map[string]*claim.Adjudication{"P": adj}, Voids: "SEC123"}, names)
	if v.Info.Frequency != "8" || v.Info.OriginalPayerClaimNumber != "SEC123" {
		t.Errorf("void %+v", v.Info)
	}
}
