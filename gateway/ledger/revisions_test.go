package ledger_test

import (
	"context"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// revised is encounter id with other content: valid or not, and a third
// line.
func revised(id string, valid bool, content string) ledger.EncounterClaim {
	e, c := encounter(id, valid)
	e.Raw = []byte(`{"id":"` + id + `","v":"` + content + `"}`)
	if !valid {
		e.Problems = []byte(`[{"path":"claim.diagnoses[0].code","code":"invalid_icd10","message":"not an ICD-10-CM code","severity":"error"}]`)
	}
	c.Lines = append(c.Lines, ledger.Line{No: 3, LineID: id + "-3", Procedure: "HC:36415", Charge: 1000, Units: "1", ServiceDate: "2026-11-02"})
	c.Charge += 1000
	return ledger.EncounterClaim{Encounter: e, Claim: c}
}

// An invalid claim's encounter id with new content is a revision: the
// claim takes it and moves on, the one replaced is kept; the same content
// again is a duplicate; once the claim is sent, new content is kept as
// refused and changes nothing. Before, the same id was always a duplicate
// and the claim stayed invalid.
func TestCorrectedEncounter(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		record := func(ec ledger.EncounterClaim) (ledger.EncounterClaim, bool) {
			t.Helper()
			ecs := []ledger.EncounterClaim{ec}
			made, err := l.RecordEncounters(ctx, ecs)
			if err != nil {
				t.Fatal(err)
			}
			return ecs[0], made[0]
		}
		claim := func(id string) *ledger.Claim {
			t.Helper()
			c, err := l.Claim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if _, made := record(revised("R1", false, "first")); !made || claim("R1").Status != ledger.StatusInvalid {
			t.Fatalf("R1 first: made %v, %s", made, claim("R1").Status)
		}
		if _, made := record(revised("R1", false, "first")); made {
			t.Error("the same content again made a change")
		}
		// Still invalid, other content: revision 2, still invalid.
		if ec, made := record(revised("R1", false, "second")); !made || ec.Revision != 2 || claim("R1").Status != ledger.StatusInvalid {
			t.Errorf("R1 second: made %v, revision %d, %s", made, ec.Revision, claim("R1").Status)
		}
		ec, made := record(revised("R1", true, "third"))
		c := claim("R1")
		if !made || ec.Revision != 3 || c.Status != ledger.StatusQueued || c.Charge != 24500 || len(c.Lines) != 3 {
			t.Fatalf("R1 corrected: made %v, revision %d, %s, charge %s, %d lines", made, ec.Revision, c.Status, c.Charge, len(c.Lines))
		}
		e, err := l.Encounter(ctx, "R1")
		if err != nil || e.Revision != 3 || !e.Valid || !strings.Contains(string(e.Raw), "third") || string(e.Problems) != "[]" {
			t.Errorf("R1's encounter: %+v, %v", e, err)
		}
		h, err := l.History(ctx, "R1")
		if err != nil || len(h) != 3 || h[2].From != ledger.StatusInvalid || h[2].To != ledger.StatusQueued || h[2].Reason != "revision 3" {
			t.Errorf("R1's history: %+v, %v", h, err)
		}
		revs, err := l.Revisions(ctx, "R1")
		if err != nil || len(revs) != 2 || revs[0].Revision != 1 || revs[1].Revision != 2 || revs[1].Status != "invalid" ||
			!strings.Contains(string(revs[0].Problems), "invalid_icd10") {
			t.Errorf("R1's revisions: %+v, %v", revs, err)
		}
		// Sent: new content is refused and kept, once.
		if err := l.Exec(ctx, `UPDATE claims SET status = 'submitted' WHERE id = 'R1'`); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			ec, made = record(revised("R1", true, "fourth"))
			if made || ec.Revision != 0 || !strings.Contains(ec.Refused, "claim R1 is submitted") || claim("R1").Status != ledger.StatusSubmitted {
				t.Errorf("R1 after it was sent: made %v, revision %d, refused %q, %s", made, ec.Revision, ec.Refused, claim("R1").Status)
			}
		}
		revs, _ = l.Revisions(ctx, "R1")
		if len(revs) != 3 || revs[2].Status != "refused" || !strings.Contains(string(revs[2].Problems), ledger.CodeAlreadySubmitted) {
			t.Errorf("R1's revisions after the refused change: %+v", revs)
		}
		if e, _ := l.Encounter(ctx, "R1"); e.Revision != 3 || !strings.Contains(string(e.Raw), "third") {
			t.Errorf("a refused change changed the encounter: revision %d", e.Revision)
		}
		// An invalid one and its correction in one batch: taken in order.
		ecs := []ledger.EncounterClaim{revised("R2", false, "first"), revised("R2", true, "second")}
		made2, err := l.RecordEncounters(ctx, ecs)
		if err != nil || !made2[0] || !made2[1] || ecs[1].Revision != 2 || claim("R2").Status != ledger.StatusQueued {
			t.Errorf("R2 and its correction in one batch: %v, %v, revision %d, %s", made2, err, ecs[1].Revision, claim("R2").Status)
		}
	})
}

// A claim the payer rejected at the front end (a TA1, 999 or 277CA: it
// never adjudicated it) takes new content under its id as a revision, as
// an invalid one does: rejected → queued, the content replaced kept. The
// refusal of a change says what is true of the claim: queued (or in a
// file) for the payer, its file not delivered, or sent. Before, a
// rejected claim refused every correction, and every refusal said "it has
// been sent to the payer", a queued claim's too.
func TestCorrectedAfterFrontEndRejection(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		record := func(ec ledger.EncounterClaim) (ledger.EncounterClaim, bool) {
			t.Helper()
			ecs := []ledger.EncounterClaim{ec}
			made, err := l.RecordEncounters(ctx, ecs)
			if err != nil {
				t.Fatal(err)
			}
			return ecs[0], made[0]
		}
		status := func(id string) ledger.Status {
			t.Helper()
			c, err := l.Claim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Status
		}
		for _, kind := range []string{"999", "TA1", "277CA"} {
			id := "FE-" + kind
			if _, made := record(revised(id, true, "first")); !made {
				t.Fatalf("%s: not made", id)
			}
			if err := l.Exec(ctx, `UPDATE claims SET status = 'submitted' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Transition(ctx, id, ledger.StatusRejected, ledger.Source{Kind: kind, File: "sha-ack", Reason: kind + " R", Actor: "processor"}); err != nil {
				t.Fatal(err)
			}
			if _, made := record(revised(id, true, "first")); made || status(id) != ledger.StatusRejected {
				t.Errorf("%s: the same content again made a change (%s)", id, status(id))
			}
			ec, made := record(revised(id, true, "second"))
			if !made || ec.Revision != 2 || ec.Refused != "" || status(id) != ledger.StatusQueued {
				t.Errorf("%s corrected after the rejection: made %v, revision %d, refused %q, %s", id, made, ec.Revision, ec.Refused, status(id))
			}
			h, err := l.History(ctx, id)
			if err != nil || len(h) == 0 || h[len(h)-1].From != ledger.StatusRejected || h[len(h)-1].To != ledger.StatusQueued || h[len(h)-1].Reason != "revision 2" {
				t.Errorf("%s's history: %+v, %v", id, h, err)
			}
			revs, err := l.Revisions(ctx, id)
			if err != nil || len(revs) != 1 || revs[0].Revision != 1 || revs[0].Status != "accepted" {
				t.Errorf("%s's revisions: %+v, %v", id, revs, err)
			}
		}
		var revisionEvents []ledger.Event
		if _, err := l.RelayEvents(ctx, func(evs []ledger.Event) error {
			for _, ev := range evs {
				if ev.Revision > 0 {
					revisionEvents = append(revisionEvents, ev)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(revisionEvents) != 3 || revisionEvents[0].From != string(ledger.StatusRejected) || revisionEvents[0].Status != string(ledger.StatusQueued) || revisionEvents[0].Revision != 2 {
			t.Errorf("the revisions' events: %+v", revisionEvents)
		}

		// Refused: each status says what is true of it.
		for st, want := range map[ledger.Status]string{
			ledger.StatusQueued:         "is queued for the payer",
			ledger.StatusBatched:        "is queued for the payer",
			ledger.StatusDeliveryFailed: "was not delivered to the payer",
			ledger.StatusSubmitted:      "has been sent to the payer",
			ledger.StatusAcknowledged:   "has been sent to the payer",
			ledger.StatusPaid:           "has been sent to the payer",
		} {
			id := "NO-" + string(st)
			record(revised(id, true, "first"))
			if err := l.Exec(ctx, `UPDATE claims SET status = $2 WHERE id = $1`, id, string(st)); err != nil {
				t.Fatal(err)
			}
			ec, made := record(revised(id, true, "second"))
			if made || !strings.Contains(ec.Refused, "claim "+id+" is "+string(st)) || !strings.Contains(ec.Refused, want) || status(id) != st {
				t.Errorf("%s: made %v, refused %q (want %q), %s", id, made, ec.Refused, want, status(id))
			}
			if st == ledger.StatusQueued && strings.Contains(ec.Refused, "sent to the payer") {
				t.Errorf("%s: a queued claim is said to be sent: %q", id, ec.Refused)
			}
		}
	})
}
