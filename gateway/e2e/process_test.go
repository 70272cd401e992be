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

	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// gatewayProcess is `claimsgw serve --config` run as an operator runs it,
// with the embedded NATS server on a fixed port, which a test kills with
// SIGKILL and starts again on the same data directory.
type gatewayProcess struct {
	t       *testing.T
	bin     string
	cfgFile string
	DataDir string
	NATSURL string
	log     *os.File
	cmd     *exec.Cmd
	exited  chan error
	runs    int
	start   time.Time
	stopped bool
	rng     *rand.Rand
}

// startGateway builds the binary and starts it on a config of its own,
// in tmp, with routeYAML as its payers.
func startGateway(ctx context.Context, t *testing.T, tmp, routeYAML string) *gatewayProcess {
	t.Helper()
	g := &gatewayProcess{t: t, bin: filepath.Join(tmp, "claimsgw"), cfgFile: filepath.Join(tmp, "claimsgw.yaml"), DataDir: filepath.Join(tmp, "data"), start: time.Now()}
	build := exec.CommandContext(ctx, "go", "build", "-o", g.bin, "github.com/claimsgw/claimsgw/cmd/claimsgw")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := testutil.FreePort(t)
	g.NATSURL = fmt.Sprintf("nats://127.0.0.1:%d", port)
	cfg := fmt.Sprintf(`data_dir: %q
nats: {port: %d}
http: {listen: "127.0.0.1:0"}
submitter: {name: CLAIMSGW E2E, id: CLAIMSGW, contact_name: EDI SUPPORT, phone: "8005550100"}
`, g.DataDir, port) + routeYAML
	if err := os.WriteFile(g.cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if g.log, err = os.Create(filepath.Join(tmp, "claimsgw.log")); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	g.rng = rand.New(rand.NewPCG(seed, 1))
	t.Logf("kill jitter seed %d", seed)
	g.run()
	t.Cleanup(func() {
		if !g.stopped {
			g.cmd.Process.Signal(syscall.SIGKILL)
			select { // already taken if the gateway exited on its own
			case <-g.exited:
			case <-time.After(5 * time.Second):
			}
		}
		g.log.Close()
	})
	return g
}

func (g *gatewayProcess) run() {
	g.runs++
	fmt.Fprintf(g.log, "=== run %d\n", g.runs)
	c := exec.Command(g.bin, "serve", "--config", g.cfgFile)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLAIMSGW_") { // the config file says it all
			c.Env = append(c.Env, kv)
		}
	}
	c.Env = append(c.Env, "CLAIMSGW_LOG_LEVEL=info")
	c.Stdout, c.Stderr = g.log, g.log
	if err := c.Start(); err != nil {
		g.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	g.cmd, g.exited = c, done
}

// jitter is a random wait of up to max.
func (g *gatewayProcess) jitter(max time.Duration) time.Duration {
	return time.Duration(g.rng.Int64N(int64(max)))
}

// kill kills the gateway with SIGKILL and starts it again.
func (g *gatewayProcess) kill(why string) {
	g.t.Logf("%.1fs: SIGKILL (%s)", time.Since(g.start).Seconds(), why)
	g.cmd.Process.Signal(syscall.SIGKILL)
	<-g.exited
	g.run()
}

// stop stops the gateway with SIGTERM, as an operator does, and fails the
// test unless it stops cleanly within 15 s.
func (g *gatewayProcess) stop() {
	g.t.Helper()
	g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-g.exited:
		g.stopped = true
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			g.t.Fatal(err)
		}
		if err != nil {
			g.showLog()
			g.t.Errorf("the gateway stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		g.t.Fatal("the gateway did not stop within 15s of SIGTERM")
	}
}

// showLog puts the end of the gateway's log in the test's.
func (g *gatewayProcess) showLog() {
	b, _ := os.ReadFile(g.log.Name())
	g.t.Logf("gateway log (end):\n%s", tail(string(b), 20000))
}

// loggedErrors are the lines the gateway logged as errors.
func (g *gatewayProcess) loggedErrors() string {
	b, _ := os.ReadFile(g.log.Name())
	return grepLines(string(b), `"level":"error"`)
}

// waitUntil waits for cond, failing the test if the gateway exits on its
// own or ctx ends first.
func (g *gatewayProcess) waitUntil(ctx context.Context, what string, cond func() bool) {
	g.t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case err := <-g.exited:
			g.showLog()
			g.t.Fatalf("the gateway exited on its own (%v) waiting for %s", err, what)
		case <-ctx.Done():
			g.showLog()
			g.t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// publish publishes the encounters to the gateway's NATS as a billing
// system that retries each until NATS has it, every pause; published
// counts them, and the result comes on the channel at the end.
func (g *gatewayProcess) publish(ctx context.Context, encounters [][]byte, pause time.Duration, published *atomic.Int64) <-chan error {
	return publishEncounters(ctx, g.NATSURL, encounters, pause, published)
}

// publishEncounters is gatewayProcess.publish to the NATS servers of urls
// (comma-separated).
func publishEncounters(ctx context.Context, urls string, encounters [][]byte, pause time.Duration, published *atomic.Int64) <-chan error {
	done := make(chan error, 1)
	nc, err := nats.Connect(urls, nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		done <- err
		return done
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		done <- err
		return done
	}
	go func() {
		defer nc.Close()
		for _, e := range encounters {
			for {
				pctx, pcancel := context.WithTimeout(ctx, time.Second)
				_, _, err := intake.Submit(pctx, js, queue.Default, e)
				pcancel()
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					done <- fmt.Errorf("publish: %w", err)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			published.Add(1)
			time.Sleep(pause)
		}
		done <- nil
	}()
	return done
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
