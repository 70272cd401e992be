package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// publishWindow is how many encounters the billing system of
// BenchmarkPipeline publishes before it waits for their acknowledgments.
const publishWindow = 256

// BenchmarkPipeline is the gateway's throughput from a NATS publish to the
// 837 files on the payer's SFTP server, on embedded defaults (NATS with
// JetStream, an SQLite ledger) with files of up to 1,000 claims. One op is
// one encounter: b.N encounters are published (by a billing system in
// another goroutine, publishWindow at a time with their acknowledgments
// awaited together, as claimsgw submit does) and the clock stops
// when the last claim's file is on the server (the claim is submitted).
// The payer does not answer, so nothing but the outbound path runs.
//
// Beside encounters/s it reports, from the same run, intake/s (until the
// ledger holds every encounter as a claim) and published/s (how fast the
// billing system's publishes were taken while the pipeline ran: the
// baseline): encounters/s close to intake/s and far below published/s says
// the intake stage is the bottleneck.
//
//	go test ./gateway/e2e -run XXX -bench Pipeline -benchtime 30000x -cpuprofile cpu.out
//	go tool pprof -top gateway/e2e/e2e.test cpu.out
func BenchmarkPipeline(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tmp := b.TempDir()
	s := startSimAnswering(b, filepath.Join(tmp, "payer"), false)
	cfg := config.Default()
	cfg.DataDir = filepath.Join(tmp, "data")
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW BENCH", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
	cfg.Payers = []config.Payer{s.route(1000, 200*time.Millisecond, time.Hour)}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop(), Tick: 100 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	encounters := demo.Encounters(b.N, demo.PayerID, uint64(b.N), time.Now())

	b.ResetTimer()
	start := time.Now()
	published := make(chan time.Duration, 1)
	pubErr := make(chan error, 1)
	go func() {
		for rest := encounters; len(rest) > 0; {
			n := min(len(rest), publishWindow)
			if _, _, err := intake.SubmitAll(ctx, d.JS, d.Names, rest[:n]); err != nil {
				pubErr <- err
				return
			}
			rest = rest[n:]
		}
		published <- time.Since(start)
	}()
	// Counting the claims by status takes a few ms once the ledger holds
	// thousands: often enough for a 1% reading, rarely enough not to take a
	// core from what it measures.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var intook time.Duration // when intake had recorded every encounter
	for {
		by, err := d.Ledger.CountByStatus(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if total := sum(by); intook == 0 && total >= b.N {
			intook = time.Since(start)
		}
		if by[ledger.StatusSubmitted] >= b.N {
			break
		}
		if by[ledger.StatusInvalid] > 0 || by[ledger.StatusDeliveryFailed] > 0 {
			b.Fatalf("claims lost on the way: %v", by)
		}
		select {
		case <-ctx.Done():
			b.Fatalf("not all submitted: %v", by)
		case err := <-pubErr:
			b.Fatalf("publish: %v", err)
		case <-tick.C:
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	pub := <-published
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "encounters/s")
	b.ReportMetric(float64(b.N)/pub.Seconds(), "published/s")
	b.ReportMetric(float64(b.N)/intook.Seconds(), "intake/s")
}

func sum(by map[ledger.Status]int) int {
	n := 0
	for _, k := range by {
		n += k
	}
	return n
}
