package ledger_test

import (
	"context"
	"slices"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// An exception that groups items keeps how many and the first of them; an
// exception of one item counts 1 and lists none.
func TestGroupedException(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: "g-835", PayerID: "SIMPAYER", Name: "g.835", Kind: "835", Content: []byte("x")}); err != nil {
			t.Fatal(err)
		}
		items := []ledger.ExceptionItem{{ST02: "0001", Position: 30, PCN: "P1"}, {ST02: "0002", Position: 12, PCN: "P2"}}
		if err := l.ApplyInbound(ctx, "g-835", func(tx *ledger.Tx) error {
			if err := tx.AddException(ledger.Exception{InboundSHA256: "g-835", Kind: "835", ST02: "0001", Position: 20, PCN: "P0", Reason: "one"}); err != nil {
				return err
			}
			return tx.AddException(ledger.Exception{InboundSHA256: "g-835", Kind: "835", ST02: "0001", Position: 30, PCN: "P1", Reason: "many", Count: 5, Items: items})
		}); err != nil {
			t.Fatal(err)
		}
		es, err := l.Exceptions(ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(es) != 2 {
			t.Fatalf("exceptions %+v, %v", es, err)
		}
		if one := es[0]; one.Count != 1 || one.Items != nil {
			t.Errorf("the exception of one item: count %d, items %+v", one.Count, one.Items)
		}
		if many := es[1]; many.Count != 5 || !slices.Equal(many.Items, items) || many.PayerID != "SIMPAYER" {
			t.Errorf("the grouped exception: %+v", many)
		}
	})
}
