package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/money"
)

// The whole loop in process: encounters in over NATS, 837s to the payer's
// SFTP server, 999, 277CA and 835s back, every claim settled and matched,
// the dental claims (837D) among them.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d, err := Start(ctx, Options{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	start := time.Now()
	const dentals = 6
	const n = 60 + dentals
	encounters := WithSecondary(Encounters(n-dentals, PayerID, 1, start), 3, SecondPayerID, SecondPayerName, 1)
	if err := d.Submit(ctx, append(encounters, DentalEncounters(dentals, PayerID, 1, 1, start)...)); err != nil {
		t.Fatal(err)
	}
	s, err := d.Wait(ctx, n, start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", s)
	if !s.Settled || s.Unmatched != 0 || s.Encounters != n || s.Invalid != 0 || s.Dental != dentals {
		t.Fatalf("not settled: %+v", s)
	}
	// Every encounter's claim, and every claim to a secondary payer but
	// those crossed over, was sent and acknowledged.
	if want := n + s.SecondaryClaims - s.Crossovers; s.Submitted < want || s.Acknowledged < want {
		t.Errorf("%d submitted, %d acknowledged; want %d", s.Submitted, s.Acknowledged, want)
	}
	if got, want := s.Paid+s.PartiallyPaid+s.Denied+s.Rejected+s.Forwarded+s.Voided, n+s.SecondaryClaims; got < want {
		t.Errorf("settled statuses add up to %d, want at least %d", got, want)
	}
	// Coordination of benefits: secondary claims were billed and paid,
	// some crossed over, and every encounter with a secondary payer
	// balances across its payers to the cent.
	if s.SecondaryClaims == 0 || s.SecondaryPaid <= 0 || s.Crossovers == 0 {
		t.Errorf("coordination of benefits is missing: %+v", s)
	}
	for i := 0; i < n-dentals; i += 3 {
		id := fmt.Sprintf("demo-1-%06d", i+1)
		b, err := d.Daemon.Ledger.EncounterBalance(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Balanced && b.Claims[0].Status != ledger.StatusRejected {
			t.Errorf("encounter %s does not balance: %+v", id, b)
		}
	}
	// Every outcome the payer simulator produces shows up in 66 claims.
	if s.Rejected == 0 || s.Paid == 0 || s.PartiallyPaid == 0 || s.Denied == 0 || s.Forwarded == 0 || s.Reversed == 0 {
		t.Errorf("an outcome is missing: %+v", s)
	}
	if s.TotalPaid <= 0 || s.TotalPaid >= s.TotalCharge {
		t.Errorf("paid %s of %s charged", s.TotalPaid, s.TotalCharge)
	}
	// The dental claims went to the payer in 837D sets and were paid by
	// line: each payment's lines are the claim's (SVC*AD matched by REF*6R).
	all, err := d.Daemon.Ledger.ListClaims(ctx, ledger.ClaimFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	dentalPaid := 0
	for _, c := range all {
		if c.ClaimType != "dental" {
			continue
		}
		ps, err := d.Daemon.Ledger.Payments(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			dentalPaid += int(p.Paid)
			for _, a := range p.Adjustments {
				if a.LineNo < 0 {
					t.Errorf("dental claim %s: an SVC matched no line of the claim", c.ID)
				}
			}
		}
	}
	if dentalPaid <= 0 {
		t.Errorf("no dental claim was paid")
	}
	dead, err := d.Daemon.Ledger.DeadLetters(ctx, 0, 10)
	if err != nil || len(dead) != 0 {
		t.Errorf("dead letters: %+v, %v", dead, err)
	}

	// The API shows a paid claim with the file it went in and its payment.
	paid, err := d.Daemon.Ledger.ListClaims(ctx, ledger.ClaimFilter{Status: ledger.StatusPaid, Limit: 1})
	if err != nil || len(paid) != 1 {
		t.Fatalf("a paid claim: %v, %v", paid, err)
	}
	resp, err := http.Get("http://" + d.Daemon.Addr + "/v1/claims/" + paid[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var detail struct {
		Status string
		Files  []struct {
			FileID string `json:"file_id"`
		}
		Payments []struct{ Paid money.Cents }
		History  []struct{ To string }
	}
	err = json.NewDecoder(resp.Body).Decode(&detail)
	resp.Body.Close()
	if err != nil || detail.Status != "paid" || len(detail.Files) != 1 || len(detail.Payments) == 0 || detail.Payments[0].Paid <= 0 || len(detail.History) < 5 {
		t.Errorf("GET /v1/claims/%s: %+v, %v", paid[0].ID, detail, err)
	}

	// Billing systems follow their claims on NATS: every change is an event
	// on its status's subject.
	cons, err := d.Daemon.JS.OrderedConsumer(ctx, d.Daemon.Names.Stream(queue.StreamEvents), jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]int{}
	claims := map[string]bool{}
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			break
		}
		var e ledger.Event
		if err := json.Unmarshal(msg.Data(), &e); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(msg.Subject(), "."+e.Status) || e.ClaimID == "" || e.PCN == "" || e.Source == "" {
			t.Fatalf("event on %s: %+v", msg.Subject(), e)
		}
		events[e.Status]++
		claims[e.ClaimID] = true
	}
	// Every claim's, the secondary claims' among them (those crossed over
	// are pending at the secondary payer, never queued or sent).
	billed := n + s.SecondaryClaims - s.Crossovers
	if events["queued"] != billed || events["submitted"] != billed || events["acknowledged"] != billed ||
		events["pending"] < s.Crossovers || len(claims) != n+s.SecondaryClaims {
		t.Errorf("events %v for %d claims", events, len(claims))
	}
	if events["paid"] < s.Paid || events["denied"] < s.Denied || events["rejected"] != s.Rejected {
		t.Errorf("events %v do not cover the outcomes %+v", events, s)
	}
}
