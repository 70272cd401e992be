// Package deliver is the stage that puts built 837 files on the payers'
// SFTP servers: staged under a temporary name, the name recorded, renamed
// into place and its size checked, so a file is delivered once whatever
// fails in between; its claims become submitted. A failed attempt is
// retried with backoff (1 s, 5 s, 30 s, then every 2 minutes, across
// restarts) for the route's sftp.retry_for; then, or at once for a
// failure no retry mends, the file and its claims become delivery_failed,
// until an operator resends it (Resend).
package deliver

import (
	"context"
	"errors"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/ledger"
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
type Deliverer struct {
	o      Options
	unsure staged // staged files the ledger may not have recorded
}

// New returns the deliverer.
func New(o Options) (*Deliverer, error) {
	var err error
	o.Options, err = o.Options.Defaults()
	o.Dial = gateway.Dialer(o.Dial)
	return &Deliverer{o: o}, err
}

// Run delivers the files the batcher hands over until ctx ends.
func (d *Deliverer) Run(ctx context.Context) error { return d.Worker().Run(ctx) }

// Worker is the queue worker that puts built files on the payers' servers.
// Its messages are delivered until they are settled (no count of
// deliveries gives up on a file: a file is given up on by time, in
// Deliver). A file given up on, or whose error no retry can mend (a
// changed host key, a refused login), is parked as a dead letter, the
// file and its claims become delivery_failed, each claim has an event, and
// the deliveries metric counts the outcome failed.
func (d *Deliverer) Worker() *queue.Worker {
	w := d.o.Worker(queue.StreamFilesOut, "deliver", d.Deliver)
	w.Timeout = deliveryTimeout
	w.MaxDeliver = queue.Unlimited
	park := w.DeadLetter
	w.DeadLetter = func(ctx context.Context, m *queue.Message, cause error) error {
		if err := park(ctx, m, cause); err != nil {
			return err
		}
		fileID := string(m.Data)
		f, err := d.o.Ledger.FileByID(ctx, fileID)
		if errors.Is(err, ledger.ErrNotFound) {
			return nil // parked: a message for no file
		}
		if err != nil {
			return err
		}
		reason := deliveryFailure(cause)
		changed, err := d.o.Ledger.MarkDeliveryFailed(ctx, fileID, cause, reason)
		if err != nil {
			return err
		}
		d.o.Metrics.Delivery(f.PayerID, "failed", 0)
		d.o.Log.Error().Err(cause).Str("batch_id", fileID).Str("payer", f.PayerID).Int("claims", len(changed)).Msg("delivery failed")
		d.o.Events.Nudge()
		return nil
	}
	return w
}

// Resend sends a failed file's claims again (ledger.ResendFile): they are
// queued for the batcher, which puts them in a new file under a new
// interchange control number; each claim's history names the file and the
// actor, and each has its event. It returns the claims queued.
func (d *Deliverer) Resend(ctx context.Context, fileID, actor, reason string) ([]string, error) {
	queued, err := d.o.Ledger.ResendFile(ctx, fileID, actor, reason)
	if err != nil {
		return nil, err
	}
	d.o.Log.Info().Str("batch_id", fileID).Int("claims", len(queued)).Msg("file resent")
	d.o.Events.Nudge()
	return queued, nil
}
