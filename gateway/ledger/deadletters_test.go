package ledger_test

import (
	"context"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

func TestDeadLetterInfos(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		for _, d := range []ledger.DeadLetter{
			{Stream: "INTAKE", Subject: "claimsgw.intake", MsgID: "m1", Data: []byte(`{"patient":"x"}`), Error: "bad json"},
			{Stream: "FILES", Subject: "claimsgw.files.out", MsgID: "m2", Data: []byte{}, Error: "no file"},
			{Stream: "INTAKE", Subject: "claimsgw.intake", MsgID: "m3", Data: []byte("abc"), Error: "boom"},
		} {
			if err := l.ParkDeadLetter(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		page, err := l.DeadLetterInfos(ctx, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].MsgID != "m3" || page[0].Size != 3 || page[0].Error != "boom" || page[0].Stream != "INTAKE" ||
			page[1].MsgID != "m2" || page[1].Size != 0 || page[1].Subject != "claimsgw.files.out" || page[0].At.IsZero() {
			t.Fatalf("first page: %+v", page)
		}
		rest, err := l.DeadLetterInfos(ctx, page[1].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 1 || rest[0].MsgID != "m1" || rest[0].Size != 15 {
			t.Fatalf("second page: %+v", rest)
		}
	})
}
