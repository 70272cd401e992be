package intake_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
)

// A ledger that refuses writes for longer than the queue's deliveries
// last (here 2, 100 ms apart) loses no encounter: it is recorded once the
// ledger writes again. Before, it was dead-lettered at its last delivery,
// never recorded, and the billing system saw "queued" and nothing more.
func TestLedgerOutageLosesNoEncounter(t *testing.T) {
	l, path := ledgertest.SQLiteFile(t)
	h := gatewaytest.New(t, l)
	outage := ledgertest.OutageOf(t, path)
	outage.Start(t, "INSERT ON encounters")

	o := h.Options
	o.MaxDeliver, o.Backoff = 2, []time.Duration{100 * time.Millisecond}
	in, err := intake.New(intake.Options{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if _, _, err := intake.Submit(ctx, o.JS, queue.Default, gatewaytest.EncounterJSON("OUT1", 10000)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // many times 2 deliveries 100 ms apart
	if _, err := l.Claim(ctx, "OUT1"); err == nil {
		t.Fatal("recorded while the ledger refused writes")
	}
	outage.End(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := l.Claim(ctx, "OUT1")
		if err == nil {
			if c.Status != ledger.StatusQueued {
				t.Errorf("OUT1 is %s, want queued", c.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			dead, _ := l.DeadLetters(ctx, 0, 10)
			for _, d := range dead {
				t.Logf("dead letter %s: %s", d.MsgID, d.Error)
			}
			t.Fatalf("OUT1 not recorded 10s after the outage: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if dead, err := l.DeadLetters(ctx, 0, 10); err != nil || len(dead) != 0 {
		t.Errorf("%d dead letters, %v", len(dead), err)
	}
}
