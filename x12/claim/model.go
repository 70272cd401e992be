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

// Type is the kind of claim, as the contract's claim_type names it.
type Type string

const (
	Professional  Type = "professional"  // 837P, 005010X222A1
	Institutional Type = "institutional" // 837I, 005010X223A2
)

// Implementation guide references (GS08 and ST03).
const (
	VersionProfessional  = "005010X222A1"
	VersionInstitutional = "005010X223A2"
)

// Version returns the implementation guide reference of the type, "" for
// an unknown one.
func (t Type) Version() string {
	switch t {
	case Professional:
		return VersionProfessional
	case Institutional:
		return VersionInstitutional
	}
	return ""
}

// Claim is one claim: one 2300 loop with its 2400 lines, under the 2000A,
// 2000B and (when the patient is not the subscriber) 2000C loops it needs.
type Claim struct {
	Type  Type
	Payer Payer // 2010BB

	BillingProvider   Provider  // 2000A PRV, 2010AA
	RenderingProvider *Provider // 837P 2310B, 837I 2310D
	ReferringProvider *Provider // 837P 2310A, 837I 2310F
	AttendingProvider *Provider // 837I 2310A
	OperatingProvider *Provider // 837I 2310B
	ServiceFacility   *Provider // 837P 2310C, 837I 2310E

	Subscriber Subscriber // 2000B, 2010BA
	Patient    *Patient   // 2000C, 2010CA; nil when the patient is the subscriber

	Info         Info          // 2300
	ServiceLines []ServiceLine // 2400
}

// Payer is the destination payer (2010BB NM1*PR, PI qualifier).
type Payer struct {
	Name string
	ID   string
}

// Address is an N3/N4 pair. The zero Address writes neither.
type Address struct {
	Line1, Line2 string // N301, N302
	City         string // N401
	State        string // N402
	PostalCode   string // N403
}

// Provider is a billing, rendering, referring, attending or operating
// provider, or a service facility: an organization (OrganizationName set,
// NM102 2) or a person (LastName set, NM102 1).
type Provider struct {
	OrganizationName string
	LastName         string
	FirstName        string
	MiddleName       string
	NPI              string  // NM109 with qualifier XX
	TaxID            string  // billing provider only: REF*EI
	Taxonomy         string  // PRV03 (billing BI, rendering PE, attending AT)
	Address          Address // billing provider and service facility only
}

// Subscriber is the insured (2000B SBR, 2010BA).
type Subscriber struct {
	MemberID             string // NM109 with qualifier MI
	LastName             string
	FirstName            string
	MiddleName           string
	BirthDate            string // DMG02, YYYY-MM-DD
	Gender               string // DMG03: M, F, U
	Address              Address
	GroupNumber          string // SBR03
	ClaimFilingIndicator string // SBR09: CI, MB, MC, BL, HM, ...
	PayerResponsibility  string // SBR01: P, S, T, ...
}

// Patient is the patient when not the subscriber (2000C, 2010CA).
type Patient struct {
	Relationship string // PAT01: 01 spouse, 19 child, ...
	LastName     string
	FirstName    string
	MiddleName   string
	BirthDate    string // YYYY-MM-DD
	Gender       string
	Address      Address
}

// Info is the claim level (2300), the contract's "claim" object.
type Info struct {
	PatientControlNumber string      // CLM01
	TotalCharge          money.Cents // CLM02
	PlaceOfService       string      // 837P CLM05-1
	FacilityType         string      // 837I CLM05-1
	Frequency            string      // CLM05-3: 1 original, 7 replacement, 8 void

	PriorAuthorization       string // REF*G1
	ReferralNumber           string // REF*9F
	OriginalPayerClaimNumber string // REF*F8, for frequency 7 and 8

	StatementFrom string     // 837I DTP*434 RD8, YYYY-MM-DD
	StatementTo   string     // 837I DTP*434 RD8
	Admission     *Admission // 837I DTP*435, CL101, CL102
	DischargeHour string     // 837I DTP*096, HHMM
	PatientStatus string     // 837I CL103

	Diagnoses  []Diagnosis // HI
	Procedures []Procedure // 837I HI BBR/BBQ
	Notes      string      // NTE*ADD
}

// Admission is the 837I admission.
type Admission struct {
	Date   string // DTP*435, YYYY-MM-DD
	Hour   string // HHMM; with Date, DTP*435 is DT, else D8
	Type   string // CL101
	Source string // CL102
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
	Code               string
	Type               DiagnosisType
	PresentOnAdmission string // 837I HI0x-9 of principal and other diagnoses: Y, N, U, W
}

// ProcedureType says which HI qualifier a procedure takes.
type ProcedureType string

const (
	PrincipalProcedure ProcedureType = "principal" // BBR
	OtherProcedure     ProcedureType = "other"     // BBQ
)

// Procedure is an 837I ICD-10-PCS procedure; the principal comes first.
type Procedure struct {
	Code string
	Date string // YYYY-MM-DD
	Type ProcedureType
}

// ServiceLine is one 2400 loop.
type ServiceLine struct {
	LineID            string // REF*6R
	Procedure         ProcedureCode
	RevenueCode       string      // 837I SV201
	Charge            money.Cents // SV102 / SV203
	Units             string      // SV104 / SV205, a decimal number
	UnitType          string      // SV103 / SV204: UN, MJ, DA; "" writes UN
	ServiceDate       string      // DTP*472 D8, YYYY-MM-DD
	ServiceDateFrom   string      // DTP*472 RD8 when ServiceDate is empty
	ServiceDateTo     string
	PlaceOfService    string // 837P SV105, only when it differs from CLM05-1
	DiagnosisPointers []int  // 837P SV107: 1-based into Info.Diagnoses, 1 to 4 of them
}

// ProcedureCode is a CPT/HCPCS code with its modifiers (SV101 / SV202).
type ProcedureCode struct {
	Code      string   // "" on an 837I line with a revenue code only
	Qualifier string   // SV101-1 / SV202-1; "" writes HC
	Modifiers []string // up to 4
}
