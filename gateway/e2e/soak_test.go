package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/payersim"
)

// oldRetryWindow is how long a delivery was tried before it was given up
// on for good, before deliveries were retried for the route's retry_for:
// five attempts within 2¼ minutes.
const oldRetryWindow = 135 * time.Second

// TestSoak runs 5,000 encounters through the gateway process while the
// test kills it with SIGKILL at random points (six times), stops the
// payer's SFTP server for longer than the old retry window, and drops a
// truncated and a foreign 835 in the pickup folder. At the end: every
// encounter is a settled claim, every CLM01 was delivered exactly once,
// no ISA13 was used twice, the two dropped files are the only
// exceptions, and the ledger's payments are the sum of the payer's 835s,
// to the cent, each balanced.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak of several minutes: not in -short")
	}
	t.Parallel() // beside the chaos test

	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	s := startSim(t, filepath.Join(tmp, "payer"))
	g := startGateway(ctx, t, tmp, s.routeYAML(100, 500*time.Millisecond, 200*time.Millisecond))
	defer func() {
		if t.Failed() {
			g.showLog()
		}
	}()

	const n = 5000
	encounters := demo.Encounters(n, demo.PayerID, 13, time.Now())
	var published atomic.Int64
	pubDone := g.publish(ctx, encounters, time.Millisecond, &published)
	archived := func() int {
		names, _ := completeFiles(filepath.Join(s.Root, payersim.ArchiveDir))
		return len(names)
	}
	kill := func(why string) {
		g.kill(fmt.Sprintf("%s; %d encounters published, %d 837s at the payer", why, published.Load(), archived()))
	}

	g.waitUntil(ctx, "1,000 encounters published", func() bool { return published.Load() >= 1000 })
	time.Sleep(g.jitter(500 * time.Millisecond))
	kill("while encounters come in")
	g.waitUntil(ctx, "five 837s at the payer", func() bool { return archived() >= 5 })
	time.Sleep(g.jitter(500 * time.Millisecond))
	kill("while files are delivered and answered")

	g.waitUntil(ctx, "ten 837s at the payer", func() bool { return archived() >= 10 })
	s.outage()
	down := time.Now()
	t.Logf("%.1fs: the payer's SFTP server is down", time.Since(g.start).Seconds())
	time.Sleep(15*time.Second + g.jitter(10*time.Second))
	kill("the payer's server down")
	time.Sleep(30*time.Second + g.jitter(20*time.Second))
	kill("the payer's server down")
	time.Sleep(time.Until(down.Add(oldRetryWindow + 5*time.Second)))
	s.restore(t)
	t.Logf("%.1fs: the payer's SFTP server is back after %s", time.Since(g.start).Seconds(), time.Since(down).Round(time.Second))
	time.Sleep(time.Second + g.jitter(2*time.Second))
	kill("the payer's server back")

	// A truncated and a foreign 835, as a payer's broken transfer and a
	// misrouted file would leave them.
	pay := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("SOAKFAULT", "", [][]string{
		gatewaytest.CLP1(pcns(t, encounters[:1])[0], "1", "PAYSOAK", 80, "")}))
	for name, data := range map[string]string{
		"zz-fault-cut.835":     pay[:len(pay)*2/3],
		"zz-fault-foreign.835": strings.Replace(pay, "*ZZ*SIMPAYER       *", "*ZZ*OTHERPAYER     *", 1),
	} {
		dir := filepath.Join(s.Root, payersim.OutboundDir)
		if err := os.WriteFile(filepath.Join(dir, "."+name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, "."+name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	g.waitUntil(ctx, "30 837s at the payer", func() bool { return archived() >= 30 })
	time.Sleep(g.jitter(time.Second))
	kill("later in the run")
	if g.runs-1 < 5 {
		t.Fatalf("%d kills, want at least 5", g.runs-1)
	}

	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(ctx, ledger.SQLite, filepath.Join(g.DataDir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	waitSettled(ctx, t, l, s, n)
	l.Close()
	t.Logf("%.1fs: settled after %d runs", time.Since(g.start).Seconds(), g.runs)
	g.stop()

	files := s.received837s(t)
	t.Logf("the payer received %d 837 files", len(files))
	checkReceived(t, files, pcns(t, encounters))
	db := openSQLite(t, filepath.Join(g.DataDir, "ledger.db"))

	// The two dropped files are the exceptions, and an operator dismisses
	// them; then the ledger is as a run without faults leaves it.
	open := queryStrings(ctx, t, db, `SELECT e.id || ' ' || f.name || ': ' || e.reason FROM exceptions e JOIN inbound_files f ON f.sha256 = e.inbound_sha256
		WHERE e.status = 'open' ORDER BY f.name`)
	if len(open) != 2 || !strings.Contains(open[0], "zz-fault-cut.835: interchange 000000777 is not whole") ||
		!strings.Contains(open[1], `zz-fault-foreign.835: interchange 000000777 is from ISA06 "OTHERPAYER"`) {
		t.Fatalf("open exceptions: %q, want the cut and the foreign 835's", open)
	}
	for _, e := range open {
		id, _, _ := strings.Cut(e, " ")
		out, err := exec.CommandContext(ctx, g.bin, "exceptions", "dismiss", id, "--actor", "soak", "--reason", "a fault the test dropped", "--data", g.DataDir).CombinedOutput()
		if err != nil {
			t.Fatalf("exceptions dismiss %s: %v\n%s", id, err, out)
		}
	}
	checkLedger(ctx, t, db, encounterIDs(t, encounters))

	// The ledger's payments, to the cent, are the payer's 835s it applied
	// (every one but the dropped two), each balanced.
	checkPayments(ctx, t, db, "zz-fault-%")
	t.Logf("settled in %.0fs", time.Since(g.start).Seconds())
	if errs := g.loggedErrors(); errs != "" {
		t.Logf("the gateway logged errors (look at them if the test fails):\n%s", tail(errs, 4000))
	}
}
