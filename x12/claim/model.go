// Package claim writes and reads 837 health care claims: professional
// (837P, 005010X222A1) and institutional (837I, 005010X223A2).
//
// The input model mirrors the encounter intake contract
// (shared/contracts/encounter.md): codes arrive validated and normalized
// (ICD-10 without the dot, upper-case text), dates as "YYYY-MM-DD", hours as
// "HHMM", money as money.Cents. Write puts a list of claims in one
// interchange and records where each claim went; Decode reads the same
// subset back.
package claim

import "github.com/claimsgw/claimsgw/x12/money"

// Claim is one claim: one 2300 loop with its 2400 lines, under the 2000A,
// 2000B and (when the patient is not the subscriber) 2000C loops it needs.
type Claim struct {
	Type  Type  `json:"claim_type,omitzero"`
	Payer Payer `json:"payer,omitzero"` // 2010BB

	BillingProvider   Provider  `json:"billing_provider,omitzero"`   // 2000A PRV, 2010AA
	RenderingProvider *Provider `json:"rendering_provider,omitzero"` // 837P 2310B, 837I 2310D
	ReferringProvider *Provider `json:"referring_provider,omitzero"` // 837P 2310A, 837I 2310F
	AttendingProvider *Provider `json:"attending_provider,omitzero"` // 837I 2310A
	OperatingProvider *Provider `json:"operating_provider,omitzero"` // 837I 2310B
	ServiceFacility   *Provider `json:"service_facility,omitzero"`   // 837P 2310C, 837I 2310E

	Subscriber Subscriber `json:"subscriber,omitzero"` // 2000B, 2010BA
	Patient    *Patient   `json:"patient,omitzero"`    // 2000C, 2010CA; nil when the patient is the subscriber

	Info         Info          `json:"claim,omitzero"`         // 2300
	ServiceLines []ServiceLine `json:"service_lines,omitzero"` // 2400
}

// Payer is the destination payer (2010BB NM1*PR, PI qualifier).
type Payer struct {
	Name string `json:"name,omitzero"`
	ID   string `json:"id,omitzero"`
}

// Address is an N3/N4 pair. The zero Address writes neither.
type Address struct {
	Line1      string `json:"line1,omitzero"`       // N301
	Line2      string `json:"line2,omitzero"`       // N302
	City       string `json:"city,omitzero"`        // N401
	State      string `json:"state,omitzero"`       // N402
	PostalCode string `json:"postal_code,omitzero"` // N403
}

// Provider is a billing, rendering, referring, attending or operating
// provider, or a service facility: an organization (OrganizationName set,
// NM102 2) or a person (LastName set, NM102 1).
type Provider struct {
	OrganizationName string  `json:"organization_name,omitzero"`
	LastName         string  `json:"last_name,omitzero"`
	FirstName        string  `json:"first_name,omitzero"`
	MiddleName       string  `json:"middle_name,omitzero"`
	NPI              string  `json:"npi,omitzero"`      // NM109 with qualifier XX
	TaxID            string  `json:"tax_id,omitzero"`   // billing provider only: REF*EI
	Taxonomy         string  `json:"taxonomy,omitzero"` // PRV03 (billing BI, rendering PE, attending AT)
	Address          Address `json:"address,omitzero"`  // billing provider and service facility only
}

// Subscriber is the insured (2000B SBR, 2010BA).
type Subscriber struct {
	MemberID             string  `json:"member_id,omitzero"` // NM109 with qualifier MI
	LastName             string  `json:"last_name,omitzero"`
	FirstName            string  `json:"first_name,omitzero"`
	MiddleName           string  `json:"middle_name,omitzero"`
	BirthDate            string  `json:"birth_date,omitzero"` // DMG02, YYYY-MM-DD
	Gender               string  `json:"gender,omitzero"`     // DMG03: M, F, U
	Address              Address `json:"address,omitzero"`
	GroupNumber          string  `json:"group_number,omitzero"`           // SBR03
	ClaimFilingIndicator string  `json:"claim_filing_indicator,omitzero"` // SBR09: CI, MB, MC, BL, HM, ...
	PayerResponsibility  string  `json:"payer_responsibility,omitzero"`   // SBR01: P, S, T, ...
}

// Patient is the patient when not the subscriber (2000C, 2010CA).
type Patient struct {
	Relationship string  `json:"relationship,omitzero"` // PAT01: 01 spouse, 19 child, ...
	LastName     string  `json:"last_name,omitzero"`
	FirstName    string  `json:"first_name,omitzero"`
	MiddleName   string  `json:"middle_name,omitzero"`
	BirthDate    string  `json:"birth_date,omitzero"` // YYYY-MM-DD
	Gender       string  `json:"gender,omitzero"`
	Address      Address `json:"address,omitzero"`
}

// Info is the claim level (2300), the contract's "claim" object.
type Info struct {
	PatientControlNumber string      `json:"patient_control_number,omitzero"` // CLM01
	TotalCharge          money.Cents `json:"total_charge"`                    // CLM02
	PlaceOfService       string      `json:"place_of_service,omitzero"`       // 837P CLM05-1
	FacilityType         string      `json:"facility_type,omitzero"`          // 837I CLM05-1
	Frequency            string      `json:"frequency,omitzero"`              // CLM05-3: 1 original, 7 replacement, 8 void

	PriorAuthorization       string `json:"prior_authorization,omitzero"`         // REF*G1
	ReferralNumber           string `json:"referral_number,omitzero"`             // REF*9F
	OriginalPayerClaimNumber string `json:"original_payer_claim_number,omitzero"` // REF*F8, for frequency 7 and 8

	StatementFrom string     `json:"statement_from,omitzero"` // 837I DTP*434 RD8, YYYY-MM-DD
	StatementTo   string     `json:"statement_to,omitzero"`   // 837I DTP*434 RD8
	Admission     *Admission `json:"admission,omitzero"`      // 837I DTP*435, CL101, CL102
	DischargeHour string     `json:"discharge_hour,omitzero"` // 837I DTP*096, HHMM
	PatientStatus string     `json:"patient_status,omitzero"` // 837I CL103

	Diagnoses  []Diagnosis `json:"diagnoses,omitzero"`  // HI
	Procedures []Procedure `json:"procedures,omitzero"` // 837I HI BBR/BBQ
	Notes      string      `json:"notes,omitzero"`      // NTE*ADD
}

// Admission is the 837I admission.
type Admission struct {
	Date   string `json:"date,omitzero"`   // DTP*435, YYYY-MM-DD
	Hour   string `json:"hour,omitzero"`   // HHMM; with Date, DTP*435 is DT, else D8
	Type   string `json:"type,omitzero"`   // CL101
	Source string `json:"source,omitzero"` // CL102
}

// DiagnosisType says which HI qualifier a diagnosis takes.
type DiagnosisType string

const (
	Principal      DiagnosisType = "principal"        // ABK
	Admitting      DiagnosisType = "admitting"        // ABJ, 837I
	ReasonForVisit DiagnosisType = "reason_for_visit" // APR, 837I
	Other          DiagnosisType = "other"            // ABF
)

// Diagnosis is an ICD-10-CM code without the dot. Diagnoses come in the
// order the HI segments carry them: the principal first, then (837I) the
// admitting diagnosis, the reasons for visit, then the others.
type Diagnosis struct {
	Code               string        `json:"code,omitzero"`
	Type               DiagnosisType `json:"type,omitzero"`
	PresentOnAdmission string        `json:"present_on_admission,omitzero"` // 837I HI0x-9 of principal and other diagnoses: Y, N, U, W
}

// ProcedureType says which HI qualifier a procedure takes.
type ProcedureType string

const (
	PrincipalProcedure ProcedureType = "principal" // BBR
	OtherProcedure     ProcedureType = "other"     // BBQ
)

// Procedure is an 837I ICD-10-PCS procedure; the principal comes first.
type Procedure struct {
	Code string        `json:"code,omitzero"`
	Date string        `json:"date,omitzero"` // YYYY-MM-DD
	Type ProcedureType `json:"type,omitzero"`
}

// ServiceLine is one 2400 loop.
type ServiceLine struct {
	LineID            string        `json:"line_id,omitzero"` // REF*6R
	Procedure         ProcedureCode `json:"procedure,omitzero"`
	RevenueCode       string        `json:"revenue_code,omitzero"`      // 837I SV201
	Charge            money.Cents   `json:"charge"`                     // SV102 / SV203
	Units             string        `json:"units,omitzero"`             // SV104 / SV205, a decimal number
	UnitType          string        `json:"unit_type,omitzero"`         // SV103 / SV204: UN, MJ, DA; "" writes UN
	ServiceDate       string        `json:"service_date,omitzero"`      // DTP*472 D8, YYYY-MM-DD
	ServiceDateFrom   string        `json:"service_date_from,omitzero"` // DTP*472 RD8 when ServiceDate is empty
	ServiceDateTo     string        `json:"service_date_to,omitzero"`
	PlaceOfService    string        `json:"place_of_service,omitzero"`   // 837P SV105, only when it differs from CLM05-1
	DiagnosisPointers []int         `json:"diagnosis_pointers,omitzero"` // 837P SV107: 1-based into Info.Diagnoses, 1 to 4 of them
}

// ProcedureCode is a CPT/HCPCS code with its modifiers (SV101 / SV202).
type ProcedureCode struct {
	Code      string   `json:"code,omitzero"`      // "" on an 837I line with a revenue code only
	Qualifier string   `json:"qualifier,omitzero"` // SV101-1 / SV202-1; "" writes HC
	Modifiers []string `json:"modifiers,omitzero"` // up to 4
}
