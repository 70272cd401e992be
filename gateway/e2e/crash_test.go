package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/payersim"
)

// The gateway process is killed with SIGKILL at several points of a run
// (while encounters come in, while files are built and delivered, while
// answers are picked up, and while it recovers from the last kill) and
// started again on the same data directory each time. At the end every
// encounter is one claim, delivered to the payer exactly once (its CLM01
// in one 837 file the payer received), no control number was used twice,
// and every claim settled.
//
// The daemon runs as `claimsgw serve --config` with the embedded NATS
// server on a fixed port (nats.port), so the test publishes to it again
// after each restart. The payer simulator runs in the test process.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end with a subprocess: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	tmp := t.TempDir()
	s := startSim(t, filepath.Join(tmp, "payer"))
	g := startGateway(ctx, t, tmp, s.routeYAML(20, 500*time.Millisecond, 100*time.Millisecond))

	const n = 200
	encounters := demo.Encounters(n, demo.PayerID, 7, time.Now())
	var published atomic.Int64
	pubDone := g.publish(ctx, encounters, 10*time.Millisecond, &published) // a steady stream, so the kills land mid-intake
	archived := func() int {
		names, _ := completeFiles(filepath.Join(s.Root, payersim.ArchiveDir))
		return len(names)
	}
	jitter := func() time.Duration { return g.jitter(400 * time.Millisecond) }

	// 1. While encounters come in.
	g.waitUntil(ctx, "50 encounters published", func() bool { return published.Load() >= 50 })
	time.Sleep(jitter())
	g.kill(fmt.Sprintf("%d encounters published", published.Load()))
	// 2. While files are built and delivered.
	g.waitUntil(ctx, "an 837 at the payer", func() bool { return archived() >= 1 })
	time.Sleep(jitter())
	g.kill(fmt.Sprintf("%d 837s at the payer", archived()))
	// 3. While answers are picked up and applied.
	g.waitUntil(ctx, "four 837s at the payer", func() bool { return archived() >= 4 })
	time.Sleep(jitter())
	g.kill(fmt.Sprintf("%d 837s at the payer", archived()))
	// 4. While the gateway recovers from the last kill.
	time.Sleep(200*time.Millisecond + jitter())
	g.kill("recovering")
	// 5. Later in the run, when most files are out.
	g.waitUntil(ctx, "eight 837s at the payer", func() bool { return archived() >= 8 })
	time.Sleep(jitter())
	g.kill(fmt.Sprintf("%d 837s at the payer", archived()))

	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	t.Logf("%.1fs: all %d encounters published; waiting for the gateway to settle", time.Since(g.start).Seconds(), n)
	l, err := ledger.Open(ctx, ledger.SQLite, filepath.Join(g.DataDir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	settleCtx, settleCancel := context.WithTimeout(ctx, 75*time.Second)
	defer settleCancel()
	func() {
		defer func() {
			if t.Failed() {
				g.showLog()
			}
		}()
		waitSettled(settleCtx, t, l, s, n)
	}()
	l.Close()
	t.Logf("%.1fs: settled after %d runs", time.Since(g.start).Seconds(), g.runs)

	// A graceful stop, then the evidence.
	g.stop()
	files := s.received837s(t)
	t.Logf("the payer received %d 837 files", len(files))
	checkReceived(t, files, pcns(t, encounters))
	checkLedger(ctx, t, openSQLite(t, filepath.Join(g.DataDir, "ledger.db")), encounterIDs(t, encounters))
	if t.Failed() {
		g.showLog()
	}
	if errs := g.loggedErrors(); errs != "" {
		t.Logf("the gateway logged errors (look at them if the test fails):\n%s", errs)
	}
}
