package encounter

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// examplesDir holds the contract's examples; tests read them in place.
const examplesDir = "../../../shared/contracts/examples"

// today is the fixed date tests check against.
var today = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// The contract's two examples, the starting point of the rule tests. The
// tests below make sure they stay the same encounters as the files.
const professionalJSON = `{
  "id": "enc-2026-000123", "claim_type": "professional", "payer_id": "SIMPAYER",
  "billing_provider": {"organization_name": "RIVERSIDE FAMILY MEDICINE", "npi": "1234567893", "tax_id": "621234567", "taxonomy": "207Q00000X",
    "address": {"line1": "100 MAIN ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
  "rendering_provider": {"npi": "1245319599", "last_name": "SMITH", "first_name": "ANNA", "taxonomy": "207Q00000X"},
  "subscriber": {"member_id": "XJH123456789", "last_name": "DOE", "first_name": "JOHN", "birth_date": "1980-02-01", "gender": "M",
    "address": {"line1": "12 OAK AVE", "city": "NASHVILLE", "state": "TN", "postal_code": "37205"},
    "group_number": "GRP7788", "claim_filing_indicator": "CI", "payer_responsibility": "P"},
  "claim": {"patient_control_number": "PCN000123", "total_charge": "235.00", "place_of_service": "11", "frequency": "1",
    "diagnoses": [{"code": "J10.1"}, {"code": "R50.9"}], "prior_authorization": "AUTH5566"},
  "service_lines": [
    {"line_id": "PCN000123-1", "procedure": {"code": "99214", "modifiers": ["25"]}, "charge": "185.00", "units": "1", "service_date": "2026-11-02", "diagnosis_pointers": [1, 2]},
    {"line_id": "PCN000123-2", "procedure": {"code": "87804"}, "charge": "50.00", "units": "1", "service_date": "2026-11-02", "diagnosis_pointers": [1]}
  ]
}`

const institutionalJSON = `{
  "id": "enc-2026-000124", "claim_type": "institutional", "payer_id": "SIMPAYER",
  "billing_provider": {"organization_name": "SAINT MARY GENERAL HOSPITAL", "npi": "1730145889", "tax_id": "620987654", "taxonomy": "282N00000X",
    "address": {"line1": "900 HOSPITAL DR", "city": "MEMPHIS", "state": "TN", "postal_code": "381031000"}},
  "attending_provider": {"npi": "1497758544", "last_name": "JONES", "first_name": "ROBERT", "taxonomy": "207R00000X"},
  "subscriber": {"member_id": "MBR998877", "last_name": "ROE", "first_name": "JANE", "birth_date": "1955-07-19", "gender": "F",
    "address": {"line1": "5 ELM ST", "city": "MEMPHIS", "state": "TN", "postal_code": "38104"},
    "claim_filing_indicator": "MB", "payer_responsibility": "P"},
  "claim": {"patient_control_number": "PCN000124", "total_charge": "12850.00", "facility_type": "11", "frequency": "1",
    "statement_from": "2026-10-28", "statement_to": "2026-10-31",
    "admission": {"date": "2026-10-28", "hour": "0930", "type": "1", "source": "7"},
    "discharge_hour": "1400", "patient_status": "01",
    "diagnoses": [
      {"code": "I21.4", "type": "principal", "present_on_admission": "Y"},
      {"code": "I21.4", "type": "admitting"},
      {"code": "E11.9", "present_on_admission": "Y"},
      {"code": "I10", "present_on_admission": "Y"}
    ],
    "procedures": [{"code": "4A023N7", "date": "2026-10-29", "type": "principal"}]},
  "service_lines": [
    {"line_id": "PCN000124-1", "revenue_code": "0120", "charge": "6000.00", "units": "3", "unit_type": "DA", "service_date": "2026-10-28"},
    {"line_id": "PCN000124-2", "revenue_code": "0481", "procedure": {"code": "93458"}, "charge": "5200.00", "units": "1", "service_date": "2026-10-29"},
    {"line_id": "PCN000124-3", "revenue_code": "0300", "procedure": {"code": "80053"}, "charge": "1650.00", "units": "1", "service_date": "2026-10-28"}
  ]
}`

func mustDecode(t testing.TB, s string) *Encounter {
	t.Helper()
	e, err := Decode(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// errorsOf drops info notes.
func errorsOf(probs []Problem) []Problem {
	var out []Problem
	for _, p := range probs {
		if p.Severity != SeverityInfo {
			out = append(out, p)
		}
	}
	return out
}

func readExamples(t testing.TB) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	if len(files) == 0 {
		t.Skipf("the contract examples are not in %s (the shared directory beside the repository); skipping", examplesDir)
	}
	m := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = b
	}
	return m
}

func TestContractExamplesPass(t *testing.T) {
	for name, b := range readExamples(t) {
		t.Run(name, func(t *testing.T) {
			e, err := Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if probs := errorsOf(Scrub(e, Options{Now: today})); len(probs) > 0 {
				t.Errorf("want no problems, got %+v", probs)
			}
		})
	}
}

func TestFixturesAreTheExamples(t *testing.T) {
	ex := readExamples(t)
	for name, s := range map[string]string{"professional.json": professionalJSON, "institutional.json": institutionalJSON} {
		b, ok := ex[name]
		if !ok {
			t.Errorf("%s is missing from the examples", name)
			continue
		}
		if got, want := mustDecode(t, s), mustDecode(t, string(b)); !reflect.DeepEqual(got, want) {
			t.Errorf("the test fixture differs from %s", name)
		}
	}
}
