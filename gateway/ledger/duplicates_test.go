package ledger_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// withPCN is encounter id's claim under another patient control number
// (and billing NPI, when given).
func withPCN(id, pcn, npi string) ledger.EncounterClaim {
	e, c := encounter(id, true)
	c.PCN = pcn
	if npi != "" {
		c.BillingNPI = npi
	}
	return ledger.EncounterClaim{Encounter: e, Claim: c}
}

// A claim whose patient control number is on an open claim of the same
// payer and billing provider is refused as duplicate_claim (before, 3,000
// such claims went out and stuck at acknowledged); a replacement or void
// is not, nor a claim of another billing provider, nor one whose first
// claim was rejected; two of one batch are one claim and a duplicate.
func TestDuplicateClaimRefused(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		record := func(ecs ...ledger.EncounterClaim) []ledger.EncounterClaim {
			t.Helper()
			if _, err := l.RecordEncounters(ctx, ecs); err != nil {
				t.Fatal(err)
			}
			return ecs
		}
		status := func(id string) ledger.Status {
			t.Helper()
			c, err := l.Claim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Status
		}
		record(withPCN("D1", "P1", ""))
		dup := record(withPCN("D2", "P1", ""))[0]
		if status("D2") != ledger.StatusInvalid || dup.Encounter.Valid || !strings.Contains(string(dup.Encounter.Problems), `"code":"duplicate_claim"`) ||
			!strings.Contains(dup.Duplicate, "claim D1 (queued)") {
			t.Errorf("D2, P1 again: %s, valid %v, problems %s, %q", status("D2"), dup.Encounter.Valid, dup.Encounter.Problems, dup.Duplicate)
		}
		if h, err := l.History(ctx, "D2"); err != nil || len(h) != 1 || !strings.HasPrefix(h[0].Reason, "duplicate_claim: claim D1 (queued)") {
			t.Errorf("D2's history: %+v, %v", h, err)
		}
		replacement := withPCN("D3", "P1", "")
		replacement.Replaces = true
		other := withPCN("D4", "P1", "1999999984")
		record(replacement, other)
		for _, id := range []string{"D3", "D4"} {
			if s := status(id); s != ledger.StatusQueued {
				t.Errorf("%s: %s, want queued", id, s)
			}
		}
		twice := record(withPCN("D5", "P2", ""), withPCN("D6", "P2", ""))
		if status("D5") != ledger.StatusQueued || status("D6") != ledger.StatusInvalid || !strings.Contains(twice[1].Duplicate, "claim D5") {
			t.Errorf("P2 twice in one batch: D5 %s, D6 %s", status("D5"), status("D6"))
		}
		record(withPCN("D7", "P3", ""))
		if err := l.Exec(ctx, `UPDATE claims SET status = 'rejected' WHERE id = 'D7'`); err != nil {
			t.Fatal(err)
		}
		record(withPCN("D8", "P3", ""))
		if s := status("D8"); s != ledger.StatusQueued {
			t.Errorf("P3 after its first claim was rejected: %s, want queued", s)
		}
		again := record(withPCN("D2", "P9", ""))[0] // D2 redelivered: not new, not a duplicate
		if again.Duplicate != "" || status("D2") != ledger.StatusInvalid {
			t.Errorf("D2 again: %q, %s", again.Duplicate, status("D2"))
		}
	})
}

// Two replicas recording the same patient control number at once: one
// claim is queued, the other refused, whatever the order.
func TestDuplicateClaimAcrossReplicas(t *testing.T) {
	l := ledgertest.Postgres(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, id := range []string{"R1", "R2", "R3", "R4"} {
		wg.Go(func() {
			if _, err := l.RecordEncounters(ctx, []ledger.EncounterClaim{withPCN(id, "PSAME", "")}); err != nil {
				t.Errorf("record %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	counts, err := l.CountByStatus(ctx)
	if err != nil || counts[ledger.StatusQueued] != 1 || counts[ledger.StatusInvalid] != 3 {
		t.Errorf("four claims of one number at once: %v, %v", counts, err)
	}
}
