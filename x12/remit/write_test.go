package remit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// Every corpus 835 whose sets decode without errors (the envelopes' do not
// reach the model: Rewrite writes new ones) is written again from its
// model by Write, and the written file decodes without errors to the same
// model (but for the positions and ST02); where claimsgw x12 validate
// found no error in the sample, it finds none in what Write wrote, and
// neither does pyx12.
func TestWriteRoundTrip(t *testing.T) {
	written := map[string][]byte{}
	for _, path := range x12test.CorpusIn(t, "835") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".x12"), func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := x12.ReadFileWith(bytes.NewReader(in), remit.Decoders())
			if err != nil {
				t.Fatal(err)
			}
			if errs := setErrors(f.Errors); len(errs) > 0 {
				t.Skipf("a set of the sample decodes with errors: %s", errs[0])
			}
			out := x12test.Rewrite(t, f, func(w *x12.Writer, st02 int, c any) error {
				remit.Write(w, st02, c.(*remit.Remittance))
				return nil
			})
			g, err := x12.ReadFileWith(bytes.NewReader(out), remit.Decoders())
			if err != nil {
				t.Fatal(err)
			}
			if errs := x12test.Severe(g.Errors); len(errs) > 0 {
				t.Fatalf("what Write wrote decodes with errors: %s\n%s", errs[0], out)
			}
			want, got := remittances(f), remittances(g)
			if len(got) != len(want) {
				t.Fatalf("%d sets written, %d read", len(want), len(got))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("set %d decodes differently once written:\n%s", i+1, firstDiff(got[i], want[i]))
				}
			}
			x12test.AsValid(t, in, out, sets.Checkers())
			written[path] = out
		})
	}
	t.Run("pyx12", func(t *testing.T) { x12test.Pyx12AsValid(t, written) })
}

// setErrors are the errors of transaction sets (not of envelopes).
func setErrors(errs []*x12.Error) []*x12.Error {
	var out []*x12.Error
	for _, e := range x12test.Severe(errs) {
		if e.Transaction != "" {
			out = append(out, e)
		}
	}
	return out
}

// remittances are the 835 models of f, without their positions and ST02.
func remittances(f *x12.File) []*remit.Remittance {
	var out []*remit.Remittance
	for _, ic := range f.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				if r, ok := t.Content().(*remit.Remittance); ok {
					r.ControlNumber = ""
					x12test.Unposition(r)
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// firstDiff names the first part of two remittances that differs, with
// both versions (the fields the JSON form leaves out included).
func firstDiff(got, want *remit.Remittance) string {
	show := func(v any) string {
		b, _ := json.Marshal(v)
		return fmt.Sprintf("%s %+v", b, v)
	}
	for i := range min(len(got.Claims), len(want.Claims)) {
		if !reflect.DeepEqual(got.Claims[i], want.Claims[i]) {
			return fmt.Sprintf("claim %d:\n got  %s\n want %s", i+1, show(got.Claims[i]), show(want.Claims[i]))
		}
	}
	g, w := *got, *want
	g.Claims, w.Claims = nil, nil
	return fmt.Sprintf("got  %s\nwant %s", show(&g), show(&w))
}

// A model made by hand, with no elements for its adjustments and its
// references out of the guide's order, is written in the guide's order:
// adjacent adjustments of a group share a CAS (six at most), the PLB pairs
// of a provider and period share a PLB, the payee's tax ID that is not
// N104 is a REF*TJ, and the payer's ID that is its REF*2U is no N104.
func TestWriteByHand(t *testing.T) {
	cas := []remit.Adjustment{{Group: "CO", Reason: "45", Amount: 2000}, {Group: "CO", Reason: "253", Amount: 100},
		{Group: "PR", Reason: "3", Amount: 1500, Quantity: "1"}}
	for _, r := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		cas = append(cas, remit.Adjustment{Group: "OA", Reason: r, Amount: 1})
	}
	r := &remit.Remittance{
		Payment: remit.Payment{HandlingCode: "I", Amount: 6293, CreditDebit: "C", Method: "CHK", Date: "2026-11-20",
			TraceType: "1", TraceNumber: "CHK123", OriginatorID: "1512345678"},
		ProductionDate: "2026-11-19",
		Payer: remit.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER", Address: &remit.Address{Lines: []string{"100 PAYER WAY"}, City: "COLUMBUS", State: "OH", PostalCode: "432150001"},
			References: []remit.Reference{{Qualifier: "2U", Value: "SIMPAYER"}},
			Contacts: []remit.Contact{{Function: "BL", Name: "EDI", Numbers: []remit.Communication{{Qualifier: "TE", Number: "8005551234"}}},
				{Function: "CX", Name: "CLAIMS", Numbers: []remit.Communication{{Qualifier: "TE", Number: "8005550000"}}}}},
		Payee:   remit.Payee{Name: "RIVERSIDE", NPI: "1234567893", TaxID: "621234567"},
		Headers: []*remit.Header{{Number: "1"}},
		Claims: []*remit.Claim{{
			Header: "1", PatientControlNumber: "PCN1", StatusCode: "1", Charge: 10000, Paid: 6393, PatientResponsibility: 1500,
			FilingIndicator: "12", PayerClaimControlNumber: "PAY1", FacilityType: "11", Frequency: "1",
			Patient:       remit.Name{EntityType: "1", LastName: "DOE", FirstName: "JOHN", IDQualifier: "MI", MemberID: "M1"},
			References:    []remit.Reference{{Qualifier: "1G", Value: "RP1"}, {Qualifier: "EA", Value: "MR1"}},
			StatementFrom: "2026-11-02",
			ServiceLines: []*remit.ServiceLine{{
				Procedure: remit.Procedure{Qualifier: "HC", Code: "99214", Modifiers: []string{"25"}}, Charge: 10000, Paid: 6393, Units: "1",
				ServiceDate: "2026-11-02", Adjustments: cas, LineItemControlNumber: "L1",
				References: []remit.Reference{{Qualifier: "0K", Value: "POL"}, {Qualifier: "LU", Value: "LOC"}},
				Allowed:    remit.OptionalCents{Cents: 8000, Valid: true}, Remarks: []string{"N130"},
			}},
		}},
		ProviderAdjustments: []*remit.ProviderAdjustment{
			{ProviderID: "1234567893", FiscalPeriodDate: "2026-12-31", Reason: "L6", Amount: -100},
			{ProviderID: "1234567893", FiscalPeriodDate: "2026-12-31", Reason: "WO", Reference: "PAY0", Amount: 200},
		},
	}
	got := writeSet(t, func(w *x12.Writer) { remit.Write(w, 7, r) })
	want := `ST*835*0007
BPR*I*62.93*C*CHK************20261120
TRN*1*CHK123*1512345678
DTM*405*20261119
N1*PR*SIM HEALTH PLAN
N3*100 PAYER WAY
N4*COLUMBUS*OH*432150001
REF*2U*SIMPAYER
PER*CX*CLAIMS*TE*8005550000
PER*BL*EDI*TE*8005551234
N1*PE*RIVERSIDE*XX*1234567893
REF*TJ*621234567
LX*1
CLP*PCN1*1*100*63.93*15*12*PAY1*11*1
NM1*QC*1*DOE*JOHN****MI*M1
REF*EA*MR1
REF*1G*RP1
DTM*232*20261102
SVC*HC:99214:25*100*63.93**1
DTM*472*20261102
CAS*CO*45*20**253*1
CAS*PR*3*15*1
CAS*OA*1*0.01**2*0.01**3*0.01**4*0.01**5*0.01**6*0.01
CAS*OA*7*0.01
REF*LU*LOC
REF*6R*L1
REF*0K*POL
AMT*B6*80
LQ*HE*N130
PLB*1234567893*20261231*L6*-1*WO:PAY0*2
SE*31*0007
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// writeSet runs write in a group of an interchange and returns the lines
// from ST to SE, without their terminators. The interchange passes
// claimsgw x12 validate and pyx12.
func writeSet(t *testing.T, write func(w *x12.Writer)) string {
	t.Helper()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 21, 10, 15, 0, 0, time.UTC)
	w := x12.NewWriter(&buf, x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~', Suffix: "\n"})
	w.BeginInterchange(x12.InterchangeHeader{SenderQualifier: "ZZ", SenderID: "SIMPAYER", ReceiverQualifier: "ZZ", ReceiverID: "CLAIMSGW", ControlNumber: 1, Usage: 'T', Time: at})
	w.BeginGroup(x12.GroupHeader{FunctionalID: "HP", SenderCode: "SIMPAYER", ReceiverCode: "CLAIMSGW", Time: at, ControlNumber: 1, Version: "005010X221A1"})
	write(w)
	w.EndGroup()
	w.EndInterchange()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, e := range x12test.Errors(t, buf.Bytes(), sets.Checkers()) {
		t.Errorf("x12 validate: %s", e)
	}
	file := filepath.Join(t.TempDir(), "written.x12")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("pyx12", func(t *testing.T) {
		for _, errs := range x12test.Pyx12Errors(t, file) {
			t.Errorf("pyx12:\n  %s", strings.Join(errs, "\n  "))
		}
	})
	out := strings.ReplaceAll(buf.String(), "~", "")
	return out[strings.Index(out, "\nST*")+1 : strings.Index(out, "\nGE*")+1]
}
