package ledger

// Status is where a claim stands in its lifecycle:
//
//	received → invalid | queued → batched → submitted | delivery_failed →
//	rejected | acknowledged → accepted | pending → paid | partially_paid |
//	denied | reversed | forwarded → closed
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
	StatusClosed         Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusReceived, StatusInvalid, StatusQueued, StatusBatched, StatusSubmitted, StatusDeliveryFailed,
	StatusRejected, StatusAcknowledged, StatusAccepted, StatusPending, StatusPaid, StatusPartiallyPaid,
	StatusDenied, StatusReversed, StatusForwarded, StatusClosed,
}

// Settled reports whether a claim in this status needs nothing more from
// the payer for now: it has been paid, denied, rejected or forwarded, or
// it can never be sent.
func (s Status) Settled() bool {
	switch s {
	case StatusInvalid, StatusRejected, StatusPaid, StatusPartiallyPaid, StatusDenied, StatusForwarded, StatusClosed, StatusDeliveryFailed:
		return true
	}
	return false
}
