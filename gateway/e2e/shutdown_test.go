package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// Close in the middle of a run returns within a few seconds; a demo
// started again on the same data directory (a new payer simulator, with a
// new host key, serving the same payer directory) finishes the run: every
// encounter settles as one claim, delivered once, without waiting for
// the queue to redeliver anything.
func TestGracefulShutdownMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	logs := &testutil.SyncBuffer{}
	opts := demo.Options{DataDir: dir, Listen: "127.0.0.1:0", Seed: 1, Log: zerolog.New(logs), MaxClaims: 10, Cutoff: 300 * time.Millisecond}
	d, err := demo.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	const n = 150
	encounters := demo.Encounters(n, demo.PayerID, 5, time.Now())
	start := time.Now()
	if err := d.Submit(ctx, encounters); err != nil {
		d.Close()
		t.Fatal(err)
	}
	// Mid-run: some files out, most claims not settled.
	var mid string
	for {
		s, err := d.Summary(ctx, n, start)
		if err != nil {
			d.Close()
			t.Fatal(err)
		}
		if s.Files >= 3 && s.Submitted >= 20 {
			mid = summaryLine(s)
			break
		}
		select {
		case <-ctx.Done():
			d.Close()
			t.Fatalf("no files built: %+v", s)
		case <-time.After(20 * time.Millisecond):
		}
	}
	closed := make(chan struct{})
	t0 := time.Now()
	go func() { d.Close(); close(closed) }()
	select {
	case <-closed:
		t.Logf("closed in %v at %s", time.Since(t0).Round(time.Millisecond), mid)
	case <-time.After(5 * time.Second):
		t.Fatalf("Close did not return within 5s (started at %s)", mid)
	}
	// A stop on purpose is not an error (before: "batch not built ...
	// context canceled" at level error).
	if errs := grepLines(logs.String(), `"level":"error"`); errs != "" {
		t.Errorf("the stop logged errors:\n%s", errs)
	}

	d, err = demo.Start(ctx, opts)
	if err != nil {
		t.Fatalf("restart on the same data directory: %v", err)
	}
	defer d.Close()
	// Well under the queue's AckWait (30s): a message a graceful stop left
	// to be redelivered after AckWait fails the test.
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	s, err := d.Wait(wctx, n, start)
	if err != nil || !s.Settled {
		for _, sub := range []string{"inbound", "outbound"} {
			names, _ := os.ReadDir(filepath.Join(dir, "payer", sub))
			for _, e := range names {
				t.Logf("payer %s/%s", sub, e.Name())
			}
		}
		t.Logf("warnings and errors:\n%s", grepLines(logs.String(), `"level":"warn"`)+grepLines(logs.String(), `"level":"error"`))
		db := openSQLite(t, filepath.Join(dir, "ledger.db"))
		for _, q := range []string{
			`SELECT kind || ' st02=' || st02 || ' pos=' || position || ' pcn=' || pcn || ': ' || reason || ' file=' || inbound_sha256 FROM exceptions WHERE status = 'open'`,
			`SELECT h.claim_id || ' ' || c.pcn || ' ' || h.from_status || '->' || h.to_status || ' by ' || h.source_kind || ' ' || h.source_file || ' ' || h.reason FROM claim_history h JOIN claims c ON c.id = h.claim_id
				WHERE c.status NOT IN ('paid', 'partially_paid', 'denied', 'rejected', 'forwarded', 'invalid', 'delivery_failed') ORDER BY h.id`,
			`SELECT name || ' ' || kind || ' ' || status || ' ' || errors FROM inbound_files ORDER BY received_at`,
		} {
			t.Logf("%s", strings.Join(queryStrings(ctx, t, db, q), "\n"))
		}
		t.Fatalf("not settled after the restart (%v): %+v", err, s)
	}
	t.Logf("after the restart: %s", summaryLine(s))
	d.Close()
	checkReceived(t, received837s(t, filepath.Join(dir, "payer")), pcns(t, encounters))
	checkLedger(ctx, t, openSQLite(t, filepath.Join(dir, "ledger.db")), encounterIDs(t, encounters))
}

func summaryLine(s *demo.Summary) string {
	return fmt.Sprintf("%d claims, %d files, %d submitted, %d unsettled, %.1fs", s.Encounters, s.Files, s.Submitted, s.Unsettled, s.Seconds)
}
