package encounter

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

type want struct{ path, code string }

func cents(s string) *money.Cents {
	c, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return &c
}

// setTotal makes the claim total the sum of the lines again.
func setTotal(e *Encounter) {
	var sum money.Cents
	for _, l := range e.ServiceLines {
		sum += *l.Charge
	}
	e.Claim.TotalCharge = &sum
}

func TestCheckRules(t *testing.T) {
	icd := mustCodeSet(t, "J101 Influenza due to other identified influenza virus with other respiratory manifestations\n")
	hcpcs := mustCodeSet(t, "99214\nJ1100\n")
	patient := func(e *Encounter) {
		e.Patient = &Patient{Relationship: "19", Person: Person{LastName: "DOE", FirstName: "AMY", BirthDate: "2015-01-01", Gender: "F",
			Address: &Address{Line1: "12 OAK AVE", City: "NASHVILLE", State: "TN", PostalCode: "37205"}}}
	}
	tests := []struct {
		name   string
		base   string // "p" or "i"
		change func(e *Encounter)
		opts   Options
		want   []want
	}{
		// Valid variations: no problems.
		{"dotless ICD", "p", func(e *Encounter) { e.Claim.Diagnoses[0].Code = "J101" }, Options{}, nil},
		{"territory and ZIP+4", "p", func(e *Encounter) { e.Subscriber.Address.State, e.Subscriber.Address.PostalCode = "PR", "009011234" }, Options{}, nil},
		{"CPT category II and HCPCS", "p", func(e *Encounter) {
			e.ServiceLines[0].Procedure.Code, e.ServiceLines[1].Procedure.Code = "0001F", "J1100"
		}, Options{}, nil},
		{"four modifiers", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"25", "59", "XS", "76"} }, Options{}, nil},
		{"patient not the subscriber", "p", func(e *Encounter) {
			patient(e)
			e.Subscriber.BirthDate, e.Subscriber.Gender, e.Subscriber.Address = "", "", nil
		}, Options{}, nil},
		{"date range", "p", func(e *Encounter) {
			e.ServiceLines[0].ServiceDate, e.ServiceLines[0].ServiceDateFrom, e.ServiceLines[0].ServiceDateTo = "", "2026-11-01", "2026-11-02"
		}, Options{}, nil},
		{"replacement with original", "p", func(e *Encounter) { e.Claim.Frequency, e.Claim.OriginalPayerClaimNumber = "7", "PAYER123" }, Options{}, nil},
		{"code sets know the codes", "p", func(e *Encounter) {
			e.Claim.Diagnoses = e.Claim.Diagnoses[:1]
			e.ServiceLines[0].DiagnosisPointers = []int{1}
			e.ServiceLines[1].Procedure.Code = "J1100"
		},
			Options{Codes: CodeSets{ICD10CM: icd, HCPCS: hcpcs}}, nil},

		// Top level.
		{"id missing", "p", func(e *Encounter) { e.ID = "" }, Options{}, []want{{"id", CodeRequired}}},
		{"payer missing", "p", func(e *Encounter) { e.PayerID = "" }, Options{}, []want{{"payer_id", CodeRequired}}},
		{"claim type missing", "p", func(e *Encounter) { e.ClaimType = "" }, Options{}, []want{{"claim_type", CodeRequired}}},
		{"claim type unknown", "p", func(e *Encounter) { e.ClaimType = "vision" }, Options{}, []want{{"claim_type", CodeInvalidClaimType}}},
		{"dental with CPT codes", "p", func(e *Encounter) { e.ClaimType = claim.Dental }, Options{},
			[]want{{"service_lines[0].procedure.code", CodeInvalidCDT}, {"service_lines[1].procedure.code", CodeInvalidCDT}}},
		{"billing provider missing", "p", func(e *Encounter) { e.BillingProvider = nil }, Options{}, []want{{"billing_provider", CodeRequired}}},
		{"subscriber missing", "p", func(e *Encounter) { e.Subscriber = nil }, Options{}, []want{{"subscriber", CodeRequired}}},
		{"no lines", "p", func(e *Encounter) { e.ServiceLines = nil; e.Claim.TotalCharge = cents("0") }, Options{}, []want{{"service_lines", CodeRequired}}},

		// Providers.
		{"NPI check digit", "p", func(e *Encounter) { e.BillingProvider.NPI = "1234567890" }, Options{}, []want{{"billing_provider.npi", CodeInvalidNPI}}},
		{"NPI length", "p", func(e *Encounter) { e.RenderingProvider.NPI = "124531959" }, Options{}, []want{{"rendering_provider.npi", CodeInvalidNPI}}},
		{"rendering NPI missing", "p", func(e *Encounter) { e.RenderingProvider.NPI = "" }, Options{}, []want{{"rendering_provider.npi", CodeRequired}}},
		{"billing name missing", "p", func(e *Encounter) { e.BillingProvider.OrganizationName = "" }, Options{}, []want{{"billing_provider.organization_name", CodeRequired}}},
		{"tax ID with dash", "p", func(e *Encounter) { e.BillingProvider.TaxID = "62-1234567" }, Options{}, []want{{"billing_provider.tax_id", CodeInvalidTaxID}}},
		{"tax ID missing", "p", func(e *Encounter) { e.BillingProvider.TaxID = "" }, Options{}, []want{{"billing_provider.tax_id", CodeRequired}}},
		{"billing NPI missing", "p", func(e *Encounter) { e.BillingProvider.NPI = "" }, Options{}, []want{{"billing_provider.npi", CodeRequired}}},
		{"billing NPI missing, 837I", "i", func(e *Encounter) { e.BillingProvider.NPI = "" }, Options{}, []want{{"billing_provider.npi", CodeRequired}}},
		{"tax ID on rendering", "p", func(e *Encounter) { e.RenderingProvider.TaxID = "621234567" }, Options{}, []want{{"rendering_provider.tax_id", CodeNotAllowed}}},
		{"taxonomy", "p", func(e *Encounter) { e.BillingProvider.Taxonomy = "207Q0000" }, Options{}, []want{{"billing_provider.taxonomy", CodeInvalidTaxonomy}}},
		{"billing ZIP needs 9", "p", func(e *Encounter) { e.BillingProvider.Address.PostalCode = "37203" }, Options{}, []want{{"billing_provider.address.postal_code", CodeInvalidZIP}}},
		{"ZIP shape", "p", func(e *Encounter) { e.Subscriber.Address.PostalCode = "3720" }, Options{}, []want{{"subscriber.address.postal_code", CodeInvalidZIP}}},
		{"state", "p", func(e *Encounter) { e.Subscriber.Address.State = "XX" }, Options{}, []want{{"subscriber.address.state", CodeInvalidState}}},
		{"city missing", "p", func(e *Encounter) { e.Subscriber.Address.City = "" }, Options{}, []want{{"subscriber.address.city", CodeRequired}}},
		{"PO box", "p", func(e *Encounter) { e.BillingProvider.Address.Line1 = "P.O. BOX 12" }, Options{}, []want{{"billing_provider.address", CodePOBox}}},
		{"attending on 837P", "p", func(e *Encounter) { e.AttendingProvider = e.RenderingProvider }, Options{}, []want{{"attending_provider", CodeNotAllowed}}},
		{"attending missing on 837I", "i", func(e *Encounter) { e.AttendingProvider = nil }, Options{}, []want{{"attending_provider", CodeRequired}}},
		{"facility without name", "p", func(e *Encounter) {
			e.ServiceFacility = &Provider{Address: &Address{Line1: "1 A ST", City: "NASHVILLE", State: "TN", PostalCode: "372031234"}}
		}, Options{}, []want{{"service_facility.organization_name", CodeRequired}}},
		{"facility as a person", "p", func(e *Encounter) {
			e.ServiceFacility = &Provider{LastName: "SMITH", Address: &Address{Line1: "1 A ST", City: "NASHVILLE", State: "TN", PostalCode: "372031234"}}
		}, Options{}, []want{{"service_facility.organization_name", CodeRequired}}},

		// Subscriber and patient.
		{"member ID missing", "p", func(e *Encounter) { e.Subscriber.MemberID = "" }, Options{}, []want{{"subscriber.member_id", CodeRequired}}},
		{"gender", "p", func(e *Encounter) { e.Subscriber.Gender = "X" }, Options{}, []want{{"subscriber.gender", CodeInvalidGender}}},
		{"gender of patient missing", "p", func(e *Encounter) { e.Subscriber.Gender = "" }, Options{}, []want{{"subscriber.gender", CodeRequired}}},
		{"birth date not real", "p", func(e *Encounter) { e.Subscriber.BirthDate = "1980-02-30" }, Options{}, []want{{"subscriber.birth_date", CodeInvalidDate}}},
		{"birth date in future", "p", func(e *Encounter) { e.Subscriber.BirthDate = "2027-01-01" }, Options{}, []want{{"subscriber.birth_date", CodeFutureDate}}},
		{"filing indicator", "p", func(e *Encounter) { e.Subscriber.ClaimFilingIndicator = "XX" }, Options{}, []want{{"subscriber.claim_filing_indicator", CodeInvalidCode}}},
		{"payer responsibility", "p", func(e *Encounter) { e.Subscriber.PayerResponsibility = "Q" }, Options{}, []want{{"subscriber.payer_responsibility", CodeInvalidCode}}},
		{"relationship self", "p", func(e *Encounter) { patient(e); e.Patient.Relationship = "18" }, Options{}, []want{{"patient.relationship", CodeInvalidCode}}},
		{"service before patient's birth", "p", func(e *Encounter) { patient(e); e.Patient.BirthDate = "2026-11-03" }, Options{},
			[]want{{"service_lines[0].service_date", CodeBeforeBirth}, {"service_lines[1].service_date", CodeBeforeBirth}}},

		// Claim.
		{"PCN missing", "p", func(e *Encounter) { e.Claim.PatientControlNumber = "" }, Options{}, []want{{"claim.patient_control_number", CodeRequired}}},
		{"PCN over 20", "p", func(e *Encounter) { e.Claim.PatientControlNumber = strings.Repeat("P", 21) }, Options{}, []want{{"claim.patient_control_number", CodePCNTooLong}}},
		{"PCN over 17", "p", func(e *Encounter) { e.Claim.PatientControlNumber = strings.Repeat("P", 18) }, Options{}, []want{{"claim.patient_control_number", CodePCNLong}}},
		{"total missing", "p", func(e *Encounter) { e.Claim.TotalCharge = nil }, Options{}, []want{{"claim.total_charge", CodeRequired}}},
		{"total mismatch", "p", func(e *Encounter) { e.Claim.TotalCharge = cents("235.01") }, Options{}, []want{{"claim.total_charge", CodeTotalMismatch}}},
		{"negative line", "p", func(e *Encounter) { e.ServiceLines[1].Charge = cents("-5"); setTotal(e) }, Options{}, []want{{"service_lines[1].charge", CodeNegativeAmount}}},
		{"charge missing", "p", func(e *Encounter) { e.ServiceLines[1].Charge = nil }, Options{}, []want{{"service_lines[1].charge", CodeRequired}}},
		{"place of service", "p", func(e *Encounter) { e.Claim.PlaceOfService = "00" }, Options{}, []want{{"claim.place_of_service", CodeInvalidPOS}}},
		{"place of service missing", "p", func(e *Encounter) { e.Claim.PlaceOfService = "" }, Options{}, []want{{"claim.place_of_service", CodeRequired}}},
		{"frequency", "p", func(e *Encounter) { e.Claim.Frequency = "9" }, Options{}, []want{{"claim.frequency", CodeInvalidFrequency}}},
		{"void without original", "p", func(e *Encounter) { e.Claim.Frequency = "8" }, Options{}, []want{{"claim.original_payer_claim_number", CodeOriginalClaimNeeded}}},
		{"statement dates on 837P", "p", func(e *Encounter) { e.Claim.StatementFrom = "2026-11-02" }, Options{}, []want{{"claim.statement_from", CodeNotAllowed}}},
		{"notes too long", "p", func(e *Encounter) { e.Claim.Notes = strings.Repeat("N", 81) }, Options{}, []want{{"claim.notes", CodeTooLong}}},

		// Diagnoses.
		{"ICD-10-CM shape", "p", func(e *Encounter) { e.Claim.Diagnoses[0].Code = "JX0.1" }, Options{}, []want{{"claim.diagnoses[0].code", CodeInvalidICD10}}},
		{"ICD-10-CM dot place", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "R5.09" }, Options{}, []want{{"claim.diagnoses[1].code", CodeInvalidICD10}}},
		{"diagnosis code missing", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "" }, Options{}, []want{{"claim.diagnoses[1].code", CodeRequired}}},
		{"no diagnoses on 837P", "p", func(e *Encounter) {
			e.Claim.Diagnoses = nil
			for _, l := range e.ServiceLines {
				l.DiagnosisPointers = nil
			}
		}, Options{}, []want{{"claim.diagnoses", CodeRequired}, {"service_lines[0].diagnosis_pointers", CodeRequired}, {"service_lines[1].diagnosis_pointers", CodeRequired}}},
		{"13 diagnoses on 837P", "p", func(e *Encounter) {
			for len(e.Claim.Diagnoses) < 13 {
				e.Claim.Diagnoses = append(e.Claim.Diagnoses, &Diagnosis{Code: "R509"})
			}
		}, Options{}, []want{{"claim.diagnoses", CodeTooManyDiagnoses}}},
		{"admitting on 837P", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Type = DiagAdmitting }, Options{}, []want{{"claim.diagnoses[1].type", CodeInvalidDiagnosisType}}},
		{"diagnosis type", "i", func(e *Encounter) { e.Claim.Diagnoses[2].Type = "secondary" }, Options{}, []want{{"claim.diagnoses[2].type", CodeInvalidDiagnosisType}}},
		{"POA on 837P", "p", func(e *Encounter) { e.Claim.Diagnoses[0].PresentOnAdmission = "Y" }, Options{}, []want{{"claim.diagnoses[0].present_on_admission", CodeNotAllowed}}},
		{"POA value", "i", func(e *Encounter) { e.Claim.Diagnoses[2].PresentOnAdmission = "X" }, Options{}, []want{{"claim.diagnoses[2].present_on_admission", CodeInvalidPOA}}},
		{"no principal on 837I", "i", func(e *Encounter) { e.Claim.Diagnoses[0].Type = DiagOther }, Options{}, []want{{"claim.diagnoses", CodeRequired}}},
		{"two principals", "i", func(e *Encounter) { e.Claim.Diagnoses[2].Type = DiagPrincipal }, Options{}, []want{{"claim.diagnoses[2].type", CodeDuplicatePrincipal}}},
		{"two admitting", "i", func(e *Encounter) { e.Claim.Diagnoses[3].Type = DiagAdmitting }, Options{}, []want{{"claim.diagnoses", CodeTooManyDiagnoses}}},
		{"unknown ICD-10-CM", "p", func(e *Encounter) {}, Options{Codes: CodeSets{ICD10CM: icd}}, []want{{"claim.diagnoses[1].code", CodeUnknownCode}}},

		// 837I claim fields.
		{"facility type", "i", func(e *Encounter) { e.Claim.FacilityType = "1" }, Options{}, []want{{"claim.facility_type", CodeInvalidFacilityType}}},
		{"facility type missing", "i", func(e *Encounter) { e.Claim.FacilityType = "" }, Options{}, []want{{"claim.facility_type", CodeRequired}}},
		{"patient status missing", "i", func(e *Encounter) { e.Claim.PatientStatus = "" }, Options{}, []want{{"claim.patient_status", CodeRequired}}},
		{"statement from missing", "i", func(e *Encounter) { e.Claim.StatementFrom = "" }, Options{}, []want{{"claim.statement_from", CodeRequired}}},
		{"statement order", "i", func(e *Encounter) { e.Claim.StatementTo = "2026-10-27" }, Options{},
			[]want{{"claim.statement_to", CodeDateOrder}, {"service_lines[0].service_date", CodeOutsideStatementPeriod},
				{"service_lines[1].service_date", CodeOutsideStatementPeriod}, {"service_lines[2].service_date", CodeOutsideStatementPeriod}}},
		{"statement in future", "i", func(e *Encounter) { e.Claim.StatementTo = "2026-12-31" }, Options{}, []want{{"claim.statement_to", CodeFutureDate}}},
		{"admission hour", "i", func(e *Encounter) { e.Claim.Admission.Hour = "2460" }, Options{}, []want{{"claim.admission.hour", CodeInvalidTime}}},
		{"admission type", "i", func(e *Encounter) { e.Claim.Admission.Type = "7" }, Options{}, []want{{"claim.admission.type", CodeInvalidCode}}},
		{"place of service on 837I", "i", func(e *Encounter) { e.Claim.PlaceOfService = "11" }, Options{}, []want{{"claim.place_of_service", CodeNotAllowed}}},
		{"ICD-10-PCS shape", "i", func(e *Encounter) { e.Claim.Procedures[0].Code = "4A023NO" }, Options{}, []want{{"claim.procedures[0].code", CodeInvalidICD10PCS}}},
		{"procedure date missing", "i", func(e *Encounter) { e.Claim.Procedures[0].Date = "" }, Options{}, []want{{"claim.procedures[0].date", CodeRequired}}},
		{"procedures on 837P", "p", func(e *Encounter) { e.Claim.Procedures = []*Procedure{{Code: "4A023N7", Date: "2026-11-02"}} }, Options{},
			[]want{{"claim.procedures", CodeNotAllowed}}},

		// Lines.
		{"CPT shape", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "9921" }, Options{}, []want{{"service_lines[1].procedure.code", CodeInvalidCPT}}},
		{"procedure missing on 837P", "p", func(e *Encounter) { e.ServiceLines[1].Procedure = nil }, Options{}, []want{{"service_lines[1].procedure", CodeRequired}}},
		{"qualifier", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Qualifier = "ZZ" }, Options{}, []want{{"service_lines[1].procedure.qualifier", CodeInvalidQualifier}}},
		{"unknown HCPCS", "p", func(e *Encounter) {}, Options{Codes: CodeSets{HCPCS: hcpcs}}, []want{{"service_lines[1].procedure.code", CodeUnknownCode}}},
		{"modifier", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"2"} }, Options{}, []want{{"service_lines[0].procedure.modifiers[0]", CodeInvalidModifier}}},
		{"five modifiers", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"25", "59", "XS", "76", "77"} }, Options{},
			[]want{{"service_lines[0].procedure.modifiers", CodeTooManyModifiers}}},
		{"revenue code", "i", func(e *Encounter) { e.ServiceLines[0].RevenueCode = "120" }, Options{}, []want{{"service_lines[0].revenue_code", CodeInvalidRevenueCode}}},
		{"revenue code missing", "i", func(e *Encounter) { e.ServiceLines[0].RevenueCode = "" }, Options{}, []want{{"service_lines[0].revenue_code", CodeRequired}}},
		{"revenue code on 837P", "p", func(e *Encounter) { e.ServiceLines[0].RevenueCode = "0120" }, Options{}, []want{{"service_lines[0].revenue_code", CodeNotAllowed}}},
		{"units", "p", func(e *Encounter) { e.ServiceLines[0].Units = "0" }, Options{}, []want{{"service_lines[0].units", CodeInvalidUnits}}},
		{"units missing", "p", func(e *Encounter) { e.ServiceLines[0].Units = "" }, Options{}, []want{{"service_lines[0].units", CodeRequired}}},
		{"unit type", "i", func(e *Encounter) { e.ServiceLines[0].UnitType = "MJ" }, Options{}, []want{{"service_lines[0].unit_type", CodeInvalidUnitType}}},
		{"line ID missing", "p", func(e *Encounter) { e.ServiceLines[0].LineID = "" }, Options{}, []want{{"service_lines[0].line_id", CodeRequired}}},
		{"line ID duplicate", "p", func(e *Encounter) { e.ServiceLines[1].LineID = "PCN000123-1" }, Options{}, []want{{"service_lines[1].line_id", CodeDuplicateLineID}}},
		{"line ID over 30", "p", func(e *Encounter) { e.ServiceLines[1].LineID = strings.Repeat("L", 31) }, Options{}, []want{{"service_lines[1].line_id", CodeLineIDTooLong}}},
		{"51 lines on 837P", "p", func(e *Encounter) {
			for i := 2; i < 51; i++ {
				l := *e.ServiceLines[1]
				l.LineID = fmt.Sprintf("L%d", i)
				e.ServiceLines = append(e.ServiceLines, &l)
			}
			setTotal(e)
		}, Options{}, []want{{"service_lines", CodeTooManyLines}}},
		{"1000 lines on 837I", "i", func(e *Encounter) {
			for i := 3; i < 1000; i++ {
				l := *e.ServiceLines[2]
				l.LineID = fmt.Sprintf("L%d", i)
				e.ServiceLines = append(e.ServiceLines, &l)
			}
			setTotal(e)
		}, Options{}, []want{{"service_lines", CodeTooManyLines}}},
		{"service date missing", "p", func(e *Encounter) { e.ServiceLines[0].ServiceDate = "" }, Options{}, []want{{"service_lines[0].service_date", CodeRequired}}},
		{"service date not a date", "p", func(e *Encounter) { e.ServiceLines[0].ServiceDate = "11/02/2026" }, Options{}, []want{{"service_lines[0].service_date", CodeInvalidDate}}},
		{"service date in future", "p", func(e *Encounter) { e.ServiceLines[0].ServiceDate = "2026-11-24" }, Options{}, []want{{"service_lines[0].service_date", CodeFutureDate}}},
		{"service range reversed", "p", func(e *Encounter) {
			e.ServiceLines[0].ServiceDate, e.ServiceLines[0].ServiceDateFrom, e.ServiceLines[0].ServiceDateTo = "", "2026-11-02", "2026-11-01"
		}, Options{}, []want{{"service_lines[0].service_date_to", CodeDateOrder}}},
		{"both date forms", "p", func(e *Encounter) { e.ServiceLines[0].ServiceDateFrom = "2026-11-02" }, Options{}, []want{{"service_lines[0].service_date", CodeConflictingDates}}},
		{"line outside statement", "i", func(e *Encounter) { e.ServiceLines[2].ServiceDate = "2026-11-01" }, Options{}, []want{{"service_lines[2].service_date", CodeOutsideStatementPeriod}}},
		{"pointer past the diagnoses", "p", func(e *Encounter) { e.ServiceLines[1].DiagnosisPointers = []int{3} }, Options{}, []want{{"service_lines[1].diagnosis_pointers[0]", CodeBadPointer}}},
		{"pointer zero", "p", func(e *Encounter) { e.ServiceLines[1].DiagnosisPointers = []int{0} }, Options{}, []want{{"service_lines[1].diagnosis_pointers[0]", CodeBadPointer}}},
		{"pointer twice", "p", func(e *Encounter) { e.ServiceLines[0].DiagnosisPointers = []int{1, 1} }, Options{}, []want{{"service_lines[0].diagnosis_pointers[1]", CodeBadPointer}}},
		{"five pointers", "p", func(e *Encounter) {
			for len(e.Claim.Diagnoses) < 5 {
				e.Claim.Diagnoses = append(e.Claim.Diagnoses, &Diagnosis{Code: "R509"})
			}
			e.ServiceLines[0].DiagnosisPointers = []int{1, 2, 3, 4, 5}
		}, Options{}, []want{{"service_lines[0].diagnosis_pointers", CodeTooManyPointers}}},
		{"pointers on 837I", "i", func(e *Encounter) { e.ServiceLines[0].DiagnosisPointers = []int{1} }, Options{}, []want{{"service_lines[0].diagnosis_pointers", CodeNotAllowed}}},

		// Characters.
		{"element separator", "p", func(e *Encounter) { e.Subscriber.LastName = "DOE*SMITH" }, Options{}, []want{{"subscriber.last_name", CodeDelimiterInData}}},
		{"segment terminator", "p", func(e *Encounter) { e.Claim.PriorAuthorization = "AUTH~1" }, Options{}, []want{{"claim.prior_authorization", CodeDelimiterInData}}},
		{"route's delimiter", "p", func(e *Encounter) { e.Subscriber.Address.Line1 = "12 OAK AVE|APT 2" },
			Options{Delimiters: x12.Delimiters{Element: '|', Component: '>', Repetition: '^', Segment: '~'}}, []want{{"subscriber.address.line1", CodeDelimiterInData}}},
		{"default delimiters not the route's", "p", func(e *Encounter) { e.Subscriber.Address.Line1 = "12 OAK AVE*APT 2" },
			Options{Delimiters: x12.Delimiters{Element: '|', Component: '>', Repetition: '^', Segment: '~'}}, nil},
		{"accented letter", "p", func(e *Encounter) { e.Subscriber.FirstName = "JOSÉ" }, Options{}, []want{{"subscriber.first_name", CodeInvalidCharacter}}},
		{"tab", "p", func(e *Encounter) { e.Claim.Notes = "A\tB" }, Options{}, []want{{"claim.notes", CodeInvalidCharacter}}},
		{"caret", "p", func(e *Encounter) { e.Claim.Notes = "A^B" }, Options{Delimiters: x12.Delimiters{Element: '*', Component: ':', Segment: '~'}},
			[]want{{"claim.notes", CodeInvalidCharacter}}},
		{"modifier with delimiter", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"2:"} }, Options{},
			[]want{{"service_lines[0].procedure.modifiers[0]", CodeInvalidModifier}, {"service_lines[0].procedure.modifiers[0]", CodeDelimiterInData}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := professionalJSON
			if tt.base == "i" {
				src = institutionalJSON
			}
			e := mustDecode(t, src)
			tt.change(e)
			tt.opts.Now = today
			probs := errorsOf(Check(e, tt.opts))
			var got []want
			for _, p := range probs {
				got = append(got, want{p.Path, p.Code})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v\n%+v", got, tt.want, probs)
			}
		})
	}
}

func TestProblemMessages(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	e.ServiceLines[1].Procedure.Code = "9921"
	e.Subscriber.BirthDate = "1980-13-01"
	e.Subscriber.LastName = "DOE*"
	e.Subscriber.MemberID = "XJH12345678~"
	e.BillingProvider.TaxID = "62-123456"
	e.Subscriber.Address.PostalCode = "3720"
	probs := Check(e, Options{Now: today})
	var found bool
	for _, p := range probs {
		if p.Path == "service_lines[1].procedure.code" {
			found = true
			if p.Message != `"9921" is not a CPT or HCPCS code` {
				t.Errorf("message %q, want the contract's", p.Message)
			}
		}
		for _, phi := range []string{"DOE", "XJH", "1980", "62-", "3720"} {
			if strings.Contains(p.Message, phi) {
				t.Errorf("%s: message %q holds PHI %q", p.Path, p.Message, phi)
			}
		}
	}
	if !found {
		t.Errorf("no problem for the bad CPT code: %+v", probs)
	}
}

func TestCodeSetNote(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	notes := 0
	for _, p := range Check(e, Options{Now: today}) {
		if p.Code == CodeCodesNotVerified && p.Severity == SeverityInfo {
			notes++
		}
	}
	if notes != 2 {
		t.Errorf("got %d codes_not_verified notes without code sets, want 2", notes)
	}
	icd := mustCodeSet(t, "J101\nR509\n")
	hcpcs := mustCodeSet(t, "99214\n87804\n")
	if probs := Check(e, Options{Now: today, Codes: CodeSets{ICD10CM: icd, HCPCS: hcpcs}}); len(probs) != 0 {
		t.Errorf("with code sets, want no problems, got %+v", probs)
	}
}

func TestNormalize(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	e.ID = "enc-lower"
	e.Subscriber.LastName = "  doe "
	e.Claim.Diagnoses[0].Code = "j10.1"
	e.ServiceLines[0].Procedure.Modifiers[0] = "xs"
	e.Claim.Frequency = ""
	Normalize(e)
	for _, c := range []struct{ got, want string }{
		{e.ID, "enc-lower"}, {string(e.ClaimType), string(claim.Professional)}, {e.Subscriber.LastName, "DOE"},
		{e.Claim.Diagnoses[0].Code, "J101"}, {e.Claim.Diagnoses[1].Code, "R509"}, {e.ServiceLines[0].Procedure.Modifiers[0], "XS"},
		{e.Claim.Frequency, "1"}, {e.ServiceLines[0].UnitType, "UN"}, {e.ServiceLines[0].Procedure.Qualifier, "HC"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if probs := errorsOf(Check(e, Options{Now: today})); len(probs) != 0 {
		t.Errorf("normalized encounter has problems: %+v", probs)
	}
}

func TestValidNPI(t *testing.T) {
	for s, ok := range map[string]bool{
		"1234567893": true, "1245319599": true, "1730145889": true, "1497758544": true,
		"1234567890": false, "123456789": false, "12345678931": false, "123456789X": false, "": false,
	} {
		if ValidNPI(s) != ok {
			t.Errorf("ValidNPI(%q) = %v, want %v", s, !ok, ok)
		}
	}
}

func TestCodeShapes(t *testing.T) {
	for _, c := range []struct {
		f    func(string) bool
		code string
		ok   bool
	}{
		{ValidICD10CM, "J10.1", true}, {ValidICD10CM, "J101", true}, {ValidICD10CM, "I10", true}, {ValidICD10CM, "S72001A", true},
		{ValidICD10CM, "S72.001A", true}, {ValidICD10CM, "S720011A", false}, {ValidICD10CM, "J1", false}, {ValidICD10CM, "110", false},
		{ValidICD10CM, "J10.", false}, {ValidICD10CM, "J.101", false}, {ValidICD10CM, "j101", false},
		{ValidICD10PCS, "4A023N7", true}, {ValidICD10PCS, "0DTJ4ZZ", true}, {ValidICD10PCS, "0DTJ4Z", false}, {ValidICD10PCS, "0DTI4ZZ", false},
		{ValidHCPCS, "99214", true}, {ValidHCPCS, "0001F", true}, {ValidHCPCS, "0042T", true}, {ValidHCPCS, "0001U", true},
		{ValidHCPCS, "J1100", true}, {ValidHCPCS, "9921", false}, {ValidHCPCS, "0001X", false}, {ValidHCPCS, "JJ100", false}, {ValidHCPCS, "992145", false},
	} {
		if c.f(c.code) != c.ok {
			t.Errorf("%q: got %v, want %v", c.code, !c.ok, c.ok)
		}
	}
}

// A value in a code's place is quoted only when it has a code's shape: a
// name or a member ID given there is never repeated. An id over 80
// characters is refused; ShownID shows 64 of them. Before, "JOHN DOE" and
// "XJH123456789" were quoted back.
func TestMessagesQuoteOnlyCodeShapes(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	e.Claim.Diagnoses[0].Code = "JOHN DOE"
	e.Subscriber.ClaimFilingIndicator = "XJH123456789"
	e.ServiceLines[0].Procedure.Code = "9921"
	e.ID = strings.Repeat("x", 81)
	got := map[string]string{}
	for _, p := range Check(e, Options{Now: today}) {
		got[p.Path] = p.Message
	}
	for path, want := range map[string]string{
		"claim.diagnoses[0].code":           "the value is not an ICD-10-CM code",
		"subscriber.claim_filing_indicator": "the value is not a claim filing indicator (SBR09)",
		"service_lines[0].procedure.code":   `"9921" is not a CPT or HCPCS code`,
		"id":                                "81 characters: an id has at most 80",
	} {
		if got[path] != want {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	if s := ShownID(strings.Repeat("é", 40)); s != strings.Repeat("é", 32)+"..." {
		t.Errorf("ShownID of 80 bytes: %q", s)
	}
	if s := ShownID("E1"); s != "E1" {
		t.Errorf("ShownID(E1) = %q", s)
	}
}

// An unknown key is named in its problem's path up to 64 bytes: a file
// with a key of 3 MB is not printed back whole.
func TestLongUnknownKeyClipped(t *testing.T) {
	key := strings.Repeat("k", 3<<20)
	_, err := DecodeBytes([]byte(`{"id":"E1","` + key + `":1}`))
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("decode: %v", err)
	}
	for _, p := range de.Problems {
		if p.Code == CodeUnknownField && p.Path != strings.Repeat("k", 64)+"..." {
			t.Errorf("path of %d bytes", len(p.Path))
		}
		if len(p.Path) > 70 || len(p.Message) > 200 {
			t.Errorf("problem %.80s...: path %d bytes, message %d", p.Path, len(p.Path), len(p.Message))
		}
	}
}
