package encounter

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// dentalExample is the contract's dental example, read in place.
const dentalExample = "../../../shared/contracts/examples-dental-cob/dental.json"

// dentalJSON is that example, the starting point of the dental rule tests
// (TestDentalFixtureIsTheExample keeps them the same).
const dentalJSON = `{
  "id": "enc-2026-000777", "claim_type": "dental", "payer_id": "SIMPAYER",
  "billing_provider": {"organization_name": "LAKESIDE DENTAL GROUP", "npi": "1234567893", "tax_id": "621234567", "taxonomy": "1223G0001X",
    "address": {"line1": "200 LAKE ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
  "rendering_provider": {"npi": "1245319599", "last_name": "NGUYEN", "first_name": "MAI", "taxonomy": "1223G0001X"},
  "subscriber": {"member_id": "DNT55500123", "last_name": "DOE", "first_name": "JANE", "birth_date": "1985-07-14", "gender": "F",
    "address": {"line1": "12 OAK AVE", "city": "NASHVILLE", "state": "TN", "postal_code": "37205"},
    "group_number": "GRP9911", "claim_filing_indicator": "CI", "payer_responsibility": "P"},
  "claim": {"patient_control_number": "PCN000777", "total_charge": "310.00", "place_of_service": "11", "frequency": "1"},
  "service_lines": [
    {"line_id": "PCN000777-1", "procedure": {"code": "D0120"}, "charge": "60.00", "units": "1", "service_date": "2026-11-03"},
    {"line_id": "PCN000777-2", "procedure": {"code": "D2392"}, "charge": "190.00", "units": "1", "service_date": "2026-11-03",
     "teeth": [{"number": "30", "surfaces": ["M", "O"]}]},
    {"line_id": "PCN000777-3", "procedure": {"code": "D1110"}, "charge": "60.00", "units": "1", "service_date": "2026-11-03",
     "oral_cavity_areas": ["00"]}
  ]
}`

func readDentalExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(dentalExample)
	if os.IsNotExist(err) {
		t.Skipf("the contract's dental example is not at %s (the shared directory beside the repository); skipping", dentalExample)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The contract's dental example is accepted as it is: no problem but the
// note that CDT codes were checked for structure only.
func TestDentalExampleAccepted(t *testing.T) {
	e, err := Decode(bytes.NewReader(readDentalExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	probs := Scrub(e, Options{Now: today})
	if got := errorsOf(probs); len(got) > 0 {
		t.Errorf("want no problems, got %+v", got)
	}
	if len(probs) != 1 || probs[0].Code != CodeCodesNotVerified || !strings.Contains(probs[0].Message, "CDT") {
		t.Errorf("want the one CDT note, got %+v", probs)
	}
	if l := e.ServiceLines[1]; l.Procedure.Qualifier != "AD" || l.UnitType != "" || len(l.Teeth) != 1 || l.Teeth[0].Number != "30" {
		t.Errorf("normalized line %+v", l)
	}
}

func TestDentalFixtureIsTheExample(t *testing.T) {
	if got, want := mustDecode(t, dentalJSON), mustDecode(t, string(readDentalExample(t))); !reflect.DeepEqual(got, want) {
		t.Error("the test fixture differs from dental.json")
	}
}

// Every dental rule, one change of the example at a time: the problems
// are exactly these, at these paths.
func TestCheckDentalRules(t *testing.T) {
	months := func(n int) *int { return &n }
	many := func(n int, f func(i int) string) []string {
		var out []string
		for i := range n {
			out = append(out, f(i))
		}
		return out
	}
	tests := []struct {
		name   string
		change func(e *Encounter)
		want   []want
	}{
		// Valid variations.
		{"every dental field", func(e *Encounter) {
			e.Claim.Diagnoses = []*Diagnosis{{Code: "K02.52"}, {Code: "K05.1"}}
			e.Claim.Orthodontic = &Orthodontic{TotalMonths: months(24), MonthsRemaining: months(18), BandingDate: "2026-05-04"}
			e.Claim.MissingTeeth = []*ToothState{{Number: "1", Status: "M"}, {Number: "16", Status: "X"}, {Number: "32", Status: "I"}, {Number: "T", Status: "E"}}
			e.AssistantSurgeon = &Provider{LastName: "HOUSE", FirstName: "GREG", NPI: "1497758544", Taxonomy: "1223S0112X"}
			e.ReferringProvider = &Provider{LastName: "JONES", NPI: "1730145889"}
			e.ServiceLines[0].DiagnosisPointers = []int{1, 2}
			e.ServiceLines[1].Teeth = append(e.ServiceLines[1].Teeth, &Tooth{Number: "A", Surfaces: []string{"B", "D", "F", "I", "L"}},
				&Tooth{Number: "51"}, &Tooth{Number: "82"}, &Tooth{Number: "AS"}, &Tooth{Number: "TS", Surfaces: []string{"V"}})
			e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "R", PriorDate: "2015-02-10"}
			e.ServiceLines[2].OralCavityAreas = []string{"01", "02", "09", "L", "R"}
			e.ServiceLines[2].Units = "2"
		}, nil},
		{"predetermination", func(e *Encounter) {
			e.Claim.Predetermination = true
			for _, l := range e.ServiceLines {
				l.ServiceDate = ""
			}
		}, nil},
		{"orthodontic without counts", func(e *Encounter) { e.Claim.Orthodontic = &Orthodontic{} }, nil},
		{"initial placement", func(e *Encounter) { e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "I"} }, nil},
		{"CDT qualifier given", func(e *Encounter) { e.ServiceLines[0].Procedure.Qualifier = "AD" }, nil},
		{"replacement claim", func(e *Encounter) { e.Claim.Frequency, e.Claim.OriginalPayerClaimNumber = "7", "PAYER123" }, nil},

		// Teeth.
		{"bad tooth number", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Number = "33" }, []want{{"service_lines[1].teeth[0].number", CodeInvalidTooth}}},
		{"tooth zero-padded", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Number = "03" }, []want{{"service_lines[1].teeth[0].number", CodeInvalidTooth}}},
		{"primary tooth past T", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Number = "U" }, []want{{"service_lines[1].teeth[0].number", CodeInvalidTooth}}},
		{"supernumerary past 82", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Number = "83" }, []want{{"service_lines[1].teeth[0].number", CodeInvalidTooth}}},
		{"tooth number missing", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Number = "" }, []want{{"service_lines[1].teeth[0].number", CodeRequired}}},
		{"tooth twice", func(e *Encounter) { e.ServiceLines[1].Teeth = append(e.ServiceLines[1].Teeth, &Tooth{Number: "30"}) },
			[]want{{"service_lines[1].teeth[1].number", CodeDuplicateTooth}}},
		{"33 teeth", func(e *Encounter) {
			for _, n := range append(many(32, func(i int) string { return fmt.Sprint(i + 1) }), "A") {
				e.ServiceLines[0].Teeth = append(e.ServiceLines[0].Teeth, &Tooth{Number: n})
			}
		}, []want{{"service_lines[0].teeth", CodeTooManyTeeth}}},
		{"too many surfaces", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Surfaces = []string{"B", "D", "F", "I", "L", "M"} },
			[]want{{"service_lines[1].teeth[0].surfaces", CodeTooManySurfaces}}},
		{"bad surface", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Surfaces[1] = "X" }, []want{{"service_lines[1].teeth[0].surfaces[1]", CodeInvalidSurface}}},
		{"surface twice", func(e *Encounter) { e.ServiceLines[1].Teeth[0].Surfaces[1] = "M" }, []want{{"service_lines[1].teeth[0].surfaces[1]", CodeInvalidSurface}}},

		// Oral cavity.
		{"bad oral cavity code", func(e *Encounter) { e.ServiceLines[2].OralCavityAreas[0] = "03" }, []want{{"service_lines[2].oral_cavity_areas[0]", CodeInvalidOralCavity}}},
		{"oral cavity twice", func(e *Encounter) { e.ServiceLines[2].OralCavityAreas = []string{"10", "10"} },
			[]want{{"service_lines[2].oral_cavity_areas[1]", CodeInvalidOralCavity}}},
		{"six oral cavity areas", func(e *Encounter) { e.ServiceLines[2].OralCavityAreas = []string{"00", "01", "02", "09", "10", "20"} },
			[]want{{"service_lines[2].oral_cavity_areas", CodeTooManyAreas}}},

		// Procedure.
		{"bad CDT structure", func(e *Encounter) { e.ServiceLines[0].Procedure.Code = "D012" }, []want{{"service_lines[0].procedure.code", CodeInvalidCDT}}},
		{"CPT on a dental line", func(e *Encounter) { e.ServiceLines[0].Procedure.Code = "99214" }, []want{{"service_lines[0].procedure.code", CodeInvalidCDT}}},
		{"HC qualifier", func(e *Encounter) { e.ServiceLines[0].Procedure.Qualifier = "HC" }, []want{{"service_lines[0].procedure.qualifier", CodeInvalidQualifier}}},
		{"procedure missing", func(e *Encounter) { e.ServiceLines[0].Procedure = nil }, []want{{"service_lines[0].procedure", CodeRequired}}},
		{"unit type", func(e *Encounter) { e.ServiceLines[0].UnitType = "UN" }, []want{{"service_lines[0].unit_type", CodeNotAllowed}}},
		{"revenue code", func(e *Encounter) { e.ServiceLines[0].RevenueCode = "0120" }, []want{{"service_lines[0].revenue_code", CodeNotAllowed}}},

		// Prosthesis.
		{"replacement without prior date", func(e *Encounter) { e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "R"} },
			[]want{{"service_lines[1].prosthesis.prior_date", CodeRequired}}},
		{"initial with prior date", func(e *Encounter) {
			e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "I", PriorDate: "2015-02-10"}
		},
			[]want{{"service_lines[1].prosthesis.prior_date", CodeNotAllowed}}},
		{"bad placement", func(e *Encounter) { e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "X"} },
			[]want{{"service_lines[1].prosthesis.placement", CodeInvalidProsthesis}}},
		{"placement missing", func(e *Encounter) { e.ServiceLines[1].Prosthesis = &Prosthesis{} },
			[]want{{"service_lines[1].prosthesis.placement", CodeRequired}}},
		{"prior date after the service", func(e *Encounter) {
			e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "R", PriorDate: "2026-11-04"}
		},
			[]want{{"service_lines[1].prosthesis.prior_date", CodeDateOrder}}},
		{"prior date not a date", func(e *Encounter) {
			e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "R", PriorDate: "2015-02-30"}
		},
			[]want{{"service_lines[1].prosthesis.prior_date", CodeInvalidDate}}},
		{"prior date before birth", func(e *Encounter) {
			e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "R", PriorDate: "1980-01-01"}
		},
			[]want{{"service_lines[1].prosthesis.prior_date", CodeBeforeBirth}}},

		// Claim.
		{"place of service missing", func(e *Encounter) { e.Claim.PlaceOfService = "" }, []want{{"claim.place_of_service", CodeRequired}}},
		{"place of service", func(e *Encounter) { e.Claim.PlaceOfService = "00" }, []want{{"claim.place_of_service", CodeInvalidPOS}}},
		{"facility type", func(e *Encounter) { e.Claim.FacilityType = "11" }, []want{{"claim.facility_type", CodeNotAllowed}}},
		{"five diagnoses", func(e *Encounter) {
			e.Claim.Diagnoses = []*Diagnosis{{Code: "K0252"}, {Code: "K051"}, {Code: "K0530"}, {Code: "K0251"}, {Code: "K029"}}
		}, []want{{"claim.diagnoses", CodeTooManyDiagnoses}}},
		{"admitting diagnosis", func(e *Encounter) {
			e.Claim.Diagnoses = []*Diagnosis{{Code: "K0252"}, {Code: "K051", Type: DiagAdmitting}}
		},
			[]want{{"claim.diagnoses[1].type", CodeInvalidDiagnosisType}}},
		{"pointer without diagnoses", func(e *Encounter) { e.ServiceLines[0].DiagnosisPointers = []int{1} },
			[]want{{"service_lines[0].diagnosis_pointers[0]", CodeBadPointer}}},
		{"frequency", func(e *Encounter) { e.Claim.Frequency = "2" }, []want{{"claim.frequency", CodeInvalidFrequency}}},
		{"date on a predetermination", func(e *Encounter) { e.Claim.Predetermination = true; e.ServiceLines[1].ServiceDate = "" },
			[]want{{"service_lines[0].service_date", CodeNotAllowed}, {"service_lines[2].service_date", CodeNotAllowed}}},
		{"service date missing", func(e *Encounter) { e.ServiceLines[0].ServiceDate = "" }, []want{{"service_lines[0].service_date", CodeRequired}}},
		{"negative months", func(e *Encounter) { e.Claim.Orthodontic = &Orthodontic{TotalMonths: months(-1)} },
			[]want{{"claim.orthodontic.total_months", CodeInvalidMonths}}},
		{"more months left than in total", func(e *Encounter) {
			e.Claim.Orthodontic = &Orthodontic{TotalMonths: months(12), MonthsRemaining: months(13)}
		},
			[]want{{"claim.orthodontic.months_remaining", CodeInvalidMonths}}},
		{"banding in the future", func(e *Encounter) { e.Claim.Orthodontic = &Orthodontic{BandingDate: "2026-12-01"} },
			[]want{{"claim.orthodontic.banding_date", CodeFutureDate}}},
		{"missing tooth status", func(e *Encounter) { e.Claim.MissingTeeth = []*ToothState{{Number: "3", Status: "Z"}} },
			[]want{{"claim.missing_teeth[0].status", CodeInvalidCode}}},
		{"missing tooth number", func(e *Encounter) { e.Claim.MissingTeeth = []*ToothState{{Number: "0", Status: "M"}, {Number: "4"}} },
			[]want{{"claim.missing_teeth[0].number", CodeInvalidTooth}, {"claim.missing_teeth[1].status", CodeRequired}}},
		{"missing tooth twice", func(e *Encounter) {
			e.Claim.MissingTeeth = []*ToothState{{Number: "3", Status: "M"}, {Number: "3", Status: "X"}}
		},
			[]want{{"claim.missing_teeth[1].number", CodeDuplicateTooth}}},
		{"36 missing teeth", func(e *Encounter) {
			for _, n := range many(36, func(i int) string { return fmt.Sprint(i%32 + 1) }) {
				e.Claim.MissingTeeth = append(e.Claim.MissingTeeth, &ToothState{Number: n, Status: "M"})
			}
		}, []want{{"claim.missing_teeth", CodeTooManyTeeth}, {"claim.missing_teeth[32].number", CodeDuplicateTooth},
			{"claim.missing_teeth[33].number", CodeDuplicateTooth}, {"claim.missing_teeth[34].number", CodeDuplicateTooth},
			{"claim.missing_teeth[35].number", CodeDuplicateTooth}}},

		// Providers.
		{"attending", func(e *Encounter) { e.AttendingProvider = e.RenderingProvider }, []want{{"attending_provider", CodeNotAllowed}}},
		{"assistant surgeon without NPI", func(e *Encounter) { e.AssistantSurgeon = &Provider{LastName: "HOUSE"} },
			[]want{{"assistant_surgeon.npi", CodeRequired}}},

		// Every problem at once.
		{"several at once", func(e *Encounter) {
			e.ServiceLines[0].Procedure.Code = "D12"
			e.ServiceLines[1].Teeth[0] = &Tooth{Number: "40", Surfaces: []string{"Q"}}
			e.ServiceLines[2].OralCavityAreas = []string{"99"}
		}, []want{{"service_lines[0].procedure.code", CodeInvalidCDT}, {"service_lines[1].teeth[0].number", CodeInvalidTooth},
			{"service_lines[1].teeth[0].surfaces[0]", CodeInvalidSurface}, {"service_lines[2].oral_cavity_areas[0]", CodeInvalidOralCavity}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustDecode(t, dentalJSON)
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

// The 837D's fields on another claim type are not carried.
func TestDentalFieldsOnOtherTypes(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	e.Claim.Predetermination = true
	e.Claim.Orthodontic = &Orthodontic{}
	e.Claim.MissingTeeth = []*ToothState{{Number: "3", Status: "M"}}
	e.AssistantSurgeon = &Provider{LastName: "HOUSE", NPI: "1497758544"}
	e.ServiceLines[0].Teeth = []*Tooth{{Number: "3"}}
	e.ServiceLines[0].OralCavityAreas = []string{"00"}
	e.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "I"}
	var got []string
	for _, p := range errorsOf(Check(e, Options{Now: today})) {
		got = append(got, p.Path+" "+p.Code)
	}
	want := []string{"assistant_surgeon not_allowed", "claim.predetermination not_allowed", "claim.orthodontic not_allowed",
		"claim.missing_teeth not_allowed", "service_lines[0].oral_cavity_areas not_allowed", "service_lines[0].teeth not_allowed",
		"service_lines[1].prosthesis not_allowed"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Dental JSON types: predetermination is a boolean, months integers.
func TestDentalDecodeTypes(t *testing.T) {
	src := strings.Replace(dentalJSON, `"frequency": "1"}`,
		`"frequency": "1", "predetermination": "yes", "orthodontic": {"total_months": "24"}}`, 1)
	_, err := Decode(strings.NewReader(src))
	de, ok := err.(*DecodeError)
	if !ok {
		t.Fatalf("want a DecodeError, got %v", err)
	}
	var got []string
	for _, p := range de.Problems {
		got = append(got, p.Path+" "+p.Code)
	}
	if want := "claim.orthodontic.total_months wrong_type\nclaim.predetermination wrong_type"; strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// With an operator's CDT list, a CDT code not in it is unknown_code (the
// set named); without one, CDT codes are checked for structure only, and
// a note says so. The list holds made-up codes: CDT is the ADA's.
func TestCDTList(t *testing.T) {
	cdt, err := codeset.Parse("cdt-2026.txt", codeset.KindCDT, []byte("D0001\nD0002\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := mustDecode(t, dentalJSON)
	e.ServiceLines[0].Procedure.Code = "D0001"
	e.Claim.Predetermination = true // a CDT list has no dates: lines without a date of service are checked too
	for _, l := range e.ServiceLines {
		l.ServiceDate = ""
	}
	var got []string
	for _, p := range Check(e, Options{Now: today, Codes: CodeSets{Imported: codeset.NewBundle([]*codeset.Set{cdt})}}) {
		got = append(got, p.Path+" "+p.Code+" "+p.Set)
	}
	want := []string{"service_lines[1].procedure.code unknown_code CDT (operator list)", "service_lines[2].procedure.code unknown_code CDT (operator list)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A HCPCS list, which has no D codes of its own, leaves CDT codes alone.
	hcpcs := mustCodeSet(t, "J1100\n")
	for _, p := range errorsOf(Check(mustDecode(t, dentalJSON), Options{Now: today, Codes: CodeSets{HCPCS: hcpcs}})) {
		t.Errorf("with a HCPCS list: %+v", p)
	}
}

// The dental example becomes an 837D that reads clean, with the guide's
// rules, and decodes back to the same claim; so does a predetermination
// with every dental field.
func TestDentalToClaimRoundTrip(t *testing.T) {
	payer := claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"}
	full := mustDecode(t, dentalJSON)
	full.Claim.Predetermination = true
	full.Claim.Orthodontic = &Orthodontic{TotalMonths: new(24)}
	full.Claim.MissingTeeth = []*ToothState{{Number: "1", Status: "m"}}
	full.Claim.Diagnoses = []*Diagnosis{{Code: "K02.52"}}
	full.AssistantSurgeon = &Provider{LastName: "HOUSE", NPI: "1497758544", Taxonomy: "1223S0112X"}
	for _, l := range full.ServiceLines {
		l.ServiceDate = ""
		l.DiagnosisPointers = []int{1}
	}
	full.ServiceLines[1].Prosthesis = &Prosthesis{Placement: "r", PriorDate: "2015-02-10"}
	var claims []claim.Claim
	for _, e := range []*Encounter{mustDecode(t, dentalJSON), full} {
		if probs := Scrub(e, Options{Now: today}); HasErrors(probs) {
			t.Fatalf("problems: %v", probs)
		}
		claims = append(claims, ToClaim(e, payer))
	}
	if c := claims[1]; !c.Info.Predetermination || c.Info.MissingTeeth[0].Status != "M" || c.ServiceLines[1].Prosthesis.Placement != "R" ||
		c.ServiceLines[0].Procedure.Qualifier != "AD" || c.ServiceLines[0].UnitType != "" || c.AssistantSurgeon == nil {
		t.Errorf("837D claim %+v", c)
	}
	var buf bytes.Buffer
	_, err := claim.Write(&buf, claim.Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: "SIMPAYER", Usage: 'T',
		Time: today, InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "B1",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: payer.Name, ID: payer.ID},
	}, claims)
	if err != nil {
		t.Fatal(err)
	}
	f, err := x12.ReadFile(bytes.NewReader(buf.Bytes()))
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("written 837D does not read clean: %v %v", err, f.Errors)
	}
	if g := f.Interchanges[0].Groups; len(g) != 1 || g[0].Version != claim.VersionDental {
		t.Errorf("groups %+v", g)
	}
	dec, err := claim.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil || len(dec.Errors) != 0 {
		t.Fatalf("decode: %v %v", err, dec.Errors)
	}
	if back := dec.Claims(); !reflect.DeepEqual(back, claims) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, claims)
	}
}
