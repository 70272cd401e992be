package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// claims show prints why a claim is invalid, and its revisions; JSON is
// the API's. Before, the problems were only in the ledger's table.
func TestClaimsShow(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	l, err := ledger.Open(ctx, ledger.SQLite, filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	record := func(raw, problems string, valid bool) {
		t.Helper()
		e := ledger.Encounter{ID: "E1", PayerID: "SIMPAYER", ClaimType: "professional", Raw: []byte(raw), Valid: valid, Problems: []byte(problems), ReceivedAt: at}
		c := ledger.Claim{PayerID: "SIMPAYER", ClaimType: "professional", PCN: "PCN1", Charge: 8000, ServiceFrom: "2026-11-01", ServiceTo: "2026-11-01",
			Lines: []ledger.Line{{No: 1, Procedure: "HC:99213", Charge: 8000, Units: "1", ServiceDate: "2026-11-01"}}}
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
	}
	record(`{"id":"E1","v":1}`, `[{"path":"claim.diagnoses[0].code","code":"invalid_icd10","message":"the value is not an ICD-10-CM code","severity":"error"}]`, false)
	record(`{"id":"E1","v":2}`, `[{"path":"service_lines[0].procedure.code","code":"invalid_cpt","message":"\"9921\" is not a CPT or HCPCS code","severity":"error"}]`, false)
	l.Close()

	code, out, errOut := runClaimCLI(t, "", "claims", "show", "E1", "--data", dir)
	for _, want := range []string{"status            invalid", "(encounter E1, revision 2)", `error  service_lines[0].procedure.code  invalid_cpt  "9921" is not a CPT or HCPCS code`,
		"received -> invalid", "invalid -> invalid", "revision 2; the scrubber found errors", "\nrevisions\n  1  invalid"} {
		if !strings.Contains(out, want) {
			t.Errorf("claims show: no %q in\n%s", want, out)
		}
	}
	if code != exitOK || errOut != "" {
		t.Errorf("claims show: exit %d, %s", code, errOut)
	}
	code, out, _ = runClaimCLI(t, "", "claims", "show", "E1", "--data", dir, "--format", "json")
	var d ledger.ClaimDetail
	if err := json.Unmarshal([]byte(out), &d); code != exitOK || err != nil || d.Revision != 2 || !strings.Contains(string(d.Problems), "invalid_cpt") || len(d.Revisions) != 1 {
		t.Errorf("claims show --format json: exit %d, %v\n%s", code, err, out)
	}
	if code, _, errOut = runClaimCLI(t, "", "claims", "show", "NOPE", "--data", dir); code != exitInvalid || !strings.Contains(errOut, "not found") {
		t.Errorf("claims show NOPE: exit %d, %s", code, errOut)
	}
}
