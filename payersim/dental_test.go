package payersim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/status"
)

// dentalClaim is the contract's dental example (examples-dental-cob/
// dental.json) as the 837 writer takes it, under a patient control
// number of its own.
func dentalClaim(pcn string) claim.Claim {
	return claim.Claim{
		Type: claim.Dental, Payer: claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"},
		BillingProvider: claim.Provider{OrganizationName: "LAKESIDE DENTAL GROUP", NPI: "1234567893", TaxID: "621234567", Taxonomy: "1223G0001X",
			Address: claim.Address{Line1: "200 LAKE ST", City: "NASHVILLE", State: "TN", PostalCode: "372031234"}},
		RenderingProvider: &claim.Provider{NPI: "1245319599", LastName: "NGUYEN", FirstName: "MAI", Taxonomy: "1223G0001X"},
		Subscriber: claim.Subscriber{MemberID: "DNT55500123", LastName: "DOE", FirstName: "JANE", BirthDate: "1985-07-14", Gender: "F",
			Address:     claim.Address{Line1: "12 OAK AVE", City: "NASHVILLE", State: "TN", PostalCode: "37205"},
			GroupNumber: "GRP9911", ClaimFilingIndicator: "CI", PayerResponsibility: "P"},
		Info: claim.Info{PatientControlNumber: pcn, TotalCharge: 31000, PlaceOfService: "11", Frequency: "1"},
		ServiceLines: []claim.ServiceLine{
			{LineID: pcn + "-1", Procedure: claim.ProcedureCode{Code: "D0120", Qualifier: "AD"}, Charge: 6000, Units: "1", ServiceDate: "2026-11-03"},
			{LineID: pcn + "-2", Procedure: claim.ProcedureCode{Code: "D2392", Qualifier: "AD"}, Charge: 19000, Units: "1", ServiceDate: "2026-11-03",
				Teeth: []claim.Tooth{{Number: "30", Surfaces: []string{"M", "O"}}}},
			{LineID: pcn + "-3", Procedure: claim.ProcedureCode{Code: "D1110", Qualifier: "AD"}, Charge: 6000, Units: "1", ServiceDate: "2026-11-03",
				OralCavityAreas: []string{"00"}},
		},
	}
}

func write837(t *testing.T, claims []claim.Claim) []byte {
	t.Helper()
	var buf bytes.Buffer
	d := x12.DefaultDelimiters
	d.Suffix = "\n"
	if _, err := claim.Write(&buf, claim.Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: "SIMPAYER", Usage: 'T',
		Delimiters: d, Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "CLAIMSGW000000001",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"},
	}, claims); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The strict payer answers an 837D as it answers the others: a 999 that
// accepts its set (AK1 with X224A2), a 277CA that accepts every claim,
// and an 835 whose SVCs carry the CDT codes with AD (SVC01-1) and the
// lines' REF*6R, balanced. A predetermination of benefits (CLM19 PB) is
// acknowledged the same, its 277CA dated the day it came (it has no date
// of service), and its 835 CLP is 25, pricing only: nothing paid, the
// anticipated payment OA-101.
func TestDentalAnswers(t *testing.T) {
	var claims []claim.Claim
	for i := range 12 {
		claims = append(claims, dentalClaim(fmt.Sprintf("PCND%03d", i+1)))
	}
	pre := dentalClaim("PCNDPRE1")
	pre.Info.Predetermination = true
	for i := range pre.ServiceLines {
		pre.ServiceLines[i].ServiceDate = ""
	}
	claims = append(claims, pre)
	p := testPayer()
	p.Lenient = false
	answers, err := p.Answer("in.837", write837(t, claims))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range answers {
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Join(kinds, " "); !strings.HasPrefix(got, "999 277CA 835") {
		t.Fatalf("answers %q", got)
	}

	acks, errs, err := ack.Decode(bytes.NewReader(answers[0].Data))
	if err != nil || len(errs) > 0 || len(acks) != 1 {
		t.Fatalf("999: %v %v %d", err, errs, len(acks))
	}
	if a := acks[0]; a.Group.Version != claim.VersionDental || a.Group.Code != "A" || len(a.Transactions) != 1 || a.Transactions[0].Code != "A" {
		t.Errorf("999 %+v\n%s", a, answers[0].Data)
	}

	sts, errs, err := status.Decode(bytes.NewReader(answers[1].Data))
	if err != nil || len(errs) > 0 || len(sts) != 1 {
		t.Fatalf("277CA: %v %v", err, errs)
	}
	accepted := map[string]string{}
	for _, c := range sts[0].Claims {
		if c.Statuses[0].Category == "A2" {
			accepted[c.PatientControlNumber] = c.ServiceDateFrom
		}
	}
	if len(accepted) != len(claims) || accepted["PCND001"] != "2026-11-03" || accepted["PCNDPRE1"] != "2026-11-20" {
		t.Errorf("277CA accepted %v", accepted)
	}

	paidLines, outcomes := 0, map[string]bool{}
	for _, a := range answers[2:] {
		checkBalanced(t, segments(t, a.Data))
		rems, errs, err := remit.Decode(bytes.NewReader(a.Data))
		if err != nil || len(errs) > 0 {
			t.Fatalf("835: %v %v", err, errs)
		}
		for _, r := range rems {
			for _, c := range r.Claims {
				outcomes[c.StatusCode] = true
				for _, l := range c.ServiceLines {
					if l.Procedure.Qualifier != "AD" || !strings.HasPrefix(l.Procedure.Code, "D") ||
						!strings.HasPrefix(l.LineItemControlNumber, c.PatientControlNumber+"-") || l.ServiceDate == "" && c.StatusCode != "25" {
						t.Errorf("CLP %s: SVC %+v", c.PatientControlNumber, l)
					}
					if l.Paid > 0 {
						paidLines++
					}
				}
				if c.PatientControlNumber != "PCNDPRE1" {
					continue
				}
				if c.StatusCode != "25" || c.Paid != 0 || c.PatientResponsibility != 0 || len(c.ServiceLines) != 3 {
					t.Errorf("predetermination CLP %+v", c)
				}
				for _, l := range c.ServiceLines {
					if l.Paid != 0 || len(l.Adjustments) != 2 || l.Adjustments[1].Group != "OA" || l.Adjustments[1].Reason != "101" ||
						l.Adjustments[1].Amount != l.Charge*80/100 {
						t.Errorf("predetermination SVC %+v", l)
					}
				}
			}
		}
	}
	if paidLines == 0 || !outcomes["1"] || !outcomes["25"] {
		t.Errorf("%d lines paid, CLP02s %v", paidLines, outcomes)
	}
}
