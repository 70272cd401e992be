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
	h      *gatewaytest.Harness
	route  *config.Payer
	p      *pickup.Poller
	m      *metrics.Metrics
	logs   *testutil.SyncBuffer
	ledger string // the SQLite ledger's file
}

func newRig(t *testing.T, root string, wrap func(pickup.Inbox) pickup.Inbox) *rig {
	t.Helper()
	sim := gatewaytest.NewSFTP(t, root)
	sim.Start(t)
	l, path := ledgertest.SQLiteFile(t)
	r := &rig{h: gatewaytest.New(t, l), m: metrics.New(nil, nil), logs: &testutil.SyncBuffer{}, ledger: path}
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

// inboxFailing is a real SFTP session to a pickup folder whose fetch of
// one file fails (a file the server will not read), or, with fatal, fails
// the test (a file the poller must not fetch).
type inboxFailing struct {
	pickup.Inbox
	t     *testing.T
	name  string
	fatal bool
}

func (r inboxFailing) Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error) {
	if name == r.name {
		if r.fatal {
			r.t.Errorf("%s fetched, with a limit of %d bytes", name, maxSize)
		}
		return nil, errors.New("sftp: \"Failure\" (SSH_FX_FAILURE)")
	}
	return r.Inbox.Fetch(ctx, dir, name, maxSize)
}

// good is a payer file the poller takes.
var good = gatewaytest.Interchange("FA", "005010X231A1", "999", []string{"AK1*HC*1*005010X222A1", "AK9*A*1*1*1"})

// pickupFolder makes root/outbound holding the files given, and a good 999
// after them, z.999; it returns the folder.
func pickupFolder(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	out := filepath.Join(root, "outbound")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	files["z.999"] = good
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(out, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// pickedUp checks that the good file after the failing one was picked up
// (archived, gone from the server) and the failing one left there with
// one open exception saying why, however many polls.
func (r *rig) pickedUp(t *testing.T, out, failing, why, reason string) {
	t.Helper()
	for i := range 2 {
		if err := r.p.Poll(r.h.Ctx, r.route); err != nil {
			t.Fatalf("poll %d ended: %v", i+1, err)
		}
	}
	if got := testutil.DirNames(t, out); len(got) != 1 || got[0] != failing {
		t.Errorf("the payer's folder holds %q, want only %s", got, failing)
	}
	if n, err := r.h.Ledger.CountInbound(r.h.Ctx, "received"); err != nil || n != 1 {
		t.Errorf("%d files archived, want 1 (z.999): %v", n, err)
	}
	if in, err := r.h.Ledger.InboundContent(r.h.Ctx, fmt.Sprintf("%x", sha256.Sum256([]byte(good)))); err != nil || in.Name != "z.999" {
		t.Errorf("z.999 not archived: %v", err)
	}
	es, err := r.h.Ledger.Exceptions(r.h.Ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 1 || es[0].Kind != "file" || !strings.Contains(es[0].Reason, why) {
		t.Fatalf("exceptions after two polls: %+v, %v; want one saying %q", es, err, why)
	}
	var c dto.Metric
	if err := r.m.RefusedFiles.WithLabelValues(gatewaytest.PayerID, reason).Write(&c); err != nil || c.GetCounter().GetValue() != 1 {
		t.Errorf("refused files (%s) counted %v, want 1: %v", reason, c.GetCounter().GetValue(), err)
	}
}

// A payer file whose fetch fails is recorded once as an exception, and the
// poll goes on: the files listed after it are picked up. Before, the
// failure was logged ("file not picked up") at every poll, and nothing
// else.
func TestFetchFailureRecordedAndPollGoesOn(t *testing.T) {
	root := t.TempDir()
	out := pickupFolder(t, root, map[string]string{"a.835": "ISA"})
	r := newRig(t, root, func(in pickup.Inbox) pickup.Inbox { return inboxFailing{Inbox: in, t: t, name: "a.835"} })
	r.pickedUp(t, out, "a.835", `payer file a.835 of 3 bytes could not be fetched (sftp: "Failure" (SSH_FX_FAILURE))`, "fetch_failed")
}

// A payer file the ledger does not store is recorded once as an exception,
// and the poll goes on. Before, RecordInbound's error ended the poll
// ("pickup failed" at every poll), and the files listed after it were
// never picked up.
func TestFileTheLedgerDoesNotStore(t *testing.T) {
	root := t.TempDir()
	out := pickupFolder(t, root, map[string]string{"a.835": "ISA"})
	r := newRig(t, root, nil)
	ledgertest.OutageOf(t, r.ledger).Start(t, "INSERT ON inbound_files WHEN NEW.name = 'a.835'")
	r.pickedUp(t, out, "a.835", "payer file a.835 of 3 bytes could not be archived in the ledger", "not_archived")
}

// A payer file larger than the ledger stores is refused for its size
// without being fetched, though the route's max_file_size (the 1 GiB
// default) would take it. Before, the poller fetched it and SQLite failed
// with "string or blob too big" (1,000,000,001 bytes), which ended the
// poll. The file is sparse: nothing of it is read.
func TestFileLargerThanTheLedgerStores(t *testing.T) {
	root := t.TempDir()
	out := pickupFolder(t, root, map[string]string{})
	big := filepath.Join(out, "big.835")
	if err := os.WriteFile(big, []byte("ISA"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, ledger.MaxContentSQLite+1); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, root, func(in pickup.Inbox) pickup.Inbox { return inboxFailing{Inbox: in, t: t, name: "big.835", fatal: true} })
	if r.route.SFTP.MaxFileSize != 0 && r.route.SFTP.MaxFileSize < ledger.MaxContentSQLite+1 {
		t.Fatalf("the route's max_file_size %d", r.route.SFTP.MaxFileSize)
	}
	r.pickedUp(t, out, "big.835", fmt.Sprintf("payer file big.835 of %d bytes is larger than the sqlite ledger stores (%d; the route's sftp.max_file_size is %d)",
		ledger.MaxContentSQLite+1, ledger.MaxContentSQLite, config.DefaultMaxFileSize), "too_large")
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
