// Package deliver is the stage that puts built 837 files on the payers'
// SFTP servers: staged under a temporary name, the name recorded, renamed
// into place and its size checked, so a file is delivered once whatever
// fails in between; its claims become submitted, or delivery_failed when
// the last attempt fails.
package deliver

import (
	"context"
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
type Deliverer struct{ o Options }

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
