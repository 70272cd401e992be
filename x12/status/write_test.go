package status_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/status"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// Every corpus 277CA whose sets decode without errors is written again
// from its model by Write, and the written file decodes without errors to
// the same model (but for the positions); where claimsgw x12 validate
// found no error in the sample, it finds none in what Write wrote, and
// neither does pyx12.
func TestWriteRoundTrip(t *testing.T) {
	written := map[string][]byte{}
	for _, path := range x12test.CorpusIn(t, "277CA") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".x12"), func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := x12.ReadFileWith(bytes.NewReader(in), status.Decoders)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range x12test.Severe(f.Errors) {
				if e.Transaction != "" {
					t.Skipf("a set of the sample decodes with errors: %s", e)
				}
			}
			out := x12test.Rewrite(t, f, func(w *x12.Writer, st02 int, c any) error {
				return status.Write(w, st02, c.(*status.ClaimStatus))
			})
			g, err := x12.ReadFileWith(bytes.NewReader(out), status.Decoders)
			if err != nil {
				t.Fatal(err)
			}
			if errs := x12test.Severe(g.Errors); len(errs) > 0 {
				t.Fatalf("what Write wrote decodes with errors: %s\n%s", errs[0], out)
			}
			want, got := statuses(f), statuses(g)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d sets written, %d read", len(want), len(got))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("set %d decodes differently once written:\n got  %s\n want %s\n%s", i+1, js(got[i]), js(want[i]), out)
				}
			}
			x12test.AsValid(t, in, out, sets.Checkers())
			written[path] = out
		})
	}
	t.Run("pyx12", func(t *testing.T) { x12test.Pyx12AsValid(t, written) })
}

// statuses are the claim status models of f, without their positions.
func statuses(f *x12.File) []*status.ClaimStatus {
	var out []*status.ClaimStatus
	for _, ic := range f.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				if cs, ok := t.Content().(*status.ClaimStatus); ok {
					x12test.Unposition(cs)
					out = append(out, cs)
				}
			}
		}
	}
	return out
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A model made by hand is nested as X214 wants it: two providers under
// the receiver, adjacent claims of one patient under one HL PT, statuses
// that share the rest of their STC in one (STC01 and STC10), the totals'
// QTYs before their AMTs. A claim whose billing provider is not one of the
// set's is refused.
func TestWriteByHand(t *testing.T) {
	cents := func(c money.Cents) *money.Cents { return &c }
	src := &status.Source{Party: status.Party{Entity: "PR", Name: "SIM HEALTH PLAN", IDQualifier: "PI", ID: "SIMPAYER"},
		TraceNumber: "T1", ReceiptDate: "2026-11-21", ProcessDate: "2026-11-21"}
	rcv := &status.Receiver{Party: status.Party{Entity: "41", Name: "SUBMITTER", IDQualifier: "46", ID: "CLAIMSGW"}, TraceNumber: "000000001",
		Statuses: []*status.Status{{Category: "A1", Code: "19", Entity: "PR", Date: "2026-11-21", ActionCode: "WQ", Charge: cents(30000)}},
		Totals:   status.Totals{AcceptedQuantity: "2", RejectedQuantity: "1", AcceptedAmount: cents(20000), RejectedAmount: cents(10000)}}
	p1 := &status.Provider{Party: status.Party{Entity: "85", Name: "RIVERSIDE", NPI: "1234567893"}, TraceNumber: "P1",
		Totals: status.Totals{AcceptedQuantity: "2", RejectedQuantity: "0", AcceptedAmount: cents(20000)}}
	p2 := &status.Provider{Party: status.Party{Entity: "85", Name: "DOE", FirstName: "ANA", NPI: "1497758544"}, TraceNumber: "P2",
		Totals: status.Totals{RejectedQuantity: "1", RejectedAmount: cents(10000)}}
	doe := &status.Person{LastName: "DOE", FirstName: "JOHN", MemberID: "M1"}
	accepted := func(pcn string, c money.Cents) *status.Claim {
		return &status.Claim{PatientControlNumber: pcn, PayerClaimControlNumber: "PAY" + pcn, ServiceDateFrom: "2026-11-02", ServiceDateTo: "2026-11-03",
			Statuses: []*status.Status{{Category: "A2", Code: "20", Entity: "PR", Date: "2026-11-21", ActionCode: "WQ", Charge: cents(c)}},
			Patient:  doe, Payer: &src.Party, BillingProvider: &p1.Party}
	}
	rejected := &status.Claim{PatientControlNumber: "PCN3", ServiceDateFrom: "2026-11-02", ServiceDateTo: "2026-11-02",
		Statuses: []*status.Status{{Category: "A7", Code: "164", Entity: "IL", Date: "2026-11-21", ActionCode: "U", Charge: cents(10000)},
			{Category: "A7", Code: "562", Entity: "85", Date: "2026-11-21", ActionCode: "U", Charge: cents(10000)}},
		Patient: &status.Person{LastName: "ROE", MemberID: "M99"}, Payer: &src.Party, BillingProvider: &p2.Party,
		ServiceLines: []*status.ServiceLine{{Procedure: status.Procedure{Qualifier: "HC", Code: "99214", Modifiers: []string{"25"}}, Charge: cents(10000), Units: "1",
			LineItemControlNumber: "L1", ServiceDateFrom: "2026-11-02", ServiceDateTo: "2026-11-02",
			Statuses: []*status.Status{{Category: "A7", Code: "453", Date: "2026-11-21", ActionCode: "U"}}}}}
	cs := &status.ClaimStatus{Reference: "SIM277CA000001", Date: "2026-11-21", Time: "10:15", TransactionType: "TH",
		Sources: []*status.Source{src}, Receivers: []*status.Receiver{rcv}, Providers: []*status.Provider{p1, p2},
		Claims: []*status.Claim{accepted("PCN1", 5000), accepted("PCN2", 15000), rejected}}
	var err error
	got := writeSet(t, func(w *x12.Writer) { err = status.Write(w, 3, cs) })
	if err != nil {
		t.Fatal(err)
	}
	want := `ST*277*0003*005010X214
BHT*0085*08*SIM277CA000001*20261121*1015*TH
HL*1**20*1
NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER
TRN*1*T1
DTP*050*D8*20261121
DTP*009*D8*20261121
HL*2*1*21*1
NM1*41*2*SUBMITTER*****46*CLAIMSGW
TRN*2*000000001
STC*A1:19:PR*20261121*WQ*300
QTY*90*2
QTY*AA*1
AMT*YU*200
AMT*YY*100
HL*3*2*19*1
NM1*85*2*RIVERSIDE*****XX*1234567893
TRN*1*P1
QTY*QA*2
QTY*QC*0
AMT*YU*200
HL*4*3*PT
NM1*QC*1*DOE*JOHN****MI*M1
TRN*2*PCN1
STC*A2:20:PR*20261121*WQ*50
REF*1K*PAYPCN1
DTP*472*RD8*20261102-20261103
TRN*2*PCN2
STC*A2:20:PR*20261121*WQ*150
REF*1K*PAYPCN2
DTP*472*RD8*20261102-20261103
HL*5*2*19*1
NM1*85*1*DOE*ANA****XX*1497758544
TRN*1*P2
QTY*QC*1
AMT*YY*100
HL*6*5*PT
NM1*QC*1*ROE*****MI*M99
TRN*2*PCN3
STC*A7:164:IL*20261121*U*100******A7:562:85
DTP*472*D8*20261102
SVC*HC:99214:25*100*****1
STC*A7:453*20261121*U
REF*FJ*L1
DTP*472*D8*20261102
SE*46*0003
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	rejected.BillingProvider = &status.Party{Name: "ELSEWHERE"}
	var buf bytes.Buffer
	if err := status.Write(x12.NewWriter(&buf, x12.DefaultDelimiters), 4, cs); err == nil || buf.Len() > 0 {
		t.Errorf("a claim of no provider of the set: error %v, wrote %q", err, buf.String())
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
	w.BeginGroup(x12.GroupHeader{FunctionalID: "HN", SenderCode: "SIMPAYER", ReceiverCode: "CLAIMSGW", Time: at, ControlNumber: 1, Version: "005010X214"})
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
