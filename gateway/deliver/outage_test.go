package deliver_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/deliver"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/metrics"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	tu "github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// outage is a harness whose deliverer runs against a payer simulator's
// SFTP server that is down until the test starts it, retrying every 50 ms
// for retryFor.
type outage struct {
	*gatewaytest.Harness
	sim     *gatewaytest.SFTP
	root    string
	metrics *metrics.Metrics
}

func newOutage(t *testing.T, retryFor time.Duration) *outage {
	t.Helper()
	o := &outage{Harness: gatewaytest.New(t, ledgertest.SQLite(t)), root: t.TempDir(), metrics: metrics.New(nil, nil)}
	if err := os.Mkdir(filepath.Join(o.root, "inbound"), 0o755); err != nil {
		t.Fatal(err)
	}
	o.sim = gatewaytest.NewSFTP(t, o.root)
	o.Options.Metrics, o.Options.Backoff = o.metrics, []time.Duration{50 * time.Millisecond}
	o.Payer().SFTP.UploadDir, o.Payer().SFTP.RetryFor.Duration = "/inbound", retryFor
	d, err := deliver.New(deliver.Options{Options: o.Options, Dial: func(ctx context.Context, p *config.Payer) (deliver.Outbox, error) {
		return transfer.Dial(ctx, o.sim.Endpoint)
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(o.Ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("deliverer: %v", err)
		}
	})
	return o
}

// send builds a file of the encounters and hands it to the deliverer, as
// the batcher does.
func (o *outage) send(encounters ...[]byte) string {
	id := o.Build(encounters...)
	subject, _ := queue.Default.FilesOut(gatewaytest.PayerID)
	if _, err := queue.Publish(o.Ctx, o.Options.JS, subject, queue.BatchMsgID(id), []byte(id), nil); err != nil {
		o.T.Fatal(err)
	}
	return id
}

// failed is the count of files given up on, as /metrics shows it.
func (o *outage) failed(t *testing.T) float64 {
	var m dto.Metric
	if err := o.metrics.Deliveries.WithLabelValues(gatewaytest.PayerID, metrics.Failed).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func (o *outage) delivered(t *testing.T) []string {
	return tu.DirNames(t, filepath.Join(o.root, "inbound"))
}

// A payer's server down for longer than the old retry window (five
// attempts in 2¼ minutes, then the file was lost for good): the file is
// tried until the server is back, then delivered once.
func TestDeliveryOutlastsAnOutage(t *testing.T) {
	o := newOutage(t, time.Hour)
	id := o.send(gatewaytest.EncounterJSON("OUT1", 10000), gatewaytest.EncounterJSON("OUT2", 5000))
	tu.Eventually(t, 20*time.Second, "ten failed attempts", func() bool { return o.File(id).Attempts >= 10 })
	if f := o.File(id); f.Status != ledger.FileBuilt || f.FirstFailedAt.IsZero() {
		t.Fatalf("after ten failed attempts: %s, first failed %s", f.Status, f.FirstFailedAt)
	}
	o.sim.Start(t)
	tu.Eventually(t, 20*time.Second, "the file delivered", func() bool { return o.File(id).Status == ledger.FileSubmitted })
	if got := o.delivered(t); !slices.Equal(got, []string{o.File(id).Name}) {
		t.Errorf("the payer has %q, want the file once", got)
	}
	for _, c := range []string{"OUT1", "OUT2"} {
		if s := o.Status(c); s != ledger.StatusSubmitted {
			t.Errorf("%s: %s", c, s)
		}
	}
	if n := o.failed(t); n != 0 {
		t.Errorf("%v files counted failed", n)
	}
}

// Down for longer than the route's retry_for: the file and its claims
// become delivery_failed, the failed outcome is counted (the alert), each
// claim has its event. Resent, its claims go out in a new file under a new
// interchange control number, delivered once; the history says who resent
// it.
func TestDeliveryGivenUpAndResent(t *testing.T) {
	o := newOutage(t, time.Second)
	id := o.send(gatewaytest.EncounterJSON("GONE1", 10000), gatewaytest.EncounterJSON("GONE2", 5000))
	tu.Eventually(t, 20*time.Second, "the file given up on", func() bool { return o.File(id).Status == ledger.FileDeliveryFailed })
	failed := o.File(id)
	for _, c := range []string{"GONE1", "GONE2"} {
		if s := o.Status(c); s != ledger.StatusDeliveryFailed {
			t.Errorf("%s: %s", c, s)
		}
	}
	if r := o.LastChange("GONE1").Reason; r != "delivery failed: every attempt for the route's retry_for failed (the network or the payer's SFTP server)" {
		t.Errorf("GONE1's history says %q", r)
	}
	if n := o.failed(t); n != 1 {
		t.Errorf("%v files counted failed, want 1", n)
	}
	if es := o.Events(string(ledger.StatusDeliveryFailed)); len(es) != 2 {
		t.Errorf("%d delivery_failed events, want 2: %+v", len(es), es)
	}

	queued, err := o.Ledger.ResendFile(o.Ctx, id, "alice", "")
	if err != nil || !slices.Equal(queued, []string{"GONE1", "GONE2"}) {
		t.Fatalf("resend: %v, %v", queued, err)
	}
	if _, err := o.Ledger.ResendFile(o.Ctx, id, "alice", ""); !errors.Is(err, ledger.ErrNotFailed) {
		t.Errorf("a second resend: %v, want ErrNotFailed", err)
	}
	if c := o.LastChange("GONE1"); c.To != ledger.StatusQueued || c.Actor != "alice" {
		t.Errorf("GONE1's history after the resend: %+v", c)
	}
	if f := o.File(id); f.Status != ledger.FileResent || f.ResentBy != "alice" || f.ResentAt.IsZero() {
		t.Errorf("the failed file after the resend: %s by %q at %s", f.Status, f.ResentBy, f.ResentAt)
	}
	o.sim.Start(t)
	again := o.send()
	tu.Eventually(t, 20*time.Second, "the new file delivered", func() bool { return o.File(again).Status == ledger.FileSubmitted })
	f := o.File(again)
	if f.ISA13 == failed.ISA13 || len(f.Claims) != 2 {
		t.Errorf("the new file: ISA13 %d (the failed one's %d), %d claims", f.ISA13, failed.ISA13, len(f.Claims))
	}
	if got := o.delivered(t); !slices.Equal(got, []string{f.Name}) {
		t.Errorf("the payer has %q, want the new file once", got)
	}
	for _, c := range []string{"GONE1", "GONE2"} {
		if s := o.Status(c); s != ledger.StatusSubmitted {
			t.Errorf("%s: %s", c, s)
		}
	}
}
