// Package ack decodes implementation and functional acknowledgments: the 999
// (005010X231A1) and the 997. Its JSON form is the "acknowledgment" part of
// the contract in shared/contracts/x12-json.md. Interchange acknowledgments
// (TA1) are decoded by package x12 at the envelope level; this package
// describes their codes.
package ack

import (
	"io"

	"github.com/claimsgw/claimsgw/x12"
)

// Acknowledgment is one 999 or 997 transaction set: the response to one
// functional group.
type Acknowledgment struct {
	Pos            x12.Position   `json:"-"`    // ST
	Type           string         `json:"type"` // ST01: 999 or 997
	Implementation string         `json:"implementation,omitempty"`
	Group          *Group         `json:"group,omitempty"`
	Transactions   []*Transaction `json:"transactions"`
}

// Group is the functional group acknowledged: AK1 and AK9.
type Group struct {
	Pos           x12.Position `json:"-"`              // AK1
	FunctionalID  string       `json:"functional_id"`  // AK101, e.g. HC
	ControlNumber string       `json:"control_number"` // AK102, the GS06 acknowledged
	Version       string       `json:"version,omitempty"`
	// AK9, absent when the set has none.
	TrailerPos x12.Position `json:"-"`
	Code       string       `json:"code,omitempty"` // AK901: A, E, M, P, R, W, X
	Included   int          `json:"included"`       // AK902: sets in the group acknowledged
	Received   int          `json:"received"`       // AK903
	Accepted   int          `json:"accepted"`       // AK904
	ErrorCodes []string     `json:"error_codes,omitempty"`
}

// Transaction is one transaction set acknowledged: AK2 and IK5 (AK5 in a
// 997), with the errors found in it.
type Transaction struct {
	Pos            x12.Position `json:"-"`              // AK2
	TransactionID  string       `json:"transaction_id"` // AK201, e.g. 837
	ControlNumber  string       `json:"control_number"` // AK202, the ST02 acknowledged
	Implementation string       `json:"implementation,omitempty"`
	ResponsePos    x12.Position `json:"-"`              // IK5
	Code           string       `json:"code,omitempty"` // IK501: A, E, M, R, W, X
	ErrorCodes     []string     `json:"error_codes,omitempty"`
	Errors         []*Error     `json:"errors,omitempty"`
}

// Error is one problem the acknowledgment reports in a segment of the set
// acknowledged (IK3, AK3 in a 997), and, when it names one, in one of its
// elements (IK4, AK4). Several IK4 under one IK3 make several Errors that
// share the segment part; an IK3 without IK4 makes one without an element.
type Error struct {
	Pos       x12.Position `json:"-"`          // IK3
	SegmentID string       `json:"segment_id"` // IK301
	Position  int          `json:"position"`   // IK302: position in the set, ST = 1
	Loop      string       `json:"loop,omitempty"`
	Code      string       `json:"code,omitempty"` // IK304, see SegmentErrorDescription
	Contexts  []*Context   `json:"contexts,omitempty"`
	*ElementError
}

// ElementError is the element part of an Error: one IK4.
type ElementError struct {
	Pos               x12.Position `json:"-"`                  // IK4
	ElementPosition   int          `json:"element_position"`   // IK401-1
	ComponentPosition int          `json:"component_position"` // IK401-2, 0 for the whole element
	RepeatPosition    int          `json:"repeat_position,omitempty"`
	ElementReference  string       `json:"element_reference,omitempty"` // IK402, data element number
	ElementCode       string       `json:"element_code"`                // IK403, see ElementErrorDescription
	BadValue          string       `json:"bad_value,omitempty"`         // IK404
	ElementContexts   []*Context   `json:"element_contexts,omitempty"`
}

// Context is one CTX segment. A business unit identifier names the claim or
// member the error is about (CTX*CLM01:PCN123: Kind "business_unit", IDs
// [{Name CLM01, Reference PCN123}]); a segment context points at the
// segment that makes the erring one required (CTX01-1 "SITUATIONAL
// TRIGGER", Kind "segment").
type Context struct {
	Pos               x12.Position `json:"-"`
	Kind              string       `json:"kind"` // "business_unit" or "segment"
	IDs               []ContextID  `json:"ids"`  // CTX01, one per repetition
	SegmentID         string       `json:"segment_id,omitempty"`
	Position          int          `json:"position,omitempty"`
	Loop              string       `json:"loop,omitempty"`
	ElementPosition   int          `json:"element_position,omitempty"`   // CTX05-1
	ComponentPosition int          `json:"component_position,omitempty"` // CTX05-2
	RepeatPosition    int          `json:"repeat_position,omitempty"`    // CTX05-3
	ElementReference  string       `json:"element_reference,omitempty"`  // CTX06-1
}

// ContextID is one repetition of CTX01: a name and a reference.
type ContextID struct {
	Name      string `json:"name"`
	Reference string `json:"reference,omitempty"`
}

// Decoders is an x12.DecoderFunc for 999 and 997 transaction sets.
func Decoders(setID, implementation, groupVersion string) (string, x12.Decoder) {
	if setID != "999" && setID != "997" {
		return "", nil
	}
	return x12.KeyAcknowledgment, NewDecoder()
}

// Decode reads a stream and returns the acknowledgments of its 999 and 997
// sets in file order, with every problem found (envelope ones included).
// The error is an I/O error.
func Decode(r io.Reader) ([]*Acknowledgment, []*x12.Error, error) {
	return x12.Decode[*Acknowledgment](r, Decoders)
}
