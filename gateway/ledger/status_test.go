package ledger_test

import (
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Which payer answer may move a claim from where it stands: the rows are
// the moves the integration tests make (and refuse).
func TestAllowed(t *testing.T) {
	for _, tt := range []struct {
		from, to ledger.Status
		kind     string
		want     bool
	}{
		{ledger.StatusSubmitted, ledger.StatusAcknowledged, "999", true},
		{ledger.StatusAccepted, ledger.StatusAcknowledged, "999", false}, // a late 999 does not undo a 277CA
		{ledger.StatusSubmitted, ledger.StatusQueued, "999", true},       // sent again after another claim of the set was rejected
		{ledger.StatusAcknowledged, ledger.StatusQueued, "999", true},
		{ledger.StatusAccepted, ledger.StatusQueued, "999", false},
		{ledger.StatusSubmitted, ledger.StatusRejected, "TA1", true},
		{ledger.StatusAccepted, ledger.StatusRejected, "TA1", false}, // a late TA1 does not undo a 277CA
		{ledger.StatusAccepted, ledger.StatusRejected, "277CA", true},
		{ledger.StatusPending, ledger.StatusRejected, "277", true},
		{ledger.StatusPending, ledger.StatusAccepted, "277CA", true},
		{ledger.StatusAcknowledged, ledger.StatusPending, "277", true},
		{ledger.StatusPaid, ledger.StatusPending, "277", false},
		{ledger.StatusPaid, ledger.StatusAccepted, "277CA", false}, // an acknowledgment never undoes a payment
		{ledger.StatusAcknowledged, ledger.StatusPaid, "835", true},
		{ledger.StatusSubmitted, ledger.StatusDenied, "835", true},
		{ledger.StatusPaid, ledger.StatusReversed, "835", true},
		{ledger.StatusRejected, ledger.StatusPaid, "835", true},
		{ledger.StatusQueued, ledger.StatusPaid, "835", false},
		{ledger.StatusBatched, ledger.StatusPaid, "835", false},
		{ledger.StatusInvalid, ledger.StatusForwarded, "835", false},
		{ledger.StatusSubmitted, ledger.StatusReceived, "835", false},
	} {
		if got := ledger.Allowed(tt.from, tt.to, tt.kind); got != tt.want {
			t.Errorf("%s → %s by a %s: %v, want %v", tt.from, tt.to, tt.kind, got, tt.want)
		}
	}
}

// A claim never put in a file is one no payer's answer can name: the
// matcher passes it over, and no payment moves it.
func TestUnsent(t *testing.T) {
	unsent := map[ledger.Status]bool{ledger.StatusReceived: true, ledger.StatusInvalid: true, ledger.StatusQueued: true}
	for _, s := range ledger.Statuses {
		if got := s.Unsent(); got != unsent[s] {
			t.Errorf("%s: unsent %v, want %v", s, got, unsent[s])
		}
		if paid := ledger.Allowed(s, ledger.StatusPaid, "835"); paid == (unsent[s] || s == ledger.StatusBatched) {
			t.Errorf("%s → paid by an 835: %v", s, paid)
		}
	}
}
