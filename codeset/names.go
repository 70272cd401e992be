package codeset

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// KindOf tells a file's kind from its name as the publisher names it:
//
//	icd10cm-code-descriptions-2025.zip, icd10cm-order-2025.txt     ICD-10-CM (CDC/NCHS)
//	hcpcs-2020-alpha-numeric.zip, HCPC2020_ANWEB_w_disclaimer.txt  HCPCS Level II (CMS)
//	ccipra-v311r0-f1.txt (.TXT, .zip)                              NCCI PTP, practitioner (CMS)
//	ccioph-v311r0-f1.txt (.TXT, .zip)                              NCCI PTP, outpatient hospital (CMS)
//	MCR_MUE_PractitionerServices_Eff_01-01-2025.csv (.zip)         MUE, practitioner (CMS)
//	MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv (.zip)   MUE, outpatient hospital (CMS)
//	MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv (.zip)          MUE, DME supplier (CMS)
//	cpt*, cdt*                                                     an operator's licensed list
//
// Names are compared without regard to case. The error lists the names
// known and says to use --kind.
func KindOf(fileName string) (Kind, error) {
	base := strings.ToLower(filepath.Base(fileName))
	switch {
	case strings.Contains(base, "ccipra"):
		return KindPTPPractitioner, nil
	case strings.Contains(base, "ccioph"):
		return KindPTPHospital, nil
	case strings.Contains(base, "mue"):
		if k := mueKindOf(base); k != "" {
			return k, nil
		}
	case strings.Contains(base, "icd10cm"), strings.Contains(base, "icd-10-cm"),
		strings.Contains(base, "code-descriptions") && !strings.Contains(base, "pcs"):
		return KindICD10CM, nil
	case strings.Contains(base, "hcpc"):
		return KindHCPCS, nil
	case strings.HasPrefix(base, "cpt"):
		return KindCPT, nil
	case strings.HasPrefix(base, "cdt"):
		return KindCDT, nil
	}
	return "", fmt.Errorf("%s: cannot tell the kind of file from its name; the names known are "+
		"icd10cm-code-descriptions-YYYY.zip or icd10cm-order-YYYY.txt (ICD-10-CM), "+
		"hcpcs-YYYY-alpha-numeric.zip or HCPCYYYY_ANWEB*.txt (HCPCS), "+
		"ccipra-vNNNrN-fN.txt (NCCI PTP practitioner), ccioph-vNNNrN-fN.txt (NCCI PTP outpatient hospital), "+
		"MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv, MCR_MUE_OutpatientHospitalServices_Eff_MM-DD-YYYY.csv, "+
		"MCR_MUE_DMESupplierServices_Eff_MM-DD-YYYY.csv (MUE), cpt*.txt and cdt*.txt (an operator's list); "+
		"use --kind (one of %s)", filepath.Base(fileName), kindList())
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// mueKindOf tells an MUE table's kind from a lower-cased name, or "".
func mueKindOf(base string) Kind {
	switch {
	case strings.Contains(base, "practitioner"):
		return KindMUEPractitioner
	case strings.Contains(base, "hospital"):
		return KindMUEHospital
	case strings.Contains(base, "dme"):
		return KindMUEDME
	}
	return ""
}

var (
	// icd10cm-order-2025.txt (CDC's names since FY2020), icd10cm_order_2019.txt (before).
	icdOrderName = regexp.MustCompile(`(?i)^icd10cm[-_ ]order[-_ ](\d{4})\.txt$`)
	// HCPC2020_ANWEB_w_disclaimer.txt, HCPC2019_CONTR_ANWEB.txt, HCPC2025_JAN_ANWEB_v3.txt.
	hcpcsRecordName = regexp.MustCompile(`(?i)^hcpc\d{4}.*anweb.*\.txt$`)
	hcpcsYear       = regexp.MustCompile(`(?i)hcpcs?[-_ ]?((?:19|20)\d\d)`)
	// ccipra-v311r0-f1.txt: practitioner (pra) or outpatient hospital (oph), version, part.
	ptpName = regexp.MustCompile(`(?i)(ccipra|ccioph)[-_ ]?(v\d+r\d+)(?:[-_ ]?(f\d+))?`)
	// MCR_MUE_PractitionerServices_Eff_01-01-2025.csv: the effective date, MM-DD-YYYY.
	mueDate = regexp.MustCompile(`(?i)_eff_(\d\d)-(\d\d)-(\d{4})`)
)

// icdYear is the fiscal year an order file's name carries, or "".
func icdYear(name string) string {
	if m := icdOrderName.FindStringSubmatch(filepath.Base(name)); m != nil {
		return m[1]
	}
	return ""
}

// ptpVersion reads the version and part from a PTP file's name; kind is
// what the name says (KindPTPPractitioner or KindPTPHospital), "" if it
// says nothing.
func ptpVersion(name string) (kind Kind, version, part string) {
	m := ptpName.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return "", "", ""
	}
	kind = KindPTPPractitioner
	if strings.EqualFold(m[1], "ccioph") {
		kind = KindPTPHospital
	}
	return kind, strings.ToLower(m[2]), strings.ToLower(m[3])
}

// mueEffective reads the effective date from an MUE table's name.
func mueEffective(name string) (Date, bool) {
	m := mueDate.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return 0, false
	}
	return parseDate(m[3] + m[1] + m[2])
}

// versionNumbers reads "v311r0" as (311, 0); ok false if it is not so.
func versionNumbers(v string) (major, rev int, ok bool) {
	if _, err := fmt.Sscanf(v, "v%dr%d", &major, &rev); err != nil {
		return 0, 0, false
	}
	return major, rev, true
}

// ptpVersionLess orders PTP versions: v311r0 < v311r1 < v312r0 < v320r0.
func ptpVersionLess(a, b string) bool {
	am, ar, aok := versionNumbers(a)
	bm, br, bok := versionNumbers(b)
	if !aok || !bok {
		return a < b
	}
	if am != bm {
		return am < bm
	}
	return ar < br
}
