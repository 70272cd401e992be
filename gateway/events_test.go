package gateway_test

import (
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
)

// A claim event whose publish fails (NATS in a failover, its stream
// gone) waits in the ledger's outbox and reaches EVENTS once NATS takes
// it, once. Before, it was logged "not published" and lost: 425 of them
// in a 5-second failover.
func TestEventsWaitForNATS(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		stream := queue.Default.Stream(queue.StreamEvents)
		if err := h.Options.JS.DeleteStream(h.Ctx, stream); err != nil {
			t.Fatal(err)
		}
		h.Take(gatewaytest.EncounterJSON("EV1", 10000))
		if err := h.Options.Events.Flush(h.Ctx); err == nil {
			t.Fatal("relayed with no EVENTS stream")
		}
		if n, err := l.PendingEvents(h.Ctx); err != nil || n != 1 {
			t.Fatalf("%d events in the outbox while NATS refuses them, want 1 (%v)", n, err)
		}
		if err := queue.Default.Setup(h.Ctx, h.Options.JS, 1); err != nil {
			t.Fatal(err)
		}
		queued := h.Events(string(ledger.StatusQueued))
		if len(queued) != 1 || queued[0].ClaimID != "EV1" || queued[0].From != string(ledger.StatusReceived) || queued[0].Source != "intake" {
			t.Fatalf("queued events once NATS is back: %+v", queued)
		}
		if n, err := l.PendingEvents(h.Ctx); err != nil || n != 0 {
			t.Errorf("%d events left in the outbox (%v)", n, err)
		}
		if again := h.Events(string(ledger.StatusQueued)); len(again) != 1 {
			t.Errorf("%d queued events after a second relay, want the one", len(again))
		}
	})
}
