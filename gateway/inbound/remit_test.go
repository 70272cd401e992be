package inbound

import (
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

func TestReversible(t *testing.T) {
	pay := func(cents money.Cents) ledger.PaidCLP { return ledger.PaidCLP{Paid: cents} }
	rev := func(cents money.Cents) ledger.PaidCLP { return ledger.PaidCLP{Reversal: true, Paid: cents} }
	for _, tt := range []struct {
		name  string
		under []ledger.PaidCLP
		paid  money.Cents
		want  bool
	}{
		{"nothing under the number", nil, -8000, false},
		{"the payment", []ledger.PaidCLP{pay(8000)}, -8000, true},
		{"another amount", []ledger.PaidCLP{pay(8000)}, -9500, false},
		{"a payment of 0.00", []ledger.PaidCLP{pay(0)}, 0, true},
		{"reversed before", []ledger.PaidCLP{pay(8000), rev(-8000)}, -8000, false},
		{"the correction", []ledger.PaidCLP{pay(8000), rev(-8000), pay(9000)}, -9000, true},
		{"one part of a split claim", []ledger.PaidCLP{pay(14800), pay(4000)}, -4000, true},
		{"both parts", []ledger.PaidCLP{pay(14800), pay(4000)}, -18800, true},
		{"both parts, reversed before", []ledger.PaidCLP{pay(14800), pay(4000), rev(-18800)}, -4000, false},
	} {
		if got := reversible(tt.under, tt.paid); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
