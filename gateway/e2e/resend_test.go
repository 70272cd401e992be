package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// A delivery given up on, then resent, against a real daemon and the
// payer simulator's SFTP server: with the server stopped for longer than
// the route's sftp.retry_for (2 s here), the file and its claims become
// delivery_failed and /metrics counts outcome="failed" up from 0; once the
// server is back, POST /v1/files/{id}/resend sends the claims again in a
// new file under a new ISA13, which the payer receives exactly once, and
// each claim's history says who resent it and why.
func TestDeliveryGivenUpAndResent(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tmp := t.TempDir()
	s := startSimAnswering(t, filepath.Join(tmp, "payer"), false)
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Listen = filepath.Join(tmp, "data"), "127.0.0.1:0"
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW RESEND TEST", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
	route := s.route(50, 300*time.Millisecond, 100*time.Millisecond)
	route.SFTP.RetryFor.Duration = 2 * time.Second
	cfg.Payers = []config.Payer{route}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.New(&logs), Tick: 50 * time.Millisecond,
		Backoff: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f := &faulty{t: t, ctx: ctx, d: d, s: s}
	defer func() {
		if t.Failed() {
			t.Logf("gateway log (end):\n%s", tail(logs.String(), 8000))
		}
	}()
	failedSeries := `claimsgw_deliveries_total{outcome="failed",payer="` + demo.PayerID + `"} `
	if m := f.get("/metrics"); !strings.Contains(m, failedSeries+"0\n") {
		t.Errorf("/metrics before anything failed lacks %s0", failedSeries)
	}

	s.outage()
	encounters := demo.Encounters(6, demo.PayerID, 7, time.Now())
	for _, e := range encounters {
		if _, _, err := d.SubmitEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ids := encounterIDs(t, encounters)
	var failed []string
	f.waitFor("every claim delivery_failed", func() bool {
		for _, id := range ids {
			if c, err := d.Ledger.Claim(ctx, id); err != nil || c.Status != ledger.StatusDeliveryFailed {
				return false
			}
		}
		var err error
		failed, err = d.Ledger.FilesInStatus(ctx, demo.PayerID, ledger.FileDeliveryFailed)
		return err == nil && len(failed) > 0
	})
	if m := f.get("/metrics"); !strings.Contains(m, fmt.Sprintf("%s%d\n", failedSeries, len(failed))) {
		t.Errorf("/metrics after %d files were given up on lacks %s%d", len(failed), failedSeries, len(failed))
	}
	failedISA13 := map[int64]string{}
	for _, id := range failed {
		file, err := d.Ledger.FileByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		failedISA13[file.ISA13] = id
	}

	s.restore(t)
	for _, id := range failed {
		if status, body := f.post("/v1/files/"+id+"/resend", `{"actor":"alice","reason":"the payer's server is back"}`); status != 200 || !strings.Contains(body, `"status":"resent"`) {
			t.Fatalf("POST /v1/files/%s/resend: %d %s", id, status, body)
		}
	}
	var resentIn []string
	f.waitFor("every claim submitted again", func() bool {
		resentIn = resentIn[:0]
		for _, id := range ids {
			c, err := d.Ledger.Claim(ctx, id)
			if err != nil || c.Status != ledger.StatusSubmitted {
				return false
			}
			if !slices.Contains(resentIn, c.FileID) {
				resentIn = append(resentIn, c.FileID)
			}
		}
		return true
	})
	for _, id := range resentIn {
		file, err := d.Ledger.FileByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := failedISA13[file.ISA13]; ok || slices.Contains(failed, id) {
			t.Errorf("the claims went out again in %s under ISA13 %d, the failed file %s's", id, file.ISA13, prev)
		}
	}
	for _, id := range ids {
		h, err := d.Ledger.History(ctx, id)
		if err != nil || !slices.ContainsFunc(h, func(c ledger.Change) bool {
			return c.Kind == "manual" && c.Actor == "alice" && c.From == ledger.StatusDeliveryFailed && c.To == ledger.StatusQueued &&
				strings.HasSuffix(c.Reason, "resent by hand: queued for a new file: the payer's server is back")
		}) {
			t.Errorf("claim %s's history has no resend by alice with her reason: %+v, %v", id, h, err)
		}
	}
	// Delivered exactly once, and nothing of the failed files: a moment
	// more for a second delivery to show if there were one.
	time.Sleep(500 * time.Millisecond)
	got := s.received837s(t)
	if len(got) != len(resentIn) {
		t.Errorf("the payer received %d files, want the %d new ones", len(got), len(resentIn))
	}
	checkReceived(t, got, pcns(t, encounters))
}
