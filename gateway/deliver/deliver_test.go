package deliver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/deliver"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// takingRemote is a real SFTP session to the payer simulator's server with
// a payer behind it that takes each delivered file out of inbound/ the
// moment it appears, and a connection that can be made to drop right after
// the rename: the gateway cannot tell whether its file arrived.
type takingRemote struct {
	deliver.Outbox
	root        string
	stages      *int
	dropPublish bool
}

func (r takingRemote) Stage(ctx context.Context, dir, name string, data []byte) (string, error) {
	*r.stages++
	return r.Outbox.Stage(ctx, dir, name, data)
}

func (r takingRemote) Publish(ctx context.Context, dir, tmp, name string, size int64) error {
	if err := r.Outbox.Publish(ctx, dir, tmp, name, size); err != nil {
		return err
	}
	if err := take(r.root, name); err != nil {
		return err
	}
	if r.dropPublish {
		return fmt.Errorf("publish %s: %w", name, io.ErrUnexpectedEOF)
	}
	return nil
}

// A connection lost right after the rename, with the payer taking the file
// at once, leaves the gateway not knowing the file arrived. The next
// attempt must not upload it again: the ledger says it was staged, the
// staged file is gone, so it was published. Before the staged name was
// recorded, the retry found no file under the final name and uploaded a
// second copy (the crash test's "delivered twice").
func TestDeliverAfterLostPublish(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"inbound", "taken"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sim := gatewaytest.NewSFTP(t, root)
	sim.Start(t)
	ep := sim.Endpoint
	stages, drop := 0, true
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	h.Payer().SFTP.UploadDir = "/inbound"
	d, err := deliver.New(deliver.Options{Options: h.Options, Dial: func(ctx context.Context, p *config.Payer) (deliver.Outbox, error) {
		c, err := transfer.Dial(ctx, ep)
		if err != nil {
			return nil, err
		}
		return takingRemote{Outbox: c, root: root, stages: &stages, dropPublish: drop}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := h.Build(gatewaytest.EncounterJSON("lost-1", 10000), gatewaytest.EncounterJSON("lost-2", 2500))
	m := &queue.Message{Data: []byte(id)}

	if err := d.Deliver(h.Ctx, m); !transfer.IsTransient(err) {
		t.Fatalf("first attempt: %v, want a transient error", err)
	}
	f := h.File(id)
	if f.Status != ledger.FileBuilt || f.StagedName == "" || f.Attempts != 1 {
		t.Fatalf("after the lost publish: status %s, staged %q, attempts %d", f.Status, f.StagedName, f.Attempts)
	}

	drop = false
	if err := d.Deliver(h.Ctx, m); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	f = h.File(id)
	if f.Status != ledger.FileSubmitted || f.Attempts != 2 {
		t.Errorf("after the second attempt: status %s, attempts %d", f.Status, f.Attempts)
	}
	if stages != 1 {
		t.Errorf("the file was staged %d times, want 1", stages)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "taken")); !slices.Equal(got, []string{f.Name}) {
		t.Errorf("the payer took %q, want only %s", got, f.Name)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "inbound")); len(got) != 0 {
		t.Errorf("inbound still holds %q", got)
	}
	for _, c := range f.Claims {
		if s := h.Status(c.ClaimID); s != ledger.StatusSubmitted {
			t.Errorf("claim %s is %s, want submitted", c.ClaimID, s)
		}
	}
}

// take moves inbound/name to taken/, as name.2 and so on when the payer
// took that name before.
func take(root, name string) error {
	from := filepath.Join(root, "inbound", name)
	if _, err := os.Stat(from); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	to := filepath.Join(root, "taken", name)
	for n := 2; ; n++ {
		if _, err := os.Stat(to); errors.Is(err, os.ErrNotExist) {
			break
		}
		to = filepath.Join(root, "taken", fmt.Sprintf("%s.%d", name, n))
	}
	return os.Rename(from, to)
}

// A file given up on becomes delivery_failed with its claims. The claims'
// history and events, which billing systems read, say what kind of
// failure it was; the server's words (host, user) stay with the file and
// the dead letter, for the operator.
func TestDeliveryFailedSaysWhyWithoutTheServer(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	id := h.Build(gatewaytest.EncounterJSON("F1", 10000))
	cause := fmt.Errorf("sftp edi@sftp.payer.example:22: %w", transfer.ErrAuth)
	d, err := deliver.New(deliver.Options{Options: h.Options})
	if err != nil {
		t.Fatal(err)
	}
	w := d.Worker()
	if err := w.DeadLetter(h.Ctx, &queue.Message{Data: []byte(id)}, queue.Permanent(cause)); err != nil {
		t.Fatal(err)
	}
	if got := h.Status("F1"); got != ledger.StatusDeliveryFailed {
		t.Fatalf("claim after the dead letter: %s", got)
	}
	if r := h.LastChange("F1").Reason; r != "delivery failed: the payer's SFTP server refused the login" {
		t.Errorf("history reason %q", r)
	}
	if f := h.File(id); f.Status != ledger.FileDeliveryFailed || f.LastError != cause.Error() {
		t.Errorf("file %s, last error %q; want delivery_failed, %q", f.Status, f.LastError, cause)
	}
	dls, err := h.Ledger.DeadLetters(h.Ctx, 0, 10)
	if err != nil || len(dls) != 1 || dls[0].Error != cause.Error() {
		t.Errorf("dead letters %+v, %v", dls, err)
	}
}

// A ledger that cannot record the staged file's name (down for a moment)
// fails the attempt; once it records one, the attempt removes the others
// it staged: the payer's folder keeps no temporary file. Before, each such
// attempt left one for good (96 of them in a database outage). The file is
// delivered once.
func TestStagedFileRemovedWhenTheLedgerFails(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "inbound"), 0o755); err != nil {
		t.Fatal(err)
	}
	sim := gatewaytest.NewSFTP(t, root)
	sim.Start(t)
	l, path := ledgertest.SQLiteFile(t)
	h := gatewaytest.New(t, l)
	h.Payer().SFTP.UploadDir = "/inbound"
	d, err := deliver.New(deliver.Options{Options: h.Options, Dial: func(ctx context.Context, p *config.Payer) (deliver.Outbox, error) {
		return transfer.Dial(ctx, sim.Endpoint)
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := h.Build(gatewaytest.EncounterJSON("part-1", 10000))
	outage := ledgertest.OutageOf(t, path)
	outage.Start(t, "UPDATE OF staged_name ON files")
	m := &queue.Message{Data: []byte(id)}
	for range 3 {
		if err := d.Deliver(h.Ctx, m); err == nil {
			t.Fatal("delivered while the ledger could not record it")
		}
	}
	outage.End(t)
	if err := d.Deliver(h.Ctx, m); err != nil {
		t.Fatal(err)
	}
	f := h.File(id)
	if got := testutil.DirNames(t, filepath.Join(root, "inbound")); !slices.Equal(got, []string{f.Name}) || f.Status != ledger.FileSubmitted {
		t.Errorf("after the ledger is back: %s, the payer's folder holds %q", f.Status, got)
	}
}
