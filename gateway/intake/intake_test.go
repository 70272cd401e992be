package intake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// An encounter with a field that does not decode is kept invalid with
// every problem at once: the decoding one and those the scrubber finds in
// the rest (here a bad CPT code), not the first alone.
func TestIntakeGivesEveryProblemAtOnce(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	raw := bytes.Replace(gatewaytest.EncounterJSON("Q1", 10000), []byte(`"units": "1"`), []byte(`"unit": "1"`), 1)
	raw = bytes.Replace(raw, []byte(`"code": "99214"`), []byte(`"code": "9921"`), 1)
	ec, handed := h.Intake.Prepare(raw)
	if ec.Encounter.Valid || handed != nil {
		t.Fatalf("valid %v, claim %v", ec.Encounter.Valid, handed != nil)
	}
	if ec.Encounter.ID != "Q1" || ec.Encounter.PayerID != "SIMPAYER" || ec.Claim.PCN != "Q1" {
		t.Errorf("recorded as %s for %s, PCN %s; want Q1, SIMPAYER, Q1", ec.Encounter.ID, ec.Encounter.PayerID, ec.Claim.PCN)
	}
	for _, want := range []string{`"path":"service_lines[0].unit","code":"unknown_field"`, `"path":"service_lines[0].procedure.code","code":"invalid_cpt"`} {
		if !bytes.Contains(ec.Encounter.Problems, []byte(want)) {
			t.Errorf("no %s in %s", want, ec.Encounter.Problems)
		}
	}
}

// An encounter over a limit of the contract, as a billing system's
// 1.95 MB of 150,000 keys was, is recorded invalid with the reason when
// the running stage first takes it from NATS, under its id, with its
// event: not redelivered until its deliveries run out and dead-lettered
// (the duplicate-key check took 12 minutes over that one).
func TestIntakeRecordsEncountersOverTheLimits(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	ctx, cancel := context.WithCancel(h.Ctx)
	done := make(chan error, 1)
	go func() { done <- h.Intake.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	big := gatewaytest.EncounterWithKeys("BIG1", 150000)
	tests := []struct {
		id, code, message string
		raw               []byte
	}{
		{"BIG1", encounter.CodeTooLarge, fmt.Sprintf("%d bytes: an encounter has at most 1048576 (1 MiB)", len(big)), big},
		{"KEYS1", encounter.CodeTooManyValues, "more than 100000 values (fields and array elements): an encounter has at most 100000",
			gatewaytest.EncounterWithKeys("KEYS1", encounter.MaxValues)},
	}
	for _, tt := range tests {
		if _, _, err := intake.Submit(h.Ctx, h.Options.JS, h.Options.Names, tt.raw); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		want := fmt.Sprintf(`[{"path":"","code":"%s","message":"%s","severity":"error"}]`, tt.code, tt.message)
		// Long enough for any machine; the old code took minutes a delivery.
		deadline := time.Now().Add(time.Minute)
		c, err := h.Ledger.Claim(h.Ctx, tt.id)
		for errors.Is(err, ledger.ErrNotFound) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			c, err = h.Ledger.Claim(h.Ctx, tt.id)
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		e, err := h.Ledger.Encounter(h.Ctx, c.EncounterID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != ledger.StatusInvalid || e.Valid || string(e.Problems) != want {
			t.Errorf("%s: %s, valid %v, problems %s; want invalid with %s", tt.id, c.Status, e.Valid, e.Problems, want)
		}
	}
	events := map[string]string{}
	for _, ev := range h.Events(string(ledger.StatusInvalid)) {
		events[ev.ClaimID] = string(ev.Problems)
	}
	for _, tt := range tests {
		if !strings.Contains(events[tt.id], `"code":"`+tt.code+`"`) {
			t.Errorf("%s: invalid event with problems %s", tt.id, events[tt.id])
		}
	}
	if dls, err := h.Ledger.DeadLetterInfos(h.Ctx, 0, 10); err != nil || len(dls) != 0 {
		t.Errorf("dead letters %+v, %v", dls, err)
	}
}

// Check, as POST /v1/encounters calls it, lets new content through for
// the id of a claim the payer rejected at the front end (the ledger takes
// it as a revision) and refuses it for a claim queued for the payer,
// saying so. Before, a rejected claim's correction was refused as "sent
// to the payer ... a replacement claim", and a queued claim's was said
// to be sent.
func TestCheckCorrectionOfARejectedClaim(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("REJ1", 10000))
		if _, err := l.Transition(h.Ctx, "REJ1", ledger.StatusRejected, ledger.Source{Kind: "277CA", File: "sha", Reason: "A7:164:IL", Actor: "processor"}); err != nil {
			t.Fatal(err)
		}
		h.Take(gatewaytest.EncounterJSON("Q2", 10000))
		corrected := gatewaytest.EncounterJSON("REJ1", 12000)
		id, probs, err := h.Intake.Check(h.Ctx, corrected)
		if err != nil || id != "REJ1" || encounter.HasErrors(probs) {
			t.Errorf("a rejected claim's correction: %s, %+v, %v", id, probs, err)
		}
		h.Take(corrected)
		if c, err := l.Claim(h.Ctx, "REJ1"); err != nil || c.Status != ledger.StatusQueued || c.Charge != 12000 {
			t.Errorf("REJ1 after its correction: %+v, %v", c, err)
		}
		_, probs, err = h.Intake.Check(h.Ctx, gatewaytest.EncounterJSON("Q2", 12000))
		refused := slices.IndexFunc(probs, func(p encounter.Problem) bool { return p.Code == ledger.CodeAlreadySubmitted })
		if err != nil || refused < 0 || !strings.Contains(probs[refused].Message, "claim Q2 is queued: it is queued for the payer") ||
			strings.Contains(probs[refused].Message, "sent to the payer") {
			t.Errorf("a queued claim's change: %+v, %v", probs, err)
		}
	})
}
