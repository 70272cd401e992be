// Package remit decodes 835 health care claim payment/advice transaction
// sets (005010X221A1; 004010X091A1 as far as it matches) into typed models
// that a payment poster can use: the payment, payer and payee, every claim
// with its adjustments and service lines, and the provider-level
// adjustments. It checks the balancing rules of the guide (SNIP 3) as it
// goes and reports problems as positioned *x12.Error values.
//
// Every struct records the x12.Position of the segment it came from (not
// written to JSON). The JSON form follows the remittance part of
// shared/contracts/x12-json.md.
package remit

import (
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Remittance is one 835 transaction set (ST to SE): one payment.
type Remittance struct {
	Position            x12.Position          `json:"-"` // the ST
	ControlNumber       string                `json:"-"` // ST02
	Payment             Payment               `json:"payment"`
	Currency            *Currency             `json:"currency,omitempty"`        // CUR
	ReceiverID          string                `json:"receiver_id,omitempty"`     // REF*EV
	VersionID           string                `json:"version_id,omitempty"`      // REF*F2
	ProductionDate      string                `json:"production_date,omitempty"` // DTM*405
	Payer               Payer                 `json:"payer"`
	Payee               Payee                 `json:"payee"`
	Headers             []*Header             `json:"headers,omitempty"` // LX with TS3/TS2
	Claims              []*Claim              `json:"claims"`
	ProviderAdjustments []*ProviderAdjustment `json:"provider_adjustments,omitempty"`
}

// Payment is the BPR (financial information) and TRN (reassociation trace
// number) of the set.
type Payment struct {
	Position                 x12.Position `json:"-"`                                    // the BPR
	HandlingCode             string       `json:"handling_code"`                        // BPR01
	Amount                   money.Cents  `json:"amount"`                               // BPR02
	CreditDebit              string       `json:"credit_debit"`                         // BPR03
	Method                   string       `json:"method"`                               // BPR04: ACH, CHK, NON, FWT, BOP
	Format                   string       `json:"format,omitempty"`                     // BPR05: CCP, CTX
	SenderDFIQualifier       string       `json:"sender_dfi_qualifier,omitempty"`       // BPR06
	SenderBankID             string       `json:"sender_bank_id,omitempty"`             // BPR07
	SenderAccountQualifier   string       `json:"sender_account_qualifier,omitempty"`   // BPR08
	SenderAccount            string       `json:"sender_account,omitempty"`             // BPR09
	PayerID                  string       `json:"payer_id,omitempty"`                   // BPR10
	PayerSupplementalCode    string       `json:"payer_supplemental_code,omitempty"`    // BPR11
	ReceiverDFIQualifier     string       `json:"receiver_dfi_qualifier,omitempty"`     // BPR12
	ReceiverBankID           string       `json:"receiver_bank_id,omitempty"`           // BPR13
	ReceiverAccountQualifier string       `json:"receiver_account_qualifier,omitempty"` // BPR14
	ReceiverAccount          string       `json:"receiver_account,omitempty"`           // BPR15
	Date                     string       `json:"date,omitempty"`                       // BPR16

	TracePosition              x12.Position `json:"-"`                                      // the TRN
	TraceType                  string       `json:"trace_type,omitempty"`                   // TRN01
	TraceNumber                string       `json:"trace_number,omitempty"`                 // TRN02
	OriginatorID               string       `json:"originator_id,omitempty"`                // TRN03
	OriginatorSupplementalCode string       `json:"originator_supplemental_code,omitempty"` // TRN04
}

// Currency is the CUR segment: a payment in another currency.
type Currency struct {
	Position x12.Position `json:"-"`
	Entity   string       `json:"entity"`         // CUR01
	Code     string       `json:"code"`           // CUR02
	Rate     string       `json:"rate,omitempty"` // CUR03, as sent
}

// Payer is loop 1000A, N1*PR.
type Payer struct {
	Position    x12.Position `json:"-"` // the N1
	Name        string       `json:"name"`
	IDQualifier string       `json:"id_qualifier,omitempty"` // N103
	// ID is N104, or else the REF*2U payer identification.
	ID         string      `json:"id,omitempty"`
	Address    *Address    `json:"address,omitempty"`
	References []Reference `json:"references,omitempty"` // REF 2U, EO, HI, NF
	Contacts   []Contact   `json:"contacts,omitempty"`   // PER CX, BL, IC
}

// Payee is loop 1000B, N1*PE.
type Payee struct {
	Position    x12.Position `json:"-"` // the N1
	Name        string       `json:"name"`
	IDQualifier string       `json:"id_qualifier,omitempty"` // N103: XX, FI, XV
	ID          string       `json:"id,omitempty"`           // N104
	NPI         string       `json:"npi,omitempty"`          // N104 when N103 is XX
	// TaxID is N104 when N103 is FI, or else REF*TJ.
	TaxID      string      `json:"tax_id,omitempty"`
	Address    *Address    `json:"address,omitempty"`
	References []Reference `json:"references,omitempty"` // REF TJ, PQ, 0B, D3
}

// Address is an N3 and N4.
type Address struct {
	Position   x12.Position `json:"-"`               // the N3, or the N4 without one
	Lines      []string     `json:"lines,omitempty"` // N301, N302
	City       string       `json:"city,omitempty"`
	State      string       `json:"state,omitempty"`
	PostalCode string       `json:"postal_code,omitempty"`
	Country    string       `json:"country,omitempty"` // N404
}

// Reference is a REF: a qualifier and an identifier.
type Reference struct {
	Position  x12.Position `json:"-"`
	Qualifier string       `json:"qualifier"`
	Value     string       `json:"value"`
}

// Contact is a PER: a contact function, name and numbers.
type Contact struct {
	Position x12.Position    `json:"-"`
	Function string          `json:"function"` // PER01: CX, BL, IC
	Name     string          `json:"name,omitempty"`
	Numbers  []Communication `json:"numbers,omitempty"` // PER03-08
}

// Communication is one qualifier and number of a PER (TE, EM, FX, UR, EX).
type Communication struct {
	Qualifier string `json:"qualifier"`
	Number    string `json:"number"`
}

// Header is an LX (header number) with its provider summary (TS3) and
// supplemental summary (TS2).
type Header struct {
	Position     x12.Position `json:"-"` // the LX
	Number       string       `json:"number"`
	Summary      *Summary     `json:"summary,omitempty"`      // TS3
	Supplemental *Summary     `json:"supplemental,omitempty"` // TS2
}

// Summary is a TS3 or TS2. TS3 fills the named fields; the other elements
// are in Values by element number.
type Summary struct {
	Position         x12.Position `json:"-"`
	ProviderID       string       `json:"provider_id,omitempty"`        // TS301
	FacilityType     string       `json:"facility_type,omitempty"`      // TS302
	FiscalPeriodDate string       `json:"fiscal_period_date,omitempty"` // TS303
	ClaimCount       string       `json:"claim_count,omitempty"`        // TS304
	Values           []Value      `json:"values,omitempty"`
}

// Value is one element of a segment kept by position (TS2, TS3, MIA, MOA):
// money in Amount, anything else (quantities, rates) as sent in Value.
type Value struct {
	Element int           `json:"element"`
	Amount  OptionalCents `json:"amount,omitzero"`
	Value   string        `json:"value,omitempty"`
}

// OptionalCents is an amount that may be absent. Its JSON form is the
// amount; a struct field tagged omitzero leaves it out when absent.
type OptionalCents struct {
	Cents money.Cents
	Valid bool
}

// IsZero reports whether the amount is absent.
func (o OptionalCents) IsZero() bool { return !o.Valid }

// MarshalJSON writes the amount as money.Cents does.
func (o OptionalCents) MarshalJSON() ([]byte, error) { return o.Cents.MarshalJSON() }

// Claim is loop 2100: a CLP and what follows it up to the next CLP, LX,
// PLB or SE.
type Claim struct {
	Position                x12.Position `json:"-"`                            // the CLP
	Header                  string       `json:"header_number,omitempty"`      // LX01 of the enclosing header
	PatientControlNumber    string       `json:"patient_control_number"`       // CLP01
	StatusCode              string       `json:"status_code"`                  // CLP02
	Charge                  money.Cents  `json:"charge"`                       // CLP03
	Paid                    money.Cents  `json:"paid"`                         // CLP04
	PatientResponsibility   money.Cents  `json:"patient_responsibility"`       // CLP05, 0 when absent
	FilingIndicator         string       `json:"filing_indicator,omitempty"`   // CLP06
	PayerClaimControlNumber string       `json:"payer_claim_control_number"`   // CLP07
	FacilityType            string       `json:"facility_type,omitempty"`      // CLP08
	Frequency               string       `json:"frequency,omitempty"`          // CLP09
	PatientStatus           string       `json:"patient_status,omitempty"`     // CLP10 (not used in 5010)
	DRG                     string       `json:"drg,omitempty"`                // CLP11
	DRGWeight               string       `json:"drg_weight,omitempty"`         // CLP12, as sent
	DischargeFraction       string       `json:"discharge_fraction,omitempty"` // CLP13, as sent

	Patient                Name  `json:"patient"`                            // NM1*QC
	Insured                *Name `json:"insured,omitempty"`                  // NM1*IL
	CorrectedPatient       *Name `json:"corrected_patient,omitempty"`        // NM1*74
	RenderingProvider      *Name `json:"rendering_provider,omitempty"`       // NM1*82
	CrossoverCarrier       *Name `json:"crossover_carrier,omitempty"`        // NM1*TT
	CorrectedPriorityPayer *Name `json:"corrected_priority_payer,omitempty"` // NM1*PR
	OtherSubscriber        *Name `json:"other_subscriber,omitempty"`         // NM1*GB

	Adjustments     []Adjustment      `json:"adjustments,omitempty"`         // claim-level CAS
	Inpatient       *Adjudication     `json:"inpatient,omitempty"`           // MIA
	Outpatient      *Adjudication     `json:"outpatient,omitempty"`          // MOA
	References      []Reference       `json:"references,omitempty"`          // REF
	StatementFrom   string            `json:"statement_from,omitempty"`      // DTM*232
	StatementTo     string            `json:"statement_to,omitempty"`        // DTM*233
	CoverageExpires string            `json:"coverage_expiration,omitempty"` // DTM*036
	Received        string            `json:"received,omitempty"`            // DTM*050
	Contacts        []Contact         `json:"contacts,omitempty"`            // PER*CX
	Amounts         []QualifiedAmount `json:"amounts,omitempty"`             // AMT
	Quantities      []Quantity        `json:"quantities,omitempty"`          // QTY
	ServiceLines    []*ServiceLine    `json:"service_lines,omitempty"`
}

// Name is an NM1. For an organization (NM102 = 2) LastName is its name.
// The identifier NM109 is MemberID for patients and subscribers (QC, IL, 74,
// GB) and ID for providers and payers (82, TT, PR).
type Name struct {
	Position    x12.Position `json:"-"`
	EntityType  string       `json:"entity_type,omitempty"` // NM102: 1 person, 2 organization
	LastName    string       `json:"last_name,omitempty"`
	FirstName   string       `json:"first_name,omitempty"`
	MiddleName  string       `json:"middle_name,omitempty"`
	Suffix      string       `json:"suffix,omitempty"`
	IDQualifier string       `json:"id_qualifier,omitempty"` // NM108
	MemberID    string       `json:"member_id,omitempty"`
	ID          string       `json:"id,omitempty"`
}

// Adjustment is one group/reason/amount/quantity triplet of a CAS.
type Adjustment struct {
	Position x12.Position `json:"-"` // the CAS
	Element  int          `json:"-"` // the element of the reason code: 2, 5, ... 17
	Group    string       `json:"group"`
	Reason   string       `json:"reason"`
	Amount   money.Cents  `json:"amount"`
	Quantity string       `json:"quantity,omitempty"` // as sent
}

// Adjudication is an MIA (inpatient) or MOA (outpatient): the remark codes
// and the other elements by position.
type Adjudication struct {
	Position x12.Position `json:"-"`
	Remarks  []string     `json:"remarks,omitempty"`
	Values   []Value      `json:"values,omitempty"`
}

// QualifiedAmount is an AMT.
type QualifiedAmount struct {
	Position  x12.Position `json:"-"`
	Qualifier string       `json:"qualifier"`
	Amount    money.Cents  `json:"amount"`
}

// Quantity is a QTY, the quantity as sent.
type Quantity struct {
	Position  x12.Position `json:"-"`
	Qualifier string       `json:"qualifier"`
	Quantity  string       `json:"quantity"`
}

// ServiceLine is loop 2110: an SVC and what follows it.
type ServiceLine struct {
	Position          x12.Position `json:"-"`                            // the SVC
	Procedure         Procedure    `json:"procedure"`                    // SVC01
	Charge            money.Cents  `json:"charge"`                       // SVC02
	Paid              money.Cents  `json:"paid"`                         // SVC03
	RevenueCode       string       `json:"revenue_code,omitempty"`       // SVC04
	Units             string       `json:"units,omitempty"`              // SVC05, as sent
	OriginalProcedure *Procedure   `json:"original_procedure,omitempty"` // SVC06
	OriginalUnits     string       `json:"original_units,omitempty"`     // SVC07

	ServiceDate     string `json:"service_date,omitempty"`      // DTM*472
	ServiceDateFrom string `json:"service_date_from,omitempty"` // DTM*150
	ServiceDateTo   string `json:"service_date_to,omitempty"`   // DTM*151

	Adjustments           []Adjustment      `json:"adjustments,omitempty"`              // line-level CAS
	LineItemControlNumber string            `json:"line_item_control_number,omitempty"` // REF*6R
	References            []Reference       `json:"references,omitempty"`               // other REF: LU, 0K, APC, E9, G1, ...
	Allowed               OptionalCents     `json:"allowed,omitzero"`                   // AMT*B6
	Amounts               []QualifiedAmount `json:"amounts,omitempty"`                  // other AMT: KH, T, T2, ZK, ...
	Quantities            []Quantity        `json:"quantities,omitempty"`               // QTY
	Remarks               []string          `json:"remarks,omitempty"`                  // LQ*HE
	RejectCodes           []string          `json:"ncpdp_reject_codes,omitempty"`       // LQ*RX
}

// Procedure is an SVC01 or SVC06 composite.
type Procedure struct {
	Qualifier   string   `json:"qualifier"` // HC, AD, N4, NU, ...
	Code        string   `json:"code"`
	Modifiers   []string `json:"modifiers,omitempty"`
	Description string   `json:"description,omitempty"`
}

// ProviderAdjustment is one reason/amount pair of a PLB.
type ProviderAdjustment struct {
	Position         x12.Position `json:"-"` // the PLB
	Element          int          `json:"-"` // the element of the pair's composite: 3, 5, ... 13
	ProviderID       string       `json:"provider_id"`
	FiscalPeriodDate string       `json:"fiscal_period_date"`
	Reason           string       `json:"reason"`              // PLB03-1
	Reference        string       `json:"reference,omitempty"` // PLB03-2
	Amount           money.Cents  `json:"amount"`              // PLB04
}
