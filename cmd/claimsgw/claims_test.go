package main

import (
	"context"
	"encoding/json"
	"os"
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

// claim check --config checks against the routes as the daemon does: a
// payer without a route is unknown_payer, a claim type the route does not
// take is refused. Before, claim check said "valid" where the daemon then
// rejected.
func TestClaimCheckRoutes(t *testing.T) {
	files := claimExampleFiles(t) // institutional, professional
	cfg := filepath.Join(t.TempDir(), "claimsgw.yaml")
	route := `payers:
  - payer_id: SIMPAYER
    name: SIM HEALTH PLAN
    isa: {sender_qualifier: ZZ, sender_id: CLAIMSGW, receiver_qualifier: ZZ, receiver_id: SIMPAYER}
    gs: {sender_code: CLAIMSGW, receiver_code: SIMPAYER}
    claim_types: [professional]
    sftp: {host: 127.0.0.1, port: 2222, user: claimsgw, host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGiytkmTvAVH6/Fv7x9MJtJH9ftDP2i4yD3dxh8RdKKi", auth: {private_key_file: keys/none}}
`
	if err := os.WriteFile(cfg, []byte(route), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runClaimCLI(t, "", "claim", "check", files[0]); code != exitOK {
		t.Fatalf("without routes: exit %d\n%s", code, out)
	}
	code, out, _ := runClaimCLI(t, "", append([]string{"claim", "check", "--config", cfg}, files...)...)
	if code != exitInvalid || !strings.Contains(out, "claim_type: claim_type_not_accepted") || !strings.Contains(out, files[1]+": valid") {
		t.Errorf("with the routes: exit %d\n%s", code, out)
	}
	other := filepath.Join(t.TempDir(), "other.json")
	raw, _ := os.ReadFile(files[1])
	if err := os.WriteFile(other, []byte(strings.Replace(string(raw), `"SIMPAYER"`, `"NOSUCHPAYER"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runClaimCLI(t, "", "claim", "check", "--config", cfg, other); code != exitInvalid || !strings.Contains(out, "payer_id: unknown_payer") {
		t.Errorf("another payer: exit %d\n%s", code, out)
	}
}

// claim check with no config and no daemon running says, once on
// stderr, that the payer routes were not checked: "valid" then does not
// mean the daemon takes it (a payer with no route is unknown_payer
// there). Before, it said nothing.
func TestClaimCheckSaysRoutesNotChecked(t *testing.T) {
	files := claimExampleFiles(t)
	t.Setenv("CLAIMSGW_DATA_DIR", t.TempDir()) // no daemon there
	code, out, errOut := runClaimCLI(t, "", append([]string{"claim", "check"}, files...)...)
	if code != exitOK || strings.Count(errOut, "payer routes were not checked") != 1 || strings.Contains(out, "routes") {
		t.Errorf("without a config or a daemon: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	cfg := filepath.Join(t.TempDir(), "claimsgw.yaml")
	if err := os.WriteFile(cfg, []byte("payers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, errOut := runClaimCLI(t, "", "claim", "check", "--config", cfg, files[0]); strings.Contains(errOut, "not checked") {
		t.Errorf("with a config: %s", errOut)
	}
}
