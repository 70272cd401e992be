package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// claimExamples are the contract's examples, read in place.
const claimExamples = "../../../shared/contracts/examples"

func runClaimCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func claimExampleFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(claimExamples, "*.json"))
	if len(files) != 2 {
		t.Skipf("the contract examples are not in %s (the shared directory beside the repository); skipping", claimExamples)
	}
	return files
}

// badEncounter has a bad CPT code and no payer, nothing else wrong.
const badEncounter = `{"id": "enc-bad-1", "claim_type": "professional",
 "billing_provider": {"organization_name": "RIVERSIDE FAMILY MEDICINE", "npi": "1234567893", "tax_id": "621234567",
  "address": {"line1": "100 MAIN ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
 "subscriber": {"member_id": "XJH123456789", "last_name": "DOE", "first_name": "JOHN", "birth_date": "1980-02-01", "gender": "M",
  "address": {"line1": "12 OAK AVE", "city": "NASHVILLE", "state": "TN", "postal_code": "37205"},
  "claim_filing_indicator": "CI", "payer_responsibility": "P"},
 "claim": {"patient_control_number": "PCN9", "total_charge": "50", "place_of_service": "11", "diagnoses": [{"code": "J10.1"}]},
 "service_lines": [{"line_id": "PCN9-1", "procedure": {"code": "9921"}, "charge": "50", "units": "1", "service_date": "2026-11-02", "diagnosis_pointers": [1]}]}`

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClaimCheckExamples(t *testing.T) {
	files := claimExampleFiles(t)
	code, out, errOut := runClaimCLI(t, "", append([]string{"claim", "check"}, files...)...)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	for _, f := range files {
		if !strings.Contains(out, f+": valid (1 encounter)\n") {
			t.Errorf("no valid line for %s:\n%s", f, out)
		}
	}
	if !strings.Contains(out, "note: ICD-10-CM codes were checked for structure only") {
		t.Errorf("the output does not say the codes were checked for structure only:\n%s", out)
	}
}

func TestClaimCheckJSONLines(t *testing.T) {
	files := claimExampleFiles(t)
	var lines []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal(v)
		lines = append(lines, string(line))
	}
	lines = append(lines, strings.ReplaceAll(badEncounter, "\n", ""))
	path := writeTemp(t, "batch.jsonl", strings.Join(lines, "\n")+"\n")
	code, out, _ := runClaimCLI(t, "", "claim", "check", "--json", path)
	if code != exitInvalid {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	var doc struct {
		Files []struct {
			Encounters []struct {
				ID       string `json:"id"`
				Valid    bool   `json:"valid"`
				Problems []struct{ Path, Code, Severity string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Files) != 1 || len(doc.Files[0].Encounters) != 3 {
		t.Fatalf("want 1 file of 3 encounters:\n%s", out)
	}
	encs := doc.Files[0].Encounters
	if !encs[0].Valid || !encs[1].Valid || encs[2].Valid || encs[2].ID != "enc-bad-1" {
		t.Errorf("want valid, valid, invalid enc-bad-1:\n%s", out)
	}
}

func TestClaimCheckBadFile(t *testing.T) {
	bad := writeTemp(t, "bad.json", badEncounter)
	code, out, _ := runClaimCLI(t, "", "claim", "check", bad)
	if code != exitInvalid {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, line := range []string{
		bad + `: enc-bad-1: payer_id: required: required`,
		bad + `: enc-bad-1: service_lines[0].procedure.code: invalid_cpt: "9921" is not a CPT or HCPCS code`,
		bad + `: invalid (1 of 1 encounter)`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("no line %q in\n%s", line, out)
		}
	}
	for _, phi := range []string{"DOE", "XJH", "1980-02-01"} {
		if strings.Contains(out, phi) {
			t.Errorf("the output holds PHI %q:\n%s", phi, out)
		}
	}

	// A typo in a field name is a problem of the encounter, with its path,
	// given with the others at once.
	typo := writeTemp(t, "typo.json", strings.Replace(badEncounter, `"units"`, `"unit"`, 1))
	code, out, _ = runClaimCLI(t, "", "claim", "check", typo)
	if code != exitInvalid || !strings.Contains(out, typo+": enc-bad-1: service_lines[0].unit: unknown_field: no such field\n") ||
		!strings.Contains(out, typo+`: enc-bad-1: service_lines[0].procedure.code: invalid_cpt: "9921" is not a CPT or HCPCS code`+"\n") {
		t.Errorf("exit %d, want 1, the unknown field and the bad CPT:\n%s", code, out)
	}
}

func TestClaimCheckUnreadable(t *testing.T) {
	notJSON := writeTemp(t, "x.json", "ISA*00*~")
	empty := writeTemp(t, "empty.json", "\n")
	bad := writeTemp(t, "bad.json", badEncounter)
	for _, args := range [][]string{
		{"claim", "check", notJSON},
		{"claim", "check", empty},
		{"claim", "check", filepath.Join(t.TempDir(), "missing.json")},
		{"claim", "check", bad, notJSON}, // unreadable wins over invalid
		{"claim", "check"},
		{"claim", "check", "--icd10cm", filepath.Join(t.TempDir(), "missing.txt"), bad},
		{"claim", "check", "--delims", "ab", bad},
		{"claim", "build"},
		{"claim"},
	} {
		if code, out, errOut := runClaimCLI(t, "", args...); code != exitUnreadable {
			t.Errorf("%q: exit %d, want 2\n%s%s", args, code, out, errOut)
		}
	}
	code, out, _ := runClaimCLI(t, "", "claim", "check", notJSON)
	if code != exitUnreadable || !strings.Contains(out, notJSON+": cannot be read: encounter: not JSON at byte") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestClaimCheckOptions(t *testing.T) {
	bad := strings.Replace(badEncounter, `"9921"`, `"99214"`, 1)
	bad = strings.Replace(bad, `"claim_type"`, `"payer_id": "SIMPAYER", "claim_type"`, 1)
	file := writeTemp(t, "enc.json", bad)
	if code, out, _ := runClaimCLI(t, "", "claim", "check", file); code != exitOK {
		t.Fatalf("exit %d, want 0:\n%s", code, out)
	}
	// The ICD-10-CM list does not hold J10.1.
	icd := writeTemp(t, "icd10cm_codes.txt", "J100 Influenza due to other identified influenza virus with unspecified type of pneumonia\n")
	code, out, _ := runClaimCLI(t, "", "claim", "check", "--icd10cm", icd, file)
	if code != exitInvalid || !strings.Contains(out, `claim.diagnoses[0].code: unknown_code: "J101" is not in the ICD-10-CM code set`) {
		t.Errorf("exit %d, want 1 and unknown_code:\n%s", code, out)
	}
	// With | as the element separator, a | in the data is refused.
	piped := writeTemp(t, "piped.json", strings.Replace(bad, "12 OAK AVE", "12 OAK|AVE", 1))
	code, out, _ = runClaimCLI(t, "", "claim", "check", "--delims", "|>^~", piped)
	if code != exitInvalid || !strings.Contains(out, "subscriber.address.line1: delimiter_in_data") {
		t.Errorf("exit %d, want 1 and delimiter_in_data:\n%s", code, out)
	}
	// Standard input.
	if code, out, _ := runClaimCLI(t, bad, "claim", "check", "-"); code != exitOK {
		t.Errorf("stdin: exit %d, want 0:\n%s", code, out)
	}
}
