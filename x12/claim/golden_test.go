package claim

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden writes one small 837P, one 837I and one 837D and compares the
// bytes with testdata; run with -update to accept a change.
func TestGolden(t *testing.T) {
	b := testBatch()
	b.Delimiters.Element, b.Delimiters.Component, b.Delimiters.Repetition, b.Delimiters.Segment = '*', ':', '^', '~'
	b.Delimiters.Suffix = "\n"
	full := professional(2, subscriber(2))
	full.ReferringProvider = &Provider{LastName: "KILDARE", FirstName: "JAMES", NPI: "1093817462"}
	full.ServiceFacility = &Provider{OrganizationName: "RIVERSIDE ANNEX", NPI: "1326046970",
		Address: Address{Line1: "200 SIDE ST", City: "NASHVILLE", State: "TN", PostalCode: "372031235"}}
	full.Info.Frequency, full.Info.OriginalPayerClaimNumber = "7", "PAYERICN0001"
	full.Info.Notes = "CORRECTED CLAIM"
	inst := dependent(institutional(4), "JACK")
	inst.Info.Diagnoses = append(inst.Info.Diagnoses, Diagnosis{Code: "R079", Type: Other})
	inst.Info.Procedures = append(inst.Info.Procedures, Procedure{Code: "B2111ZZ", Date: "2026-10-30", Type: OtherProcedure})
	for _, tc := range []struct {
		file   string
		claims []Claim
	}{
		{"837p.x12", []Claim{professional(1, subscriber(1)), dependent(professional(3, subscriber(1)), "JILL"), full}},
		{"837i.x12", []Claim{institutional(1), inst}},
		{"837d.x12", []Claim{dental(1), dentalFull(2), dependent(predetermination(3), "JACK"), orthodonticOnly(4)}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, _ := write(t, b, tc.claims)
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what Write gives now (run with -update if the change is meant):\n%s", path, got)
			}
		})
	}
}
