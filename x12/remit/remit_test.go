package remit

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// corpus835 returns the 835 files of the shared corpus, or skips.
func corpus835(tb testing.TB) []string { return x12test.CorpusIn(tb, "835") }

// golden is what a golden file holds: the decoded sets and every error.
type golden struct {
	Remittances []*Remittance `json:"remittances"`
	Errors      []*x12.Error  `json:"errors"`
}

func TestCorpus(t *testing.T) {
	for _, path := range corpus835(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".x12")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rems, errs, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(rems) == 0 {
				t.Fatal("no remittance decoded")
			}
			var content any = golden{rems, errs}
			if len(data) > 64<<10 {
				content = summarize(rems, errs)
			}
			x12test.Golden(t, name, content, *update)
		})
	}
}

// summary stands for the decoded content of a large corpus file in its
// golden file.
type summary struct {
	Remittances         int          `json:"remittances"`
	Claims              int          `json:"claims"`
	ServiceLines        int          `json:"service_lines"`
	Adjustments         int          `json:"adjustments"`
	ProviderAdjustments int          `json:"provider_adjustments"`
	Payments            money.Cents  `json:"payments"` // Σ BPR02
	Paid                money.Cents  `json:"paid"`     // Σ CLP04
	Errors              []*x12.Error `json:"errors"`
}

func summarize(rems []*Remittance, errs []*x12.Error) summary {
	s := summary{Remittances: len(rems), Errors: errs}
	for _, r := range rems {
		s.Payments += r.Payment.Amount
		s.ProviderAdjustments += len(r.ProviderAdjustments)
		for _, c := range r.Claims {
			s.Claims++
			s.Paid += c.Paid
			s.Adjustments += len(c.Adjustments)
			for _, l := range c.ServiceLines {
				s.ServiceLines++
				s.Adjustments += len(l.Adjustments)
			}
		}
	}
	return s
}

// The delimiters of the hand-written files: * : ^ ~.
const (
	isa = "ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261120*1015*^*00501*000000101*0*P*:~"
	gs  = "GS*HP*SIMPAYER*CLAIMSGW*20261120*1015*1*X*005010X221A1~"
)

// file makes an interchange of one group holding one 835 per body; a body
// is the segments between ST and SE.
func file(bodies ...[]string) string {
	var b strings.Builder
	b.WriteString(isa + gs)
	for i, body := range bodies {
		fmt.Fprintf(&b, "ST*835*%04d~", i+1)
		for _, s := range body {
			b.WriteString(s + "~")
		}
		fmt.Fprintf(&b, "SE*%d*%04d~", len(body)+2, i+1)
	}
	fmt.Fprintf(&b, "GE*%d*1~IEA*1*000000101~", len(bodies))
	return b.String()
}

// header is BPR through LX with the payment amount given.
func header(amount string) []string {
	return []string{
		"BPR*I*" + amount + "*C*ACH*CCP*01*011000015*DA*123456789*1512345678**01*021000021*DA*987654321*20261120",
		"TRN*1*EFT12345*1512345678",
		"DTM*405*20261119",
		"N1*PR*SIM HEALTH PLAN",
		"N3*100 PAYER WAY",
		"N4*COLUMBUS*OH*43215",
		"REF*2U*SIMPAYER",
		"PER*BL*PROVIDER SERVICES*TE*8005551234",
		"N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893",
		"REF*TJ*621234567",
		"LX*1",
	}
}

func body(amount string, segs ...string) []string { return append(header(amount), segs...) }

// segIndex returns the 1-based stream index of the n-th segment (1-based)
// that starts with prefix.
func segIndex(t *testing.T, in, prefix string, n int) int {
	t.Helper()
	for i, s := range strings.Split(in, "~") {
		if strings.HasPrefix(s, prefix) {
			if n--; n == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("no segment %q", prefix)
	return 0
}

// errorList writes errors as "code SEGnn@index".
func errorList(errs []*x12.Error) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s %s%02d@%d", e.Code, e.SegmentID, e.Element, e.SegmentIndex))
	}
	return out
}

func decodeString(t *testing.T, in string) ([]*Remittance, []*x12.Error) {
	t.Helper()
	rems, errs, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return rems, errs
}

func TestCases(t *testing.T) {
	patient := "NM1*QC*1*DOE*JOHN****MI*XJH123456789"
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, in string, rems []*Remittance, errs []string)
	}{
		{
			name: "reversal and correction",
			in: file(body("10",
				"CLP*PCN1*22*-100*-80*-20*12*PAY1*11*1", "CAS*PR*2*-20", patient,
				"CLP*PCN1*1*100*90*10*12*PAY2*11*1", "CAS*PR*2*10", patient)),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				c := rems[0].Claims
				if len(c) != 2 || c[0].StatusCode != "22" || c[0].Charge != -10000 || c[0].Paid != -8000 ||
					c[0].PatientResponsibility != -2000 || c[0].Adjustments[0].Amount != -2000 ||
					c[1].StatusCode != "1" || c[1].Paid != 9000 {
					t.Errorf("claims %s", js(c))
				}
			},
		},
		{
			name: "dental claim: SVC01 AD with CDT codes, lines by REF*6R",
			in: file(body("154",
				"CLP*PCN777*1*310*154*58*12*PAYD*11*1", patient,
				"SVC*AD:D0120*60*40**1", "DTM*472*20261103", "CAS*PR*3*20", "REF*6R*PCN777-1",
				"SVC*AD:D2392*190*114**1", "DTM*472*20261103", "CAS*CO*45*38", "CAS*PR*2*38", "REF*6R*PCN777-2",
				"SVC*AD:D1110*60*0", "DTM*472*20261103", "CAS*OA*101*60", "REF*6R*PCN777-3")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				l := rems[0].Claims[0].ServiceLines
				if len(l) != 3 {
					t.Fatalf("lines %s", js(l))
				}
				for i, want := range []struct{ code, id string }{{"D0120", "PCN777-1"}, {"D2392", "PCN777-2"}, {"D1110", "PCN777-3"}} {
					if p := l[i].Procedure; p.Qualifier != "AD" || p.Code != want.code || l[i].LineItemControlNumber != want.id {
						t.Errorf("line %d: %s", i, js(l[i]))
					}
				}
				if l[1].Paid != 11400 || l[2].Paid != 0 || l[2].Adjustments[0].Reason != "101" {
					t.Errorf("amounts %s", js(l))
				}
			},
		},
		{
			name: "split claim: one PCN in two CLPs",
			in: file(body("110",
				"CLP*PCN2*1*100*60**12*PAYA", "CAS*CO*45*40", patient,
				"CLP*PCN2*1*50*50**12*PAYB", patient)),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				c := rems[0].Claims
				if len(c) != 2 || c[0].PatientControlNumber != "PCN2" || c[1].PatientControlNumber != "PCN2" ||
					c[0].PayerClaimControlNumber != "PAYA" || c[1].PayerClaimControlNumber != "PAYB" {
					t.Errorf("claims %s", js(c))
				}
			},
		},
		{
			name: "claim-level and line-level CAS",
			in: file(body("190",
				"CLP*P3*1*300*190*30*12*PAY3*11*1", "CAS*OA*23*10", patient,
				"SVC*HC:99214:25*200*140**1", "DTM*472*20261102", "CAS*PR*2*20*1*3*10", "CAS*CO*45*30",
				"REF*6R*P3-1", "AMT*B6*170", "LQ*HE*N130",
				"SVC*HC:36415*100*60**1", "DTM*472*20261102", "CAS*CO*45*40", "REF*6R*P3-2")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				c := rems[0].Claims[0]
				want := []Adjustment{{Group: "OA", Reason: "23", Amount: 1000, Element: 2}}
				if !sameAdjustments(c.Adjustments, want) {
					t.Errorf("claim adjustments %s", js(c.Adjustments))
				}
				l := c.ServiceLines
				want = []Adjustment{
					{Group: "PR", Reason: "2", Amount: 2000, Quantity: "1", Element: 2},
					{Group: "PR", Reason: "3", Amount: 1000, Element: 5},
					{Group: "CO", Reason: "45", Amount: 3000, Element: 2},
				}
				if len(l) != 2 || !sameAdjustments(l[0].Adjustments, want) || len(l[1].Adjustments) != 1 {
					t.Fatalf("lines %s", js(l))
				}
				if l[0].Procedure.Code != "99214" || !reflect.DeepEqual(l[0].Procedure.Modifiers, []string{"25"}) ||
					l[0].LineItemControlNumber != "P3-1" || l[0].Allowed != (OptionalCents{17000, true}) ||
					!reflect.DeepEqual(l[0].Remarks, []string{"N130"}) || l[0].ServiceDate != "2026-11-02" ||
					l[1].Allowed.Valid || l[1].LineItemControlNumber != "P3-2" || l[1].Procedure.Modifiers != nil {
					t.Errorf("lines %s", js(l))
				}
			},
		},
		{
			name: "PLB with a reference and negative interest",
			in: file(body("97.5",
				"CLP*P4*1*100*100**12*PAY4", patient,
				"PLB*1234567893*20261231*WO:PCN000099*5*L6*-2.5")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				p := rems[0].ProviderAdjustments
				if len(p) != 2 ||
					*p[0] != (ProviderAdjustment{Position: p[0].Position, Element: 3, ProviderID: "1234567893", FiscalPeriodDate: "2026-12-31", Reason: "WO", Reference: "PCN000099", Amount: 500}) ||
					*p[1] != (ProviderAdjustment{Position: p[1].Position, Element: 5, ProviderID: "1234567893", FiscalPeriodDate: "2026-12-31", Reason: "L6", Amount: -250}) {
					t.Errorf("provider adjustments %s", js(p))
				}
				if p[0].Position.Index != segIndex(t, in, "PLB", 1) {
					t.Errorf("PLB position %+v", p[0].Position)
				}
			},
		},
		{
			name: "crossover carrier",
			in: file(body("80",
				"CLP*P5*19*100*80*20*MB*PAY5*13*1", "CAS*PR*1*20", patient,
				"NM1*TT*2*MEDIGAP CARRIER*****PI*99999", "NM1*82*1*RIVERA*ANA****XX*1497758544")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				c := rems[0].Claims[0]
				if c.CrossoverCarrier == nil || c.CrossoverCarrier.LastName != "MEDIGAP CARRIER" || c.CrossoverCarrier.ID != "99999" ||
					c.CrossoverCarrier.IDQualifier != "PI" || c.RenderingProvider.ID != "1497758544" || c.Patient.MemberID != "XJH123456789" {
					t.Errorf("claim %s", js(c))
				}
			},
		},
		{
			name: "denied claim",
			in: file(body("0",
				"CLP*P6*4*150*0**12*PAY6", patient,
				"SVC*HC:99213*150*0**1", "CAS*CO*50*150")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				c := rems[0].Claims[0]
				if c.StatusCode != "4" || c.Paid != 0 || c.ServiceLines[0].Adjustments[0].Reason != "50" || ClaimStatus(c.StatusCode) != "denied" {
					t.Errorf("claim %s", js(c))
				}
			},
		},
		{
			name: "several sets and payers",
			in: file(
				body("100", "CLP*P7*1*100*100**12*PAY7", patient),
				append([]string{
					"BPR*I*50*C*CHK************20261121", "TRN*1*CHK777*1999999999",
					"N1*PR*OTHER PAYER*XV*87726", "N3*1 MAIN ST", "N4*TOWN*MN*55343", "PER*BL**UR*EXAMPLE.COM",
					"N1*PE*RIVERSIDE FAMILY MEDICINE*FI*621234567",
				}, "CLP*P8*2*60*50**13*PAY8", "CAS*OA*23*10", patient)),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				if len(rems) != 2 || rems[0].Payer.Name != "SIM HEALTH PLAN" || rems[0].Payer.ID != "SIMPAYER" ||
					rems[1].Payer.Name != "OTHER PAYER" || rems[1].Payer.ID != "87726" || rems[1].Payment.Method != "CHK" ||
					rems[1].Payee.TaxID != "621234567" || rems[1].Payee.NPI != "" || rems[0].Payee.NPI != "1234567893" ||
					rems[0].ControlNumber != "0001" || rems[1].ControlNumber != "0002" || rems[1].Claims[0].PatientControlNumber != "P8" {
					t.Errorf("remittances %s", js(rems))
				}
			},
		},
		{
			name: "imbalanced line",
			in: file(body("80",
				"CLP*P9*1*100*80**12*PAY9", "CAS*CO*45*10", patient,
				"SVC*HC:99213*100*80**1", "CAS*CO*45*10")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				wantErrors(t, errs, fmt.Sprintf("balance SVC03@%d", segIndex(t, in, "SVC", 1)))
			},
		},
		{
			name: "imbalanced claim",
			in: file(body("70",
				"CLP*P10*1*100*70**12*PAY10", patient,
				"SVC*HC:99213*100*80**1", "CAS*CO*45*20")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				wantErrors(t, errs, fmt.Sprintf("balance CLP04@%d", segIndex(t, in, "CLP", 1)))
			},
		},
		{
			name: "imbalanced transaction",
			in:   file(body("100", "CLP*P11*1*100*90**12*PAY11", "CAS*CO*45*10", patient)),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				wantErrors(t, errs, fmt.Sprintf("balance BPR02@%d", segIndex(t, in, "BPR", 1)))
			},
		},
		{
			name: "debit payment balances as negative",
			in: file(append([]string{"BPR*H*10*D*NON************20261120"}, append(header("0")[1:],
				"CLP*P12*22*-10*-10**12*PAY12", patient)...)),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				noErrors(t, errs)
				if rems[0].Payment.CreditDebit != "D" || rems[0].Payment.Amount != 1000 {
					t.Errorf("payment %s", js(rems[0].Payment))
				}
			},
		},
		{
			name: "bad amount and date",
			in: file(body("90",
				"CLP*P13*1*100.005*90**12*PAY13", "CAS*CO*45*10", patient,
				"SVC*HC:99213*100*90**1", "DTM*472*20261340", "CAS*CO*45*10")),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				// CLP03 does not parse: the claim is not balanced, the line and
				// the transaction are.
				wantErrors(t, errs,
					fmt.Sprintf("syntax CLP03@%d", segIndex(t, in, "CLP", 1)),
					fmt.Sprintf("syntax DTM02@%d", segIndex(t, in, "DTM*472", 1)))
				if d := rems[0].Claims[0].ServiceLines[0].ServiceDate; d != "20261340" {
					t.Errorf("bad date kept as %q", d)
				}
			},
		},
		{
			name: "missing required segments",
			in: file([]string{
				"BPR*I*0*C*NON************20261120",
				"N1*PR*SIM HEALTH PLAN", "N3*100 PAYER WAY", "N4*COLUMBUS*OH*43215", "PER*BL*X*TE*1",
				"LX*1", "CLP*P14*4*10*0**12*PAY14", "CAS*CO*50*10",
			}),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				wantErrors(t, errs,
					fmt.Sprintf("missing_segment N100@%d", segIndex(t, in, "N1*PR", 1)),
					fmt.Sprintf("missing_segment LX00@%d", segIndex(t, in, "LX", 1)),
					fmt.Sprintf("missing_segment CLP00@%d", segIndex(t, in, "CLP", 1)))
			},
		},
		{
			name: "payer loop without address (warnings) or contact (an error)",
			in: file([]string{
				"BPR*I*0*C*NON************20261120", "TRN*1*T*1", "N1*PR*P", "N1*PE*Q*XX*1",
			}),
			check: func(t *testing.T, in string, rems []*Remittance, errs []string) {
				n1 := segIndex(t, in, "N1*PR", 1)
				wantErrors(t, errs, fmt.Sprintf("missing_segment N100@%d", n1), fmt.Sprintf("missing_segment N100@%d", n1), fmt.Sprintf("missing_segment N100@%d", n1))
				if len(rems[0].Claims) != 0 {
					t.Errorf("claims %s", js(rems[0].Claims))
				}
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rems, errs := decodeString(t, tt.in)
			if len(rems) == 0 {
				t.Fatal("no remittance")
			}
			if _, err := json.Marshal(rems); err != nil {
				t.Fatal(err)
			}
			tt.check(t, tt.in, rems, errorList(errs))
		})
	}
}

func noErrors(t *testing.T, errs []string) {
	t.Helper()
	if len(errs) != 0 {
		t.Errorf("errors %v, want none", errs)
	}
}

func wantErrors(t *testing.T, errs []string, want ...string) {
	t.Helper()
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
}

func sameAdjustments(got, want []Adjustment) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		w := want[i]
		w.Position = got[i].Position
		if got[i] != w {
			return false
		}
	}
	return true
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestErrorDetails checks what a balance error says: the amounts and the
// difference, the control numbers, no names or member IDs.
func TestErrorDetails(t *testing.T) {
	in := file(body("80", "CLP*PCN000123*1*100*80**12*PAY1", "CAS*CO*45*15", "NM1*QC*1*DOE*JOHN****MI*XJH123456789"))
	_, errs := decodeString(t, in)
	if len(errs) != 1 {
		t.Fatalf("errors %v", errList(errs))
	}
	e := errs[0]
	if e.Severity != x12.SeverityError || e.Interchange != "000000101" || e.Group != "1" || e.Transaction != "0001" ||
		!strings.Contains(e.Message, "100.00") || !strings.Contains(e.Message, "80.00") ||
		!strings.Contains(e.Message, "15.00") || !strings.Contains(e.Message, "difference 5.00") {
		t.Errorf("error %+v", e)
	}
	for _, phi := range []string{"DOE", "JOHN", "XJH", "PCN000123"} {
		if strings.Contains(e.Message, phi) {
			t.Errorf("message %q holds %q", e.Message, phi)
		}
	}
}

func errList(errs []*x12.Error) []string { return errorList(errs) }

// TestContractJSON decodes the contract's example and compares the JSON
// with the remittance part of shared/contracts/x12-json.md.
func TestContractJSON(t *testing.T) {
	in := file([]string{
		"BPR*I*1234.56*C*ACH*CCP*01*011000015*DA*123456789*1512345678**01*021000021*DA*987654321*20261120",
		"TRN*1*EFT12345*1512345678",
		"N1*PR*SIM HEALTH PLAN", "N3*100 PAYER WAY", "N4*COLUMBUS*OH*43215", "REF*2U*SIMPAYER", "PER*BL*X*TE*1",
		"N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893", "REF*TJ*621234567",
		"LX*1",
		"CLP*PCN000123*1*235*160*20*12*PAY0001*11*1",
		"CAS*CO*45*55*1",
		"NM1*QC*1*DOE*JOHN****MI*XJH123456789",
		"SVC*HC:99214:25*185*120**1", "DTM*472*20261102", "CAS*PR*2*20", "REF*6R*PCN000123-1", "AMT*B6*140", "LQ*HE*N130",
		"SVC*HC:36415*50*40**1", "CAS*CO*45*10",
		"CLP*PCN000124*1*1069.56*1069.56**12*PAY0002", "NM1*QC*1*ROE*JANE****MI*XJH2",
		"PLB*1234567893*20261231*WO:PCN000099*-5",
	})
	rems, errs := decodeString(t, in)
	// The contract's example does not balance: the line's 185 − 120 is not
	// its 20 of adjustments, and the claim's 235 − 160 is not 55 + 20 + 10.
	wantErrors(t, errorList(errs),
		fmt.Sprintf("balance CLP04@%d", segIndex(t, in, "CLP", 1)),
		fmt.Sprintf("balance SVC03@%d", segIndex(t, in, "SVC", 1)))
	got, _ := json.Marshal(rems[0])
	const want = `{"payment": {"handling_code": "I", "amount": "1234.56", "credit_debit": "C", "method": "ACH",
             "date": "2026-11-20", "trace_number": "EFT12345", "originator_id": "1512345678"},
 "payer": {"name": "SIM HEALTH PLAN", "id": "SIMPAYER"},
 "payee": {"name": "RIVERSIDE FAMILY MEDICINE", "npi": "1234567893", "tax_id": "621234567"},
 "claims": [{
   "patient_control_number": "PCN000123", "status_code": "1",
   "charge": "235.00", "paid": "160.00", "patient_responsibility": "20.00",
   "filing_indicator": "12", "payer_claim_control_number": "PAY0001", "facility_type": "11", "frequency": "1",
   "patient": {"last_name": "DOE", "first_name": "JOHN", "member_id": "XJH123456789"},
   "adjustments": [{"group": "CO", "reason": "45", "amount": "55.00", "quantity": "1"}],
   "service_lines": [{
     "procedure": {"qualifier": "HC", "code": "99214", "modifiers": ["25"]},
     "charge": "185.00", "paid": "120.00", "units": "1", "service_date": "2026-11-02",
     "line_item_control_number": "PCN000123-1", "allowed": "140.00",
     "adjustments": [{"group": "PR", "reason": "2", "amount": "20.00"}],
     "remarks": ["N130"]}]}],
 "provider_adjustments": [{"provider_id": "1234567893", "fiscal_period_date": "2026-12-31",
                           "reason": "WO", "reference": "PCN000099", "amount": "-5.00"}]}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if path := subset(w, g, "$"); path != "" {
		t.Errorf("JSON differs from the contract at %s:\n%s", path, got)
	}
}

// subset returns "" when every key and value of want is in got (lists
// compared item by item, got may have more keys), else the first path that
// differs.
func subset(want, got any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path
		}
		for k, v := range w {
			if p := subset(v, g[k], path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			return path
		}
		for i := range w {
			if p := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	default:
		if !reflect.DeepEqual(want, got) {
			return path
		}
	}
	return ""
}

// TestDecoderWithReadFileWith uses NewDecoder the way a caller mixing
// decoders does.
func TestDecoderWithReadFileWith(t *testing.T) {
	in := file(body("100", "CLP*P1*1*100*100**12*PAY1", "NM1*QC*1*DOE*JOHN****MI*XJH1"), body("5", "PLB*1*20261231*L6*-5"))
	d := NewDecoder()
	f, err := x12.ReadFileWith(strings.NewReader(in), func(setID, impl, version string) (string, x12.Decoder) {
		return x12.KeyRemittance, d // one Decoder for every set, one after the other
	})
	if err != nil {
		t.Fatal(err)
	}
	txs := f.Interchanges[0].Groups[0].Transactions
	r1, ok1 := txs[0].Remittance.(*Remittance)
	r2, ok2 := txs[1].Remittance.(*Remittance)
	if !ok1 || !ok2 || len(r1.Claims) != 1 || len(r2.Claims) != 0 || len(r2.ProviderAdjustments) != 1 || len(f.Errors) != 0 {
		t.Fatalf("content %s %s, errors %v", js(txs[0].Remittance), js(txs[1].Remittance), errList(f.Errors))
	}
	if r1.Position.Index != 3 || r1.Claims[0].Position.Position != 13 {
		t.Errorf("positions %+v %+v", r1.Position, r1.Claims[0].Position)
	}
}

func TestCodes(t *testing.T) {
	for _, c := range []string{"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"} {
		if ClaimStatus(c) == "" {
			t.Errorf("claim status %s has no description", c)
		}
	}
	for _, c := range []string{"CO", "PR", "OA", "PI", "CR"} {
		if AdjustmentGroup(c) == "" {
			t.Errorf("group %s has no description", c)
		}
	}
	for _, c := range []string{"WO", "L6", "FB", "CS", "72", "J1"} {
		if ProviderAdjustmentReason(c) == "" {
			t.Errorf("PLB reason %s has no description", c)
		}
	}
	for _, c := range []string{"ACH", "CHK", "NON", "FWT", "BOP"} {
		if PaymentMethod(c) == "" {
			t.Errorf("method %s has no description", c)
		}
	}
	if HandlingCode("I") == "" || ClaimStatus("99") != "" {
		t.Error("handling code I, or claim status 99")
	}
	if len(ts3Kinds) != 25 || len(ts2Kinds) != 20 || len(miaKinds) != 25 || len(moaKinds) != 10 {
		t.Error("element kind tables have the wrong lengths")
	}
}

func TestLoadReasonCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csvFile := write("carc.csv", "code,description\n# a comment\n45,\"Charge exceeds fee schedule, maximum allowable\"\n\nN130,Consult plan benefit documents.\n")
	tsvFile := write("rarc.txt", "45\tCharge exceeds fee schedule\r\nMA01\tAppeal rights, \"quoted\"\r\n")
	rc, err := LoadReasonCodes(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc) != 2 || rc.Describe("45") != "Charge exceeds fee schedule, maximum allowable" || rc.Describe("N130") != "Consult plan benefit documents." {
		t.Errorf("csv: %v", rc)
	}
	rc, err = LoadReasonCodes(tsvFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc) != 2 || rc.Describe("MA01") != `Appeal rights, "quoted"` || rc.Describe("1") != "" {
		t.Errorf("tsv: %v", rc)
	}
	for name, text := range map[string]string{
		"dup.csv":    "45,a\n45,b\n",
		"nodesc.tsv": "45\n",
	} {
		if _, err := LoadReasonCodes(write(name, text)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := LoadReasonCodes(filepath.Join(dir, "absent.csv")); err == nil {
		t.Error("absent file: no error")
	}
}

func TestOptionalCentsJSON(t *testing.T) {
	b, _ := json.Marshal(struct {
		A OptionalCents `json:"a,omitzero"`
		B OptionalCents `json:"b,omitzero"`
	}{A: OptionalCents{money.Cents(-500), true}})
	if string(b) != `{"a":"-5.00"}` {
		t.Errorf("got %s", b)
	}
}

func FuzzDecode(f *testing.F) {
	x12test.SeedCorpus(f, "835")
	f.Add([]byte(file(body("10", "CLP*P*22*-1*-1**12*X", "SVC*HC:1:2:3:4:5:DESC*1*1**1*HC:9*1", "PLB*1*20261231*WO:R*1"))))
	f.Fuzz(func(t *testing.T, data []byte) {
		rems, _, _ := Decode(bytes.NewReader(data))
		if _, err := json.Marshal(rems); err != nil {
			t.Fatal(err)
		}
	})
}

// Checkers report exactly what Decoders report, on every corpus file and
// on a large generated one, while keeping nothing.
func TestCheckersFindTheSameErrors(t *testing.T) {
	var big bytes.Buffer
	if err := x12test.Remittance(&big, x12.DefaultDelimiters, 5000, 7); err != nil {
		t.Fatal(err)
	}
	// Unbalance one line of the generated file, so there is something to find.
	in := bytes.Replace(big.Bytes(), []byte("CAS*CO*45*"), []byte("CAS*CO*45*1"), 1)
	inputs := map[string][]byte{"generated": in}
	for _, path := range corpus835(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(path)] = b
	}
	for name, b := range inputs {
		full, err := x12.ReadFileWith(bytes.NewReader(b), Decoders())
		if err != nil {
			t.Fatal(err)
		}
		checked, err := x12.ReadFileWith(bytes.NewReader(b), Checkers())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(full.Errors, checked.Errors) {
			t.Errorf("%s: Decoders found %d errors, Checkers %d", name, len(full.Errors), len(checked.Errors))
		}
		for _, ic := range checked.Interchanges {
			for _, g := range ic.Groups {
				for _, tx := range g.Transactions {
					if tx.Remittance != nil {
						t.Fatalf("%s: a Checker kept a remittance", name)
					}
				}
			}
		}
	}
	if full, _ := x12.ReadFileWith(bytes.NewReader(in), Decoders()); len(full.Errors) == 0 {
		t.Error("the unbalanced generated file reads clean")
	}
}

// Streamers hand over, one at a time, the very claims Decoders keep,
// positions included, and report the same errors; the sets Finish returns
// are the same but for their claims. A claim the caller keeps (each
// returns true) stays as it was handed over while the next ones are
// decoded.
func TestStreamersHandOverWhatDecodersKeep(t *testing.T) {
	var big bytes.Buffer
	if err := x12test.Remittance(&big, x12.DefaultDelimiters, 5000, 7); err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"generated": bytes.Replace(big.Bytes(), []byte("CAS*CO*45*"), []byte("CAS*CO*45*1"), 1)}
	// A set of a PLB alone (no CLP to hand over) before the others: its
	// header keeps its references (before, the next set's claims wiped them).
	gs := bytes.Index(big.Bytes(), []byte("~ST*")) + 1
	plbOnly := "ST*835*9001*005010X221A1~BPR*H*0*C*NON************20260101~TRN*1*PLBONLY*1512345678~DTM*405*20260101~" +
		"N1*PR*SIM HEALTH PLAN~N3*1 MAIN ST~N4*NASHVILLE*TN*372031234~REF*2U*PAYERREF1~PER*BL*EDI*TE*8005550100~" +
		"N1*PE*CLINIC*XX*1234567893~REF*TJ*621234567~PLB*1234567893*20261231*WO:X*0~SE*13*9001~"
	inputs["a PLB alone first"] = append(append(append([]byte(nil), big.Bytes()[:gs]...), plbOnly...), big.Bytes()[gs:]...)
	for _, path := range corpus835(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(path)] = b
	}
	for name, b := range inputs {
		full, err := x12.ReadFileWith(bytes.NewReader(b), Decoders())
		if err != nil {
			t.Fatal(err)
		}
		var want []*Claim
		sets := map[string]*Remittance{} // by ST offset
		for _, ic := range full.Interchanges {
			for _, g := range ic.Groups {
				for _, tx := range g.Transactions {
					if r, ok := tx.Remittance.(*Remittance); ok {
						want = append(want, r.Claims...)
						sets[fmt.Sprint(tx.Offset)] = r
					}
				}
			}
		}
		for _, keep := range []bool{false, true} {
			var kept []*Claim
			n := 0
			streamed, err := x12.ReadFileWith(bytes.NewReader(b), Streamers(func(r *Remittance, c *Claim) bool {
				if n >= len(want) || !reflect.DeepEqual(c, want[n]) {
					t.Fatalf("%s: claim %d handed over is not the one Decoders keep:\n%s", name, n, js(c))
				}
				if r.Payment.TraceNumber != sets[fmt.Sprint(r.Position.Offset)].Payment.TraceNumber {
					t.Fatalf("%s: claim %d handed over with another set", name, n)
				}
				n++
				if keep {
					kept = append(kept, c)
				}
				return keep
			}))
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) || !reflect.DeepEqual(full.Errors, streamed.Errors) {
				t.Errorf("%s: %d claims handed over of %d; %d errors, Decoders %d", name, n, len(want), len(streamed.Errors), len(full.Errors))
			}
			if keep && !reflect.DeepEqual(kept, want) {
				t.Errorf("%s: the claims kept changed after they were handed over", name)
			}
			for _, ic := range streamed.Interchanges {
				for _, g := range ic.Groups {
					for _, tx := range g.Transactions {
						r, ok := tx.Remittance.(*Remittance)
						if !ok {
							continue
						}
						w := *sets[fmt.Sprint(tx.Offset)]
						w.Claims = []*Claim{}
						if !reflect.DeepEqual(*r, w) {
							t.Errorf("%s: set %s as Streamers finish it:\n%s\nwant\n%s", name, tx.ControlNumber, js(r), js(w))
						}
					}
				}
			}
		}
	}
}

// Streamers keep one claim's memory however many claims a set has: the
// live heap when the 20,000th claim of a file is handed over is what it
// was at the 2,000th (Decoders would hold 18,000 claims more by then,
// over 30 MB).
func TestStreamersKeepOneClaim(t *testing.T) {
	var in bytes.Buffer
	if err := x12test.Remittance(&in, x12.DefaultDelimiters, 20000, 7); err != nil {
		t.Fatal(err)
	}
	live := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	n := 0
	var at2000, at20000 uint64
	if _, err := x12.ReadFileWith(bytes.NewReader(in.Bytes()), Streamers(func(*Remittance, *Claim) bool {
		switch n++; n {
		case 2000:
			at2000 = live()
		case 20000:
			at20000 = live()
		}
		return false
	})); err != nil {
		t.Fatal(err)
	}
	if n != 20000 || at20000 > at2000+1<<20 {
		t.Errorf("%d claims; the live heap at the 2,000th %d KB, at the 20,000th %d KB", n, at2000>>10, at20000>>10)
	}
}
