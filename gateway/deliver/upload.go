package deliver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
)

// One file's delivery, and what is told of a failed one.

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
		first, rerr := d.o.Ledger.RecordAttempt(ctx, f.ID, err)
		if rerr != nil {
			return rerr
		}
		d.o.Log.Warn().Err(err).Str("batch_id", f.ID).Str("file", f.Name).Uint64("attempt", m.Deliveries).Msg("delivery attempt failed")
		if !transfer.IsTransient(err) {
			return queue.Permanent(err)
		}
		if retryFor := cmp.Or(p.SFTP.RetryFor.Duration, config.DefaultRetryFor); time.Since(first) >= retryFor {
			return queue.Permanent(fmt.Errorf("%w (%s, since %s): %w", ErrGaveUp, retryFor, first.Format(time.RFC3339), err))
		}
		return err
	}
	changed, err := d.o.Ledger.MarkDelivered(ctx, f.ID)
	if err != nil {
		return err
	}
	d.o.Metrics.Delivery(p.PayerID, "ok", d.o.Now().Sub(start))
	d.o.Log.Info().Str("batch_id", f.ID).Str("file", f.Name).Str("payer", p.PayerID).Int("claims", len(changed)).Msg("file delivered")
	d.o.Events.Nudge()
	return nil
}

// ErrGaveUp says a file's delivery attempts failed, each with an error a
// retry might mend, for as long as the route's sftp.retry_for.
var ErrGaveUp = errors.New("every delivery attempt failed for the route's retry_for")

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
			// Recorded or not (a commit can succeed and its answer be
			// lost), the staged file stays until the ledger says which
			// one it holds.
			d.unsure.add(f.ID, ours)
			return ledgerError{err}
		}
		if tmp != ours { // a racing attempt staged it first: publish that one
			_ = r.Remove(ctx, dir, ours)
		}
	}
	// A file has one staged name ever: the others this process staged
	// for it are no one's.
	for _, name := range d.unsure.take(f.ID) {
		if name != tmp {
			_ = r.Remove(ctx, dir, name)
		}
	}
	return r.Publish(ctx, dir, tmp, f.Name, int64(len(f.Content)))
}

// staged are the temporary files staged for files whose ledger write
// failed, by file id: removed from the payer's server once the ledger
// says which one it recorded. A restart forgets them (they stay, hidden,
// beside the files).
type staged struct {
	mu    sync.Mutex
	names map[string][]string
}

func (s *staged) add(fileID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.names == nil {
		s.names = map[string][]string{}
	}
	s.names[fileID] = append(s.names[fileID], name)
}

func (s *staged) take(fileID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := s.names[fileID]
	delete(s.names, fileID)
	return names
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
	case errors.Is(err, ErrGaveUp):
		return "delivery failed: every attempt for the route's retry_for failed (the network or the payer's SFTP server)"
	}
	return "delivery failed"
}
