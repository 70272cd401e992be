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
