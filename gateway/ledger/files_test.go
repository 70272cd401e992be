package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/money"
)

// fakeBuild makes a file naming its claims, one ST per claim, with control
// numbers from the ledger.
func fakeBuild(alloc ledger.Allocator, claims []ledger.Pending) (*ledger.File, error) {
	isa, err := alloc(ledger.ISA13, 1)
	if err != nil {
		return nil, err
	}
	gs, err := alloc(ledger.GS06, 1)
	if err != nil {
		return nil, err
	}
	st, err := alloc(ledger.ST02, len(claims))
	if err != nil {
		return nil, err
	}
	f := &ledger.File{Usage: "T", ISA13: isa, Name: fmt.Sprintf("SIM_%09d.837", isa)}
	for i, p := range claims {
		f.Content = append(f.Content, p.ClaimID+";"...)
		f.Claims = append(f.Claims, ledger.FileClaim{ClaimID: p.ClaimID, GS06: gs, ST02: st + int64(i), FirstPos: 20, LastPos: 31})
	}
	return f, nil
}

func TestCreateAndDeliverFile(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		if _, err := l.CreateFile(ctx, "SIMPAYER", 10, fakeBuild); !errors.Is(err, ledger.ErrNothingQueued) {
			t.Fatalf("empty queue: %v", err)
		}
		for _, id := range []string{"E1", "E2", "E3"} {
			e, c := encounter(id, true)
			if _, err := l.RecordEncounter(ctx, e, c); err != nil {
				t.Fatal(err)
			}
		}
		bad, badClaim := encounter("E4", false)
		if _, err := l.RecordEncounter(ctx, bad, badClaim); err != nil {
			t.Fatal(err)
		}
		f, err := l.CreateFile(ctx, "SIMPAYER", 2, fakeBuild)
		if err != nil {
			t.Fatal(err)
		}
		if string(f.Content) != "E1;E2;" || f.ISA13 != 1 || f.Status != ledger.FileBuilt || len(f.SHA256) != 64 {
			t.Fatalf("first file: %q ISA13 %d %s", f.Content, f.ISA13, f.Status)
		}
		f2, err := l.CreateFile(ctx, "SIMPAYER", 2, fakeBuild)
		if err != nil {
			t.Fatal(err)
		}
		// The invalid claim is never batched; ST02s continue across files.
		if string(f2.Content) != "E3;" || f2.ISA13 != 2 || f2.Claims[0].ST02 != 3 {
			t.Fatalf("second file: %q ISA13 %d ST02 %d", f2.Content, f2.ISA13, f2.Claims[0].ST02)
		}
		if _, err := l.CreateFile(ctx, "SIMPAYER", 2, fakeBuild); !errors.Is(err, ledger.ErrNothingQueued) {
			t.Fatalf("after two files: %v", err)
		}
		back, err := l.FileByID(ctx, f.ID)
		if err != nil || back.Name != "SIM_000000001.837" || len(back.Claims) != 2 || back.Claims[1].ClaimID != "E2" || back.Claims[1].FirstPos != 20 {
			t.Fatalf("file read back: %+v, %v", back, err)
		}
		c, _ := l.Claim(ctx, "E1")
		if c.Status != ledger.StatusBatched || c.FileID != f.ID {
			t.Fatalf("claim after batching: %s in %q", c.Status, c.FileID)
		}
		built, _ := l.FilesInStatus(ctx, "", ledger.FileBuilt)
		if !slices.Equal(built, []string{f.ID, f2.ID}) {
			t.Fatalf("built files %v", built)
		}

		first, err := l.RecordAttempt(ctx, f.ID, errors.New("connection refused"))
		if err != nil || first.IsZero() {
			t.Fatalf("first failed attempt at %s: %v", first, err)
		}
		if again, err := l.RecordAttempt(ctx, f.ID, errors.New("connection refused")); err != nil || !again.Equal(first) {
			t.Fatalf("a second failed attempt says the attempts began failing at %s, not %s: %v", again, first, err)
		}
		// The first staged name recorded wins; a racing attempt gets it back.
		for _, tmp := range []string{".a.part", ".b.part"} {
			if got, err := l.MarkStaged(ctx, f.ID, tmp); err != nil || got != ".a.part" {
				t.Fatalf("staged %s: %q, %v", tmp, got, err)
			}
		}
		if back, _ := l.FileByID(ctx, f.ID); back.StagedName != ".a.part" {
			t.Fatalf("staged name read back: %q", back.StagedName)
		}
		changed, err := l.MarkDelivered(ctx, f.ID)
		if err != nil || !slices.Equal(changed, []string{"E1", "E2"}) {
			t.Fatalf("delivered: %v, %v", changed, err)
		}
		again, err := l.MarkDelivered(ctx, f.ID)
		if err != nil || len(again) != 0 {
			t.Fatalf("delivered twice: %v, %v", again, err)
		}
		back, _ = l.FileByID(ctx, f.ID)
		if back.Status != ledger.FileSubmitted || back.Attempts != 3 || back.DeliveredAt.IsZero() { // two failed, one delivered
			t.Fatalf("delivered file: %s, %d attempts", back.Status, back.Attempts)
		}
		if c, _ := l.Claim(ctx, "E2"); c.Status != ledger.StatusSubmitted {
			t.Fatalf("claim after delivery: %s", c.Status)
		}
		failed, err := l.MarkDeliveryFailed(ctx, f2.ID, errors.New("sftp.payer.example:22: host key mismatch"), "the payer's server is not the one pinned")
		if err != nil || !slices.Equal(failed, []string{"E3"}) {
			t.Fatalf("failed delivery: %v, %v", failed, err)
		}
		if c, _ := l.Claim(ctx, "E3"); c.Status != ledger.StatusDeliveryFailed {
			t.Fatalf("claim after failed delivery: %s", c.Status)
		}
		if back, _ := l.FileByID(ctx, f2.ID); back.LastError != "sftp.payer.example:22: host key mismatch" {
			t.Errorf("the file's last error %q", back.LastError)
		}
		if h, _ := l.History(ctx, "E3"); h[len(h)-1].Reason != "the payer's server is not the one pinned" {
			t.Errorf("the claim's history says %q", h[len(h)-1].Reason)
		}
	})
}

// A build that fails stores nothing and uses up no control number.
func TestCreateFileRollsBack(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		e, c := encounter("E1", true)
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		_, err := l.CreateFile(ctx, "SIMPAYER", 10, func(alloc ledger.Allocator, claims []ledger.Pending) (*ledger.File, error) {
			if _, err := alloc(ledger.ISA13, 1); err != nil {
				return nil, err
			}
			return nil, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		f, err := l.CreateFile(ctx, "SIMPAYER", 10, fakeBuild)
		if err != nil || f.ISA13 != 1 {
			t.Fatalf("after a rolled-back build: ISA13 %v, %v; want 1", f, err)
		}
	})
}

// Replicas batching at once take each claim once.
func TestCreateFileConcurrently(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		const claims = 40
		for i := range claims {
			e, c := encounter(fmt.Sprint("E", i), true)
			if _, err := l.RecordEncounter(ctx, e, c); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					f, err := l.CreateFile(ctx, "SIMPAYER", 3, fakeBuild)
					if errors.Is(err, ledger.ErrNothingQueued) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					for _, fc := range f.Claims {
						seen[fc.ClaimID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != claims {
			t.Fatalf("%d claims batched, want %d", len(seen), claims)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("claim %s in %d files", id, n)
			}
		}
	})
}

func TestRecordInboundOnce(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		f := ledger.InboundFile{PayerID: "SIMPAYER", Name: "a.999", Kind: "999", Content: []byte("ISA*...")}
		for i, want := range []bool{true, false} {
			created, err := l.RecordInbound(ctx, f)
			if err != nil || created != want {
				t.Fatalf("record %d: created %v, %v; want %v", i+1, created, err, want)
			}
		}
	})
}

// Two payer files for one claim applied at once by two replicas (a 277CA
// and an 835): the one that reads the claim second waits for the first to
// commit, and moves the claim from where the first left it. Before the
// claims a Tx reads were locked, the 277CA's later commit set a paid
// claim back to accepted (TestTwoReplicas caught it).
func TestInboundTransactionsTakeTurns(t *testing.T) {
	l := ledgertest.Postgres(t)
	ctx := context.Background()
	e, c := encounter("R1", true)
	if _, err := l.RecordEncounter(ctx, e, c); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Transition(ctx, "R1", ledger.StatusSubmitted, ledger.Source{Kind: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, sha := range []string{"sha-277ca", "sha-835"} {
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: sha, PayerID: "SIMPAYER", Name: sha, Kind: "x", Content: []byte(sha)}); err != nil {
			t.Fatal(err)
		}
	}
	read := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- l.ApplyInbound(ctx, "sha-277ca", func(tx *ledger.Tx) error {
			c, err := tx.Claim("R1")
			if err != nil {
				return err
			}
			close(read)
			time.Sleep(300 * time.Millisecond) // the 835 would commit now, unless it waits
			if c.Status != ledger.StatusSubmitted {
				return fmt.Errorf("277CA read %s", c.Status)
			}
			_, err = tx.Transition("R1", ledger.StatusAccepted, ledger.Source{Kind: "277CA"})
			return err
		})
	}()
	<-read
	err := l.ApplyInbound(ctx, "sha-835", func(tx *ledger.Tx) error {
		c, err := tx.Claim("R1")
		if err != nil {
			return err
		}
		if c.Status != ledger.StatusAccepted {
			return fmt.Errorf("the 835 read %s, want accepted: it did not wait for the 277CA", c.Status)
		}
		_, err = tx.Transition("R1", ledger.StatusPaid, ledger.Source{Kind: "835"})
		return err
	})
	if err := errors.Join(err, <-first); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Claim(ctx, "R1"); got.Status != ledger.StatusPaid {
		t.Errorf("claim ends %s, want paid", got.Status)
	}
}

// A Tx writes its payments in batches as it ends; within it, what reads
// payments sees them already: the totals, the payment a reversal undoes.
// Ids are reserved up front and follow one another.
func TestPaymentsKeptBackAreRead(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		e, c := encounter("P1", true)
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: "sha-p", PayerID: "SIMPAYER", Name: "p.835", Kind: "835", Content: []byte("p")}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		err := l.ApplyInbound(ctx, "sha-p", func(tx *ledger.Tx) error {
			if err := tx.ReservePayments(2); err != nil {
				return err
			}
			for i, paid := range []money.Cents{15000, -15000, 17000} {
				code := map[bool]string{true: "22", false: "1"}[paid < 0]
				id, err := tx.AddPayment(ledger.Payment{ClaimID: "P1", InboundSHA256: "sha-p", ST02: "0001", Position: 10 * (i + 1),
					TraceNumber: "T1", PaymentDate: "2026-11-20", StatusCode: code, Charge: 23500, Paid: paid, PayerClaimNumber: "PAYER-1"})
				if err != nil {
					return err
				}
				ids = append(ids, id)
				s, err := tx.Snapshot("P1")
				if err != nil || len(s.Payments) != i+1 || s.Payments[i].Reversal() != (paid < 0) || s.Payments[i].Paid != paid || s.Payments[i].PayerClaimNumber != "PAYER-1" {
					return fmt.Errorf("paid under PAYER-1 after payment %d: %v, %v", i+1, s, err)
				}
			}
			s, err := tx.Snapshot("P1")
			if err != nil || s.Paid() != 17000 {
				return fmt.Errorf("paid so far %v, %v; want 170.00", s, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Another transaction reads the same from the ledger.
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: "sha-q", PayerID: "SIMPAYER", Name: "q.835", Kind: "835", Content: []byte("q")}); err != nil {
			t.Fatal(err)
		}
		err = l.ApplyInbound(ctx, "sha-q", func(tx *ledger.Tx) error {
			claims, err := tx.ClaimsByPCN("SIMPAYER", "PCN-P1")
			if err != nil || len(claims) != 1 {
				return fmt.Errorf("claims with PCN PCN-P1: %v, %v", claims, err)
			}
			if s := claims[0]; s.Paid() != 17000 || len(s.Payments) != 3 || !s.Payments[1].Reversal() || s.Payments[2].PayerClaimNumber != "PAYER-1" {
				return fmt.Errorf("P1 read back in a new transaction: %+v", s)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if ids[1] != ids[0]+1 || ids[2] != ids[1]+1 {
			t.Errorf("payment ids %v", ids)
		}
		ps, err := l.Payments(ctx, "P1")
		if err != nil || len(ps) != 3 || ps[2].ID != ids[2] || ps[1].Paid != -15000 {
			t.Fatalf("payments read back: %+v, %v", ps, err)
		}
	})
}

// Two replicas applying two payer files of one payer that name the same
// claims in opposite orders take turns: neither fails with a deadlock
// (PostgreSQL's SQLSTATE 40P01, which used up payer files' tries during
// a run of three replicas). SQLite has one writer at a time anyway.
func TestInboundFilesOfOnePayerTakeTurns(t *testing.T) {
	l := ledgertest.Postgres(t)
	ctx := context.Background()
	for _, id := range []string{"DL-A", "DL-B"} {
		e, c := encounter(id, true)
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, sha := range []string{"sha-dl-1", "sha-dl-2"} {
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: sha, PayerID: "SIMPAYER", Name: sha + ".835", Kind: "835", Content: []byte(sha)}); err != nil {
			t.Fatal(err)
		}
	}
	// The first file locks A, then waits a moment for the second to lock
	// B (it does, unless the second waits for the first to end), then
	// wants B: with nothing between the two, they deadlock.
	locked := make(chan struct{})
	apply := func(sha, first, second string, signal, wait chan struct{}) error {
		return l.ApplyInbound(ctx, sha, func(tx *ledger.Tx) error {
			if _, err := tx.Claim(first); err != nil {
				return err
			}
			if signal != nil {
				close(signal)
			}
			if wait != nil {
				select {
				case <-wait:
				case <-time.After(500 * time.Millisecond):
				}
			}
			if _, err := tx.Claim(second); err != nil {
				return err
			}
			_, err := tx.Transition(first, ledger.StatusRejected, ledger.Source{Kind: "test", Actor: "test"})
			return err
		})
	}
	secondLocked := make(chan struct{})
	errs := make(chan error, 2)
	go func() { errs <- apply("sha-dl-1", "DL-A", "DL-B", locked, secondLocked) }()
	<-locked
	go func() { errs <- apply("sha-dl-2", "DL-B", "DL-A", secondLocked, nil) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a payer file of the same payer: %v", err)
		}
	}
}

// ListFiles lists outbound files newest first, by payer and status, a
// page at a time: files made in the same millisecond come in id order,
// newest id first.
func TestListFiles(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		var ids []string
		for _, id := range []string{"L1", "L2", "L3"} {
			e, c := encounter(id, true)
			if _, err := l.RecordEncounter(ctx, e, c); err != nil {
				t.Fatal(err)
			}
			f, err := l.CreateFile(ctx, "SIMPAYER", 1, fakeBuild)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, f.ID)
		}
		if _, err := l.MarkDelivered(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		// The first is the newest; the other two were made at once.
		for i, at := range []int64{3000, 2000, 2000} {
			if err := l.Exec(ctx, `UPDATE files SET created_at = $2 WHERE id = $1`, ids[i], at); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f ledger.FileFilter) []string {
			t.Helper()
			fs, err := l.ListFiles(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, f := range fs {
				out = append(out, f.ID)
			}
			return out
		}
		for _, c := range []struct {
			f    ledger.FileFilter
			want []string
		}{
			{ledger.FileFilter{}, []string{ids[0], ids[2], ids[1]}},
			{ledger.FileFilter{Limit: 1}, []string{ids[0]}},
			{ledger.FileFilter{Limit: 1, Before: ids[0]}, []string{ids[2]}},
			{ledger.FileFilter{Limit: 1, Before: ids[2]}, []string{ids[1]}},
			{ledger.FileFilter{Limit: 1, Before: ids[1]}, nil},
			{ledger.FileFilter{Status: ledger.FileSubmitted}, []string{ids[0]}},
			{ledger.FileFilter{Status: ledger.FileBuilt, PayerID: "SIMPAYER"}, []string{ids[2], ids[1]}},
			{ledger.FileFilter{PayerID: "OTHER"}, nil},
		} {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		fs, err := l.ListFiles(ctx, ledger.FileFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if f := fs[0]; f.PayerID != "SIMPAYER" || f.ISA13 != 1 || f.Name != "SIM_000000001.837" || f.Status != ledger.FileSubmitted ||
			f.Attempts != 1 || f.Claims != 1 || f.CreatedAt.UnixMilli() != 3000 || f.DeliveredAt.IsZero() {
			t.Errorf("the delivered file: %+v", f)
		}
	})
}

// ListInbound lists payer files newest first, by payer, kind and status;
// Inbound gives one with the problems found in it, one a line.
func TestListInbound(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		for i, f := range []ledger.InboundFile{
			{SHA256: "in-a", PayerID: "SIMPAYER", Name: "a.999", Kind: "999", Content: []byte("ISA*a")},
			{SHA256: "in-b", PayerID: "SIMPAYER", Name: "b.835", Kind: "835", Content: []byte("ISA*bb")},
			{SHA256: "in-c", PayerID: "OTHER", Name: "c.835", Kind: "835", Content: []byte("ISA*ccc")},
		} {
			if _, err := l.RecordInbound(ctx, f); err != nil {
				t.Fatal(err)
			}
			if err := l.Exec(ctx, `UPDATE inbound_files SET received_at = $2 WHERE sha256 = $1`, f.SHA256, 1000*(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.ApplyInbound(ctx, "in-b", func(tx *ledger.Tx) error {
			if err := tx.SetInboundErrors("in-b", "offset 0, segment 1 ISA: isa: bad\noffset 9, segment 2 GS: syntax: bad\n"); err != nil {
				return err
			}
			return tx.AddException(ledger.Exception{InboundSHA256: "in-b", Kind: "835", ST02: "0001", Position: 7, PCN: "P1", Reason: "no such claim"})
		}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f    ledger.InboundFilter
			want []string
		}{
			{ledger.InboundFilter{}, []string{"in-c", "in-b", "in-a"}},
			{ledger.InboundFilter{Limit: 2}, []string{"in-c", "in-b"}},
			{ledger.InboundFilter{Limit: 2, Before: "in-b"}, []string{"in-a"}},
			{ledger.InboundFilter{Kind: "835"}, []string{"in-c", "in-b"}},
			{ledger.InboundFilter{Kind: "835", PayerID: "SIMPAYER"}, []string{"in-b"}},
			{ledger.InboundFilter{Status: "received"}, []string{"in-c", "in-a"}},
			{ledger.InboundFilter{Status: "processed"}, []string{"in-b"}},
			{ledger.InboundFilter{Kind: "277CA"}, nil},
		} {
			fs, err := l.ListInbound(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.SHA256)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		f, err := l.Inbound(ctx, "in-b")
		if err != nil {
			t.Fatal(err)
		}
		if f.PayerID != "SIMPAYER" || f.Name != "b.835" || f.Kind != "835" || f.Status != "processed" || f.Size != 6 ||
			f.ReceivedAt.UnixMilli() != 2000 || f.ProcessedAt.IsZero() || len(f.Errors) != 2 || f.Errors[1] != "offset 9, segment 2 GS: syntax: bad" {
			t.Errorf("in-b: %+v", f)
		}
		if f, err := l.Inbound(ctx, "in-a"); err != nil || f.Errors != nil || !f.ProcessedAt.IsZero() {
			t.Errorf("in-a: %+v, %v", f, err)
		}
		if _, err := l.Inbound(ctx, "nosuch"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("an unknown file: %v", err)
		}
		es, err := l.ExceptionsOfFile(ctx, "in-b")
		if err != nil || len(es) != 1 || es[0].Reason != "no such claim" || es[0].PayerID != "SIMPAYER" {
			t.Errorf("the exceptions of in-b: %+v, %v", es, err)
		}
		if es, err := l.ExceptionsOfFile(ctx, "in-a"); err != nil || len(es) != 0 {
			t.Errorf("the exceptions of in-a: %+v, %v", es, err)
		}
	})
}
