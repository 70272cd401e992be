package inbound

import (
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

func TestReversible(t *testing.T) {
	pay := func(cents money.Cents) ledger.PostedCLP { return ledger.PostedCLP{StatusCode: "1", Paid: cents} }
	rev := func(cents money.Cents) ledger.PostedCLP { return ledger.PostedCLP{StatusCode: "22", Paid: cents} }
	for _, tt := range []struct {
		name  string
		under []ledger.PostedCLP
		paid  money.Cents
		want  bool
	}{
		{"nothing under the number", nil, -8000, false},
		{"the payment", []ledger.PostedCLP{pay(8000)}, -8000, true},
		{"another amount", []ledger.PostedCLP{pay(8000)}, -9500, false},
		{"a payment of 0.00", []ledger.PostedCLP{pay(0)}, 0, true},
		{"reversed before", []ledger.PostedCLP{pay(8000), rev(-8000)}, -8000, false},
		{"the correction", []ledger.PostedCLP{pay(8000), rev(-8000), pay(9000)}, -9000, true},
		{"one part of a split claim", []ledger.PostedCLP{pay(14800), pay(4000)}, -4000, true},
		{"both parts", []ledger.PostedCLP{pay(14800), pay(4000)}, -18800, true},
		{"both parts, reversed before", []ledger.PostedCLP{pay(14800), pay(4000), rev(-18800)}, -4000, false},
	} {
		if got := reversible(tt.under, tt.paid); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
