package ledger

import "slices"

// The claim lifecycle: the statuses a claim passes through, which of them
// are open (owed by the payer) or settled, and which answer of a payer may
// move a claim from where it stands.

// Status is where a claim stands in its lifecycle:
//
//	received → invalid | queued → batched → submitted | delivery_failed →
//	rejected | acknowledged → accepted | pending → paid | partially_paid |
//	denied | reversed | forwarded | predetermined
//
// and, for a claim the gateway built for a payer after the first
// (coordination of benefits), voided: stopped before it was sent, or
// voided at the payer (a frequency 8 claim whose reversal came back),
// because the adjudication it carried was reversed.
//
// predetermined is a dental predetermination of benefits (837D CLM19 PB)
// that the payer has answered (835 CLP02 25): an estimate, paid nothing
// and owed nothing, not a denial.
type Status string

// Claim statuses.
const (
	StatusReceived       Status = "received"
	StatusInvalid        Status = "invalid"
	StatusQueued         Status = "queued"
	StatusBatched        Status = "batched"
	StatusSubmitted      Status = "submitted"
	StatusDeliveryFailed Status = "delivery_failed"
	StatusRejected       Status = "rejected"
	StatusAcknowledged   Status = "acknowledged"
	StatusAccepted       Status = "accepted"
	StatusPending        Status = "pending"
	StatusPaid           Status = "paid"
	StatusPartiallyPaid  Status = "partially_paid"
	StatusDenied         Status = "denied"
	StatusReversed       Status = "reversed"
	StatusForwarded      Status = "forwarded"
	StatusPredetermined  Status = "predetermined"
	StatusVoided         Status = "voided"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusReceived, StatusInvalid, StatusQueued, StatusBatched, StatusSubmitted, StatusDeliveryFailed,
	StatusRejected, StatusAcknowledged, StatusAccepted, StatusPending, StatusPaid, StatusPartiallyPaid,
	StatusDenied, StatusReversed, StatusForwarded, StatusPredetermined, StatusVoided,
}

// Settled reports whether a claim in this status needs nothing more from
// the payer for now: it has been paid, denied, rejected, forwarded or
// predetermined, or it can never be sent.
func (s Status) Settled() bool {
	switch s {
	case StatusInvalid, StatusRejected, StatusPaid, StatusPartiallyPaid, StatusDenied, StatusForwarded, StatusDeliveryFailed, StatusPredetermined, StatusVoided:
		return true
	}
	return false
}

// OpenStatuses are the statuses of an open claim: sent to the payer (a
// file with it was delivered) and not settled yet. Claims never sent
// (queued, batched, delivery_failed) are not open: nothing is owed on them
// until they reach the payer.
var OpenStatuses = []Status{StatusSubmitted, StatusAcknowledged, StatusAccepted, StatusPending, StatusReversed}

// ClosedForPayment reports whether the payer has settled or refused a
// claim in this status: a claim sent again under the same number is the
// open one.
func (s Status) ClosedForPayment() bool {
	switch s {
	case StatusPaid, StatusDenied, StatusForwarded, StatusRejected, StatusPredetermined, StatusVoided:
		return true
	}
	return false
}

// Unsent reports whether a claim in this status was never put in a file:
// received, invalid or queued. No payer's answer can name it. (A batched
// claim is in a file not delivered yet.)
func (s Status) Unsent() bool {
	switch s {
	case StatusReceived, StatusInvalid, StatusQueued:
		return true
	}
	return false
}

// blocksDuplicate says whether a claim in this status keeps its patient
// control number from a new claim of the same payer and billing provider:
// until it is settled one way or another (invalid and rejected claims are
// sent again under their number; paid, denied and forwarded ones are
// closed, and a correction is a replacement).
func (s Status) blocksDuplicate() bool {
	switch s {
	case StatusInvalid, StatusRejected, StatusPaid, StatusPartiallyPaid, StatusDenied, StatusForwarded, StatusPredetermined, StatusVoided:
		return false
	}
	return true
}

// Allowed says which statuses a payer's answer of a kind (TA1, 999, 277CA,
// 835 ...) may move a claim from: an acknowledgment never undoes a
// payment, a late TA1 or 999 never undoes a 277CA.
func Allowed(from, to Status, kind string) bool {
	sent := []Status{StatusSubmitted, StatusAcknowledged}
	switch to {
	case StatusQueued: // sent again after a 999 rejected another claim of its set
		return slices.Contains(sent, from)
	case StatusAcknowledged:
		return from == StatusSubmitted
	case StatusAccepted:
		return slices.Contains(sent, from) || from == StatusPending
	case StatusRejected:
		fromStatus := kind == "277CA" || kind == "277" // a later status answer may reject what it accepted or held
		return slices.Contains(sent, from) || fromStatus && (from == StatusAccepted || from == StatusPending)
	case StatusPending:
		return slices.Contains(append(sent, StatusAccepted), from)
	case StatusPaid, StatusPartiallyPaid, StatusDenied, StatusReversed, StatusForwarded, StatusPredetermined:
		return !from.Unsent() && from != StatusBatched
	case StatusVoided: // the gateway's own, as a reversal of what the claim carried came back
		return from != StatusBatched && from != StatusVoided && from != StatusInvalid
	}
	return false
}
