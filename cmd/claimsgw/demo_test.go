package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
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
