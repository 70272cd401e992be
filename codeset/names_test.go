package codeset_test

import (
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

func TestKindOf(t *testing.T) {
	for name, want := range map[string]codeset.Kind{
		"icd10cm-code-descriptions-2025.zip":                    codeset.KindICD10CM,
		"icd10cm-order-2025.txt":                                codeset.KindICD10CM,
		"icd10cm_order_2019.txt":                                codeset.KindICD10CM,
		"/var/lib/claimsgw/import/ICD10CM-ORDER-2026.TXT":       codeset.KindICD10CM,
		"2025-Code-Descriptions-Tabular-Order.zip":              codeset.KindICD10CM,
		"hcpcs-2020-alpha-numeric.zip":                          codeset.KindHCPCS,
		"HCPC2020_ANWEB_w_disclaimer.txt":                       codeset.KindHCPCS,
		"2020-Alpha-Numeric-HCPCS-File.zip":                     codeset.KindHCPCS,
		"ccipra-v311r0-f1.txt":                                  codeset.KindPTPPractitioner,
		"ccipra-v311r0-f4.TXT":                                  codeset.KindPTPPractitioner,
		"CCIPRA-V311R0-F2.ZIP":                                  codeset.KindPTPPractitioner,
		"ccipra-v311r0-f3.zip":                                  codeset.KindPTPPractitioner,
		"ccioph-v311r0-f1.txt":                                  codeset.KindPTPHospital,
		"ccioph-v311r0-f2.TXT":                                  codeset.KindPTPHospital,
		"ccioph-v311r0-f3.zip":                                  codeset.KindPTPHospital,
		`C:\NCCI\ccioph-v311r0-f4.txt`:                          codeset.KindPTPHospital,
		"MCR_MUE_PractitionerServices_Eff_01-01-2025.csv":       codeset.KindMUEPractitioner,
		"MCR_MUE_PractitionerServices_Eff_01-01-2025.zip":       codeset.KindMUEPractitioner,
		"mcr_mue_practitionerservices_eff_04-01-2025.CSV":       codeset.KindMUEPractitioner,
		"MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv": codeset.KindMUEHospital,
		"MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.zip": codeset.KindMUEHospital,
		"MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv":        codeset.KindMUEDME,
		"MCR_MUE_DMESupplierServices_Eff_01-01-2025.zip":        codeset.KindMUEDME,
		"cpt-2025.txt":                                          codeset.KindCPT,
		"CPT_licensed.txt":                                      codeset.KindCPT,
		"cdt2025.txt":                                           codeset.KindCDT,
	} {
		got, err := codeset.KindOf(name)
		if err != nil || got != want {
			t.Errorf("KindOf(%s) = %q, %v, want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"codes.txt", "export.csv", "", "mue.csv", "my-cpt.txt"} {
		k, err := codeset.KindOf(name)
		if err == nil {
			t.Errorf("KindOf(%q) = %q, want an error", name, k)
			continue
		}
		for _, w := range []string{"--kind", "icd10cm-order-YYYY.txt", "ccipra-", "MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv", "ptp-hospital"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("KindOf(%q): %q does not say %q", name, err, w)
			}
		}
	}
	// Parse with kind "" is KindOf.
	if _, err := codeset.Parse("codes.txt", "", []byte("x")); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("Parse(codes.txt): %v", err)
	}
	if _, err := codeset.Parse("codes.txt", "loinc", []byte("x")); err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("Parse(kind loinc): %v", err)
	}
}
