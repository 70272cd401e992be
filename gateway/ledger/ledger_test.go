package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

func TestControlNumbersNeverRepeat(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		first, err := l.AllocateControl(ctx, "SIMPAYER", ledger.ISA13, 1)
		if err != nil || first != 1 {
			t.Fatalf("first ISA13 = %d, %v; want 1", first, err)
		}
		// Counters are per partner and per kind.
		if n, _ := l.AllocateControl(ctx, "OTHER", ledger.ISA13, 1); n != 1 {
			t.Errorf("another partner's first ISA13 = %d, want 1", n)
		}
		if n, _ := l.AllocateControl(ctx, "SIMPAYER", ledger.ST02, 5); n != 1 {
			t.Errorf("first ST02 block = %d, want 1", n)
		}
		if n, _ := l.AllocateControl(ctx, "SIMPAYER", ledger.ST02, 1); n != 6 {
			t.Errorf("ST02 after a block of 5 = %d, want 6", n)
		}
		// Many allocators at once, as replicas would: every number once.
		const workers, each = 8, 20
		var mu sync.Mutex
		seen := map[int64]bool{1: true}
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for range workers {
			wg.Go(func() {
				for range each {
					n, err := l.AllocateControl(ctx, "SIMPAYER", ledger.ISA13, 1)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					if seen[n] {
						errs <- fmt.Errorf("ISA13 %d handed out twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != workers*each+1 {
			t.Fatalf("%d distinct numbers, want %d", len(seen), workers*each+1)
		}
		if _, err := l.AllocateControl(ctx, "SIMPAYER", ledger.ISA13, 0); err == nil {
			t.Error("allocating 0 numbers succeeded")
		}
	})
}

func TestControlNumbersRunOut(t *testing.T) {
	l := ledgertest.SQLite(t)
	ctx := context.Background()
	if _, err := l.AllocateControl(ctx, "P", ledger.ISA13, ledger.MaxControlNumber); err != nil {
		t.Fatal(err)
	}
	if n, err := l.AllocateControl(ctx, "P", ledger.ISA13, 1); err == nil {
		t.Fatalf("got ISA13 %d past the nine-digit limit", n)
	}
}

func TestControlNumbersSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for want := int64(1); want <= 3; want++ {
		l, err := ledger.Open(ctx, ledger.SQLite, dir+"/ledger.db")
		if err != nil {
			t.Fatal(err)
		}
		n, err := l.AllocateControl(ctx, "SIMPAYER", ledger.ISA13, 1)
		l.Close()
		if err != nil || n != want {
			t.Fatalf("after %d opens ISA13 = %d, %v; want %d", want, n, err, want)
		}
	}
}

func encounter(id string, valid bool) (ledger.Encounter, ledger.Claim) {
	return ledger.Encounter{ID: id, PayerID: "SIMPAYER", ClaimType: "professional", Raw: []byte(`{"id":"` + id + `"}`),
			Valid: valid, Problems: []byte("[]"), ReceivedAt: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		ledger.Claim{PayerID: "SIMPAYER", ClaimType: "professional", PCN: "PCN-" + id, BillingNPI: "1234567893", BillingTaxID: "621234567",
			Charge: 23500, ServiceFrom: "2026-11-02", ServiceTo: "2026-11-02", Lines: []ledger.Line{
				{No: 1, LineID: id + "-1", Procedure: "HC:99214:25", Charge: 18500, Units: "1", ServiceDate: "2026-11-02"},
				{No: 2, LineID: id + "-2", Procedure: "HC:85025", Charge: 5000, Units: "1", ServiceDate: "2026-11-02"},
			}}
}

func TestRecordEncounterOnce(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		e, c := encounter("E1", true)
		created, err := l.RecordEncounter(ctx, e, c)
		if err != nil || !created {
			t.Fatalf("first record: created %v, %v", created, err)
		}
		created, err = l.RecordEncounter(ctx, e, c)
		if err != nil || created {
			t.Fatalf("second record of the same id: created %v, %v; want false, nil", created, err)
		}
		got, err := l.Claim(ctx, "E1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ledger.StatusQueued || got.Charge != 23500 || got.PCN != "PCN-E1" || got.EncounterID != "E1" || len(got.Lines) != 2 ||
			got.Lines[0].Procedure != "HC:99214:25" || got.Lines[1].Charge != 5000 {
			t.Errorf("claim read back: %+v", got)
		}
		counts, err := l.CountByStatus(ctx)
		if err != nil || counts[ledger.StatusQueued] != 1 || len(counts) != 1 {
			t.Errorf("counts %v, %v", counts, err)
		}

		bad, badClaim := encounter("E2", false)
		if _, err := l.RecordEncounter(ctx, bad, badClaim); err != nil {
			t.Fatal(err)
		}
		if got, _ := l.Claim(ctx, "E2"); got == nil || got.Status != ledger.StatusInvalid {
			t.Errorf("invalid encounter's claim: %+v", got)
		}
		if _, err := l.Claim(ctx, "nope"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("missing claim: %v", err)
		}
	})
}

func TestTransitionHistory(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		e, c := encounter("E1", true)
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
		from, err := l.Transition(ctx, "E1", ledger.StatusRejected, ledger.Source{Kind: "999", File: "abc", Transaction: "0001", Position: 23, Reason: "IK3 8", Actor: "matcher"})
		if err != nil || from != ledger.StatusQueued {
			t.Fatalf("transition from %q, %v", from, err)
		}
		h, err := l.History(ctx, "E1")
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, ch := range h {
			steps = append(steps, string(ch.From)+">"+string(ch.To))
		}
		if fmt.Sprint(steps) != "[received>queued queued>rejected]" {
			t.Fatalf("history %v", steps)
		}
		if last := h[1]; last.Kind != "999" || last.File != "abc" || last.Transaction != "0001" || last.Position != 23 || last.Reason != "IK3 8" || last.Actor != "matcher" {
			t.Errorf("last change %+v", last)
		}
		if _, err := l.Transition(ctx, "nope", ledger.StatusPaid, ledger.Source{}); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("transition of a missing claim: %v", err)
		}
	})
}

func TestDeadLetters(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		for i := range 3 {
			if err := l.ParkDeadLetter(ctx, ledger.DeadLetter{Stream: "ENCOUNTERS", Subject: "claimsgw.encounters.in", MsgID: fmt.Sprint("m", i), Data: []byte{byte(i)}, Error: "boom"}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := l.DeadLetters(ctx, 0, 2)
		if err != nil || len(page) != 2 || page[0].MsgID != "m2" || page[1].MsgID != "m1" {
			t.Fatalf("first page %+v, %v", page, err)
		}
		rest, err := l.DeadLetters(ctx, page[1].ID, 2)
		if err != nil || len(rest) != 1 || rest[0].MsgID != "m0" || rest[0].Error != "boom" || rest[0].Data[0] != 0 {
			t.Fatalf("second page %+v, %v", rest, err)
		}
	})
}

func TestMigrateTwice(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for range 2 {
		l, err := ledger.Open(ctx, ledger.SQLite, dir+"/ledger.db")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.AllocateControl(ctx, "P", ledger.GS06, 1); err != nil {
			t.Fatal(err)
		}
		l.Close()
	}
}

func TestListClaimsPages(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		for i := range 5 {
			e, c := encounter(fmt.Sprint("E", i), i != 2)
			if _, err := l.RecordEncounter(ctx, e, c); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		after := ""
		for {
			page, err := l.ListClaims(ctx, ledger.ClaimFilter{Status: ledger.StatusQueued, After: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				ids = append(ids, c.ID)
			}
			after = page[len(page)-1].ID
		}
		if fmt.Sprint(ids) != "[E0 E1 E3 E4]" {
			t.Fatalf("queued claims in pages of 3: %v", ids)
		}
		one, err := l.ListClaims(ctx, ledger.ClaimFilter{PCN: "PCN-E2"})
		if err != nil || len(one) != 1 || one[0].Status != ledger.StatusInvalid || one[0].Charge != 23500 {
			t.Fatalf("by PCN: %+v, %v", one, err)
		}
		none, err := l.ListClaims(ctx, ledger.ClaimFilter{PayerID: "OTHER"})
		if err != nil || len(none) != 0 {
			t.Fatalf("other payer: %+v, %v", none, err)
		}
	})
}

func TestRecordEncountersInOneTransaction(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		var batch []ledger.EncounterClaim
		for _, id := range []string{"B1", "B2", "B1"} { // the same id twice: one claim
			e, c := encounter(id, id != "B2")
			batch = append(batch, ledger.EncounterClaim{Encounter: e, Claim: c})
		}
		created, err := l.RecordEncounters(ctx, batch)
		if err != nil || fmt.Sprint(created) != "[true true false]" {
			t.Fatalf("created %v, %v", created, err)
		}
		if c, _ := l.Claim(ctx, "B2"); c == nil || c.Status != ledger.StatusInvalid {
			t.Fatalf("B2: %+v", c)
		}
		// One bad encounter (two lines with one number) and none is stored.
		e3, c3 := encounter("B3", true)
		e4, c4 := encounter("B4", true)
		c4.Lines[1].No = 1
		if _, err := l.RecordEncounters(ctx, []ledger.EncounterClaim{{Encounter: e3, Claim: c3}, {Encounter: e4, Claim: c4}}); err == nil {
			t.Fatal("a batch with a bad claim was stored")
		}
		if _, err := l.Claim(ctx, "B3"); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("B3 after the failed batch: %v", err)
		}
	})
}

func TestClaimsByIDs(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		for _, id := range []string{"K1", "K2", "K3"} {
			e, c := encounter(id, true)
			if _, err := l.RecordEncounter(ctx, e, c); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		for i := range 1200 { // three queries' worth, the known ones in the last
			ids = append(ids, fmt.Sprint("nope", i))
		}
		ids = append(ids, "K3", "K1")
		got, err := l.ClaimsByIDs(ctx, ids)
		if err != nil || len(got) != 2 || got[0].ID != "K1" || got[1].ID != "K3" || got[0].Charge != 23500 || got[1].PCN != "PCN-K3" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

// The SQLite ledger writes on one connection kept for good: a transaction
// whose context ends half-way is rolled back, and the connection goes on
// serving the next ones.
func TestWriterOutlivesCanceledTransaction(t *testing.T) {
	l := ledgertest.SQLite(t)
	if _, err := l.RecordInbound(context.Background(), ledger.InboundFile{SHA256: "sha-x", PayerID: "SIMPAYER", Name: "x.835", Kind: "835", Content: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	e, c := encounter("W1", true)
	if _, err := l.RecordEncounter(context.Background(), e, c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err := l.ApplyInbound(ctx, "sha-x", func(tx *ledger.Tx) error {
		if _, err := tx.Transition("W1", ledger.StatusSubmitted, ledger.Source{Kind: "test"}); err != nil {
			return err
		}
		cancel()
		_, err := tx.Transition("W1", ledger.StatusPaid, ledger.Source{Kind: "test"})
		return err
	})
	if err == nil {
		t.Fatal("a transaction went on after its context ended")
	}
	if got, _ := l.Claim(context.Background(), "W1"); got.Status != ledger.StatusQueued {
		t.Fatalf("after the rollback the claim is %s, want queued", got.Status)
	}
	e2, c2 := encounter("W2", true)
	if _, err := l.RecordEncounter(context.Background(), e2, c2); err != nil {
		t.Fatalf("the next write: %v", err)
	}
}

// Contexts that end at any moment of a write (a client gone, a stop) leave
// the kept writer connection clean: the next write, with a live context,
// is applied whole. Before, database/sql's own rollback of the ended
// transaction could land inside the next one ("cannot start a transaction
// within a transaction", or its later statements outside any transaction:
// a claim without its encounter).
func TestWritesAfterContextsEndAtAnyMoment(t *testing.T) {
	l := ledgertest.SQLite(t)
	for i := range 500 {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond); cancel() }()
		e, c := encounter(fmt.Sprintf("R%d", i), true)
		_, _ = l.RecordEncounter(ctx, e, c) // either way
		cancel()
		id := fmt.Sprintf("S%d", i)
		e2, c2 := encounter(id, true)
		if _, err := l.RecordEncounter(context.Background(), e2, c2); err != nil {
			t.Fatalf("round %d: the write after a canceled one: %v", i, err)
		}
		if got, err := l.Claim(context.Background(), id); err != nil || got.Status != ledger.StatusQueued {
			t.Fatalf("round %d: claim %s: %+v, %v", i, id, got, err)
		}
	}
}

// The SQLite writer does not copy its write-ahead log into the database
// file at commits; the ledger's checkpointer does, beside it, every second.
// Without it the log would only grow.
func TestCheckpointsRunBesideTheWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := ledger.Open(context.Background(), ledger.SQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	time.Sleep(1500 * time.Millisecond) // the migrations checkpointed
	var batch []ledger.EncounterClaim
	for i := range 500 {
		e, c := encounter(fmt.Sprintf("K%04d", i), true)
		batch = append(batch, ledger.EncounterClaim{Encounter: e, Claim: c})
	}
	before := size()
	if _, err := l.RecordEncounters(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes: nothing was checkpointed", before)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
