package encounter

import (
	"fmt"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Severity tells a problem that rejects the encounter (error) from one a
// strict payer may dislike (warning) and from a note on how the check ran
// (info).
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Problem is one thing wrong with an encounter: where (a path such as
// service_lines[1].procedure.code, 0-based indexes), what (a stable code),
// and a message that holds no PHI.
type Problem struct {
	Path     string   `json:"path"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	// Set is the code set (and version) a code-set edit's problem came
	// from: "ICD-10-CM FY2025", "NCCI PTP practitioner v311r0, modifier
	// indicator 1". Empty for the others.
	Set string `json:"set,omitempty"`
}

// HasErrors reports whether probs holds anything worse than a warning.
func HasErrors(probs []Problem) bool {
	for _, p := range probs {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Problem codes. They are stable: tools match on them.
const (
	// Decoding.
	CodeInvalidJSON    = "invalid_json"    // JSON that encoding/json refuses for another reason
	CodeUnknownField   = "unknown_field"   // a field the contract does not have
	CodeDuplicateField = "duplicate_field" // a field given twice in one object
	CodeWrongType      = "wrong_type"      // a string where a number belongs, and so on
	CodeTooLarge       = "too_large"       // an object over MaxBytes
	CodeTooManyValues  = "too_many_values" // an object over MaxValues

	// Presence.
	CodeRequired             = "required"                // a field the claim type needs is missing
	CodeNotAllowed           = "not_allowed"             // a field the claim type does not carry
	CodeUnsupportedClaimType = "unsupported_claim_type"  // no longer reported: dental (837D) is built; kept for the tools that match on it
	CodeOriginalClaimNeeded  = "original_claim_required" // frequency 7 or 8 without original_payer_claim_number
	CodeConflictingDates     = "conflicting_dates"       // service_date and service_date_from together

	// Formats and code values.
	CodeInvalidClaimType     = "invalid_claim_type"
	CodeInvalidNPI           = "invalid_npi"
	CodeInvalidTaxID         = "invalid_tax_id"
	CodeInvalidTaxonomy      = "invalid_taxonomy"
	CodeInvalidICD10         = "invalid_icd10"     // not ICD-10-CM shaped
	CodeInvalidICD10PCS      = "invalid_icd10_pcs" // not ICD-10-PCS shaped
	CodeInvalidCPT           = "invalid_cpt"       // not a CPT or HCPCS Level II code
	CodeInvalidCDT           = "invalid_cdt"       // not CDT shaped (D and four digits) on a dental line
	CodeInvalidProcedureCode = "invalid_procedure_code"
	CodeInvalidQualifier     = "invalid_procedure_qualifier"
	CodeInvalidModifier      = "invalid_modifier"
	CodeInvalidPOS           = "invalid_place_of_service"
	CodeInvalidFacilityType  = "invalid_facility_type"
	CodeInvalidFrequency     = "invalid_frequency"
	CodeInvalidRevenueCode   = "invalid_revenue_code"
	CodeInvalidGender        = "invalid_gender"
	CodeInvalidState         = "invalid_state"
	CodeInvalidZIP           = "invalid_zip"
	CodePOBox                = "po_box" // a billing provider address that is a post office box
	CodeInvalidCode          = "invalid_code"
	CodeInvalidUnits         = "invalid_units"
	CodeInvalidUnitType      = "invalid_unit_type"
	CodeInvalidDiagnosisType = "invalid_diagnosis_type"
	CodeInvalidPOA           = "invalid_present_on_admission"
	CodeInvalidOralCavity    = "invalid_oral_cavity" // 837D SV304
	CodeInvalidTooth         = "invalid_tooth"       // not a universal tooth number (1-32, A-T, 51-82, AS-TS)
	CodeInvalidSurface       = "invalid_surface"     // not a tooth surface (B, D, F, I, L, M, O, V)
	CodeInvalidProsthesis    = "invalid_prosthesis"  // SV305: not I or R
	CodeInvalidMonths        = "invalid_months"      // DN1: a negative count, or more months remaining than in total
	CodeUnknownCode          = "unknown_code"        // well formed, but not in the loaded code-set file

	// Dates.
	CodeInvalidDate            = "invalid_date"
	CodeInvalidTime            = "invalid_time"
	CodeDateOrder              = "date_order"
	CodeFutureDate             = "future_date"
	CodeBeforeBirth            = "before_birth"
	CodeOutsideStatementPeriod = "outside_statement_period"

	// Money.
	CodeInvalidAmount  = "invalid_amount"
	CodeNegativeAmount = "negative_amount"
	CodeTotalMismatch  = "total_mismatch"

	// Limits.
	CodeTooManyDiagnoses   = "too_many_diagnoses"
	CodeTooManyProcedures  = "too_many_procedures"
	CodeDuplicatePrincipal = "duplicate_principal"
	CodeTooManyLines       = "too_many_lines"
	CodeTooManyModifiers   = "too_many_modifiers"
	CodeTooManyPointers    = "too_many_diagnosis_pointers"
	CodeTooManyAreas       = "too_many_oral_cavity_areas" // SV304 holds at most 5
	CodeTooManyTeeth       = "too_many_teeth"             // TOO at most 32 a line, DN2 at most 35 a claim
	CodeTooManySurfaces    = "too_many_surfaces"          // TOO03 holds at most 5
	CodeDuplicateTooth     = "duplicate_tooth"            // the same tooth twice on a line, or in missing_teeth
	CodeBadPointer         = "bad_diagnosis_pointer"
	CodeDuplicateLineID    = "duplicate_line_id"
	CodeLineIDTooLong      = "line_id_too_long"
	CodePCNTooLong         = "pcn_too_long"
	CodePCNLong            = "pcn_long" // warning: over 17 characters
	CodeTooLong            = "too_long" // longer than its X12 element allows

	// Characters.
	CodeDelimiterInData  = "delimiter_in_data"
	CodeInvalidCharacter = "invalid_character"

	// Notes.
	CodeCodesNotVerified = "codes_not_verified" // info: no code-set file, structure checked only
)

// MaxIDLength is the longest encounter id the contract allows.
const MaxIDLength = 80

// ShownID is an encounter id as messages and logs show it: up to 64
// characters, and those of a longer one followed by "...".
func ShownID(id string) string {
	if len(id) <= 64 {
		return id
	}
	return strings.ToValidUTF8(id[:64], "") + "..."
}

// Options are what Check needs beyond the encounter.
type Options struct {
	// Delimiters are the route's; the zero value means x12.DefaultDelimiters.
	Delimiters x12.Delimiters
	// Now gives today's date for future_date; the zero value means time.Now().
	Now time.Time
	// Codes are the code sets diagnoses and procedures are checked against;
	// without them only the structure is checked, and Check says so with
	// an info problem.
	Codes CodeSets
	// Severity is the trading partner's say on the code-set edits
	// (EditCodes): a problem of such a code gets this severity instead, or
	// is dropped (SeverityOff).
	Severity map[string]Severity
}

// Scrub normalizes e in place and checks it: what the gateway does with
// every encounter.
func Scrub(e *Encounter, opts Options) []Problem {
	Normalize(e)
	return Check(e, opts)
}

// Check returns every problem of e at once, errors and warnings in the order
// of the contract's fields. It does not change e; run Normalize first so that
// lower-case codes and dotted ICD-10 codes are accepted.
func Check(e *Encounter, opts Options) []Problem {
	if opts.Delimiters == (x12.Delimiters{}) {
		opts.Delimiters = x12.DefaultDelimiters
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	c := &checker{e: e, opts: opts, today: opts.Now.Format(time.DateOnly)}
	c.top()
	c.parties()
	if e.Claim != nil {
		c.claim(e.Claim)
	}
	c.lines()
	c.otherPayers()
	c.text()
	c.edits()
	c.codeSetNotes()
	c.partnerSeverities()
	return c.probs
}

// checker carries one Check run.
type checker struct {
	e     *Encounter
	opts  Options
	today string // YYYY-MM-DD
	birth string // the patient's valid birth date, or ""
	probs []Problem
}

func (c *checker) add(path, code, format string, args ...any) {
	c.probs = append(c.probs, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityError})
}

func (c *checker) warn(path, code, format string, args ...any) {
	c.probs = append(c.probs, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityWarning})
}

// present reports whether v is set, adding a required problem when not.
func (c *checker) present(path string, v string) bool {
	if v == "" {
		c.add(path, CodeRequired, "required")
	}
	return v != ""
}

// notAllowed adds a problem for a field given for a claim type that does
// not carry it.
func (c *checker) notAllowed(path string, given bool) {
	if given {
		c.add(path, CodeNotAllowed, "not carried on a %s claim", c.e.ClaimType)
	}
}

// is reports whether the claim type is t.
func (c *checker) is(t claim.Type) bool { return c.e.ClaimType == t }

// oneOf checks a code against a list. It quotes the value only when it
// has the shape of the list's codes (as long as the longest at most,
// letters, digits and underscores): a member ID or a name given in a code's
// place is never repeated.
func (c *checker) oneOf(path, v string, list map[string]bool, code, what string) {
	if v != "" && !list[v] {
		c.add(path, code, "%s is not %s", shown(v, list), what)
	}
}

// shown is how a message names a value that is not one of the codes of a
// list: quoted when it has their shape (see quoted).
func shown(v string, list map[string]bool) string {
	longest := 0
	for k := range list {
		longest = max(longest, len(k))
	}
	return quoted(v, longest)
}

// quoted is how a message names a value given for a code at most n
// characters long: quoted when it has a code's shape (letters, digits and
// underscores, at most n of them), else "the value". So "9921" is quoted
// where a CPT code belongs, and a name or a member ID given in a code's
// place is never repeated.
func quoted(v string, n int) string {
	if v == "" || len(v) > n {
		return "the value"
	}
	for _, r := range v {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return "the value"
		}
	}
	return fmt.Sprintf("%q", v)
}

// claimTypes are the contract's claim types.
var claimTypes = map[string]bool{string(claim.Professional): true, string(claim.Institutional): true, string(claim.Dental): true}

func (c *checker) top() {
	e := c.e
	if c.present("id", e.ID) && len(e.ID) > MaxIDLength {
		c.add("id", CodeTooLong, "%d characters: an id has at most %d", len(e.ID), MaxIDLength)
	}
	c.present("payer_id", e.PayerID)
	switch e.ClaimType {
	case claim.Professional, claim.Institutional, claim.Dental:
	case "":
		c.present("claim_type", "")
	default:
		c.add("claim_type", CodeInvalidClaimType, "%s is not professional, institutional or dental", shown(string(e.ClaimType), claimTypes))
	}
	if e.BillingProvider == nil {
		c.present("billing_provider", "")
	}
	if e.Subscriber == nil {
		c.present("subscriber", "")
	}
	if e.Claim == nil {
		c.present("claim", "")
	}
}
