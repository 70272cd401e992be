package gateway

import (
	"context"
	"errors"
	"fmt"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
)

// deliverWorker puts built files on the payers' servers. A file that
// cannot be delivered after the last attempt, or whose error no retry can
// mend (a changed host key, a refused login), is parked as a dead letter
// and the file and its claims become delivery_failed.
func (g *Gateway) deliverWorker() *queue.Worker {
	w := g.worker(queue.StreamFilesOut, "deliver", g.deliver)
	park := w.DeadLetter
	w.DeadLetter = func(ctx context.Context, m *queue.Message, cause error) error {
		if err := park(ctx, m, cause); err != nil {
			return err
		}
		fileID := string(m.Data)
		changed, err := g.led.MarkDeliveryFailed(ctx, fileID, cause.Error())
		if err != nil {
			return err
		}
		g.log.Error().Err(cause).Str("file", fileID).Int("claims", len(changed)).Msg("delivery failed")
		g.claimsMoved(ctx, changed, ledger.StatusBatched, ledger.StatusDeliveryFailed, ledger.Source{Kind: "deliverer", File: fileID, Reason: cause.Error()})
		return nil
	}
	return w
}

// deliver uploads one file: under a temporary name, renamed when complete,
// its size checked. The ledger says whether it was delivered before, so a
// redelivered message uploads nothing twice.
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
	err = g.upload(ctx, p.PayerID, f)
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

func (g *Gateway) upload(ctx context.Context, payerID string, f *ledger.File) error {
	p := g.payers[payerID]
	r, err := g.o.Dial(ctx, p)
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Upload(ctx, p.SFTP.UploadDir, f.Name, f.Content)
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
