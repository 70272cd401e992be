package payersim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// testPayer answers the corpus's 837s: leniently, whatever their guide
// defects (TestStrictPayerRejectsGuideErrors is the strict payer's).
func testPayer() *Payer {
	return &Payer{Seed: 7, ID: "SIMPAYER", Name: "SIM HEALTH PLAN", TaxID: "512345678", Lenient: true,
		Now: func() time.Time { return time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC) }}
}

func corpus837(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(x12test.CorpusDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// segments returns the segments of a file, each as its elements.
func segments(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := x12.ReadFile(bytes.NewReader(data))
	if err != nil || len(f.Errors) > 0 {
		t.Fatalf("answer does not read clean: %v %v\n%s", err, f.Errors, data)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "~\n") {
		out = append(out, strings.Split(strings.TrimSuffix(line, "~"), "*"))
	}
	return out
}

func TestAnswerCorpus837(t *testing.T) {
	for _, name := range []string{"837P/stupidedi-commercial-health-insurance.x12", "837I/stupidedi-institutional-claim.x12", "837P/moov-8-claims-lt-component.x12", "837P/hccinfhir-5st-one-line.x12", "837I/stupidedi-two-claims-same-provider.x12"} {
		t.Run(name, func(t *testing.T) {
			answers, err := testPayer().Answer("in.837", corpus837(t, name))
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, a := range answers {
				kinds = append(kinds, a.Kind)
				segs := segments(t, a.Data)
				if a.Kind == "835" {
					checkBalanced(t, segs)
				}
				if a.Kind == "999" {
					for _, s := range segs {
						if s[0] == "IK5" && s[1] != "A" {
							t.Errorf("999 rejects a corpus file: %v", s)
						}
					}
				}
			}
			want := "999 277CA 835"
			if isa := bytes.Split(corpus837(t, name)[:106], []byte("*")); string(isa[14]) == "1" {
				want = "TA1 " + want // ISA14 asks for a TA1
			}
			if got := strings.Join(kinds, " "); !strings.HasPrefix(got, want) {
				t.Fatalf("answers %q, want %q first", got, want)
			}
			for i := 1; i < len(answers); i++ {
				if answers[i-1].Name >= answers[i].Name {
					t.Errorf("answer names do not sort in order: %s, %s", answers[i-1].Name, answers[i].Name)
				}
			}
		})
	}
}

// checkBalanced checks an 835 the way a poster would: every line and claim
// balances, and each BPR02 is the claims' payments less the PLBs.
func checkBalanced(t *testing.T, segs [][]string) {
	t.Helper()
	amt := func(s string) money.Cents {
		c, err := money.Parse(s)
		if err != nil && s != "" {
			t.Fatalf("amount %q: %v", s, err)
		}
		return c
	}
	var bpr, sumPaid, sumPLB money.Cents
	var clpCharge, clpPaid, clpAdj money.Cents
	var svcCharge, svcPaid, svcAdj money.Cents
	inSVC, inCLP := false, false
	endLine := func() {
		if inSVC && svcCharge-svcPaid != svcAdj {
			t.Errorf("line: charge %s - paid %s != adjustments %s", svcCharge, svcPaid, svcAdj)
		}
		inSVC = false
	}
	endClaim := func() {
		endLine()
		if inCLP && clpCharge-clpPaid != clpAdj {
			t.Errorf("claim: charge %s - paid %s != adjustments %s", clpCharge, clpPaid, clpAdj)
		}
		inCLP = false
	}
	for _, s := range segs {
		switch s[0] {
		case "BPR":
			bpr, sumPaid, sumPLB = amt(s[2]), 0, 0
		case "CLP":
			endClaim()
			inCLP, clpCharge, clpPaid, clpAdj = true, amt(s[3]), amt(s[4]), 0
			sumPaid += clpPaid
		case "SVC":
			endLine()
			inSVC, svcCharge, svcPaid, svcAdj = true, amt(s[2]), amt(s[3]), 0
		case "CAS":
			for i := 3; i < len(s); i += 3 {
				a := amt(s[i])
				clpAdj += a
				if inSVC {
					svcAdj += a
				}
			}
		case "PLB":
			endClaim()
			for i := 4; i < len(s); i += 2 {
				sumPLB += amt(s[i])
			}
		case "SE":
			endClaim()
			if bpr != sumPaid-sumPLB {
				t.Errorf("BPR02 %s != paid %s - PLB %s", bpr, sumPaid, sumPLB)
			}
		}
	}
}

func TestOutcomesCoverEveryCase(t *testing.T) {
	p := testPayer()
	seen := map[Outcome]int{}
	listed := map[Outcome]int{}
	for i := range 1000 {
		seen[p.OutcomeOf(fmt.Sprintf("PCN%06d", i), 3, false)]++
		listed[p.OutcomeOf(fmt.Sprintf("PCN%06d", i), 3, true)]++
	}
	for _, o := range []Outcome{Paid, PartiallyPaid, Denied, Split, Reversed} {
		if seen[o] < 30 || listed[o] < 30 {
			t.Errorf("%s: %d of 1000 claims, %d of 1000 listing a secondary payer", o, seen[o], listed[o])
		}
	}
	// Only a claim that lists a secondary payer is forwarded to it: a
	// quarter of them. Before, 6% of all claims were, to a made-up payer.
	if seen[Forwarded] != 0 || listed[Forwarded] < 200 || listed[Forwarded] > 300 {
		t.Errorf("forwarded: %d of 1000 claims without a secondary payer, %d of 1000 with one", seen[Forwarded], listed[Forwarded])
	}
	if got := p.OutcomeOf("PCN1", 3, true); got != p.OutcomeOf("PCN1", 3, true) {
		t.Error("outcome not deterministic")
	}
}

func TestRejectsBrokenTransactionSet(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12")
	// Break the SE count: the payer's 999 rejects the set and pays nothing.
	i := bytes.LastIndex(in, []byte("SE*"))
	j := i + 3 + bytes.IndexByte(in[i+3:], '*')
	broken := append(append(append([]byte{}, in[:i+3]...), "999"...), in[j:]...)
	answers, err := testPayer().Answer("in.837", broken)
	if err != nil || len(answers) != 1 || answers[0].Kind != "999" {
		t.Fatalf("answers %v", answers)
	}
	segs := segments(t, answers[0].Data)
	var ik5, ak9 []string
	for _, s := range segs {
		switch s[0] {
		case "IK5":
			ik5 = s
		case "AK9":
			ak9 = s
		}
	}
	if ik5[1] != "R" || ak9[1] != "R" || ak9[4] != "0" {
		t.Fatalf("IK5 %v AK9 %v", ik5, ak9)
	}
}

func TestTA1ForUnreadableInterchange(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12")
	// Cut inside an ST: the interchange ends early, and a strict payer
	// rejects it whole with a TA1 (TA105 023, premature end of file).
	// Before, a 999 answered it with IK3**11**8, IK301 empty.
	answers, err := testPayer().Answer("in.837", in[:200])
	if err != nil || len(answers) != 1 || answers[0].Kind != "TA1" || !bytes.Contains(answers[0].Data, []byte("*R*023~")) {
		t.Fatalf("truncated file: %v", answers)
	}
	if got, err := testPayer().Answer("junk.837", []byte("hello")); err != nil || len(got) != 0 {
		t.Fatalf("not X12 at all: %v", got)
	}
}

// A broken 837 gets the answer a strict payer sends: a GE whose count or
// control number is wrong rejects its group whole (999 AK9 R with AK905,
// no AK2, nothing paid); an IEA that is wrong, or a GS that cannot be
// read, rejects the interchange with a TA1; an SE missing before the next
// ST is named in IK3 (SE, where it was due, code 3). Before, GE01 and IEA01
// mismatches were accepted with AK9*A, and a corrupted GS got a 999 group
// with no ST.
func TestBrokenEnvelopes(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12")
	replace := func(re, with string) []byte { return regexp.MustCompile(re).ReplaceAll(in, []byte(with)) }
	for _, tt := range []struct {
		name string
		data []byte
		kind string
		want []string
	}{
		{"GE01", replace(`GE\*1\*`, "GE*2*"), "999", []string{"AK9*R*1*1*0*5~"}},
		{"GE02", replace(`GE\*1\*20213`, "GE*1*20214"), "999", []string{"AK9*R*1*1*0*4~"}},
		{"IEA01", replace(`IEA\*1\*`, "IEA*3*"), "TA1", []string{"*R*021~"}},
		{"IEA02", replace(`IEA\*1\*000010216`, "IEA*1*000010217"), "TA1", []string{"*R*001~"}},
		{"GS", replace(`GS\*HC\*`, "GS*HC"), "TA1", []string{"*R*024~"}},
		{"SE", replace(`SE\*\d+\*0021~\n?`, ""), "999", []string{"IK3*SE*", "**3~", "IK5*R*", "AK9*R*1*1*0~"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			answers, err := testPayer().Answer("in.837", tt.data)
			if err != nil || len(answers) != 1 || answers[0].Kind != tt.kind {
				t.Fatalf("answers %v, %v; want one %s", answers, err, tt.kind)
			}
			for _, w := range tt.want {
				if !bytes.Contains(answers[0].Data, []byte(w)) {
					t.Errorf("no %q in\n%s", w, answers[0].Data)
				}
			}
			if tt.kind == "999" {
				if bytes.Contains(answers[0].Data, []byte("AK9*A")) || (tt.name != "SE" && bytes.Contains(answers[0].Data, []byte("AK2*"))) {
					t.Errorf("the group is not rejected whole:\n%s", answers[0].Data)
				}
				name := filepath.Join(t.TempDir(), "answer.999")
				if err := os.WriteFile(name, answers[0].Data, 0o600); err != nil {
					t.Fatal(err)
				}
				for _, errs := range x12test.Pyx12Errors(t, name) {
					t.Errorf("pyx12 finds errors in the 999:\n  %s", strings.Join(errs, "\n  "))
				}
			}
		})
	}
}

// The simulator checks an 837 as a strict payer does, with the guide's
// rules: a set with a 5-digit billing provider ZIP code is rejected, its
// 999 naming the N4 and its element (IK3 N4 8, IK4 3 4), and nothing of it
// is paid. Before, only the reader's errors rejected a set.
func TestStrictPayerRejectsGuideErrors(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12") // N4*...*37203 in 2010AA
	p := testPayer()
	p.Lenient = false
	answers, err := p.Answer("in.837", in)
	if err != nil || len(answers) != 1 || answers[0].Kind != "999" {
		t.Fatalf("answers %v, %v; want a 999 alone", answers, err)
	}
	// IK303 names the loop: 2010AA, the billing provider's.
	for _, w := range []string{"IK3*N4*", "*2010AA*8~", "IK4*3**4~", "IK5*R*5~", "AK9*R*1*1*0~"} {
		if !bytes.Contains(answers[0].Data, []byte(w)) {
			t.Errorf("no %q in\n%s", w, answers[0].Data)
		}
	}
}

// An interchange whose ISA14 asks for an acknowledgment gets a TA1 A
// before its 999 (the package comment said so; before, none came).
func TestTA1WhenAsked(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12")
	isa := bytes.SplitN(in, []byte("~"), 2)[0]
	elems := bytes.Split(isa, []byte("*"))
	elems[14] = []byte("1")
	asked := append(bytes.Join(elems, []byte("*")), in[len(isa):]...)
	answers, err := testPayer().Answer("in.837", asked)
	if err != nil || len(answers) < 2 || answers[0].Kind != "TA1" || answers[1].Kind != "999" || !bytes.Contains(answers[0].Data, []byte("*A*000~")) {
		t.Fatalf("answers %v, %v", answers, err)
	}
}

// A set that ends without its SE keeps the guide's errors found in it:
// its 999 names the 2010AA N4 and the missing SE. Before, the guide's
// errors of such a set were lost (they were collected at the SE).
func TestGuideErrorsOfASetWithoutSE(t *testing.T) {
	in := corpus837(t, "837P/stupidedi-commercial-health-insurance.x12") // N4*...*37203 in 2010AA
	in = regexp.MustCompile(`SE\*\d+\*\d+~\n?`).ReplaceAll(in, nil)
	p := testPayer()
	p.Lenient = false
	answers, err := p.Answer("in.837", in)
	if err != nil || len(answers) != 1 || answers[0].Kind != "999" {
		t.Fatalf("answers %v, %v; want a 999 alone", answers, err)
	}
	for _, w := range []string{"IK3*N4*", "IK4*3**4~", "IK3*SE*", "IK5*R*", "AK9*R*1*1*0~"} {
		if !bytes.Contains(answers[0].Data, []byte(w)) {
			t.Errorf("no %q in\n%s", w, answers[0].Data)
		}
	}
}
