package claim

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

func TestRoundTripSingle(t *testing.T) {
	full := professional(2, subscriber(2))
	full.ReferringProvider = &Provider{LastName: "KILDARE", FirstName: "JAMES", MiddleName: "B", NPI: "1093817462"}
	full.RenderingProvider = &Provider{OrganizationName: "RIVERSIDE LAB GROUP", NPI: "1588667638", Taxonomy: "291U00000X"}
	full.ServiceFacility = &Provider{OrganizationName: "RIVERSIDE ANNEX", NPI: "1326046970",
		Address: Address{Line1: "200 SIDE ST", Line2: "SUITE 4", City: "NASHVILLE", State: "TN", PostalCode: "372031235"}}
	full.Info.Frequency = "7"
	full.Info.OriginalPayerClaimNumber = "PAYERICN0001"
	full.Info.ReferralNumber = "REF123"
	full.Info.Notes = "CORRECTED UNITS ON LINE 2"
	full.ServiceLines[1].ServiceDate = ""
	full.ServiceLines[1].ServiceDateFrom, full.ServiceLines[1].ServiceDateTo = "2026-11-01", "2026-11-03"
	full.ServiceLines[1].PlaceOfService = "22"
	full.ServiceLines[1].Units = "2.5"
	full.ServiceLines[2].Procedure.Modifiers = []string{"59", "XU", "76", "77"}
	full.ServiceLines[2].UnitType = "MJ"

	many := institutional(4)
	many.OperatingProvider = &Provider{LastName: "CUTTER", FirstName: "ANNE", NPI: "1922047302"}
	many.RenderingProvider = &Provider{LastName: "HOUSE", FirstName: "GREG", NPI: "1811956521"}
	many.ReferringProvider = &Provider{LastName: "WATSON", FirstName: "JOHN", NPI: "1700865643"}
	many.ServiceFacility = &Provider{OrganizationName: "SAINT MARY EAST", NPI: "1609775075",
		Address: Address{Line1: "1 EAST CAMPUS", City: "MEMPHIS", State: "TN", PostalCode: "38103"}}
	many.Info.Diagnoses = many.Info.Diagnoses[:2]
	many.Info.Diagnoses = append(many.Info.Diagnoses, Diagnosis{Code: "R079", Type: ReasonForVisit}, Diagnosis{Code: "R0602", Type: ReasonForVisit})
	for _, code := range strings.Fields("E119 I10 E785 N179 J449 K219 F329 G4733 M545 Z7901 Z87891 I2510 E1122 N183") {
		many.Info.Diagnoses = append(many.Info.Diagnoses, Diagnosis{Code: code, Type: Other, PresentOnAdmission: "N"})
	}
	for _, code := range strings.Fields("B2111ZZ 02703ZZ 5A1221Z") {
		many.Info.Procedures = append(many.Info.Procedures, Procedure{Code: code, Date: "2026-10-30", Type: OtherProcedure})
	}
	many.Info.Admission = &Admission{Date: "2026-10-28"} // D8, no CL101/CL102
	many.Info.DischargeHour = ""
	many.ServiceLines[0].ServiceDate = ""
	many.ServiceLines[0].ServiceDateFrom, many.ServiceLines[0].ServiceDateTo = "2026-10-28", "2026-10-31"

	for _, tc := range []struct {
		name  string
		claim Claim
	}{
		{"professional", professional(1, subscriber(1))},
		{"institutional", institutional(1)},
		{"patient not subscriber", dependent(professional(3, subscriber(3)), "JILL")},
		{"institutional dependent", dependent(institutional(5), "JACK")},
		{"professional every field", full},
		{"institutional every field", many},
		{"dental", dental(6)},
		{"dental dependent", dependent(dental(7), "JACK")},
		{"dental every field", dentalFull(8)},
		{"dental predetermination", predetermination(9)},
		{"dental orthodontic without counts", orthodonticOnly(10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, res := write(t, testBatch(), []Claim{tc.claim})
			if len(res.Transactions) != 1 || res.Transactions[0].Type != tc.claim.Type {
				t.Errorf("transactions %+v", res.Transactions)
			}
			if res.Interchange != "000000042" || res.Claims[0].Group != "7" || res.Claims[0].Transaction != "0001" {
				t.Errorf("placement %+v in %s", res.Claims[0], res.Interchange)
			}
			if tc.claim.Patient != nil && !bytes.Contains(data, []byte("~HL*2*1*22*1~SBR*P**")) {
				t.Errorf("a dependent's 2000B must have HL04 1 and an empty SBR02:\n%s", data)
			}
			if tc.claim.Patient == nil && !bytes.Contains(data, []byte("~HL*2*1*22*0~SBR*P*18*")) {
				t.Errorf("a subscriber's own 2000B must have HL04 0 and SBR02 18:\n%s", data)
			}
		})
	}
}

// TestSharedParents writes claims of two billing providers, several
// subscribers and dependents, interleaved, and checks that they share their
// HL parents and that the HL tree is linked right.
func TestSharedParents(t *testing.T) {
	other := riverside()
	other.OrganizationName, other.NPI = "LAKESIDE PEDIATRICS", "1669475711"
	var claims []Claim
	for i := range 24 {
		c := professional(i, subscriber(i%3))
		if i%2 == 1 {
			c.BillingProvider = other
		}
		switch i % 4 {
		case 1:
			c = dependent(c, "JILL")
		case 3:
			c = dependent(c, "JACK")
		}
		claims = append(claims, c)
	}
	data, res := write(t, testBatch(), claims)

	type hl struct{ id, parent, level, child string }
	var hls []hl
	r := x12.NewReader(bytes.NewReader(data))
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.ID() == "HL" {
			hls = append(hls, hl{s.Str(1), s.Str(2), s.Str(3), s.Str(4)})
		}
	}
	levels := map[string]string{}
	children := map[string]int{}
	count := map[string]int{}
	for i, h := range hls {
		if want := i + 1; h.id != strconv.Itoa(want) {
			t.Errorf("HL %d has HL01 %s", want, h.id)
		}
		levels[h.id] = h.level
		children[h.parent]++
		count[h.level]++
		want := map[string]string{"20": "", "22": "20", "23": "22"}[h.level]
		if got := levels[h.parent]; got != want {
			t.Errorf("HL %s (level %s) has parent %s of level %q, want level %q", h.id, h.level, h.parent, got, want)
		}
	}
	for _, h := range hls {
		hasChildren := children[h.id] > 0
		if (h.child == "1") != hasChildren {
			t.Errorf("HL %s (level %s): HL04 %s, children %d", h.id, h.level, h.child, children[h.id])
		}
	}
	want := map[string]map[string]bool{"20": {}, "22": {}, "23": {}}
	for _, c := range claims {
		bp := c.BillingProvider.NPI
		want["20"][bp] = true
		if c.Patient == nil {
			want["22"][bp+c.Subscriber.MemberID+"self"] = true
		} else {
			want["22"][bp+c.Subscriber.MemberID] = true
			want["23"][bp+c.Subscriber.MemberID+c.Patient.FirstName] = true
		}
	}
	for level, set := range want {
		if count[level] != len(set) {
			t.Errorf("%d HL of level %s, want %d", count[level], level, len(set))
		}
	}
	if len(res.Transactions) != 1 {
		t.Errorf("%d transaction sets", len(res.Transactions))
	}
}

// predetermination is a dental predetermination of benefits: no dates of
// service, CLM19 PB.
func predetermination(n int) Claim {
	c := dental(n)
	c.Info.Predetermination = true
	for i := range c.ServiceLines {
		c.ServiceLines[i].ServiceDate = ""
	}
	return c
}

// orthodonticOnly is a dental claim for orthodontic services without
// month counts: DN104 Y.
func orthodonticOnly(n int) Claim {
	c := dental(n)
	c.Info.Orthodontic = &Orthodontic{BandingDate: "2026-10-01"}
	return c
}

// TestMixedTypes writes 837P, 837I and 837D claims, interleaved, into one
// interchange: three groups, one per guide, with consecutive GS06.
func TestMixedTypes(t *testing.T) {
	claims := []Claim{professional(1, subscriber(1)), dental(6), institutional(2), professional(3, subscriber(1)),
		dependent(institutional(4), "JACK"), institutional(5), dental(7)}
	data, res := write(t, testBatch(), claims)
	f, err := x12.ReadFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Interchanges) != 1 || len(f.Interchanges[0].Groups) != 3 {
		t.Fatalf("want 1 interchange of 3 groups: %+v", f.Interchanges)
	}
	for i, want := range []struct{ gs06, version string }{{"7", VersionProfessional}, {"8", VersionInstitutional}, {"9", VersionDental}} {
		g := f.Interchanges[0].Groups[i]
		if g.ControlNumber != want.gs06 || g.Version != want.version || g.FunctionalID != "HC" ||
			len(g.Transactions) != 1 || g.Transactions[0].Implementation != want.version {
			t.Errorf("group %d: %+v, want GS06 %s and version %s", i, g, want.gs06, want.version)
		}
	}
	if got := res.Transactions; len(got) != 3 || got[0].ControlNumber != "0001" || got[1].ControlNumber != "0002" ||
		got[2].ControlNumber != "0003" || got[0].Claims != 2 || got[1].Claims != 3 || got[2].Claims != 2 || got[2].Type != Dental {
		t.Errorf("transactions %+v", got)
	}
	for i, c := range claims {
		if want := map[Type]string{Professional: "7", Institutional: "8", Dental: "9"}[c.Type]; res.Claims[i].Group != want {
			t.Errorf("claim %d (%s) in group %s", i, c.Type, res.Claims[i].Group)
		}
	}
}

// TestSplit writes more claims than one transaction set may hold.
func TestSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("5,001 claims")
	}
	claims := make([]Claim, 5001)
	for i := range claims {
		claims[i] = professional(i, subscriber(i%40))
	}
	_, res := write(t, testBatch(), claims)
	if len(res.Transactions) != 2 || res.Transactions[0].Claims != 5000 || res.Transactions[1].Claims != 1 ||
		res.Transactions[1].ControlNumber != "0002" {
		t.Errorf("transactions %+v", res.Transactions)
	}

	b := testBatch()
	b.MaxClaimsPerTransaction = 3
	b.TransactionControlNumber = 9998
	_, res = write(t, b, claims[:7])
	var sts []string
	for _, tx := range res.Transactions {
		sts = append(sts, tx.ControlNumber)
	}
	if strings.Join(sts, " ") != "9998 9999 10000" {
		t.Errorf("ST02s %v", sts)
	}
}

func TestDelimitersInData(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Claim)
	}{
		{"element separator in a name", func(c *Claim) { c.Subscriber.LastName = "O*NEIL" }},
		{"segment terminator in a note", func(c *Claim) { c.Info.Notes = "SEE~ATTACHED" }},
		{"component separator in a code", func(c *Claim) { c.ServiceLines[0].Procedure.Code = "99:14" }},
		{"repetition separator in an address", func(c *Claim) { c.BillingProvider.Address.Line1 = "1^MAIN" }},
		{"in the line ID", func(c *Claim) { c.ServiceLines[2].LineID = "A*B" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := professional(1, subscriber(1))
			tc.edit(&c)
			res, err := Write(io.Discard, testBatch(), []Claim{professional(0, subscriber(0)), c})
			if err == nil || res != nil {
				t.Fatalf("Write: %v, %v; want an error", res, err)
			}
			if !strings.Contains(err.Error(), "delimiter") {
				t.Errorf("error %q does not name the delimiter", err)
			}
		})
	}
	b := testBatch()
	b.Submitter.Name = "CLAIMS*GW"
	if _, err := Write(io.Discard, b, []Claim{professional(1, subscriber(1))}); err == nil {
		t.Error("a delimiter in the submitter name was not refused")
	}
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		batch func(*Batch)
		edit  func(*Claim)
		want  string
	}{
		{"no control number", func(b *Batch) { b.InterchangeControlNumber = 0 }, nil, "ISA13"},
		{"usage", func(b *Batch) { b.Usage = 'X' }, nil, "ISA15"},
		{"no GS06", func(b *Batch) { b.GroupControlNumber = 0 }, nil, "GS06"},
		{"no ST02", func(b *Batch) { b.TransactionControlNumber = 0 }, nil, "ST02"},
		{"no time", func(b *Batch) { b.Time = time.Time{} }, nil, "no time"},
		{"no BHT03", func(b *Batch) { b.ReferenceID = "" }, nil, "BHT03"},
		{"no submitter contact", func(b *Batch) { b.Submitter.Phone, b.Submitter.Email = "", "" }, nil, "phone"},
		{"no receiver", func(b *Batch) { b.Receiver = Receiver{} }, nil, "receiver"},
		{"type", nil, func(c *Claim) { c.Type = "vision" }, "claim type"},
		{"teeth on 837P", nil, func(c *Claim) { c.ServiceLines[0].Teeth = []Tooth{{Number: "3"}} }, "837D only"},
		{"predetermination on 837P", nil, func(c *Claim) { c.Info.Predetermination = true }, "837D only"},
		{"no lines", nil, func(c *Claim) { c.ServiceLines = nil }, "no service lines"},
		{"no PCN", nil, func(c *Claim) { c.Info.PatientControlNumber = "" }, "patient control number"},
		{"bad date", nil, func(c *Claim) { c.ServiceLines[0].ServiceDate = "11/02/2026" }, "service date"},
		{"bad birth date", nil, func(c *Claim) { c.Subscriber.BirthDate = "19800201" }, "YYYY-MM-DD"},
		{"pointer", nil, func(c *Claim) { c.ServiceLines[0].DiagnosisPointers = []int{5} }, "pointer"},
		{"no pointer", nil, func(c *Claim) { c.ServiceLines[0].DiagnosisPointers = nil }, "pointers"},
		{"principal not first", nil, func(c *Claim) { c.Info.Diagnoses[0].Type = Other }, "principal"},
		{"admitting on 837P", nil, func(c *Claim) { c.Info.Diagnoses[1].Type = Admitting }, "not used"},
		{"13 diagnoses on 837P", nil, func(c *Claim) {
			for range 9 {
				c.Info.Diagnoses = append(c.Info.Diagnoses, Diagnosis{Code: "R51", Type: Other})
			}
		}, "at most 12"},
		{"units", nil, func(c *Claim) { c.ServiceLines[0].Units = "one" }, "units"},
		{"modifiers", nil, func(c *Claim) { c.ServiceLines[0].Procedure.Modifiers = []string{"1", "2", "3", "4", "5"} }, "modifiers"},
		{"837I fields on 837P", nil, func(c *Claim) { c.Info.PatientStatus = "01" }, "837I only"},
		{"nameless provider", nil, func(c *Claim) { c.RenderingProvider = &Provider{NPI: "1245319599"} }, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, c := testBatch(), professional(1, subscriber(1))
			if tc.batch != nil {
				tc.batch(&b)
			}
			if tc.edit != nil {
				tc.edit(&c)
			}
			res, err := Write(io.Discard, b, []Claim{c})
			if err == nil || res != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: %v, %v; want an error about %q", res, err, tc.want)
			}
		})
	}
	if _, err := Write(io.Discard, testBatch(), nil); err == nil {
		t.Error("no claims: no error")
	}
	for _, tc := range []struct {
		name string
		edit func(*Claim)
		want string
	}{
		{"a date on a predetermination", func(c *Claim) { c.Info.Predetermination = true }, "no date of service"},
		{"no date", func(c *Claim) { c.ServiceLines[1].ServiceDate = "" }, "service date"},
		{"unit type", func(c *Claim) { c.ServiceLines[0].UnitType = "UN" }, "unit type"},
		{"33 teeth", func(c *Claim) {
			for i := range 33 {
				c.ServiceLines[1].Teeth = append(c.ServiceLines[1].Teeth, Tooth{Number: strconv.Itoa(i + 1)})
			}
		}, "at most 32"},
		{"6 surfaces", func(c *Claim) { c.ServiceLines[1].Teeth[0].Surfaces = []string{"B", "D", "F", "I", "L", "M"} }, "at most 5"},
		{"6 areas", func(c *Claim) { c.ServiceLines[2].OralCavityAreas = []string{"00", "01", "02", "09", "10", "20"} }, "at most 5"},
		{"prosthesis without placement", func(c *Claim) { c.ServiceLines[1].Prosthesis = &Prosthesis{PriorDate: "2020-01-01"} }, "placement"},
		{"5 diagnoses", func(c *Claim) {
			c.Info.Diagnoses = []Diagnosis{{Code: "K021", Type: Principal}}
			for range 4 {
				c.Info.Diagnoses = append(c.Info.Diagnoses, Diagnosis{Code: "K051", Type: Other})
			}
		}, "at most 4"},
		{"attending", func(c *Claim) { c.AttendingProvider = &Provider{LastName: "JONES", NPI: "1497758544"} }, "837I only"},
		{"negative months", func(c *Claim) { m := -1; c.Info.Orthodontic = &Orthodontic{TotalMonths: &m} }, "months"},
	} {
		t.Run("dental "+tc.name, func(t *testing.T) {
			c := dental(1)
			tc.edit(&c)
			if res, err := Write(io.Discard, testBatch(), []Claim{c}); err == nil || res != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: %v, %v; want an error about %q", res, err, tc.want)
			}
		})
	}
	inst := institutional(1)
	inst.Info.StatementTo = ""
	if _, err := Write(io.Discard, testBatch(), []Claim{inst}); err == nil || !strings.Contains(err.Error(), "statement") {
		t.Errorf("statement from without to: %v", err)
	}
	inst = institutional(1)
	inst.Info.Diagnoses[1].PresentOnAdmission = "Y"
	if _, err := Write(io.Discard, testBatch(), []Claim{inst}); err == nil || !strings.Contains(err.Error(), "present_on_admission") {
		t.Errorf("POA on an admitting diagnosis: %v", err)
	}
}
