package claim

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Test inputs, shaped like the contract's example encounters.

func testBatch() Batch {
	return Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: "SIMPAYER",
		Usage: 'T', Time: time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC),
		InterchangeControlNumber: 42, GroupControlNumber: 7, TransactionControlNumber: 1,
		ReferenceID: "BATCH0001",
		Submitter:   Submitter{Name: "CLAIMSGW CLEARINGHOUSE", ID: "CLAIMSGW", ContactName: "EDI DESK", Phone: "6155550100", Email: "EDI@CLAIMSGW.EXAMPLE"},
		Receiver:    Receiver{Name: "SIM PAYER", ID: "SIMPAYER"},
	}
}

func riverside() Provider {
	return Provider{
		OrganizationName: "RIVERSIDE FAMILY MEDICINE", NPI: "1234567893", TaxID: "621234567", Taxonomy: "207Q00000X",
		Address: Address{Line1: "100 MAIN ST", City: "NASHVILLE", State: "TN", PostalCode: "372031234"},
	}
}

func subscriber(n int) Subscriber {
	return Subscriber{
		MemberID: fmt.Sprintf("XJH%09d", n), LastName: "DOE", FirstName: "JOHN" + strconv.Itoa(n%7), BirthDate: "1980-02-01", Gender: "M",
		Address:     Address{Line1: "12 OAK AVE", City: "NASHVILLE", State: "TN", PostalCode: "37205"},
		GroupNumber: "GRP7788", ClaimFilingIndicator: "CI", PayerResponsibility: "P",
	}
}

// professional is a typical 837P claim: 4 diagnoses, 3 lines.
func professional(n int, sub Subscriber) Claim {
	pcn := fmt.Sprintf("PCN%06d", n)
	c := Claim{
		Type: Professional, Payer: Payer{Name: "SIM PAYER", ID: "SIMPAYER"},
		BillingProvider:   riverside(),
		RenderingProvider: &Provider{NPI: "1245319599", LastName: "SMITH", FirstName: "ANNA", Taxonomy: "207Q00000X"},
		Subscriber:        sub,
		Info: Info{
			PatientControlNumber: pcn, TotalCharge: 28500, PlaceOfService: "11", Frequency: "1",
			PriorAuthorization: "AUTH5566",
			Diagnoses: []Diagnosis{{Code: "J101", Type: Principal}, {Code: "R509", Type: Other},
				{Code: "R05", Type: Other}, {Code: "E119", Type: Other}},
		},
	}
	for i, l := range []struct {
		code   string
		mods   []string
		charge money.Cents
		ptrs   []int
	}{{"99214", []string{"25"}, 18500, []int{1, 2}}, {"87804", nil, 5000, []int{1}}, {"94640", nil, 5000, []int{3, 4}}} {
		c.ServiceLines = append(c.ServiceLines, ServiceLine{
			LineID: pcn + "-" + strconv.Itoa(i+1), Procedure: ProcedureCode{Code: l.code, Qualifier: "HC", Modifiers: l.mods},
			Charge: l.charge, Units: "1", UnitType: "UN", ServiceDate: "2026-11-02", DiagnosisPointers: l.ptrs,
		})
	}
	return c
}

// institutional is the contract's institutional example.
func institutional(n int) Claim {
	pcn := fmt.Sprintf("PCN%06d", n)
	return Claim{
		Type: Institutional, Payer: Payer{Name: "SIM PAYER", ID: "SIMPAYER"},
		BillingProvider: Provider{
			OrganizationName: "SAINT MARY GENERAL HOSPITAL", NPI: "1730145889", TaxID: "620987654", Taxonomy: "282N00000X",
			Address: Address{Line1: "900 HOSPITAL DR", City: "MEMPHIS", State: "TN", PostalCode: "381031000"},
		},
		AttendingProvider: &Provider{NPI: "1497758544", LastName: "JONES", FirstName: "ROBERT", Taxonomy: "207R00000X"},
		Subscriber: Subscriber{
			MemberID: "MBR998877", LastName: "ROE", FirstName: "JANE", BirthDate: "1955-07-19", Gender: "F",
			Address:              Address{Line1: "5 ELM ST", City: "MEMPHIS", State: "TN", PostalCode: "38104"},
			ClaimFilingIndicator: "MB", PayerResponsibility: "P",
		},
		Info: Info{
			PatientControlNumber: pcn, TotalCharge: 1285000, FacilityType: "11", Frequency: "1",
			StatementFrom: "2026-10-28", StatementTo: "2026-10-31",
			Admission:     &Admission{Date: "2026-10-28", Hour: "0930", Type: "1", Source: "7"},
			DischargeHour: "1400", PatientStatus: "01",
			Diagnoses: []Diagnosis{{Code: "I214", Type: Principal, PresentOnAdmission: "Y"}, {Code: "I214", Type: Admitting},
				{Code: "E119", Type: Other, PresentOnAdmission: "Y"}, {Code: "I10", Type: Other, PresentOnAdmission: "Y"}},
			Procedures: []Procedure{{Code: "4A023N7", Date: "2026-10-29", Type: PrincipalProcedure}},
		},
		ServiceLines: []ServiceLine{
			{LineID: pcn + "-1", RevenueCode: "0120", Charge: 600000, Units: "3", UnitType: "DA", ServiceDate: "2026-10-28"},
			{LineID: pcn + "-2", RevenueCode: "0481", Procedure: ProcedureCode{Code: "93458", Qualifier: "HC"}, Charge: 520000, Units: "1", UnitType: "UN", ServiceDate: "2026-10-29"},
			{LineID: pcn + "-3", RevenueCode: "0300", Procedure: ProcedureCode{Code: "80053", Qualifier: "HC"}, Charge: 165000, Units: "1", UnitType: "UN", ServiceDate: "2026-10-28"},
		},
	}
}

// dental is the contract's dental example (examples-dental-cob/dental.json):
// an exam, a two-surface composite on tooth 30 and a cleaning of the
// whole mouth.
func dental(n int) Claim {
	pcn := fmt.Sprintf("PCN%06d", n)
	return Claim{
		Type: Dental, Payer: Payer{Name: "SIM PAYER", ID: "SIMPAYER"},
		BillingProvider: Provider{
			OrganizationName: "LAKESIDE DENTAL GROUP", NPI: "1234567893", TaxID: "621234567", Taxonomy: "1223G0001X",
			Address: Address{Line1: "200 LAKE ST", City: "NASHVILLE", State: "TN", PostalCode: "372031234"},
		},
		RenderingProvider: &Provider{NPI: "1245319599", LastName: "NGUYEN", FirstName: "MAI", Taxonomy: "1223G0001X"},
		Subscriber: Subscriber{
			MemberID: "DNT55500123", LastName: "DOE", FirstName: "JANE", BirthDate: "1985-07-14", Gender: "F",
			Address:     Address{Line1: "12 OAK AVE", City: "NASHVILLE", State: "TN", PostalCode: "37205"},
			GroupNumber: "GRP9911", ClaimFilingIndicator: "CI", PayerResponsibility: "P",
		},
		Info: Info{PatientControlNumber: pcn, TotalCharge: 31000, PlaceOfService: "11", Frequency: "1"},
		ServiceLines: []ServiceLine{
			{LineID: pcn + "-1", Procedure: ProcedureCode{Code: "D0120", Qualifier: "AD"}, Charge: 6000, Units: "1", ServiceDate: "2026-11-03"},
			{LineID: pcn + "-2", Procedure: ProcedureCode{Code: "D2392", Qualifier: "AD"}, Charge: 19000, Units: "1", ServiceDate: "2026-11-03",
				Teeth: []Tooth{{Number: "30", Surfaces: []string{"M", "O"}}}},
			{LineID: pcn + "-3", Procedure: ProcedureCode{Code: "D1110", Qualifier: "AD"}, Charge: 6000, Units: "1", ServiceDate: "2026-11-03",
				OralCavityAreas: []string{"00"}},
		},
	}
}

// dentalFull is a dental claim with every 837D field: diagnoses and
// pointers, orthodontic treatment, missing teeth, the 2310 providers, a
// replaced prosthesis, several teeth and areas, a procedure count.
func dentalFull(n int) Claim {
	c := dental(n)
	total, left := 24, 18
	c.Info.Diagnoses = []Diagnosis{{Code: "K0252", Type: Principal}, {Code: "K051", Type: Other}}
	c.Info.Orthodontic = &Orthodontic{TotalMonths: &total, MonthsRemaining: &left, BandingDate: "2026-05-04"}
	c.Info.MissingTeeth = []ToothState{{Number: "1", Status: "M"}, {Number: "16", Status: "X"}, {Number: "17", Status: "E"}}
	c.Info.PriorAuthorization, c.Info.Notes = "AUTH7788", "PANORAMIC ON FILE"
	c.ReferringProvider = &Provider{LastName: "KILDARE", FirstName: "JAMES", NPI: "1093817462"}
	c.ServiceFacility = &Provider{OrganizationName: "LAKESIDE ANNEX", NPI: "1326046970",
		Address: Address{Line1: "210 LAKE ST", City: "NASHVILLE", State: "TN", PostalCode: "372031235"}}
	c.AssistantSurgeon = &Provider{LastName: "HOUSE", FirstName: "GREG", NPI: "1811956527", Taxonomy: "1223S0112X"}
	c.ServiceLines[0].DiagnosisPointers = []int{1}
	c.ServiceLines[1].DiagnosisPointers = []int{1, 2}
	c.ServiceLines[1].Teeth = append(c.ServiceLines[1].Teeth, Tooth{Number: "A", Surfaces: []string{"B", "D", "F", "L", "O"}}, Tooth{Number: "51"})
	c.ServiceLines[2].OralCavityAreas = []string{"10", "20", "30", "40", "L"}
	c.ServiceLines[2].Units = "2"
	c.ServiceLines[2].PlaceOfService = "22"
	c.ServiceLines = append(c.ServiceLines, ServiceLine{LineID: fmt.Sprintf("PCN%06d-4", n), Procedure: ProcedureCode{Code: "D2750", Qualifier: "AD"},
		Charge: 95000, Units: "1", ServiceDate: "2026-11-03", Teeth: []Tooth{{Number: "19"}},
		Prosthesis: &Prosthesis{Placement: "R", PriorDate: "2015-02-10"}})
	c.Info.TotalCharge = 126000
	return c
}

// dependent makes c a claim for the subscriber's child.
func dependent(c Claim, name string) Claim {
	c.Patient = &Patient{Relationship: "19", LastName: "DOE", FirstName: name, BirthDate: "2015-06-30", Gender: "F",
		Address: c.Subscriber.Address}
	return c
}

// write writes claims and checks what any written interchange must be:
// no reader error or warning at all, a decode equal to the input, and
// placements that point at the claims' segments.
func write(t *testing.T, b Batch, claims []Claim) ([]byte, *Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := Write(&buf, b, claims)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := x12.ReadFile(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Errors {
		t.Errorf("x12.ReadFile: %v", e)
	}
	dec, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range dec.Errors {
		t.Errorf("Decode: %v", e)
	}
	for _, s := range dec.Sets {
		for _, sk := range s.Skipped {
			t.Errorf("Decode skipped %s at position %d of set %s (loop %s)", sk.ID, sk.Position, s.Transaction, sk.Loop)
		}
	}

	// The written order: by transaction set, then position.
	txIndex := map[string]int{}
	for i, tx := range res.Transactions {
		txIndex[tx.Group+"/"+tx.ControlNumber] = i
	}
	order := make([]int, len(claims))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		pa, pb := res.Claims[a], res.Claims[b]
		return cmp.Or(cmp.Compare(txIndex[pa.Group+"/"+pa.Transaction], txIndex[pb.Group+"/"+pb.Transaction]), cmp.Compare(pa.First, pb.First))
	})
	got := dec.Claims()
	if len(got) != len(claims) {
		t.Fatalf("decoded %d claims, wrote %d", len(got), len(claims))
	}
	var placements []Placement
	for _, s := range dec.Sets {
		placements = append(placements, s.Placements...)
	}
	for k, i := range order {
		if !reflect.DeepEqual(got[k], claims[i]) {
			t.Errorf("claim %d (%s) round trip:\n got %+v\nwant %+v", i, claims[i].Info.PatientControlNumber, got[k], claims[i])
		}
		if !reflect.DeepEqual(placements[k], res.Claims[i]) {
			t.Errorf("claim %d: decoded placement %+v, written %+v", i, placements[k], res.Claims[i])
		}
	}
	checkPositions(t, buf.Bytes(), claims, res)
	return buf.Bytes(), res
}

// at is a segment read back: its ID and first two elements.
type at struct{ id, e1, e2, e3 string }

// checkPositions reads the interchange back and checks that each recorded
// position holds the segment it should.
func checkPositions(t *testing.T, data []byte, claims []Claim, res *Result) {
	t.Helper()
	segs := map[string]map[int]at{} // GS06/ST02 → position → segment
	var gs, st string
	r := x12.NewReader(bytes.NewReader(data))
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch s.ID() {
		case "ISA":
			if s.Str(13) != res.Interchange {
				t.Fatalf("ISA13 %s, Result says %s", s.Str(13), res.Interchange)
			}
		case "GS":
			gs = s.Str(6)
		case "ST":
			st = s.Str(2)
		}
		if st == "" {
			continue
		}
		k := gs + "/" + st
		if segs[k] == nil {
			segs[k] = map[int]at{}
		}
		segs[k][r.TransactionPosition()] = at{s.ID(), s.Str(1), s.Str(2), s.Str(3)}
		if s.ID() == "SE" {
			st = ""
		}
	}
	for _, tx := range res.Transactions {
		if se := segs[tx.Group+"/"+tx.ControlNumber][tx.Segments]; se.id != "SE" || se.e1 != strconv.Itoa(tx.Segments) {
			t.Errorf("set %s: position %d is %v, want SE with the count", tx.ControlNumber, tx.Segments, se)
		}
	}
	for i, p := range res.Claims {
		c := &claims[i]
		set := segs[p.Group+"/"+p.Transaction]
		if p.Interchange != res.Interchange {
			t.Errorf("claim %d: ISA13 %s, want %s", i, p.Interchange, res.Interchange)
		}
		if s := set[p.First]; s.id != "CLM" || s.e1 != c.Info.PatientControlNumber {
			t.Errorf("claim %d: First %d is %v, want its CLM", i, p.First, s)
		}
		lastLine := c.ServiceLines[len(c.ServiceLines)-1]
		if adjudicated(c, len(c.ServiceLines)) {
			if s := set[p.Last]; s.id != "DTP" || s.e1 != "573" {
				t.Errorf("claim %d: Last %d is %v, want DTP*573 of its last line's last 2430", i, p.Last, s)
			}
		} else if s := set[p.Last]; s.id != "REF" || s.e1 != "6R" || s.e2 != lastLine.LineID {
			t.Errorf("claim %d: Last %d is %v, want REF*6R of its last line", i, p.Last, s)
		}
		if s := set[p.Last+1]; s.id != "HL" && s.id != "CLM" && s.id != "SE" {
			t.Errorf("claim %d: after Last comes %v, want HL, CLM or SE", i, s)
		}
		for j, lx := range p.Lines {
			if s := set[lx]; s.id != "LX" || s.e1 != strconv.Itoa(j+1) {
				t.Errorf("claim %d line %d: position %d is %v, want LX", i, j+1, lx, s)
			}
		}
		for _, h := range []struct {
			pos   int
			level string
		}{{p.BillingProviderHL, "20"}, {p.SubscriberHL, "22"}, {p.PatientHL, "23"}} {
			if h.pos == 0 && h.level == "23" && c.Patient == nil {
				continue
			}
			if s := set[h.pos]; s.id != "HL" || s.e3 != h.level {
				t.Errorf("claim %d: position %d is %v, want HL level %s", i, h.pos, s, h.level)
			}
		}
	}
}
