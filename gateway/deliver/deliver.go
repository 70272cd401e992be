// Package deliver is the stage that puts built 837 files on the payers'
// SFTP servers: staged under a temporary name, the name recorded, renamed
// into place and its size checked, so a file is delivered once whatever
// fails in between; its claims become submitted, or delivery_failed when
// the last attempt fails.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
)

// deliveryTimeout bounds one delivery attempt: a file of 5,000 claims is
// a few megabytes, which a slow payer link can take minutes to take in.
const deliveryTimeout = 10 * time.Minute

// Outbox is a payer's SFTP server as the deliverer uses it.
type Outbox interface {
	// Stage writes data under a temporary name and returns it; "" when a
	// file of that name and size is on the server already.
	Stage(ctx context.Context, dir, name string, data []byte) (tmp string, err error)
	// Publish renames the staged file into place and checks its size.
	Publish(ctx context.Context, dir, tmp, name string, size int64) error
	Remove(ctx context.Context, dir, name string) error
	Close() error
}

// Options are what the deliverer runs on: the stages' own, and how it
// connects to a payer's server (nil: gateway.DialSFTP).
type Options struct {
	gateway.Options
	Dial func(ctx context.Context, p *config.Payer) (Outbox, error)
}

// Deliverer is the deliver stage.
type Deliverer struct{ o Options }

// New returns the deliverer.
func New(o Options) (*Deliverer, error) {
	var err error
	o.Options, err = o.Options.Defaults()
	if o.Dial == nil {
		o.Dial = gateway.SFTP[Outbox]
	}
	return &Deliverer{o: o}, err
}

// Run delivers the files the batcher hands over until ctx ends.
func (d *Deliverer) Run(ctx context.Context) error { return d.Worker().Run(ctx) }

// Worker is the queue worker that puts built files on the payers' servers.
// A file that cannot be delivered after the last attempt, or whose error
// no retry can mend (a changed host key, a refused login), is parked as a
// dead letter and the file and its claims become delivery_failed.
func (d *Deliverer) Worker() *queue.Worker {
	w := d.o.Worker(queue.StreamFilesOut, "deliver", d.Deliver)
	w.Timeout = deliveryTimeout
	park := w.DeadLetter
	w.DeadLetter = func(ctx context.Context, m *queue.Message, cause error) error {
		if err := park(ctx, m, cause); err != nil {
			return err
		}
		fileID := string(m.Data)
		reason := deliveryFailure(cause)
		changed, err := d.o.Ledger.MarkDeliveryFailed(ctx, fileID, cause, reason)
		if err != nil {
			return err
		}
		d.o.Log.Error().Err(cause).Str("batch_id", fileID).Int("claims", len(changed)).Msg("delivery failed")
		d.o.ClaimsMoved(ctx, changed, ledger.StatusBatched, ledger.StatusDeliveryFailed, ledger.Source{Kind: "deliverer", File: fileID, Reason: reason})
		return nil
	}
	return w
}

// deliveryFailure says why a delivery failed, for the claims' history and
// their events, which billing systems read: the kind of failure, not the
// server's words (its host, the user, paths and keys stay in the file's last
// error, the dead letter and the log, for the operator).
func deliveryFailure(err error) string {
	switch {
	case errors.Is(err, transfer.ErrAuth):
		return "delivery failed: the payer's SFTP server refused the login"
	case errors.Is(err, transfer.ErrHostKeyMismatch), errors.Is(err, transfer.ErrHostKeyUnknown):
		return "delivery failed: the payer's SFTP server did not show the pinned host key"
	case errors.Is(err, os.ErrPermission):
		return "delivery failed: the payer's SFTP server refused the upload"
	case errors.Is(err, transfer.ErrAlreadyDelivered):
		return "delivery failed: another file of the same name is on the payer's SFTP server"
	case errors.Is(err, transfer.ErrSizeMismatch):
		return "delivery failed: the file on the payer's SFTP server is not the size written"
	case errors.Is(err, queue.ErrMaxDeliver):
		return "delivery failed: every attempt failed (the network or the payer's SFTP server)"
	}
	return "delivery failed"
}

// Deliver uploads one file: staged under a temporary name, the name
// recorded in the ledger, then renamed into place and its size checked. The
// ledger says whether it was delivered or staged before, so neither a
// redelivered message nor a restart after a crash puts a file on the
// payer's server twice: an attempt that finds the file staged only
// finishes the rename.
func (d *Deliverer) Deliver(ctx context.Context, m *queue.Message) error {
	f, err := d.o.Ledger.FileByID(ctx, string(m.Data))
	if errors.Is(err, ledger.ErrNotFound) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	if f.Status != ledger.FileBuilt {
		return nil
	}
	p := d.o.Payer(f.PayerID)
	if p == nil {
		return queue.Permanent(fmt.Errorf("file %s: no route for payer %s", f.ID, f.PayerID))
	}
	start := d.o.Now()
	err = d.upload(ctx, p, f)
	var lerr ledgerError
	if errors.As(err, &lerr) {
		return lerr.error
	}
	if err != nil {
		d.o.Metrics.Delivery(p.PayerID, "retry", d.o.Now().Sub(start))
		if rerr := d.o.Ledger.RecordAttempt(ctx, f.ID, err); rerr != nil {
			return rerr
		}
		d.o.Log.Warn().Err(err).Str("batch_id", f.ID).Str("file", f.Name).Uint64("attempt", m.Deliveries).Msg("delivery attempt failed")
		if !transfer.IsTransient(err) {
			return queue.Permanent(err)
		}
		return err
	}
	changed, err := d.o.Ledger.MarkDelivered(ctx, f.ID)
	if err != nil {
		return err
	}
	d.o.Metrics.Delivery(p.PayerID, "ok", d.o.Now().Sub(start))
	d.o.Log.Info().Str("batch_id", f.ID).Str("file", f.Name).Str("payer", p.PayerID).Int("claims", len(changed)).Msg("file delivered")
	d.o.ClaimsMoved(ctx, changed, ledger.StatusBatched, ledger.StatusSubmitted, ledger.Source{Kind: "deliverer", File: f.ID})
	return nil
}

// ledgerError is a ledger failure in the middle of an upload: retried, not
// counted as a failed delivery attempt.
type ledgerError struct{ error }

func (d *Deliverer) upload(ctx context.Context, p *config.Payer, f *ledger.File) error {
	r, err := d.o.Dial(ctx, p)
	if err != nil {
		return err
	}
	defer r.Close()
	dir, tmp := p.SFTP.UploadDir, f.StagedName
	if tmp == "" {
		ours, err := r.Stage(ctx, dir, f.Name, f.Content)
		if err != nil || ours == "" {
			return err // "": on the server already
		}
		if tmp, err = d.o.Ledger.MarkStaged(ctx, f.ID, ours); err != nil {
			return ledgerError{err}
		}
		if tmp != ours { // a racing attempt staged it first: publish that one
			_ = r.Remove(ctx, dir, ours)
		}
	}
	return r.Publish(ctx, dir, tmp, f.Name, int64(len(f.Content)))
}
