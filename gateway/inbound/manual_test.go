package inbound_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
)

// A CLP matched by hand moves its claim as a matched one does: the
// claim's event is published, at the stages' clock. (Before, the manual
// match built its own processor, which published nothing and took the
// time from time.Now.)
func TestManualMatchPublishesItsEvent(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("ORPHAN", 10000))
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFT9", "80", [][]string{
			{"CLP*NOSUCHPCN*1*100*80*0*12*PAY7*11*1", "NM1*QC*1*DOE*JOHN****MI*XJH123456789", "SVC*HC:99214*100*80**1", "CAS*CO*45*20"}})))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(open) != 1 {
			t.Fatalf("open exceptions %+v, %v", open, err)
		}
		if posted, err := h.Inbound.MatchException(h.Ctx, open[0].ID, "ORPHAN", "alice"); err != nil || !posted {
			t.Fatalf("manual match: posted %v, %v", posted, err)
		}
		subject, _ := queue.Default.ClaimEvent("paid")
		cons, err := h.Options.JS.OrderedConsumer(h.Ctx, queue.Default.Stream(queue.StreamEvents), jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
		if err != nil {
			t.Fatalf("no paid event after the manual match: %v", err)
		}
		var e gateway.Event
		if err := json.Unmarshal(msg.Data(), &e); err != nil {
			t.Fatal(err)
		}
		if e.ClaimID != "ORPHAN" || e.Source != "835" || !e.At.Equal(gatewaytest.Now) || e.Paid != 8000 {
			t.Errorf("event %+v, want ORPHAN paid 80.00 by the 835 at %s", e, gatewaytest.Now)
		}
	})
}
