package gateway

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
)

// deliveryTimeout bounds one delivery attempt: a file of 5,000 claims is
// a few megabytes, which a slow payer link can take minutes to take in.
const deliveryTimeout = 10 * time.Minute

// deliverWorker puts built files on the payers' servers. A file that
// cannot be delivered after the last attempt, or whose error no retry can
// mend (a changed host key, a refused login), is parked as a dead letter
// and the file and its claims become delivery_failed.
func (g *Gateway) deliverWorker() *queue.Worker {
	w := g.worker(queue.StreamFilesOut, "deliver", g.deliver)
	w.Timeout = deliveryTimeout
	park := w.DeadLetter
	w.DeadLetter = func(ctx context.Context, m *queue.Message, cause error) error {
		if err := park(ctx, m, cause); err != nil {
			return err
		}
		fileID := string(m.Data)
		reason := deliveryFailure(cause)
		changed, err := g.led.MarkDeliveryFailed(ctx, fileID, cause, reason)
		if err != nil {
			return err
		}
		g.log.Error().Err(cause).Str("file", fileID).Int("claims", len(changed)).Msg("delivery failed")
		g.claimsMoved(ctx, changed, ledger.StatusBatched, ledger.StatusDeliveryFailed, ledger.Source{Kind: "deliverer", File: fileID, Reason: reason})
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

// deliver uploads one file: staged under a temporary name, the name
// recorded in the ledger, then renamed into place and its size checked. The
// ledger says whether it was delivered or staged before, so neither a
// redelivered message nor a restart after a crash puts a file on the
// payer's server twice: an attempt that finds the file staged only
// finishes the rename.
func (g *Gateway) deliver(ctx context.Context, m *queue.Message) error {
	f, err := g.led.FileByID(ctx, string(m.Data))
	if errors.Is(err, ledger.ErrNotFound) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	if f.Status != ledger.FileBuilt {
		return nil
	}
	p := g.payers[f.PayerID]
	if p == nil {
		return queue.Permanent(fmt.Errorf("file %s: no route for payer %s", f.ID, f.PayerID))
	}
	start := g.o.Now()
	err = g.upload(ctx, p, f)
	var lerr ledgerError
	if errors.As(err, &lerr) {
		return lerr.error
	}
	if err != nil {
		g.o.Metrics.Delivery(p.PayerID, "retry", g.o.Now().Sub(start))
		if rerr := g.led.RecordAttempt(ctx, f.ID, err); rerr != nil {
			return rerr
		}
		g.log.Warn().Err(err).Str("file", f.ID).Uint64("attempt", m.Deliveries).Msg("delivery attempt failed")
		if !transfer.IsTransient(err) {
			return queue.Permanent(err)
		}
		return err
	}
	changed, err := g.led.MarkDelivered(ctx, f.ID)
	if err != nil {
		return err
	}
	g.o.Metrics.Delivery(p.PayerID, "ok", g.o.Now().Sub(start))
	g.log.Info().Str("file", f.ID).Str("payer", p.PayerID).Int("claims", len(changed)).Msg("file delivered")
	g.claimsMoved(ctx, changed, ledger.StatusBatched, ledger.StatusSubmitted, ledger.Source{Kind: "deliverer", File: f.ID})
	return nil
}

// ledgerError is a ledger failure in the middle of an upload: retried, not
// counted as a failed delivery attempt.
type ledgerError struct{ error }

func (g *Gateway) upload(ctx context.Context, p *config.Payer, f *ledger.File) error {
	r, err := g.o.Dial(ctx, p)
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
		if tmp, err = g.led.MarkStaged(ctx, f.ID, ours); err != nil {
			return ledgerError{err}
		}
		if tmp != ours { // a racing attempt staged it first: publish that one
			_ = r.Remove(ctx, dir, ours)
		}
	}
	return r.Publish(ctx, dir, tmp, f.Name, int64(len(f.Content)))
}

// claimsMoved publishes the events of claims a stage moved together.
func (g *Gateway) claimsMoved(ctx context.Context, ids []string, from, to ledger.Status, src ledger.Source) {
	claims, err := g.led.ClaimsByIDs(ctx, ids)
	if err != nil {
		g.log.Warn().Err(err).Int("claims", len(ids)).Msg("claim events not published")
		return
	}
	events := make([]Event, len(claims))
	for i := range claims {
		events[i] = g.claimEvent(&claims[i], from, to, src, 0)
	}
	g.publishEvents(ctx, events)
}
