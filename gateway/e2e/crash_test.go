package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/queue"
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
	bin := filepath.Join(tmp, "claimsgw")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/claimsgw/claimsgw/cmd/claimsgw")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	s := startSim(t, filepath.Join(tmp, "payer"))
	dataDir := filepath.Join(tmp, "data")
	natsPort := testutil.FreePort(t)
	cfgFile := filepath.Join(tmp, "claimsgw.yaml")
	cfgYAML := fmt.Sprintf(`data_dir: %q
nats: {port: %d}
http: {listen: "127.0.0.1:0"}
submitter: {name: CLAIMSGW CRASH TEST, id: CLAIMSGW, contact_name: EDI SUPPORT, phone: "8005550100"}
`, dataDir, natsPort) + s.routeYAML(20, 500*time.Millisecond, 100*time.Millisecond)
	if err := os.WriteFile(cfgFile, []byte(cfgYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(filepath.Join(tmp, "claimsgw.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()

	// The gateway process, started again after each kill.
	start0 := time.Now()
	stopped := false
	var child *exec.Cmd
	var exited chan error
	runs := 0
	startChild := func() {
		runs++
		fmt.Fprintf(logFile, "=== run %d\n", runs)
		c := exec.Command(bin, "serve", "--config", cfgFile)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "CLAIMSGW_") { // the config file says it all
				c.Env = append(c.Env, kv)
			}
		}
		c.Env = append(c.Env, "CLAIMSGW_LOG_LEVEL=info")
		c.Stdout, c.Stderr = logFile, logFile
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		child, exited = c, done
	}
	showLog := func() {
		b, _ := os.ReadFile(logFile.Name())
		if len(b) > 20000 {
			b = b[len(b)-20000:]
		}
		t.Logf("gateway log (end):\n%s", b)
	}
	kill := func(why string) {
		t.Logf("%.1fs: SIGKILL (%s)", time.Since(start0).Seconds(), why)
		child.Process.Signal(syscall.SIGKILL)
		<-exited
		startChild()
	}
	startChild()
	defer func() {
		if !stopped {
			child.Process.Signal(syscall.SIGKILL)
			select { // already taken if the gateway exited on its own
			case <-exited:
			case <-time.After(5 * time.Second):
			}
		}
	}()

	nc, err := nats.Connect(fmt.Sprintf("nats://127.0.0.1:%d", natsPort),
		nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	const n = 200
	encounters := demo.Encounters(n, demo.PayerID, 7, time.Now())
	var published atomic.Int64
	pubDone := make(chan error, 1)
	go func() {
		// A billing system that retries each encounter until NATS has it.
		for _, e := range encounters {
			for {
				pctx, pcancel := context.WithTimeout(ctx, time.Second)
				_, _, err := intake.Submit(pctx, js, queue.Default, e)
				pcancel()
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					pubDone <- fmt.Errorf("publish: %w", err)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			published.Add(1)
			time.Sleep(10 * time.Millisecond) // a steady stream, so the kills land mid-intake
		}
		pubDone <- nil
	}()

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("kill jitter seed %d", seed)
	jitter := func() time.Duration { return time.Duration(rng.IntN(400)) * time.Millisecond }
	archived := func() int {
		names, _ := completeFiles(filepath.Join(s.Root, payersim.ArchiveDir))
		return len(names)
	}
	waitUntil := func(what string, cond func() bool) {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for !cond() {
			select {
			case err := <-exited:
				showLog()
				t.Fatalf("the gateway exited on its own (%v) waiting for %s", err, what)
			case <-ctx.Done():
				showLog()
				t.Fatalf("timed out waiting for %s", what)
			case <-tick.C:
			}
		}
	}

	// 1. While encounters come in.
	waitUntil("50 encounters published", func() bool { return published.Load() >= 50 })
	time.Sleep(jitter())
	kill(fmt.Sprintf("%d encounters published", published.Load()))
	// 2. While files are built and delivered.
	waitUntil("an 837 at the payer", func() bool { return archived() >= 1 })
	time.Sleep(jitter())
	kill(fmt.Sprintf("%d 837s at the payer", archived()))
	// 3. While answers are picked up and applied.
	waitUntil("four 837s at the payer", func() bool { return archived() >= 4 })
	time.Sleep(jitter())
	kill(fmt.Sprintf("%d 837s at the payer", archived()))
	// 4. While the gateway recovers from the last kill.
	time.Sleep(200*time.Millisecond + jitter())
	kill("recovering")
	// 5. Later in the run, when most files are out.
	waitUntil("eight 837s at the payer", func() bool { return archived() >= 8 })
	time.Sleep(jitter())
	kill(fmt.Sprintf("%d 837s at the payer", archived()))

	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	t.Logf("%.1fs: all %d encounters published; waiting for the gateway to settle", time.Since(start0).Seconds(), n)
	l, err := ledger.Open(ctx, ledger.SQLite, filepath.Join(dataDir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	settleCtx, settleCancel := context.WithTimeout(ctx, 75*time.Second)
	defer settleCancel()
	func() {
		defer func() {
			if t.Failed() {
				showLog()
			}
		}()
		waitSettled(settleCtx, t, l, s, n)
	}()
	l.Close()
	t.Logf("%.1fs: settled after %d runs", time.Since(start0).Seconds(), runs)

	// A graceful stop, then the evidence.
	child.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		stopped = true
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		if err != nil {
			showLog()
			t.Errorf("the gateway stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the gateway did not stop within 15s of SIGTERM")
	}
	files := s.received837s(t)
	t.Logf("the payer received %d 837 files", len(files))
	checkReceived(t, files, pcns(t, encounters))
	checkLedger(ctx, t, openSQLite(t, filepath.Join(dataDir, "ledger.db")), encounterIDs(t, encounters))
	if t.Failed() {
		showLog()
	}
	if b, _ := os.ReadFile(logFile.Name()); strings.Contains(string(b), `"level":"error"`) {
		t.Logf("the gateway logged errors (look at them if the test fails):\n%s", grepLines(string(b), `"level":"error"`))
	}
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			b.WriteString(line)
		}
	}
	return b.String()
}
