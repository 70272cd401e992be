package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
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
	for _, k := range []string{"encounters", "dental", "submitted", "acknowledged", "rejected", "paid", "partially_paid", "denied", "unmatched", "total_charge", "total_paid", "seconds"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, lines[len(lines)-1])
		}
	}
	// One in ten is dental (837D).
	if s["encounters"] != 12.0 || s["dental"] != 1.0 || s["unmatched"] != 0.0 || s["settled"] != true {
		t.Errorf("summary %v", s)
	}
	if !strings.Contains(out, "settled             true") || !strings.Contains(out, "dental                 1   (837D claims among them)") {
		t.Errorf("no human summary:\n%s", out)
	}
}

// A second demo on the same data directory says so and is a new run:
// new ids and patient control numbers (none refused as a duplicate), its
// own summary; --fresh starts over (an empty directory, or a demo's).
// Before, it re-sent the first run's
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
	// --fresh on an empty directory: nothing to wipe, a first run.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	first, out := summary("--fresh")
	if strings.Contains(out, "earlier run") {
		t.Errorf("the first run on an empty directory says it is not:\n%s", out)
	}
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
	for _, k := range []string{"paid", "partially_paid", "denied", "rejected", "forwarded", "voided", "invalid"} {
		settled += second[k].(float64)
	}
	// Ten encounters, and the claims to their secondary payers.
	if second["invalid"] != 0.0 || second["settled"] != true || settled != 10+second["secondary_claims"].(float64) || second["unmatched"] != 0.0 {
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

// --fresh wipes only what a demo left: it needs --data, and refuses a
// file, a directory that holds something else, and the data directory of
// a running daemon; a demo (with --fresh or not) does not write in the
// directory of a running daemon. Before, --fresh ran os.RemoveAll on
// whatever --data named: it deleted an unrelated file and wiped a live
// serve directory, lock included.
func TestDemoFreshRefuses(t *testing.T) {
	tmp := t.TempDir()
	// What the old code did with these arguments was run a demo: one
	// claim and a short timeout keep that quick.
	demoRun := func(args ...string) (int, string) {
		t.Helper()
		code, out, errOut := runClaimCLI(t, "", append([]string{"demo", "--claims", "1", "--timeout", "5s"}, args...)...)
		return code, out + errOut
	}
	if code, out := demoRun("--fresh"); code != exitUnreadable || !strings.Contains(out, "--fresh needs --data") {
		t.Errorf("--fresh without --data: exit %d\n%s", code, out)
	}

	file := filepath.Join(tmp, "notes.txt")
	if err := os.WriteFile(file, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := demoRun("--data", file, "--fresh"); code != exitUnreadable || !strings.Contains(out, "is not a directory") {
		t.Errorf("--fresh on a file: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep me\n" {
		t.Errorf("the file after --fresh: %q, %v", b, err)
	}

	other := filepath.Join(tmp, "other")
	if err := os.MkdirAll(filepath.Join(other, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "sub", "report.csv"), []byte("a,b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := demoRun("--data", other, "--fresh"); code != exitUnreadable || !strings.Contains(out, "not a demo's data directory") {
		t.Errorf("--fresh on another directory: exit %d\n%s", code, out)
	}
	if got := testutil.DirNames(t, other); len(got) != 1 || got[0] != "sub" {
		t.Errorf("the other directory after --fresh holds %q", got)
	}

	// A serve directory, its daemon running; with a demo's runs file in
	// it too, so only the lock refuses.
	live := filepath.Join(tmp, "live")
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Listen, cfg.NATS.Port = live, "127.0.0.1:0", 0
	cfg.Ledger.DSN = config.Secret(filepath.Join(live, "ledger.db"))
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := os.WriteFile(filepath.Join(live, demo.RunsFile), []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := testutil.DirNames(t, live)
	for _, args := range [][]string{{"--data", live, "--fresh"}, {"--data", live}} {
		code, out := demoRun(args...)
		if code != exitUnreadable || !strings.Contains(out, "in use by a running claimsgw") || !strings.Contains(out, fmt.Sprintf("pid %d", os.Getpid())) {
			t.Errorf("demo %v on a running daemon's directory: exit %d\n%s", args, code, out)
		}
		if got := testutil.DirNames(t, live); !slices.Equal(got, before) {
			t.Errorf("demo %v: the directory held %q, now %q", args, before, got)
		}
		if b, err := os.ReadFile(filepath.Join(live, demo.RunsFile)); err != nil || string(b) != "1\n" {
			t.Errorf("demo %v: the runs file %q, %v", args, b, err)
		}
	}
}
