package claim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

const corpus = "../../../shared/x12-corpus"

func corpusFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus, name))
	if os.IsNotExist(err) {
		t.Skipf("corpus file %s is absent (the shared x12-corpus is not beside the repository)", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeCorpus reads every 837P, 837I and 837D sample: no panic, no
// I/O error, and what lies outside the subset is reported as skipped.
func TestDecodeCorpus(t *testing.T) {
	var files []string
	for _, dir := range []string{"837P", "837I", "837D"} {
		m, _ := filepath.Glob(filepath.Join(corpus, dir, "*.x12"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no 837 samples under %s", corpus)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			claims, skipped := 0, 0
			for _, s := range d.Sets {
				claims += len(s.Claims)
				skipped += len(s.Skipped)
				if len(s.Claims) != len(s.Placements) {
					t.Errorf("set %s: %d claims, %d placements", s.Transaction, len(s.Claims), len(s.Placements))
				}
				for _, c := range s.Claims {
					if c.Info.PatientControlNumber == "" || len(c.ServiceLines) == 0 {
						t.Errorf("set %s: a claim without CLM01 or lines", s.Transaction)
					}
				}
			}
			if claims == 0 {
				t.Error("no claims decoded")
			}
			t.Logf("%d sets, %d claims, %d segments skipped, %d errors", len(d.Sets), claims, skipped, len(d.Errors))

			for _, e := range d.Errors {
				if e.Code == "invalid_element" { // the rest are the samples' known envelope defects
					t.Error(e)
				}
			}
		})
	}
}

// TestDecodeStupedi checks the decoded content of the two reference
// samples.
func TestDecodeStupidedi(t *testing.T) {
	d, err := Decode(bytes.NewReader(corpusFile(t, "837P/stupidedi-commercial-health-insurance.x12")))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Claims()
	if len(p) != 1 {
		t.Fatalf("%d claims", len(p))
	}
	c := p[0]
	if c.Type != Professional || c.Info.PatientControlNumber != "26463774" || c.Info.TotalCharge != 10000 ||
		c.Info.PlaceOfService != "11" || c.Info.Frequency != "1" || c.Patient == nil || c.Patient.FirstName != "TED" ||
		c.Patient.Relationship != "19" || c.Subscriber.MemberID != "JS00111223333" || c.Payer.ID != "999996666" ||
		c.BillingProvider.NPI != "9876543210" || c.BillingProvider.TaxID != "587654321" || c.BillingProvider.Taxonomy != "203BF0100Y" ||
		len(c.ServiceLines) != 4 || c.ServiceLines[2].Charge != 3500 || c.ServiceLines[2].ServiceDate != "2006-10-10" ||
		!reflect.DeepEqual(c.ServiceLines[2].DiagnosisPointers, []int{2}) {
		t.Errorf("837P sample decoded as %+v", c)
	}
	if want := []Diagnosis{{Code: "0340", Type: Principal}, {Code: "V7389", Type: Other}}; !reflect.DeepEqual(c.Info.Diagnoses, want) {
		t.Errorf("diagnoses %+v", c.Info.Diagnoses)
	}
	if s := d.Sets[0]; s.Submitter.Name != "PREMIER BILLING SERVICE" || s.Submitter.Phone != "3055552222" || s.Receiver.ID != "66783JJT" ||
		s.Placements[0].First != 27 || s.Placements[0].Last != 41 || s.Placements[0].PatientHL != 21 {
		t.Errorf("set %+v", s)
	}

	d, err = Decode(bytes.NewReader(corpusFile(t, "837I/stupidedi-institutional-claim.x12")))
	if err != nil {
		t.Fatal(err)
	}
	i := d.Claims()
	if len(i) != 1 {
		t.Fatalf("%d claims", len(i))
	}
	c = i[0]
	if c.Type != Institutional || c.Info.FacilityType != "14" || c.Info.StatementFrom != "1996-09-11" ||
		c.Info.PatientStatus != "01" || c.Info.Admission == nil || c.Info.Admission.Type != "3" ||
		c.AttendingProvider == nil || c.AttendingProvider.LastName != "JONES" || c.Patient != nil ||
		len(c.ServiceLines) != 2 || c.ServiceLines[1].RevenueCode != "0730" || c.ServiceLines[1].Units != "3" ||
		c.ServiceLines[1].Procedure.Code != "93005" {
		t.Errorf("837I sample decoded as %+v", c)
	}
	var skipped []string
	for _, s := range d.Sets[0].Skipped {
		skipped = append(skipped, s.Loop+":"+s.ID)
	}
	// The occurrence, value and condition HIs and the attending provider's
	// REF are outside the subset.
	want := []string{"2010BB:REF", "2300:HI", "2300:HI", "2300:HI", "2310A:REF"}
	if !slices.Equal(skipped, want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
	// The secondary payer, listed on the primary claim, has not adjudicated it.
	wantPayers := []OtherPayer{{Responsibility: "S", Relationship: "01", GroupNumber: "351630", GroupName: "STATE TEACHERS",
		ClaimFilingIndicator: "CI", Payer: Payer{Name: "STATE TEACHERS", ID: "1135"},
		Subscriber: OtherSubscriber{LastName: "DOE", FirstName: "JANE", MiddleName: "S", MemberID: "222004433",
			Address: Address{Line1: "125 CITY AVENUE", City: "CENTERVILLE", State: "PA", PostalCode: "17111"}}}}
	if !reflect.DeepEqual(c.OtherPayers, wantPayers) {
		t.Errorf("other payers %+v", c.OtherPayers)
	}
}

// TestDecodeDentalCorpus checks what each 837D sample holds of the
// dental fields: teeth and surfaces, the claim-level date of service
// given to the lines, the predetermination, the orthodontic months and
// the appliance date, the procedure count, and what lies outside the
// subset (PWK, REF*D9, the 2320 and 2430 loops).
func TestDecodeDentalCorpus(t *testing.T) {
	type line struct {
		code, date, units string
		teeth             []Tooth
	}
	for _, tc := range []struct {
		file             string
		pcn              string
		predetermination bool
		ortho            *Orthodontic
		lines            []line
		skipped          []string
	}{
		{file: "moov-dental.x12", pcn: "26403774", lines: []line{
			{"D2150", "2006-10-29", "1", []Tooth{{Number: "12", Surfaces: []string{"M", "O"}}}}, {"D1110", "2006-10-29", "1", nil}},
			skipped: []string{"2300:REF"}},
		{file: "stupidedi-commercial.x12", pcn: "26403774", lines: []line{
			{"D2150", "2006-10-29", "1", []Tooth{{Number: "12", Surfaces: []string{"M", "O"}}}}, {"D1110", "2006-10-29", "1", nil}},
			skipped: []string{"2300:REF"}},
		{file: "stupidedi-cob-payer-b.x12", pcn: "26403774", lines: []line{{"D3320", "2006-11-09", "1", []Tooth{{Number: "5"}}}},
			skipped: []string{"2300:REF"}},
		{file: "stupidedi-multiple-tooth-numbers.x12", pcn: "1191", lines: []line{
			{"D5214", "", "1", []Tooth{{Number: "31"}, {Number: "30"}, {Number: "21"}, {Number: "19"}, {Number: "18"}}}},
			skipped: []string{"2010AA:PER", "2300:PWK", "2300:REF"}},
		{file: "stupidedi-orthodontic-treatment.x12", pcn: "SMITH788", ortho: &Orthodontic{TotalMonths: new(36), BandingDate: "2006-11-15"},
			lines: []line{{"D8080", "", "1", nil}}},
		{file: "stupidedi-predetermination.x12", pcn: "SMITH878", predetermination: true, lines: []line{{"D2750", "", "1", []Tooth{{Number: "13"}}}},
			skipped: []string{"2300:PWK", "2300:REF"}},
		{file: "stupidedi-sales-tax.x12", pcn: "119033233", lines: []line{
			{"D7140", "", "1", []Tooth{{Number: "31"}}}, {"D0140", "", "1", nil}, {"D9985", "", "1", nil}},
			skipped: []string{"2010AA:PER", "2300:PWK", "2300:REF"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := Decode(bytes.NewReader(corpusFile(t, "837D/"+tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Errors) > 0 {
				t.Errorf("errors %v", d.Errors)
			}
			cs := d.Claims()
			if len(d.Sets) != 1 || len(cs) != 1 {
				t.Fatalf("%d sets, %d claims", len(d.Sets), len(cs))
			}
			c := cs[0]
			if c.Type != Dental || c.Info.PatientControlNumber != tc.pcn || c.Info.PlaceOfService != "11" || c.Info.Frequency != "1" ||
				c.Info.Predetermination != tc.predetermination || !reflect.DeepEqual(c.Info.Orthodontic, tc.ortho) {
				t.Errorf("claim %+v", c.Info)
			}
			var got []line
			for _, l := range c.ServiceLines {
				if l.Procedure.Qualifier != "AD" {
					t.Errorf("line %s: qualifier %q", l.Procedure.Code, l.Procedure.Qualifier)
				}
				got = append(got, line{l.Procedure.Code, l.ServiceDate, l.Units, l.Teeth})
			}
			if !reflect.DeepEqual(got, tc.lines) {
				t.Errorf("lines %+v, want %+v", got, tc.lines)
			}
			var skipped []string
			for _, s := range d.Sets[0].Skipped {
				skipped = append(skipped, s.Loop+":"+s.ID)
			}
			if !slices.Equal(skipped, tc.skipped) {
				t.Errorf("skipped %v, want %v", skipped, tc.skipped)
			}
			if tc.file != "stupidedi-cob-payer-b.x12" {
				if c.OtherPayers != nil {
					t.Errorf("other payers %+v", c.OtherPayers)
				}
				return
			}
			// Payer B's claim: payer A paid 150 of 200, 50 the patient's
			// (CAS*PR*1), at claim level only.
			want := []OtherPayer{{Responsibility: "P", Relationship: "19", ClaimFilingIndicator: "CI",
				Subscriber: OtherSubscriber{LastName: "SMITH", FirstName: "JANE", MemberID: "JS001112223333",
					Address: Address{Line1: "236 N MAIN ST", City: "MIAMI", State: "FL", PostalCode: "33413"}},
				Payer: Payer{Name: "KEY INSURANCE COMPANY", ID: "999996666"},
				Adjudication: &Adjudication{Paid: 15000, Date: "2006-11-22",
					Adjustments: []Adjustment{{Group: "PR", Reason: "1", Amount: 5000, Quantity: "1"}}}}}
			if !reflect.DeepEqual(c.OtherPayers, want) {
				t.Errorf("other payers %s", x12test.JSON(t, c.OtherPayers))
			}
			if err := c.OtherPayers[0].Adjudication.Check(&c); err != nil {
				t.Errorf("payer A's adjudication does not balance: %v", err)
			}
		})
	}
}

// loops splits the segments of each transaction set into loops, named as the
// guides name them (2310 and 2330 loops by their NM101), and gives each loop
// the IDs of its first occurrence, in order.
func loops(t *testing.T, data []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	seen := map[string]bool{}
	r := x12.NewReader(bytes.NewReader(data))
	loop, inClaim := "", false
	var cur []string
	flush := func() {
		if loop != "" && !seen[loop] {
			seen[loop] = true
			out[loop] = cur
		}
		cur = nil
	}
	start := func(l string) {
		flush()
		loop = l
	}
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := s.ID()
		switch id {
		case "ISA", "GS", "GE", "IEA", "SE":
			start("")
			continue
		case "ST":
			start("HEADER")
			inClaim = false
		case "HL":
			start(map[string]string{"20": "2000A", "22": "2000B", "23": "2000C"}[s.Str(3)])
			inClaim = false
		case "CLM":
			start("2300")
			inClaim = true
		case "SBR":
			if inClaim {
				start("2320")
			}
		case "LX":
			start("2400")
		case "NM1":
			e := s.Str(1)
			switch {
			case !inClaim:
				start(map[string]string{"41": "1000A", "40": "1000B", "85": "2010AA", "87": "2010AB",
					"IL": "2010BA", "PR": "2010BB", "QC": "2010CA"}[e])
			case loop == "2400" || len(loop) > 4 && loop[:4] == "2420":
				start("2420/" + e)
			case loop == "2320" || len(loop) > 4 && loop[:4] == "2330":
				start("2330/" + e)
			default:
				start("2310/" + e)
			}
		}
		cur = append(cur, id)
	}
	flush()
	return out
}

// firstOrder returns the distinct IDs of ids that keep is true for, in the
// order they first appear.
func firstOrder(ids []string, keep func(string) bool) []string {
	var out []string
	for _, id := range ids {
		if keep(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// TestSegmentOrderMatchesCorpus checks, loop by loop, that the segments the
// writer emits come in the same relative order as in the reference samples.
func TestSegmentOrderMatchesCorpus(t *testing.T) {
	full := dependent(professional(1, subscriber(1)), "JILL")
	full.ReferringProvider = &Provider{LastName: "KILDARE", FirstName: "JAMES", NPI: "1093817462"}
	full.Info.ReferralNumber, full.Info.Notes = "REF123", "NOTE"
	inst := institutional(2)
	inst.Info.Procedures = append(inst.Info.Procedures, Procedure{Code: "B2111ZZ", Date: "2026-10-30", Type: OtherProcedure})
	for _, tc := range []struct {
		sample string
		claim  Claim
	}{
		{"837P/stupidedi-commercial-health-insurance.x12", full},
		{"837I/stupidedi-institutional-claim.x12", inst},
		{"837D/stupidedi-commercial.x12", dependent(dentalFull(3), "TED")},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			want := loops(t, corpusFile(t, tc.sample))
			data, _ := write(t, testBatch(), []Claim{tc.claim})
			got := loops(t, data)
			compared := 0
			for loop, ids := range got {
				ref, ok := want[loop]
				if !ok {
					t.Logf("loop %s is not in the sample", loop)
					continue
				}
				common := func(id string) bool { return slices.Contains(ids, id) && slices.Contains(ref, id) }
				g, w := firstOrder(ids, common), firstOrder(ref, common)
				if !slices.Equal(g, w) {
					t.Errorf("loop %s: the writer orders %v, the sample %v", loop, g, w)
				}
				if len(g) > 1 {
					compared++
				}
			}
			if compared < 8 {
				t.Errorf("only %d loops compared", compared)
			}
		})
	}
}

// TestDecodeProblems checks that element problems are reported where they
// are, and that decoding goes on past them.
func TestDecodeProblems(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Write(&buf, testBatch(), []Claim{professional(1, subscriber(1)), professional(2, subscriber(2))}); err != nil {
		t.Fatal(err)
	}
	data := bytes.Replace(buf.Bytes(), []byte("CLM*PCN000001*285*"), []byte("CLM*PCN000001*2.855*"), 1)
	data = bytes.Replace(data, []byte("DMG*D8*19800201*M"), []byte("DMG*D8*800201*M"), 1)
	data = bytes.Replace(data, []byte("***1:2~"), []byte("***1:X~"), 1)
	d, err := Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Claims()); n != 2 {
		t.Errorf("%d claims decoded, want 2", n)
	}
	var got []string
	for _, e := range d.Errors {
		got = append(got, fmt.Sprintf("%s%02d-%d %s", e.SegmentID, e.Element, e.Component, e.Code))
		if e.Transaction != "0001" || e.Interchange != "000000042" {
			t.Errorf("error without its control numbers: %v", e)
		}
	}
	want := []string{"DMG02-0 invalid_element", "CLM02-0 invalid_element", "SV107-2 invalid_element"}
	if !slices.Equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
}

// An 837 as JSON (claimsgw x12 json) reads as the encounters it was
// written from: the contract's snake_case names, absent values left out.
func TestJSONNames(t *testing.T) {
	data, err := os.ReadFile("testdata/837p.x12")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(bytes.NewReader(data))
	if err != nil || len(d.Sets) == 0 {
		t.Fatalf("%v, %d sets", err, len(d.Sets))
	}
	b, err := json.Marshal(d.Sets[0])
	if err != nil {
		t.Fatal(err)
	}
	if k := regexp.MustCompile(`"[A-Z][A-Za-z]*":`).Find(b); k != nil {
		t.Errorf("a Go name as a key: %s", k)
	}
	var set struct {
		Claims []map[string]any `json:"claims"`
	}
	if err := json.Unmarshal(b, &set); err != nil || len(set.Claims) == 0 {
		t.Fatalf("%v, %d claims", err, len(set.Claims))
	}
	c := set.Claims[0]
	info, _ := c["claim"].(map[string]any)
	lines, _ := c["service_lines"].([]any)
	if c["claim_type"] != "professional" || c["billing_provider"] == nil || c["subscriber"] == nil || info == nil ||
		info["patient_control_number"] == nil || info["total_charge"] == nil || len(lines) == 0 {
		t.Errorf("the first claim is not encounter-shaped: %s", b)
	}
	if line, _ := lines[0].(map[string]any); line["line_id"] == nil || line["charge"] == nil || line["procedure"] == nil {
		t.Errorf("the first line is not encounter-shaped: %v", lines[0])
	}
	if _, ok := c["patient"]; ok {
		t.Errorf("the first claim's subscriber is the patient, yet it has a patient: %v", c["patient"])
	}
}
