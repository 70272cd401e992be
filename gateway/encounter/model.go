// Package encounter is the intake side of the gateway: the coded encounter a
// billing system hands over (shared/contracts/encounter.md), its JSON
// decoding, and the scrubber that finds every problem before an encounter
// becomes an 837 claim.
//
// The usual sequence is Decode (or a Reader for a stream), Normalize, Check.
// Nothing here puts an encounter's data into an error message: names, member
// IDs, birth dates, addresses and control numbers are PHI. Code values (ICD,
// CPT, place of service, ...) may be quoted.
package encounter

import (
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Encounter is one coded encounter. Objects are pointers so that a missing
// one is told from an empty one; Check reports the missing ones. The tag
// max is the length of the X12 element a text goes to; scrub:"-" marks the
// fields that do not go to the payer as text.
type Encounter struct {
	ID                string         `json:"id" scrub:"-"`
	ClaimType         claim.Type     `json:"claim_type" scrub:"-"` // professional (837P), institutional (837I), dental (837D)
	PayerID           string         `json:"payer_id" scrub:"-"`
	BillingProvider   *Provider      `json:"billing_provider"`
	RenderingProvider *Provider      `json:"rendering_provider,omitempty"`
	ReferringProvider *Provider      `json:"referring_provider,omitempty"`
	AttendingProvider *Provider      `json:"attending_provider,omitempty"`
	OperatingProvider *Provider      `json:"operating_provider,omitempty"`
	ServiceFacility   *Provider      `json:"service_facility,omitempty"`
	AssistantSurgeon  *Provider      `json:"assistant_surgeon,omitempty"` // 837D 2310D
	Subscriber        *Subscriber    `json:"subscriber"`
	Patient           *Patient       `json:"patient,omitempty"`
	Claim             *Claim         `json:"claim"`
	ServiceLines      []*ServiceLine `json:"service_lines"`
	OtherPayers       []*OtherPayer  `json:"other_payers,omitempty"` // coordination of benefits: 2320/2330A/2330B, and who is billed next
}

// OtherPayer is a payer after the one the encounter is billed to first:
// S the next (secondary), T the one after (tertiary). Every claim of the
// encounter lists the others in 2320/2330A/2330B; when the payer before
// leaves a balance and does not forward the claim, the gateway bills this
// one with that payer's adjudication.
type OtherPayer struct {
	PayerID        string           `json:"payer_id" scrub:"-"` // its route key, and 2330B NM109
	Name           string           `json:"name" max:"60"`      // 2330B NM103
	Responsibility string           `json:"responsibility"`     // 2320 SBR01: S or T
	Subscriber     *OtherSubscriber `json:"subscriber"`         // 2330A, and 2000B/2010BA of the claim to this payer
	Relationship   string           `json:"relationship"`       // 2320 SBR02: the patient's relationship to this subscriber (18 self, 01 spouse, 19 child, ...)
}

// OtherSubscriber is an other payer's insured.
type OtherSubscriber struct {
	MemberID string `json:"member_id" max:"80"`
	Person
	GroupNumber          string `json:"group_number,omitempty" max:"50"`
	ClaimFilingIndicator string `json:"claim_filing_indicator"` // SBR09
}

// Provider is an organization (organization_name) or a person (last_name,
// first_name): the billing provider, the 2310 providers (and the 837D's
// assistant surgeon) and the service facility.
type Provider struct {
	OrganizationName string   `json:"organization_name,omitempty" max:"60"`
	LastName         string   `json:"last_name,omitempty" max:"60"`
	FirstName        string   `json:"first_name,omitempty" max:"35"`
	MiddleName       string   `json:"middle_name,omitempty" max:"25"`
	NPI              string   `json:"npi,omitempty"`
	TaxID            string   `json:"tax_id,omitempty"` // EIN or SSN, 9 digits; billing provider only
	Taxonomy         string   `json:"taxonomy,omitempty"`
	Address          *Address `json:"address,omitempty"`
}

// Address is a US postal address.
type Address struct {
	Line1      string `json:"line1" max:"55"`
	Line2      string `json:"line2,omitempty" max:"55"`
	City       string `json:"city" max:"30"`
	State      string `json:"state"`
	PostalCode string `json:"postal_code"` // 5 or 9 digits
}

// Person holds what the subscriber and the patient share.
type Person struct {
	LastName   string   `json:"last_name" max:"60"`
	FirstName  string   `json:"first_name,omitempty" max:"35"`
	MiddleName string   `json:"middle_name,omitempty" max:"25"`
	BirthDate  string   `json:"birth_date,omitempty"` // YYYY-MM-DD
	Gender     string   `json:"gender,omitempty"`     // M, F or U
	Address    *Address `json:"address,omitempty"`
}

// Subscriber is the insured (2000B/2010BA).
type Subscriber struct {
	MemberID string `json:"member_id" max:"80"`
	Person
	GroupNumber          string `json:"group_number,omitempty" max:"50"`
	GroupName            string `json:"group_name,omitempty" max:"60"`
	ClaimFilingIndicator string `json:"claim_filing_indicator"` // SBR09
	PayerResponsibility  string `json:"payer_responsibility"`   // SBR01
}

// Patient is the patient when not the subscriber (2000C/2010CA).
type Patient struct {
	Relationship string `json:"relationship"` // PAT01: 01 spouse, 19 child, ...
	Person
}

// Claim is the 2300 loop.
type Claim struct {
	PatientControlNumber     string        `json:"patient_control_number"` // CLM01, <= 20 characters
	TotalCharge              *money.Cents  `json:"total_charge"`
	PlaceOfService           string        `json:"place_of_service,omitempty"` // 837P, 837D
	FacilityType             string        `json:"facility_type,omitempty"`    // 837I
	Frequency                string        `json:"frequency,omitempty"`        // CLM05-3; "" means 1
	OriginalPayerClaimNumber string        `json:"original_payer_claim_number,omitempty" max:"50"`
	PriorAuthorization       string        `json:"prior_authorization,omitempty" max:"50"`
	ReferralNumber           string        `json:"referral_number,omitempty" max:"50"`
	StatementFrom            string        `json:"statement_from,omitempty"` // 837I
	StatementTo              string        `json:"statement_to,omitempty"`   // 837I
	Admission                *Admission    `json:"admission,omitempty"`      // 837I
	DischargeHour            string        `json:"discharge_hour,omitempty"` // 837I, HHMM
	PatientStatus            string        `json:"patient_status,omitempty"` // 837I CL1-03
	Diagnoses                []*Diagnosis  `json:"diagnoses"`
	Procedures               []*Procedure  `json:"procedures,omitempty"` // 837I, ICD-10-PCS
	Notes                    string        `json:"notes,omitempty" max:"80"`
	Predetermination         bool          `json:"predetermination,omitempty"` // 837D CLM19 PB: a predetermination of benefits, not a claim
	Orthodontic              *Orthodontic  `json:"orthodontic,omitempty"`      // 837D DN1, DTP*452
	MissingTeeth             []*ToothState `json:"missing_teeth,omitempty"`    // 837D DN2
}

// Orthodontic is the 837D's orthodontic treatment: DN1 (total months,
// months remaining) and the appliance placement date (DTP*452).
type Orthodontic struct {
	TotalMonths     *int   `json:"total_months,omitempty"`
	MonthsRemaining *int   `json:"months_remaining,omitempty"`
	BandingDate     string `json:"banding_date,omitempty"` // YYYY-MM-DD
}

// ToothState is a tooth's status on an 837D (DN2): E to be extracted, M
// missing, X extracted, I impacted.
type ToothState struct {
	Number string `json:"number"`
	Status string `json:"status"`
}

// Tooth is a tooth a dental line treats (TOO*JP), with up to five
// surfaces.
type Tooth struct {
	Number   string   `json:"number"`
	Surfaces []string `json:"surfaces,omitempty"`
}

// Prosthesis is a dental line's prosthesis, crown or inlay (SV305): I
// initial placement or R replacement, with the prior placement's date
// (DTP*441).
type Prosthesis struct {
	Placement string `json:"placement"`
	PriorDate string `json:"prior_date,omitempty"` // YYYY-MM-DD
}

// Admission is the 837I admission: DTP*435 and CL1.
type Admission struct {
	Date   string `json:"date,omitempty"` // YYYY-MM-DD
	Hour   string `json:"hour,omitempty"` // HHMM
	Type   string `json:"type,omitempty"`
	Source string `json:"source,omitempty"`
}

// Diagnosis types.
const (
	DiagPrincipal      = "principal"
	DiagAdmitting      = "admitting"
	DiagReasonForVisit = "reason_for_visit"
	DiagOther          = "other"
)

// Diagnosis is an ICD-10-CM code. Type "" means principal for the first
// diagnosis of a professional claim and other for the rest.
type Diagnosis struct {
	Code               string `json:"code"`
	Type               string `json:"type,omitempty" scrub:"-"`
	PresentOnAdmission string `json:"present_on_admission,omitempty"` // 837I: Y, N, U, W
}

// Procedure is an 837I ICD-10-PCS procedure; Type is principal or other.
type Procedure struct {
	Code string `json:"code"`
	Date string `json:"date"`
	Type string `json:"type,omitempty" scrub:"-"`
}

// ServiceLine is the 2400 loop.
type ServiceLine struct {
	LineID            string         `json:"line_id"` // REF*6R, <= 30 characters
	Procedure         *LineProcedure `json:"procedure,omitempty"`
	RevenueCode       string         `json:"revenue_code,omitempty"` // 837I
	Charge            *money.Cents   `json:"charge"`
	Units             string         `json:"units"`               // a decimal, "1", "0.5"
	UnitType          string         `json:"unit_type,omitempty"` // UN (default), MJ, DA
	ServiceDate       string         `json:"service_date,omitempty"`
	ServiceDateFrom   string         `json:"service_date_from,omitempty"`
	ServiceDateTo     string         `json:"service_date_to,omitempty"`
	DiagnosisPointers []int          `json:"diagnosis_pointers,omitempty"` // 837P and 837D, 1-based
	OralCavityAreas   []string       `json:"oral_cavity_areas,omitempty"`  // 837D SV304
	Prosthesis        *Prosthesis    `json:"prosthesis,omitempty"`         // 837D SV305, DTP*441
	Teeth             []*Tooth       `json:"teeth,omitempty"`              // 837D TOO*JP
}

// LineProcedure is the procedure of a line: a CPT or HCPCS code with the HC
// qualifier (the default), or on a dental line a CDT code with the AD
// qualifier (the default there), and up to four modifiers.
type LineProcedure struct {
	Code      string   `json:"code"`
	Qualifier string   `json:"qualifier,omitempty"`
	Modifiers []string `json:"modifiers,omitempty"`
}
