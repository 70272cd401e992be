// Package status decodes claim status transaction sets: the 277CA claim
// acknowledgment (005010X214) and the 277 claim status response and
// notification (005010X212). Its JSON form is the "claim_status" part of
// the contract in shared/contracts/x12-json.md.
//
// The HL hierarchy is flattened: a ClaimStatus lists the information
// sources (HL 20), receivers (HL 21), providers (HL 19) and claims of the
// set in file order, and each claim points at the payer, billing provider,
// patient and subscriber above it.
package status

import (
	"cmp"
	"io"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// ClaimStatus is one 277 or 277CA transaction set.
type ClaimStatus struct {
	Pos             x12.Position `json:"-"`    // ST
	Type            string       `json:"type"` // ST01: 277
	Implementation  string       `json:"implementation,omitempty"`
	Reference       string       `json:"reference,omitempty"`        // BHT03
	Date            string       `json:"date,omitempty"`             // BHT04
	Time            string       `json:"time,omitempty"`             // BHT05
	TransactionType string       `json:"transaction_type,omitempty"` // BHT06: TH (277CA), DG (277)
	Sources         []*Source    `json:"sources"`
	Receivers       []*Receiver  `json:"receivers"`
	Providers       []*Provider  `json:"providers,omitempty"`
	Claims          []*Claim     `json:"claims"`
}

// Party is an organization or person named by an NM1 at the source,
// receiver or provider level.
type Party struct {
	Pos         x12.Position `json:"-"`      // NM1
	Entity      string       `json:"entity"` // NM101: PR, 41, 85, 1P...
	Name        string       `json:"name"`   // NM103: organization or last name
	FirstName   string       `json:"first_name,omitempty"`
	NPI         string       `json:"npi,omitempty"`    // NM109 when NM108 is XX
	TaxID       string       `json:"tax_id,omitempty"` // NM109 when NM108 is FI
	IDQualifier string       `json:"id_qualifier,omitempty"`
	ID          string       `json:"id,omitempty"` // NM109 under any other qualifier
}

// Person is a patient or subscriber (NM1 QC or IL).
type Person struct {
	Pos        x12.Position `json:"-"` // NM1
	LastName   string       `json:"last_name"`
	FirstName  string       `json:"first_name,omitempty"`
	MiddleName string       `json:"middle_name,omitempty"`
	MemberID   string       `json:"member_id,omitempty"` // NM109; a dependent without one gets the subscriber's
}

// Source is the information source level (HL 20), the payer.
type Source struct {
	Pos x12.Position `json:"-"` // HL
	Party
	TraceNumber string `json:"trace_number,omitempty"` // TRN02
	ReceiptDate string `json:"receipt_date,omitempty"` // DTP*050
	ProcessDate string `json:"process_date,omitempty"` // DTP*009
}

// Receiver is the information receiver level (HL 21): the submitter.
type Receiver struct {
	Pos x12.Position `json:"-"` // HL
	Party
	TraceNumber string    `json:"trace_number,omitempty"` // TRN02, e.g. the BHT03 of the 837 acknowledged
	Statuses    []*Status `json:"statuses"`
	Totals
}

// Provider is the billing or service provider level (HL 19).
type Provider struct {
	Pos x12.Position `json:"-"` // HL
	Party
	TraceNumber string    `json:"trace_number,omitempty"`
	Statuses    []*Status `json:"statuses,omitempty"`
	Totals
}

// Totals are the QTY and AMT segments of a receiver or provider level.
type Totals struct {
	AcceptedQuantity string       `json:"accepted_quantity,omitempty"` // QTY*90 or QTY*QA
	RejectedQuantity string       `json:"rejected_quantity,omitempty"` // QTY*AA or QTY*QC
	AcceptedAmount   *money.Cents `json:"accepted_amount,omitempty"`   // AMT*YU
	RejectedAmount   *money.Cents `json:"rejected_amount,omitempty"`   // AMT*YY
}

// Status is one status composite of an STC: STC01, STC10 or STC11, with
// the rest of the STC.
type Status struct {
	Pos              x12.Position `json:"-"`        // STC
	Category         string       `json:"category"` // C043-1, see CategoryDescription
	Code             string       `json:"code"`     // C043-2, claim status code
	Entity           string       `json:"entity,omitempty"`
	CodeList         string       `json:"code_list,omitempty"` // C043-4, e.g. RX for an NCPDP reject code
	Date             string       `json:"date,omitempty"`      // STC02
	ActionCode       string       `json:"action_code,omitempty"`
	Charge           *money.Cents `json:"charge,omitempty"` // STC04
	Paid             *money.Cents `json:"paid,omitempty"`   // STC05
	AdjudicationDate string       `json:"adjudication_date,omitempty"`
	PaymentMethod    string       `json:"payment_method,omitempty"`
	CheckDate        string       `json:"check_date,omitempty"`
	CheckNumber      string       `json:"check_number,omitempty"`
	Message          string       `json:"message,omitempty"` // STC12
}

// Claim is one claim status tracking loop: the TRN at the patient,
// subscriber or dependent level and what follows it.
type Claim struct {
	Pos                     x12.Position   `json:"-"`                      // TRN
	PatientControlNumber    string         `json:"patient_control_number"` // TRN02, the CLM01 of the claim
	PayerClaimControlNumber string         `json:"payer_claim_control_number,omitempty"`
	ClearinghouseTrace      string         `json:"clearinghouse_trace,omitempty"`    // REF*D9
	BillType                string         `json:"bill_type,omitempty"`              // REF*BLT
	PatientAccountNumber    string         `json:"patient_account_number,omitempty"` // REF*EJ
	References              []*Reference   `json:"references,omitempty"`             // other REF
	Charge                  *money.Cents   `json:"charge,omitempty"`                 // the first STC04
	Paid                    *money.Cents   `json:"paid,omitempty"`                   // the first STC05
	ServiceDateFrom         string         `json:"service_date_from,omitempty"`      // DTP*472
	ServiceDateTo           string         `json:"service_date_to,omitempty"`
	Statuses                []*Status      `json:"statuses"`
	ServiceLines            []*ServiceLine `json:"service_lines,omitempty"`
	Patient                 *Person        `json:"patient,omitempty"`
	Subscriber              *Person        `json:"subscriber,omitempty"` // when the patient is a dependent (277 HL 23)
	BillingProvider         *Party         `json:"billing_provider,omitempty"`
	Payer                   *Party         `json:"payer,omitempty"`
}

// Reference is a REF segment the model has no field for.
type Reference struct {
	Pos       x12.Position `json:"-"`
	Qualifier string       `json:"qualifier"`
	Value     string       `json:"value"`
}

// ServiceLine is a service line status loop: SVC with its STC, REF*FJ and
// DTP*472.
type ServiceLine struct {
	Pos                   x12.Position `json:"-"` // SVC
	Procedure             Procedure    `json:"procedure"`
	Charge                *money.Cents `json:"charge,omitempty"` // SVC02
	Paid                  *money.Cents `json:"paid,omitempty"`   // SVC03
	RevenueCode           string       `json:"revenue_code,omitempty"`
	Units                 string       `json:"units,omitempty"` // SVC07
	LineItemControlNumber string       `json:"line_item_control_number,omitempty"`
	ServiceDateFrom       string       `json:"service_date_from,omitempty"`
	ServiceDateTo         string       `json:"service_date_to,omitempty"`
	Statuses              []*Status    `json:"statuses"`
}

// Procedure is SVC01: a qualified code with its modifiers.
type Procedure struct {
	Qualifier string   `json:"qualifier"`
	Code      string   `json:"code"`
	Modifiers []string `json:"modifiers,omitempty"`
}

// Decoders is an x12.DecoderFunc for 277 transaction sets (277CA and 277).
// A set without ST03 takes its guide from GS08.
func Decoders(setID, implementation, groupVersion string) (string, x12.Decoder) {
	if setID != "277" {
		return "", nil
	}
	d := NewDecoder()
	d.guide = cmp.Or(implementation, groupVersion)
	return x12.KeyClaimStatus, d
}

// Decode reads a stream and returns the content of its 277 sets in file
// order, with every problem found (envelope ones included). The error is
// an I/O error.
func Decode(r io.Reader) ([]*ClaimStatus, []*x12.Error, error) {
	return x12.Decode[*ClaimStatus](r, Decoders)
}
