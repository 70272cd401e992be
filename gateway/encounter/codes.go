package encounter

import (
	"strconv"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// This file holds the shapes of identifiers and the code lists the
// scrubber knows. They check structure only; a CodeSet makes diagnosis and
// procedure checks exact.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) }

// allDigits reports whether s is n digits.
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return s != ""
}

// ValidNPI reports whether s is a National Provider Identifier: ten digits
// whose last is the Luhn check digit of the first nine prefixed with 80840.
func ValidNPI(s string) bool {
	if !allDigits(s, 10) {
		return false
	}
	sum := 24 // the prefix 80840, doubled the Luhn way
	for i := 8; i >= 0; i-- {
		d := int(s[i] - '0')
		if i%2 == 0 { // every other digit from the rightmost of the nine
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[9]-'0')
}

// NormalizeICD10 strips the dot of an ICD-10-CM code: "J10.1" → "J101".
// Any other code is returned unchanged.
func NormalizeICD10(code string) string {
	if len(code) > 4 && code[3] == '.' {
		return code[:3] + code[4:]
	}
	return code
}

// ValidICD10CM reports whether code has the structure of an ICD-10-CM code:
// a letter, a digit, a letter or digit, then up to four letters or digits,
// with an optional dot after the third character.
func ValidICD10CM(code string) bool {
	code = NormalizeICD10(code)
	if len(code) < 3 || len(code) > 7 || !isUpper(code[0]) || !isDigit(code[1]) {
		return false
	}
	return allAlnum(code)
}

// ValidICD10PCS reports whether code has the structure of an ICD-10-PCS
// code: seven letters or digits, never I or O (PCS does not use them).
func ValidICD10PCS(code string) bool {
	return len(code) == 7 && allAlnum(code) && !strings.ContainsAny(code, "IO")
}

// ValidCDT reports whether code has the structure of a CDT code (the ADA's
// Code on Dental Procedures and Nomenclature): D and four digits. Which
// codes exist is an operator's licensed list's to say.
func ValidCDT(code string) bool {
	return len(code) == 5 && code[0] == 'D' && allDigits(code[1:], 4)
}

// validTooth reports whether s is a tooth of the universal national tooth
// designation system (JP): permanent 1-32, primary A-T, supernumerary
// 51-82 (permanent) and AS-TS (primary).
func validTooth(s string) bool {
	switch n, err := strconv.Atoi(s); {
	case err == nil:
		return strconv.Itoa(n) == s && (n >= 1 && n <= 32 || n >= 51 && n <= 82)
	case len(s) == 1:
		return s[0] >= 'A' && s[0] <= 'T'
	case len(s) == 2:
		return s[0] >= 'A' && s[0] <= 'T' && s[1] == 'S'
	}
	return false
}

// ValidHCPCS reports whether code has the structure of a HCPCS Level I (CPT:
// five digits, or four digits and F, T or U) or Level II code (a letter and
// four digits).
func ValidHCPCS(code string) bool {
	if len(code) != 5 {
		return false
	}
	switch {
	case allDigits(code[:4], 4):
		return isDigit(code[4]) || strings.IndexByte("FTU", code[4]) >= 0
	case isUpper(code[0]):
		return allDigits(code[1:], 4)
	}
	return false
}

// validTaxonomy reports whether s has the shape of a NUCC taxonomy code:
// nine letters or digits and a final X.
func validTaxonomy(s string) bool {
	return len(s) == 10 && allAlnum(s) && s[9] == 'X'
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD,
// not before 1850.
func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Year() >= 1850
}

// validHour reports whether s is a time of day written HHMM.
func validHour(s string) bool {
	return allDigits(s, 4) && s[:2] <= "23" && s[2:] <= "59"
}

// validUnits reports whether s is a positive decimal quantity: digits with
// at most one point, no sign.
func validUnits(s string) bool {
	digits, point, nonzero := 0, false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
			nonzero = nonzero || c != '0'
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && digits <= 15 && nonzero
}

// set makes a lookup table of space-separated codes.
func set(codes string) map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}

// placesOfService is the CMS place of service code set (CLM05-1 of the
// 837P): 01-20 pharmacy to urgent care, 21-27 hospital and facility
// settings (27 outreach site/street), 31-34 nursing and hospice, 41-42
// ambulance, 49-62 clinics and treatment facilities (58 opioid treatment,
// 60 mass immunization), 65 ESRD, 66 PACE center, 71-72 public and rural
// health clinics, 81 independent laboratory, 99 other. Unlisted numbers are
// unassigned.
var placesOfService = set(`
	01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20
	21 22 23 24 25 26 27 31 32 33 34 41 42 49 50 51 52 53 54 55 56 57 58
	60 61 62 65 66 71 72 81 99`)

// states are the USPS codes of the states, DC, the territories (AS GU MP PR
// VI), the freely associated states (FM MH PW) and the military post
// offices (AA AE AP).
var states = set(`
	AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS
	MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV
	WI WY DC AS GU MP PR VI FM MH PW AA AE AP`)

// claimFilingIndicators are the SBR09 codes of the 5010 837.
var claimFilingIndicators = set(`11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ`)

// payerResponsibilities are the SBR01 codes: P primary, S secondary, T
// tertiary, A-H payer 4 to 11, U unknown.
var payerResponsibilities = set(`P S T A B C D E F G H U`)

// relationships are the PAT01 codes of the 837 patient loop: 01 spouse, 19
// child, 20 employee, 21 unknown, 39 organ donor, 40 cadaver donor, 53 life
// partner, G8 other. Self (18) means there is no patient loop.
var relationships = set(`01 19 20 21 39 40 53 G8`)

// frequencies are the claim frequency codes (CLM05-3) per claim type.
var frequencies = map[claim.Type]map[string]bool{
	claim.Professional:  set(`1 7 8`),
	claim.Institutional: set(`0 1 2 3 4 5 7 8 9`),
	claim.Dental:        set(`1 7 8`),
}

// qualifiers are the product/service ID qualifiers of SV101-1, SV202-1
// and SV301-1 (AD: the American Dental Association's codes, CDT).
var qualifiers = map[claim.Type]map[string]bool{
	claim.Professional:  set(`ER HC IV WK`),
	claim.Institutional: set(`ER HC HP IV WK`),
	claim.Dental:        set(`AD`),
}

// defaultQualifier is the qualifier of a line's procedure that names none.
func defaultQualifier(t claim.Type) string {
	if t == claim.Dental {
		return "AD"
	}
	return "HC"
}

// unitTypes are the units of SV103 and SV204.
var unitTypes = map[claim.Type]map[string]bool{
	claim.Professional:  set(`UN MJ`),
	claim.Institutional: set(`UN DA`),
}

// The 837D's code lists: oral cavity areas (SV304: 00 whole mouth, 01
// upper, 02 lower, 09 other, 10 upper right, 20 upper left, 30 lower left,
// 40 lower right, L left, R right), tooth surfaces (TOO03: buccal, distal,
// facial, incisal, lingual, mesial, occlusal, V), tooth statuses (DN202: E
// to be extracted, M missing, X extracted, I impacted) and prosthesis
// placements (SV305: I initial, R replacement).
var (
	oralCavityAreas = set(`00 01 02 09 10 20 30 40 L R`)
	toothSurfaces   = set(`B D F I L M O V`)
	toothStatuses   = set(`E M X I`)
	placements      = set(`I R`)
)

var (
	genders        = set(`M F U`)
	admissionTypes = set(`1 2 3 4 5 9`) // CL1-01
	presentOnAdm   = set(`Y N U W`)     // HI0x-9 of the 837I
	diagnosisTypes = set(DiagPrincipal + " " + DiagAdmitting + " " + DiagReasonForVisit + " " + DiagOther)
	procedureTypes = set(`principal other`)
)
