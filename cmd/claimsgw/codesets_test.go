package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
)

// TestCodeSetsCLI imports the official zips and an MUE table as an
// operator would, lists them, and checks an encounter against them.
func TestCodeSetsCLI(t *testing.T) {
	zips := testutil.Shared(t, "codesets")
	dir := filepath.Join(t.TempDir(), "data")
	icd, hcpcs := filepath.Join(zips, "icd10cm-code-descriptions-2025.zip"), filepath.Join(zips, "hcpcs-2020-alpha-numeric.zip")

	code, out, errOut := runClaimCLI(t, "", "codesets", "list", "--data", dir)
	if code != exitUnreadable || !strings.Contains(errOut, "no ledger at "+filepath.Join(dir, "ledger.db")) {
		t.Errorf("list without a ledger: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runClaimCLI(t, "", "codesets", "import", "--data", dir, icd, hcpcs)
	if code != exitOK || !strings.Contains(out, "ICD-10-CM FY2025, added (97584 codes, 2024-10-01 to 2025-09-30)") ||
		!strings.Contains(out, "HCPCS 2020, added") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if fi, err := os.Stat(filepath.Join(dir, "ledger.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("ledger %v %v", fi, err)
	}
	if code, out, _ := runClaimCLI(t, "", "codesets", "import", "--data", dir, icd); code != exitOK || !strings.Contains(out, "unchanged") {
		t.Errorf("import again: %d %q", code, out)
	}
	// Renamed, an MUE table needs --kind; a bad line is refused with its
	// number, exit 1, and is not loaded.
	mue := writeTemp(t, "mue.csv", "\"HCPCS/CPT Code\",\"MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\n\"J1100\",\"1\",\"1 Line Edit\",\"x\"\n")
	if code, _, errOut := runClaimCLI(t, "", "codesets", "import", "--data", dir, mue); code != exitInvalid || !strings.Contains(errOut, "--kind") {
		t.Errorf("renamed without --kind: %d %q", code, errOut)
	}
	bad := writeTemp(t, "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", "\"J1100\",\"one\",\"1 Line Edit\",\"x\"\n")
	if code, _, errOut := runClaimCLI(t, "", "codesets", "import", "--data", dir, bad); code != exitInvalid || !strings.Contains(errOut, "line 1") {
		t.Errorf("bad MUE: %d %q", code, errOut)
	}
	if code, _, errOut := runClaimCLI(t, "", "codesets", "import", "--data", dir, "--kind", "nope", icd); code != exitUnreadable {
		t.Errorf("bad kind: %d %q", code, errOut)
	}

	code, out, _ = runClaimCLI(t, "", "codesets", "list", "--data", dir, "--json")
	var listed struct {
		Sets []struct {
			Kind, Name  string
			Codes       int
			MemoryBytes int64 `json:"memory_bytes"`
		} `json:"code_sets"`
		Heap int64 `json:"heap_bytes"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || code != exitOK || len(listed.Sets) != 2 {
		t.Fatalf("list: %d %v %s", code, err, out)
	}
	for _, s := range listed.Sets {
		if s.Codes == 0 || s.MemoryBytes == 0 {
			t.Errorf("listed %+v", s)
		}
	}
	if code, out, _ := runClaimCLI(t, "", "codesets", "list", "--data", dir); code != exitOK || !strings.Contains(out, "ICD-10-CM FY2025") || !strings.Contains(out, "2 sets") {
		t.Errorf("list: %d %q", code, out)
	}

	// claim check against the ledger: a header code and a terminated
	// HCPCS code, both errors, each naming its set.
	files := claimExampleFiles(t)
	data, err := os.ReadFile(files[1]) // professional.json
	if err != nil {
		t.Fatal(err)
	}
	enc := strings.ReplaceAll(strings.Replace(strings.Replace(string(data), `"R50.9"`, `"E11"`, 1), `"87804"`, `"A4466"`, 1), "2026-11-02", "2025-03-10")
	f := writeTemp(t, "enc.json", enc)
	code, out, errOut = runClaimCLI(t, "", "claim", "check", "--data", dir, f)
	if code != exitInvalid || !strings.Contains(out, "header_code: E11 is a category header in ICD-10-CM FY2025") ||
		!strings.Contains(out, `terminated_code: "A4466" was terminated on 2016-12-31 (HCPCS 2020)`) ||
		!strings.Contains(errOut, "the 2 code sets of the ledger") {
		t.Errorf("check: %d\n%s\n%s", code, out, errOut)
	}
	// Without a ledger: structure only, and it says so.
	t.Setenv("CLAIMSGW_DATA_DIR", t.TempDir())
	code, out, _ = runClaimCLI(t, "", "claim", "check", f)
	if code != exitOK || !strings.Contains(out, "ICD-10-CM codes were checked for structure only") {
		t.Errorf("structure only: %d %s", code, out)
	}
}
