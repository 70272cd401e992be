package pickup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/metrics"
	"github.com/claimsgw/claimsgw/gateway/pickup"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// rig is a poller of the payer simulator's SFTP server serving root, its
// route's pickup folder /outbound, with metrics and a log the test reads;
// wrap, when given, stands between the poller and the server.
type rig struct {
	h     *gatewaytest.Harness
	route *config.Payer
	p     *pickup.Poller
	m     *metrics.Metrics
	logs  *testutil.SyncBuffer
}

func newRig(t *testing.T, root string, wrap func(pickup.Inbox) pickup.Inbox) *rig {
	t.Helper()
	sim := gatewaytest.NewSFTP(t, root)
	sim.Start(t)
	r := &rig{h: gatewaytest.New(t, ledgertest.SQLite(t)), m: metrics.New(nil, nil), logs: &testutil.SyncBuffer{}}
	r.h.Options.Metrics, r.h.Options.Log = r.m, zerolog.New(r.logs)
	r.route = r.h.Payer()
	r.route.SFTP.PickupDir = "/outbound"
	var err error
	r.p, err = pickup.New(pickup.Options{Options: r.h.Options, Dial: func(ctx context.Context, _ *config.Payer) (pickup.Inbox, error) {
		c, err := transfer.Dial(ctx, sim.Endpoint)
		if err != nil || wrap == nil {
			return c, err
		}
		return wrap(c), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A payer file larger than the route's max_file_size is left on the
// payer's server and recorded once, with an exception and a count, however
// many polls see it (before, "file not picked up" was logged at every poll
// and nothing else); with the limit raised, the next poll takes it.
func TestTooLargeFileRecordedOnce(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "outbound"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTBIG", "", nil)) + strings.Repeat(" ", 4096)
	if err := os.WriteFile(filepath.Join(root, "outbound", "big.835"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, root, nil)
	h, m, p, route := r.h, r.m, r.p, r.route
	route.SFTP.MaxFileSize = 4096
	for range 3 {
		if err := p.Poll(h.Ctx, route); err != nil {
			t.Fatal(err)
		}
	}
	es, err := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 1 || es[0].Kind != "file" || es[0].PayerID != gatewaytest.PayerID ||
		!strings.Contains(es[0].Reason, fmt.Sprintf("payer file big.835 of %d bytes is larger than the route's sftp.max_file_size (4096)", len(big))) {
		t.Fatalf("exceptions after three polls: %+v, %v", es, err)
	}
	var c dto.Metric
	if err := m.RefusedFiles.WithLabelValues(gatewaytest.PayerID, "too_large").Write(&c); err != nil || c.GetCounter().GetValue() != 1 {
		t.Errorf("refused files counted %v, want 1: %v", c.GetCounter().GetValue(), err)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "outbound")); len(got) != 1 {
		t.Fatalf("the payer's folder holds %q, want the file left there", got)
	}

	route.SFTP.MaxFileSize = 1 << 20
	if err := p.Poll(h.Ctx, route); err != nil {
		t.Fatal(err)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "outbound")); len(got) != 0 {
		t.Errorf("after the limit was raised, the payer's folder holds %q", got)
	}
	in, err := h.Ledger.InboundContent(h.Ctx, fmt.Sprintf("%x", sha256.Sum256([]byte(big))))
	if err != nil || !bytes.Equal(in.Content, []byte(big)) {
		t.Errorf("the file was not archived: %v", err)
	}
}

// Every entry of the pickup folder the poller does not take is logged and
// counted once, with why, however many polls see it. Before, folders,
// symlinks, dotfiles and names with a backslash or a control character
// were passed over without a word.
func TestSkippedEntriesToldOnce(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "outbound")
	for _, d := range []string{out, filepath.Join(out, "archive")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{`back\slash.835`, ".hidden.835", "upload.835.part"} {
		if err := os.WriteFile(filepath.Join(out, name), []byte("ISA"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(out, "link.835")); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, root, nil)
	h, m, p, route, logs := r.h, r.m, r.p, r.route, r.logs
	for range 3 {
		if err := p.Poll(h.Ctx, route); err != nil {
			t.Fatal(err)
		}
	}
	for reason, want := range map[string]float64{transfer.SkippedNotRegular: 2, transfer.SkippedUnsafeName: 1, transfer.SkippedInProgress: 2} {
		var c dto.Metric
		if err := m.RefusedFiles.WithLabelValues(gatewaytest.PayerID, reason).Write(&c); err != nil || c.GetCounter().GetValue() != want {
			t.Errorf("%s counted %v, want %v: %v", reason, c.GetCounter().GetValue(), want, err)
		}
	}
	for _, name := range []string{"archive", `back\\slash.835`, ".hidden.835", "upload.835.part", "link.835"} {
		if n := strings.Count(logs.String(), `"file":"`+name+`"`); n != 1 {
			t.Errorf("%s told of %d times, want once:\n%s", name, n, logs.String())
		}
	}
}

// inboxTakenMeanwhile is a real SFTP session to a pickup folder that
// another replica empties between the listing and the fetch.
type inboxTakenMeanwhile struct {
	pickup.Inbox
	dir string
}

func (r inboxTakenMeanwhile) Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error) {
	if err := os.Remove(filepath.Join(r.dir, name)); err != nil {
		return nil, err
	}
	return r.Inbox.Fetch(ctx, dir, name, maxSize)
}

// A payer file another replica picked up between this one's listing and
// its fetch is not a warning: with several replicas it happens every day
// (the chaos test's logs had dozens). Before, it was logged as "file not
// picked up" at warn.
func TestFileTakenByAnotherReplicaIsNoWarning(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "outbound")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "a.999"), []byte("ISA"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, root, func(in pickup.Inbox) pickup.Inbox { return inboxTakenMeanwhile{Inbox: in, dir: out} })
	if err := r.p.Poll(r.h.Ctx, r.route); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.logs.String(), `"level":"warn"`) {
		t.Errorf("a file another replica took was a warning:\n%s", r.logs.String())
	}
}

// inboxStopped is a real SFTP session to a pickup folder during which the
// poller is stopped: the fetch ends with its context.
type inboxStopped struct {
	pickup.Inbox
	stop    context.CancelFunc
	fetches *int
}

func (r inboxStopped) Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error) {
	*r.fetches++
	r.stop()
	<-ctx.Done()
	return nil, fmt.Errorf("sftp: read %s: %w", name, ctx.Err())
}

// A fetch cut short by the poller being stopped is no warning, and the
// poll stops there: the files stay on the payer's server for the next
// start. Before, each file left was logged "file not picked up ...
// context canceled" at warn, one fetch after another.
func TestPollStoppedIsNoWarning(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "outbound")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.999", "b.999", "c.999"} {
		if err := os.WriteFile(filepath.Join(out, name), []byte("ISA"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fetches := 0
	r := newRig(t, root, func(in pickup.Inbox) pickup.Inbox { return inboxStopped{Inbox: in, stop: cancel, fetches: &fetches} })
	if err := r.p.Poll(ctx, r.route); !errors.Is(err, context.Canceled) {
		t.Errorf("Poll stopped: %v, want context.Canceled", err)
	}
	if strings.Contains(r.logs.String(), `"level":"warn"`) || fetches != 1 {
		t.Errorf("stopping: %d fetches, the log:\n%s", fetches, r.logs.String())
	}
	if got := testutil.DirNames(t, out); len(got) != 3 {
		t.Errorf("the payer's folder holds %q, want the three files left there", got)
	}
}
