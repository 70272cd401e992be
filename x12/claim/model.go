// Package claim writes and reads 837 health care claims: professional
// (837P, 005010X222A1), institutional (837I, 005010X223A2) and dental
// (837D, 005010X224A2).
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
	RenderingProvider *Provider `json:"rendering_provider,omitzero"` // 837P 2310B, 837I 2310D, 837D 2310B
	ReferringProvider *Provider `json:"referring_provider,omitzero"` // 837P 2310A, 837I 2310F, 837D 2310A
	AttendingProvider *Provider `json:"attending_provider,omitzero"` // 837I 2310A
	OperatingProvider *Provider `json:"operating_provider,omitzero"` // 837I 2310B
	ServiceFacility   *Provider `json:"service_facility,omitzero"`   // 837P 2310C, 837I 2310E, 837D 2310C
	AssistantSurgeon  *Provider `json:"assistant_surgeon,omitzero"`  // 837D 2310D

	Subscriber Subscriber `json:"subscriber,omitzero"` // 2000B, 2010BA
	Patient    *Patient   `json:"patient,omitzero"`    // 2000C, 2010CA; nil when the patient is the subscriber

	Info         Info          `json:"claim,omitzero"`         // 2300
	ServiceLines []ServiceLine `json:"service_lines,omitzero"` // 2400

	// OtherPayers are the claim's other payers (coordination of
	// benefits), each a 2320 loop with its 2330A and 2330B, in the order
	// the claim lists them; those that adjudicated the claim before (the
	// primary on a secondary claim) carry what they decided.
	OtherPayers []OtherPayer `json:"other_payers,omitzero"`
}

// OtherPayer is a payer of the claim other than the one it is sent to: a
// 2320 loop (SBR, and when it has adjudicated the claim CAS and AMT), OI,
// its subscriber (2330A) and itself (2330B).
type OtherPayer struct {
	Responsibility       string          `json:"responsibility,omitzero"`         // SBR01: P, S, T, ...
	Relationship         string          `json:"relationship,omitzero"`           // SBR02: the patient's relationship to this payer's subscriber (18 self, 01 spouse, 19 child, ...)
	GroupNumber          string          `json:"group_number,omitzero"`           // SBR03
	GroupName            string          `json:"group_name,omitzero"`             // SBR04, the insured's group or plan name
	ClaimFilingIndicator string          `json:"claim_filing_indicator,omitzero"` // SBR09
	Subscriber           OtherSubscriber `json:"subscriber,omitzero"`             // 2330A NM1*IL
	Payer                Payer           `json:"payer,omitzero"`                  // 2330B NM1*PR, PI qualifier
	// Adjudication is what this payer decided on the claim, nil when it
	// has not adjudicated it (a payer after the destination payer).
	Adjudication *Adjudication `json:"adjudication,omitzero"`
}

// OtherSubscriber is an other payer's insured (2330A).
type OtherSubscriber struct {
	MemberID   string  `json:"member_id,omitzero"` // NM109 with qualifier MI
	LastName   string  `json:"last_name,omitzero"`
	FirstName  string  `json:"first_name,omitzero"`
	MiddleName string  `json:"middle_name,omitzero"`
	Address    Address `json:"address,omitzero"` // N3/N4, when known
}

// Adjudication is an other payer's decision on the claim, as its 835 gave
// it: at claim level in 2320 and 2330B, per line in 2430. It balances:
// each adjudicated line's charge = its Paid + Σ its adjustments, and the
// claim's charge = Paid + Σ claim-level adjustments + Σ every line's.
type Adjudication struct {
	Paid                      money.Cents        `json:"paid"`                                 // 2320 AMT*D
	RemainingPatientLiability *money.Cents       `json:"remaining_patient_liability,omitzero"` // 2320 AMT*EAF
	Adjustments               []Adjustment       `json:"adjustments,omitzero"`                 // 2320 CAS, claim level
	Date                      string             `json:"date,omitzero"`                        // 2330B DTP*573, YYYY-MM-DD: the adjudication or payment date
	PayerClaimNumber          string             `json:"payer_claim_number,omitzero"`          // 2330B REF*F8: the payer's claim control number
	Lines                     []LineAdjudication `json:"lines,omitzero"`                       // 2430, one per line it adjudicated
}

// Adjustment is one CAS adjustment: group (CO, PR, OA, PI, CR), reason
// (CARC), amount and quantity.
type Adjustment struct {
	Group    string      `json:"group,omitzero"`
	Reason   string      `json:"reason,omitzero"`
	Amount   money.Cents `json:"amount"`
	Quantity string      `json:"quantity,omitzero"`
}

// LineAdjudication is an other payer's decision on one service line: a
// 2430 loop (SVD, CAS, DTP*573).
type LineAdjudication struct {
	Line        int           `json:"line"`                  // the line (LX01, 1-based) it adjudicated
	Paid        money.Cents   `json:"paid"`                  // SVD02
	Procedure   ProcedureCode `json:"procedure,omitzero"`    // SVD03: the procedure as the payer adjudicated it
	RevenueCode string        `json:"revenue_code,omitzero"` // 837I SVD04
	Units       string        `json:"units,omitzero"`        // SVD05
	Adjustments []Adjustment  `json:"adjustments,omitzero"`  // CAS
	Date        string        `json:"date,omitzero"`         // DTP*573, YYYY-MM-DD
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
	Taxonomy         string  `json:"taxonomy,omitzero"` // PRV03 (billing BI, rendering PE, attending AT, assistant surgeon AS)
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
	PlaceOfService       string      `json:"place_of_service,omitzero"`       // 837P and 837D CLM05-1
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

	// Predetermination makes an 837D a predetermination of benefits, not a
	// claim: CLM19 PB, and no date of service.
	Predetermination bool         `json:"predetermination,omitzero"`
	Orthodontic      *Orthodontic `json:"orthodontic,omitzero"`   // 837D DN1, DTP*452
	MissingTeeth     []ToothState `json:"missing_teeth,omitzero"` // 837D DN2, one a tooth
}

// Orthodontic is an 837D's orthodontic treatment: DN1 and the appliance
// placement date. Without either count, DN104 Y says the services are
// orthodontic.
type Orthodontic struct {
	TotalMonths     *int   `json:"total_months,omitzero"`     // DN101
	MonthsRemaining *int   `json:"months_remaining,omitzero"` // DN102
	BandingDate     string `json:"banding_date,omitzero"`     // DTP*452 D8, YYYY-MM-DD
}

// ToothState is one DN2: a tooth (JP universal numbering) and its status.
type ToothState struct {
	Number string `json:"number,omitzero"` // DN201
	Status string `json:"status,omitzero"` // DN202: E to be extracted, M missing, X extracted, I impacted
}

// Tooth is one TOO*JP of an 837D line: the tooth and up to five surfaces.
type Tooth struct {
	Number   string   `json:"number,omitzero"`   // TOO02
	Surfaces []string `json:"surfaces,omitzero"` // TOO03-1 to TOO03-5: B, D, F, I, L, M, O, V
}

// Prosthesis is SV305 of an 837D line, with the prior placement's date
// (DTP*441) for a replacement.
type Prosthesis struct {
	Placement string `json:"placement,omitzero"`  // I initial, R replacement
	PriorDate string `json:"prior_date,omitzero"` // DTP*441 D8, YYYY-MM-DD
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
	PlaceOfService    string        `json:"place_of_service,omitzero"`   // 837P SV105, 837D SV303, only when it differs from CLM05-1
	DiagnosisPointers []int         `json:"diagnosis_pointers,omitzero"` // 837P SV107, 837D SV311: 1-based into Info.Diagnoses, 1 to 4 of them

	OralCavityAreas []string    `json:"oral_cavity_areas,omitzero"` // 837D SV304, up to 5
	Prosthesis      *Prosthesis `json:"prosthesis,omitzero"`        // 837D SV305, DTP*441
	Teeth           []Tooth     `json:"teeth,omitzero"`             // 837D TOO*JP, up to 32
}

// ProcedureCode is a CPT/HCPCS code (SV101 / SV202), or a CDT code
// (SV301), with its modifiers.
type ProcedureCode struct {
	Code      string   `json:"code,omitzero"`      // "" on an 837I line with a revenue code only
	Qualifier string   `json:"qualifier,omitzero"` // SV101-1 / SV202-1 / SV301-1; "" writes HC (837D: AD)
	Modifiers []string `json:"modifiers,omitzero"` // up to 4
}
