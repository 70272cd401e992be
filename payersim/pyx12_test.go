package payersim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// mixed837 is one interchange of the demo's encounters as the gateway
// writes it: an 837P group and an 837I group, with claims the 277CA
// rejects beside accepted ones of the same billing provider, and
// revenue-code-only institutional lines.
func mixed837(t *testing.T, n int) []byte {
	t.Helper()
	var claims []claim.Claim
	for _, raw := range demo.Encounters(n, demo.PayerID, 2, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		e, err := encounter.DecodeBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		encounter.Normalize(e)
		claims = append(claims, encounter.ToClaim(e, claim.Payer{Name: "SIM HEALTH PLAN", ID: demo.PayerID}))
	}
	var buf bytes.Buffer
	d := x12.DefaultDelimiters
	d.Suffix = "\n"
	_, err := claim.Write(&buf, claim.Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: demo.PayerID, Usage: 'T',
		Delimiters: d, Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "CLAIMSGW000000001",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: "SIM HEALTH PLAN", ID: demo.PayerID},
	}, claims)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// What the gateway writes and what the simulator answers pass the
// independent validator: the 837P and 837I, the 999 (one ST02 for each of
// its sets), the 277CA (QTY before AMT in 2200C), the 835s (SVC01 for a
// revenue-code-only line). Before, the 999 had ST02 0001 twice, the 277CA
// had AMT*YU before QTY*QC, and the 835 had SVC**6000.
func TestSimulatorAnswersPassPyx12(t *testing.T) {
	dir := t.TempDir()
	in := mixed837(t, 60)
	p := &payersim.Payer{Seed: 3, ID: demo.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678",
		Now: func() time.Time { return time.Date(2026, 11, 21, 10, 15, 0, 0, time.UTC) }}
	answers, err := p.Answer("claims.837", in)
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "claims.837")}
	if err := os.WriteFile(files[0], in, 0o600); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i, a := range answers {
		kinds[a.Kind]++
		name := filepath.Join(dir, strings.Join([]string{string(rune('a' + i)), a.Kind}, "."))
		if err := os.WriteFile(name, a.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		if a.Kind != "TA1" {
			files = append(files, name)
		}
	}
	if kinds["999"] == 0 || kinds["277CA"] == 0 || kinds["835"] == 0 {
		t.Fatalf("answers: %v", kinds)
	}
	for f, errs := range x12test.Pyx12Errors(t, files...) {
		t.Errorf("pyx12 finds errors in %s:\n  %s", filepath.Base(f), strings.Join(errs, "\n  "))
	}
}

// An 837 with an error inside a claim (a service date that is not a date)
// is rejected by a 999 that names the claim, as the guide wants: the IK3
// is followed by CTX*CLM01 with the claim's patient control number. The
// 999 passes the independent validator. Before, the 999 had no CTX.
func TestRejectionNamesTheClaim(t *testing.T) {
	in := mixed837(t, 4)
	i := bytes.Index(in, []byte("DTP*472*D8*"))
	if i < 0 {
		t.Fatal("no DTP*472 in the 837")
	}
	bad := append([]byte(nil), in...)
	copy(bad[i+len("DTP*472*D8*"):], "20261340")
	// The claim the date is in: the last CLM before it.
	clm := bytes.LastIndex(bad[:i], []byte("CLM*"))
	pcn := string(bad[clm+4 : clm+4+bytes.IndexByte(bad[clm+4:], '*')])
	p := &payersim.Payer{Seed: 3, ID: demo.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678",
		Now: func() time.Time { return time.Date(2026, 11, 21, 10, 15, 0, 0, time.UTC) }}
	answers, err := p.Answer("claims.837", bad)
	if err != nil || len(answers) == 0 || answers[0].Kind != "999" {
		t.Fatalf("answers %v, %v; want a 999 first", answers, err)
	}
	ack := answers[0].Data
	want := "CTX*CLM01:" + pcn + "~"
	if j := bytes.Index(ack, []byte(want)); j < 0 || !bytes.Contains(ack[:j], []byte("IK3*DTP*")) {
		t.Fatalf("no IK3*DTP followed by %s in\n%s", want, ack)
	}
	file := filepath.Join(t.TempDir(), "rejection.999")
	if err := os.WriteFile(file, ack, 0o600); err != nil {
		t.Fatal(err)
	}
	for f, errs := range x12test.Pyx12Errors(t, file) {
		t.Errorf("pyx12 finds errors in %s:\n  %s", filepath.Base(f), strings.Join(errs, "\n  "))
	}
}
