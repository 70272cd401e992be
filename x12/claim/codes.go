package claim

// Element rules shared by the writer and the decoder.

// HI code list qualifiers: the ICD-10 ones the writer writes, by the type
// of a diagnosis or procedure, and what the decoder reads each one (and
// the ICD-9 ones) as.
var (
	diagnosisQualifiers = map[DiagnosisType]string{Principal: "ABK", Admitting: "ABJ", ReasonForVisit: "APR", Other: "ABF"}
	procedureQualifiers = map[ProcedureType]string{PrincipalProcedure: "BBR", OtherProcedure: "BBQ"}
	hiQualifiers        = map[string]struct {
		diagnosis DiagnosisType
		procedure ProcedureType
	}{
		"ABK": {diagnosis: Principal}, "BK": {diagnosis: Principal}, "ABJ": {diagnosis: Admitting}, "BJ": {diagnosis: Admitting},
		"APR": {diagnosis: ReasonForVisit}, "PR": {diagnosis: ReasonForVisit}, "ABF": {diagnosis: Other}, "BF": {diagnosis: Other},
		"BBR": {procedure: PrincipalProcedure}, "BR": {procedure: PrincipalProcedure}, "BBQ": {procedure: OtherProcedure}, "BQ": {procedure: OtherProcedure},
	}
)

const (
	hiPerSegment   = 12 // composites in one HI
	maxDiagnosesP  = 12 // 837P: one HI, ABK then ABF
	maxReasons     = 3  // 837I APR
	maxOtherI      = 24 // 837I: two HI of ABF
	maxOtherProcsI = 24 // 837I: two HI of BBQ
	maxPointers    = 4  // 837P SV107, 837D SV311
	maxModifiers   = 4
	maxDiagnosesD  = 4  // 837D: one HI, ABK then ABF
	maxOralCavity  = 5  // 837D SV304
	maxTeeth       = 32 // 837D TOO per line
	maxSurfaces    = 5  // 837D TOO03
	maxToothStates = 35 // 837D DN2
)

// claimsPerTransaction is the most claims one ST holds by default.
const claimsPerTransaction = 5000

// isDate reports whether s is YYYY-MM-DD with digits where they belong.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:])
}

// isHour reports whether s is HHMM.
func isHour(s string) bool { return len(s) == 4 && isDigits(s) }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isQuantity reports whether s is an unsigned decimal: "1", "2.5".
func isQuantity(s string) bool {
	dot := false
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
			digits++
		default:
			return false
		}
	}
	return digits > 0
}

// d8 appends a YYYY-MM-DD date as CCYYMMDD.
func d8(b []byte, date string) []byte {
	return append(append(append(b, date[:4]...), date[5:7]...), date[8:]...)
}

// fromD8 turns CCYYMMDD into YYYY-MM-DD, or "" when it is not 8 digits.
func fromD8(b []byte) string {
	if len(b) != 8 || !isDigits(string(b)) {
		return ""
	}
	return string(b[:4]) + "-" + string(b[4:6]) + "-" + string(b[6:])
}
