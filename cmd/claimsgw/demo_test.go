package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
)

// claimsgw demo --json: the README's main command ends with one JSON line
// holding at least the keys the issue names, and exits 0 when settled.
func TestDemoJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("demo: not in -short")
	}
	// --data names a directory that does not exist yet: the demo makes it.
	code, out, errOut := runClaimCLI(t, "", "demo", "--claims", "12", "--json", "--data", filepath.Join(t.TempDir(), "new", "data"), "--seed", "3")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var s map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"encounters", "submitted", "acknowledged", "rejected", "paid", "partially_paid", "denied", "unmatched", "total_charge", "total_paid", "seconds"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, lines[len(lines)-1])
		}
	}
	if s["encounters"] != 12.0 || s["unmatched"] != 0.0 || s["settled"] != true {
		t.Errorf("summary %v", s)
	}
	if !strings.Contains(out, "settled             true") {
		t.Errorf("no human summary:\n%s", out)
	}
}

// A second demo on the same data directory says so and is a new run:
// new ids and patient control numbers (none refused as a duplicate), its
// own summary; --fresh starts over. Before, it re-sent the first run's
// encounters and printed the old ledger as a new run.
func TestDemoAgainOnItsDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("demo: not in -short")
	}
	dir := filepath.Join(t.TempDir(), "data")
	summary := func(args ...string) (map[string]any, string) {
		t.Helper()
		code, out, errOut := runClaimCLI(t, "", append([]string{"demo", "--claims", "10", "--json", "--data", dir}, args...)...)
		if code != exitOK {
			t.Fatalf("demo %v: exit %d\n%s%s", args, code, out, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var s map[string]any
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
			t.Fatalf("last line is not JSON: %v\n%s", err, out)
		}
		return s, out
	}
	first, _ := summary()
	second, out := summary()
	if !strings.Contains(out, "holds 1 earlier run(s): this is run 2") {
		t.Errorf("the second run does not say it is one:\n%s", out)
	}
	// The same seed, the same encounters; the payer's answers go on from
	// where it was.
	for _, k := range []string{"encounters", "invalid", "submitted", "total_charge"} {
		if first[k] != second[k] {
			t.Errorf("%s: first run %v, second %v", k, first[k], second[k])
		}
	}
	settled := 0.0
	for _, k := range []string{"paid", "partially_paid", "denied", "rejected", "forwarded", "invalid"} {
		settled += second[k].(float64)
	}
	if second["invalid"] != 0.0 || second["settled"] != true || settled != 10 || second["unmatched"] != 0.0 {
		t.Errorf("second run, counted alone: %v", second)
	}
	code, out, _ := runClaimCLI(t, "", "claims", "show", "demo-1-r2-000001", "--data", dir)
	if code != exitOK || !strings.Contains(out, "PCN1R2-000001") {
		t.Errorf("a claim of the second run: exit %d\n%s", code, out)
	}
	if _, out := summary("--fresh"); strings.Contains(out, "earlier run") {
		t.Errorf("--fresh did not start over:\n%s", out)
	}
}

// claimsgw demo --codesets DIR imports the official zips, adds encounters
// with coding errors, and its summary counts what the edits caught; without
// --codesets it says it checks structure only.
func TestDemoCodeSets(t *testing.T) {
	if testing.Short() {
		t.Skip("demo: not in -short")
	}
	dir := t.TempDir()
	for _, zip := range []string{"icd10cm-code-descriptions-2025.zip", "hcpcs-2020-alpha-numeric.zip"} {
		if err := os.Symlink(testutil.Shared(t, "codesets", zip), filepath.Join(dir, zip)); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runClaimCLI(t, "", "demo", "--claims", "10", "--json", "--codesets", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var s struct {
		Encounters, Invalid int
		CodeSets            []string       `json:"code_sets"`
		Caught              map[string]int `json:"caught"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out)
	}
	want := map[string]int{"header_code": 1, "external_cause_first": 1, "duplicate_diagnosis": 1, "terminated_code": 1}
	if s.Encounters != 14 || s.Invalid != 4 || !maps.Equal(s.Caught, want) || strings.Join(s.CodeSets, ", ") != "ICD-10-CM FY2025, HCPCS 2020" {
		t.Errorf("summary %+v\n%s", s, out)
	}
	if !strings.Contains(out, "code sets: ICD-10-CM FY2025, HCPCS 2020") || !strings.Contains(out, "coding errors          4") {
		t.Errorf("no code sets in the human summary:\n%s", out)
	}
	if code, out, _ := runClaimCLI(t, "", "demo", "--claims", "3"); code != exitOK || !strings.Contains(out, "code sets: none loaded (structure only)") {
		t.Errorf("without --codesets: %d\n%s", code, out)
	}
}
