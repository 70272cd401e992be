package inbound_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// simPayer is the simulator's payer, answering the harness's files: one
// payer for all the files of a test, so that its control numbers (ISA13,
// traces) go on from file to file.
func simPayer() *payersim.Payer {
	return &payersim.Payer{Seed: 1, ID: gatewaytest.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678", Now: gatewaytest.Now.Local}
}

// answers returns the simulator's answers to a file of the harness, by
// kind.
func answers(t *testing.T, p *payersim.Payer, f *ledger.File) map[string][]byte {
	t.Helper()
	as, err := p.Answer(f.Name, f.Content)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, a := range as {
		if out[a.Kind] != nil {
			t.Fatalf("the simulator sent two %s files", a.Kind)
		}
		out[a.Kind] = a.Data
	}
	return out
}

// cuts are the lengths a payer file is cut to: at every segment boundary,
// in the middle of every segment, at every byte of its last trailers and
// of each ISA after the first (with what comes between it and the IEA
// before it); never a whole file: not the whole file (its last IEA and the
// IEA's terminator), nor where an interchange before the last ends (its
// IEA's terminator and the line break after it), which is a whole file of
// the interchanges before.
func cuts(data []byte, doc *x12.File) []int {
	term := doc.Interchanges[0].Delimiters[len(doc.Interchanges[0].Delimiters)-1]
	end := bytes.LastIndex(data, []byte("IEA"))
	trailers := bytes.LastIndex(data[:end], []byte("SE"))
	seen := map[int]bool{}
	for _, ic := range doc.Interchanges[1:] {
		for n := bytes.LastIndexByte(data[:ic.Offset], term) + 1; n <= int(ic.Offset); n++ {
			seen[n] = true // a whole file of the interchanges before
		}
	}
	var out []int
	add := func(n int) {
		if n > 0 && n <= end+bytes.IndexByte(data[end:], term) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, ic := range doc.Interchanges[1:] {
		for n := bytes.LastIndexByte(data[:ic.Offset], term) + 1; n <= int(ic.Offset)+110; n++ {
			add(n)
		}
	}
	start := 0
	for i, c := range data {
		if c == term {
			add(start + (i-start)/2)
			add(i)
			add(i + 1)
			start = i + 1
		}
		if i >= trailers {
			add(i)
		}
	}
	return out
}

// applyCuts applies every cut of data and checks that each left an
// exception that says why and posted nothing: of a file of several
// interchanges, not even those before the cut.
func applyCuts(t *testing.T, h *gatewaytest.Harness, data []byte) {
	t.Helper()
	doc, err := x12.ReadFile(bytes.NewReader(data))
	if err != nil || len(doc.Interchanges) == 0 {
		t.Fatalf("the file: %v", err)
	}
	ns := cuts(data, doc)
	if len(ns) < 20 {
		t.Fatalf("%d cuts of a file of %d bytes", len(ns), len(data))
	}
	t.Logf("%d cuts of %d bytes, %d interchanges", len(ns), len(data), len(doc.Interchanges))
	for _, n := range ns {
		before := h.Exceptions()
		h.Apply("835", string(data[:n]))
		if ps, err := h.Ledger.ListPayments(h.Ctx, ledger.PaymentFilter{}); err != nil || len(ps) != 0 {
			t.Fatalf("cut at byte %d of %d (%q): %d payments posted, %v", n, len(data), tail(data[:n]), len(ps), err)
		}
		if h.Exceptions() == before {
			t.Fatalf("cut at byte %d of %d (%q): no exception", n, len(data), tail(data[:n]))
		}
	}
}

func tail(b []byte) string { return string(b[max(0, len(b)-30):]) }

// A payer file cut short, at any point, posts nothing and leaves an
// exception saying so; the whole file then posts once, in full, and
// balances. The file is the simulator's 835 for claims the gateway sent;
// of several interchanges, its 835s for several files joined in one (a
// file cut in the second posted the first, and the whole file then opened
// a "posted before" exception).
func TestCutPayerFilePostsNothing(t *testing.T) {
	for _, files := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d interchanges", files), func(t *testing.T) {
			ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) { cutSimulatorFile(t, gatewaytest.New(t, l), files) })
		})
	}
}

// cutSimulatorFile sends six claims in so many files, applies the
// simulator's 999s and 277CAs, and cuts its 835s, joined in one file.
func cutSimulatorFile(t *testing.T, h *gatewaytest.Harness, files int) {
	ids := []string{"CUT1", "CUT2", "CUT3", "CUT4", "CUT5", "CUT6"}
	sim := simPayer()
	statuses := map[string]ledger.Status{}
	var data []byte
	for i := range files {
		var encs [][]byte
		for _, id := range ids[i*len(ids)/files : (i+1)*len(ids)/files] {
			encs = append(encs, gatewaytest.EncounterJSON(id, 10000, 5000))
		}
		f := h.Submit(encs...)
		ans := answers(t, sim, f)
		h.Apply("999", string(ans["999"]))
		h.Apply("277CA", string(ans["277CA"]))
		for _, fc := range f.Claims {
			statuses[fc.ClaimID] = h.Status(fc.ClaimID)
		}
		if ans["835"] == nil {
			t.Fatal("the simulator paid nothing")
		}
		data = append(data, ans["835"]...)
	}
	applyCuts(t, h, data)
	for id, s := range statuses {
		if got := h.Status(id); got != s {
			t.Errorf("%s after the cut files: %s, was %s", id, got, s)
		}
	}
	es, err := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Kind == "835" && !strings.Contains(e.Reason, "truncated") && !strings.Contains(e.Reason, "not whole") && !strings.Contains(e.Reason, "nothing the gateway can read") {
			t.Errorf("a cut file's exception says %q", e.Reason)
		}
	}

	before := h.Exceptions()
	h.Apply("835", string(data))
	if n := h.Exceptions(); n != before {
		es, _ := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Limit: 1000})
		t.Fatalf("the whole file opened %d exceptions, the last saying %q", n-before, es[len(es)-1].Reason)
	}
	h.Apply("835", string(data)+"\n") // the same file picked up again, under another sha256: each payment once
	sets := wholeRemittances(t, data)
	ps, err := h.Ledger.ListPayments(h.Ctx, ledger.PaymentFilter{})
	if err != nil || len(ps) != len(sets) {
		t.Fatalf("after the whole file: %d payments, want %d: %v", len(ps), len(sets), err)
	}
	for _, p := range ps {
		if !p.Balanced || p.UnmatchedPaid != 0 {
			t.Errorf("payment %s: balanced %v, unmatched %s", p.TraceNumber, p.Balanced, p.UnmatchedPaid)
		}
	}
	for id := range statuses {
		if n, _ := h.PaidOn(id); n == 0 && h.Status(id) != ledger.StatusRejected {
			t.Errorf("%s after the whole file: %s, no payment", id, h.Status(id))
		}
	}
}

// wholeRemittances are the 835 sets of a file, each checked to balance.
func wholeRemittances(t *testing.T, data []byte) []*remit.Remittance {
	t.Helper()
	doc, err := x12.ReadFileWith(bytes.NewReader(data), sets.Decoders())
	if err != nil {
		t.Fatal(err)
	}
	var out []*remit.Remittance
	for _, ic := range doc.Interchanges {
		for _, g := range ic.Groups {
			for _, tx := range g.Transactions {
				if r, ok := tx.Content().(*remit.Remittance); ok {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// The same for real payers' 835s from the corpus, those that read clean
// and balance: cut, they post nothing; whole, each of their payments posts
// once (their CLPs name no claim of the ledger and become exceptions).
func TestCutCorpusFilesPostNothing(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(testutil.Shared(t, "x12-corpus", "835"), "*.x12"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus 835s: %v", err)
	}
	tried := 0
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := x12.ReadFileWith(bytes.NewReader(data), sets.Decoders())
		if why := unfitForCuts(doc, err, len(data)); why != "" {
			t.Logf("%s: not cut: %s", filepath.Base(name), why)
			continue
		}
		tried++
		for _, c := range []struct {
			name string
			data []byte
		}{{"", data}, {"/twice", twice(t, data, doc)}} {
			t.Run(filepath.Base(name)+c.name, func(t *testing.T) {
				h := gatewaytest.New(t, ledgertest.SQLite(t))
				ic, g := doc.Interchanges[0], doc.Interchanges[0].Groups[0]
				route := h.Payer()
				route.ISA.ReceiverQualifier, route.ISA.ReceiverID, route.ISA.SenderQualifier, route.ISA.SenderID = ic.SenderQualifier, ic.SenderID, ic.ReceiverQualifier, ic.ReceiverID
				route.GS.ReceiverCode, route.GS.SenderCode = g.SenderCode, g.ReceiverCode
				applyCuts(t, h, c.data)
				h.Apply("835", string(c.data))
				ps, err := h.Ledger.ListPayments(h.Ctx, ledger.PaymentFilter{})
				if want := len(wholeRemittances(t, c.data)); err != nil || len(ps) != want {
					t.Fatalf("after the whole file: %d payments, want %d: %v", len(ps), want, err)
				}
				for _, p := range ps {
					if !p.Balanced {
						t.Errorf("payment %s: unbalanced by %s", p.TraceNumber, p.Difference)
					}
				}
			})
		}
	}
	if tried < 2 {
		t.Errorf("%d corpus 835s to cut, want at least 2", tried)
	}
}

// twice is a corpus file of one interchange followed by another copy of
// it, as a payer's file of two interchanges: the copy under the next ISA13,
// its payments under other trace numbers (TRN02 with an X before it).
func twice(t *testing.T, data []byte, doc *x12.File) []byte {
	t.Helper()
	ic := doc.Interchanges[0]
	e, term := data[3], ic.Delimiters[len(ic.Delimiters)-1]
	n, err := strconv.Atoi(ic.ControlNumber)
	if err != nil || len(ic.ControlNumber) != 9 {
		t.Fatalf("ISA13 %q", ic.ControlNumber)
	}
	next := fmt.Sprintf("%09d", (n+1)%1e9)
	isaEnd := bytes.IndexByte(data, term)
	els := bytes.Split(data[:isaEnd], []byte{e})
	els[13] = []byte(next)
	c := append(bytes.Join(els, []byte{e}), data[isaEnd:]...)
	ieaAt := bytes.LastIndex(c, []byte("IEA"+string(e)))
	c = append(c[:ieaAt:ieaAt], bytes.Replace(c[ieaAt:], []byte(string(e)+ic.ControlNumber), []byte(string(e)+next), 1)...)
	c = bytes.ReplaceAll(c, []byte("TRN"+string(e)+"1"+string(e)), []byte("TRN"+string(e)+"1"+string(e)+"X"))
	if check, err := x12.ReadFile(bytes.NewReader(c)); err != nil || len(check.Interchanges) != 1 || check.Interchanges[0].ControlNumber != next || !check.Interchanges[0].Complete {
		t.Fatalf("the copy of the file: %v", err)
	}
	return append(bytes.Clone(data), c...)
}

// unfitForCuts says why a corpus file is not one to cut: it must read
// without envelope errors, hold one interchange of one sender with at
// least one payment, every payment balanced, and be small enough to cut
// at every segment in a test.
func unfitForCuts(doc *x12.File, err error, size int) string {
	switch {
	case err != nil:
		return err.Error()
	case size > 16<<10:
		return "larger than 16 KiB"
	case len(doc.Interchanges) != 1:
		return "not one interchange"
	}
	for _, e := range doc.Errors {
		if e.Severity == x12.SeverityError {
			return "envelope error " + e.Code
		}
	}
	ic, n := doc.Interchanges[0], 0
	for _, g := range ic.Groups {
		if g.SenderCode != ic.Groups[0].SenderCode || g.ReceiverCode != ic.Groups[0].ReceiverCode {
			return "groups of several senders"
		}
		for _, tx := range g.Transactions {
			r, ok := tx.Content().(*remit.Remittance)
			if !ok {
				return "a set that is not an 835 payment"
			}
			n++
			sum := r.Payment.Amount
			if r.Payment.CreditDebit == "D" {
				sum = -sum
			}
			for _, c := range r.Claims {
				sum -= c.Paid
			}
			for _, p := range r.ProviderAdjustments {
				sum += p.Amount
			}
			if sum != 0 {
				return "a payment unbalanced by " + sum.String()
			}
		}
	}
	if n == 0 {
		return "no payment"
	}
	return ""
}

// Payer files that cannot be applied are each kept as an exception that
// says why, and change nothing: a body in another element separator than
// its ISA's, an interchange from another sender or to another receiver
// than the route's, a set the gateway does not apply, an 835 that does not
// balance.
func TestPayerFilesThatCannotBeApplied(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("F1", 10000))
		pay := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTF1", "", [][]string{gatewaytest.CLP1("F1", "1", "PAYF1", 80, "F1-1")}))
		isa, body, _ := strings.Cut(pay, "\n")
		for _, c := range []struct{ name, file, reason string }{
			{"another element separator", isa + "\n" + strings.ReplaceAll(body, "*", "|"), "is not readable X12 (syntax"},
			{"another sender", strings.Replace(pay, "*ZZ*SIMPAYER       *", "*ZZ*OTHERPAYER     *", 1), `from ISA06 "OTHERPAYER"`},
			{"another receiver", strings.Replace(pay, "*ZZ*CLAIMSGW       *", "*ZZ*SOMEONEELSE    *", 1), `to ISA08 "SOMEONEELSE"`},
			{"another group sender", strings.Replace(pay, "GS*HP*SIMPAYER*", "GS*HP*OTHERPAYER*", 1), `from GS02 "OTHERPAYER"`},
			{"a set it does not apply", gatewaytest.Interchange("RA", "005010X218", "820", []string{"BPR*C*80*C*ACH"}), "transaction set 820 is not one the gateway applies"},
			{"an unbalanced 835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTF2", "81", [][]string{gatewaytest.CLP1("F1", "1", "PAYF1", 80, "F1-1")})),
				"payment trace EFTF2 is unbalanced by 1.00"},
		} {
			before := h.Exceptions()
			h.Apply("835", c.file)
			if n, _ := h.PaidOn("F1"); n != 0 || h.Status("F1") != ledger.StatusSubmitted {
				t.Errorf("%s: F1 %s with %d payments", c.name, h.Status("F1"), n)
			}
			es, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open", After: 0, Limit: 1000})
			if err != nil || h.Exceptions() != before+1 || !strings.Contains(es[len(es)-1].Reason, c.reason) {
				t.Errorf("%s: %d exceptions (was %d), last %q, want one saying %q: %v", c.name, h.Exceptions(), before, es[len(es)-1].Reason, c.reason, err)
			}
		}
		h.Apply("835", pay)
		if n, net := h.PaidOn("F1"); n != 1 || net != 8000 {
			t.Errorf("F1 after its own payer's whole 835: %d payments, %s", n, net)
		}
	})
}

// The same patient control number under a new encounter id is refused as
// duplicate_claim (before: 3,000 such claims went out, stuck at
// acknowledged, the 277CA changed nothing and left no history). A
// replacement (frequency 7) is taken; a 277CA that cannot tell it from the
// claim it replaces opens an exception and notes it in both claims'
// histories.
func TestSamePCNAgain(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("DUPA", 10000))
		again := bytes.Replace(gatewaytest.EncounterJSON("DUPB", 10000), []byte(`"patient_control_number": "DUPB"`), []byte(`"patient_control_number": "DUPA"`), 1)
		h.Take(again)
		if s, c := h.Status("DUPB"), h.LastChange("DUPB"); s != ledger.StatusInvalid || !strings.HasPrefix(c.Reason, "duplicate_claim: claim DUPA (submitted)") {
			t.Errorf("DUPB, DUPA's number again: %s, %q", s, c.Reason)
		}
		replacement := bytes.Replace(gatewaytest.EncounterJSON("DUPC", 10000), []byte(`"patient_control_number": "DUPC"`),
			[]byte(`"patient_control_number": "DUPA", "frequency": "7", "original_payer_claim_number": "PAYDUPA"`), 1)
		h.Submit(replacement)
		if s := h.Status("DUPC"); s != ledger.StatusSubmitted {
			t.Fatalf("DUPC, DUPA's replacement: %s", s)
		}
		before := h.Exceptions()
		h.Apply("277CA", gatewaytest.Interchange("HN", "005010X214", "277", []string{
			"BHT*0085*08*X1*20261123*1200*TH", "HL*1**20*1", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "TRN*1*X1", "DTP*050*D8*20261123", "DTP*009*D8*20261123",
			"HL*2*1*21*1", "NM1*41*2*CLAIMSGW*****46*CLAIMSGW", "TRN*2*1", "STC*A1:19:PR*20261123*WQ*100", "QTY*90*1", "AMT*YU*100",
			"HL*3*2*19*1", "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893", "TRN*1*P1", "QTY*QA*1", "AMT*YU*100",
			"HL*4*3*PT", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "TRN*2*DUPA", "STC*A2:20:PR*20261123*WQ*100", "DTP*472*D8*20261102"}))
		if n := h.Exceptions(); n != before+1 {
			t.Errorf("%d exceptions after the 277CA, want %d", n, before+1)
		}
		for _, id := range []string{"DUPA", "DUPC"} {
			c := h.LastChange(id)
			if c.Kind != "277CA" || c.From != ledger.StatusSubmitted || c.To != ledger.StatusSubmitted || !strings.Contains(c.Reason, "cannot be told from") {
				t.Errorf("%s's history after the 277CA: %+v", id, c)
			}
		}
	})
}
