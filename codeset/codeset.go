// Package codeset reads the official code-set files as their publishers
// ship them (the CDC/NCHS ICD-10-CM code-descriptions zip, the CMS HCPCS
// Level II alpha-numeric zip, CMS's NCCI procedure-to-procedure edit files
// and medically unlikely edit tables) and the code lists an operator is
// licensed for (CPT, CDT), and answers the scrubber's questions about them
// by date of service, without allocating.
//
// A Set is one file, parsed. A Bundle is every set loaded, read-only and safe
// for concurrent use: the scrubber's reference data, passed as one.
package codeset

import "fmt"

// Kind is what a code-set file is.
type Kind string

// The kinds of file. Their names are stable: `claimsgw codesets import
// --kind` takes them.
const (
	KindICD10CM         Kind = "icd10cm"          // CDC/NCHS ICD-10-CM code-descriptions zip (its icd10cm-order-YYYY.txt), or the order file alone
	KindHCPCS           Kind = "hcpcs"            // CMS HCPCS Level II alpha-numeric zip (its HCPCYYYY_ANWEB*.txt), or that file alone
	KindCPT             Kind = "cpt"              // an operator's licensed CPT list: one code (or modifier) per line, optional description
	KindCDT             Kind = "cdt"              // an operator's licensed CDT list, as KindCPT
	KindPTPPractitioner Kind = "ptp-practitioner" // NCCI PTP edits, practitioner (ccipra-...): the 837P's
	KindPTPHospital     Kind = "ptp-hospital"     // NCCI PTP edits, outpatient hospital (ccioph-...): the 837I's
	KindMUEPractitioner Kind = "mue-practitioner" // MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv
	KindMUEHospital     Kind = "mue-hospital"     // MCR_MUE_OutpatientHospitalServices_Eff_MM-DD-YYYY.csv
	KindMUEDME          Kind = "mue-dme"          // MCR_MUE_DMESupplierServices_Eff_MM-DD-YYYY.csv
)

// Kinds are every kind, in the order `codesets list` shows them.
var Kinds = []Kind{KindICD10CM, KindHCPCS, KindCPT, KindCDT, KindPTPPractitioner, KindPTPHospital, KindMUEPractitioner, KindMUEHospital, KindMUEDME}

// Date is a calendar date as the number YYYYMMDD (20250101); 0 is none.
// Dates compare as numbers.
type Date uint32

// ParseDate reads YYYY-MM-DD or YYYYMMDD; ok is false for anything else or a
// day that does not exist.
func ParseDate(s string) (d Date, ok bool) { return parseDate(s) }

// String writes d as YYYY-MM-DD, or "" for 0.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// ICD10Start is the first date of service ICD-10-CM codes are valid for.
const ICD10Start Date = 20151001

func parseDate(s string) (Date, bool) {
	var digits [8]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == 8 {
				return 0, false
			}
			digits[n] = c
			n++
		case c == '-' && len(s) == 10 && (i == 4 || i == 7):
		default:
			return 0, false
		}
	}
	if n != 8 {
		return 0, false
	}
	var v uint32
	for _, c := range digits {
		v = v*10 + uint32(c-'0')
	}
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return Date(v), true
}

func daysIn(y, m uint32) uint32 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
