// Package batch is the stage that builds 837 files: per payer, the
// queued claims go into one interchange when max_claims wait or the
// oldest has waited the route's cutoff, with control numbers allocated in
// the transaction that stores the file; each file built is handed to the
// deliverer over NATS.
package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Batcher is the batch stage. The claims intake converted already come
// from the options' Handoff.
type Batcher struct{ o gateway.Options }

// New returns the batcher.
func New(o gateway.Options) (*Batcher, error) {
	o, err := o.Defaults()
	return &Batcher{o: o}, err
}

// Run closes files per payer until ctx ends: when max_claims wait, or
// when the oldest waiting claim has waited the cutoff. Files built before
// a restart and not delivered are handed to the deliverer again first;
// at every tick, so is a file whose hand-off failed (handOffBuilt).
func (b *Batcher) Run(ctx context.Context) error {
	b.handOffBuilt(ctx, true)
	t := time.NewTicker(b.o.Tick)
	defer t.Stop()
	batchAll := func(ctx context.Context, flush bool) {
		for i := range b.o.Config.Payers {
			p := &b.o.Config.Payers[i]
			err := b.Batch(ctx, p, flush)
			var handoff handoffError
			switch {
			case err != nil && ctx.Err() != nil:
				// Stopping: what is queued stays queued for the next start.
				b.o.Log.Info().Str("payer", p.PayerID).Msg("batch left for the next start: stopping")
			case errors.As(err, &handoff):
				b.o.Log.Warn().Err(handoff.error).Str("batch_id", handoff.fileID).Str("payer", p.PayerID).Msg("file built; its hand-off to the deliverer failed and is tried again within two ticks")
			case err != nil:
				b.o.Log.Error().Err(err).Str("payer", p.PayerID).Msg("batch not built")
			}
		}
	}
	for {
		if ctx.Err() == nil {
			b.handOffBuilt(ctx, false)
		}
		batchAll(ctx, false)
		select {
		case <-ctx.Done():
			// On the way out, what is queued goes into files now rather than
			// wait for the cutoff; the next start delivers them.
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			batchAll(flush, true)
			cancel()
			return nil
		case <-t.C:
		}
	}
}

// Batch builds as many files as the payer's queued claims call for, or,
// with flush, one more for whatever is queued.
func (b *Batcher) Batch(ctx context.Context, p *config.Payer, flush bool) error {
	for {
		n, oldest, err := b.o.Ledger.QueuedStats(ctx, p.PayerID)
		if err != nil || n == 0 {
			return err
		}
		if !flush && n < p.Batch.MaxClaims && b.o.Now().Sub(oldest) < p.Batch.Cutoff.Duration {
			return nil
		}
		f, err := b.o.Ledger.CreateFile(ctx, p.PayerID, p.Batch.MaxClaims, b.build(p))
		if errors.Is(err, ledger.ErrNothingQueued) {
			return nil // another replica took them
		}
		if err != nil {
			return err
		}
		ids := make([]string, len(f.Claims))
		for i, fc := range f.Claims {
			ids[i] = fc.ClaimID
		}
		b.o.Handoff.Drop(ids) // in the file: intake's conversions are done with
		b.o.Events.Nudge()    // the claims are batched
		b.o.Metrics.FileBuilt(p.PayerID, len(f.Claims))
		b.o.Log.Info().Str("batch_id", f.ID).Str("file", f.Name).Str("payer", p.PayerID).Int64("isa13", f.ISA13).Int("claims", len(f.Claims)).Msg("file built")
		if err := b.handOff(ctx, ledger.FileRef{ID: f.ID, PayerID: f.PayerID}); err != nil {
			return handoffError{fileID: f.ID, error: err} // built: handOffBuilt hands it off
		}
	}
}

// handOff hands a built file to the deliverer and records it.
func (b *Batcher) handOff(ctx context.Context, f ledger.FileRef) error {
	subject, err := b.o.Names.FilesOut(f.PayerID)
	if err != nil {
		return err
	}
	if _, err := queue.Publish(ctx, b.o.JS, subject, queue.BatchMsgID(f.ID), []byte(f.ID), nil); err != nil {
		return err
	}
	if f.HandedOff {
		return nil
	}
	if err := b.o.Ledger.MarkHandedOff(ctx, f.ID); err != nil {
		ev := b.o.Log.Warn().Err(err)
		if ctx.Err() != nil {
			ev = b.o.Log.Info().Str("reason", "stopping") // on purpose: nothing is wrong
		}
		ev.Str("batch_id", f.ID).Msg("hand-off not recorded; the file is handed off again (NATS drops the repeat)")
	}
	return nil
}

// handoffError is a file built whose message to the deliverer was not
// published.
type handoffError struct {
	fileID string
	error
}

// handOffBuilt hands to the deliverer the files built whose hand-off
// failed, on this replica or another (one that died between building a
// file and handing it off): a file waits for a tick, not for a restart.
// Those built in the last two ticks are left to the replica building them.
// At start (all), every file built and not delivered is handed off again,
// for a stream that lost its messages; a file handed off twice is one
// message (its Nats-Msg-Id).
func (b *Batcher) handOffBuilt(ctx context.Context, all bool) {
	files, err := b.o.Ledger.BuiltFiles(ctx, all, 2*b.o.Tick)
	if err != nil {
		b.o.Log.Warn().Err(err).Msg("built files not looked for; again at the next tick")
		return
	}
	for _, f := range files {
		if err := b.handOff(ctx, f); err != nil {
			b.o.Log.Warn().Err(err).Str("batch_id", f.ID).Msg("file built; its hand-off to the deliverer failed and is tried again within two ticks")
			return
		}
		if !f.HandedOff {
			b.o.Log.Info().Str("batch_id", f.ID).Msg("file handed off to the deliverer")
		}
	}
}

// build returns the ledger's file builder for a payer: the 837 of the
// claims handed to it, with control numbers allocated in the same
// transaction that stores the file. Most claims come converted from
// intake (the Handoff); the others are converted here, on every core.
func (b *Batcher) build(p *config.Payer) ledger.BuildFunc {
	return func(alloc ledger.Allocator, pending []ledger.Pending) (*ledger.File, error) {
		claims := make([]claim.Claim, len(pending))
		var rest []ledger.Pending
		var at []int
		for i, pc := range pending {
			c, ok := b.o.Handoff.Get(pc.ClaimID)
			if !ok {
				rest, at = append(rest, pc), append(at, i)
				continue
			}
			claims[i] = c
		}
		more, errs := b.toClaims(rest, p)
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for j, i := range at {
			claims[i] = more[j]
		}
		sets := map[claim.Type]int{}
		for _, c := range claims {
			sets[c.Type]++
		}
		nSets := 0
		for _, n := range sets {
			nSets += (n + config.MaxClaimsPerST - 1) / config.MaxClaimsPerST
		}
		isa13, err := alloc(ledger.ISA13, 1)
		if err != nil {
			return nil, err
		}
		gs06, err := alloc(ledger.GS06, len(sets))
		if err != nil {
			return nil, err
		}
		st02, err := alloc(ledger.ST02, nSets)
		if err != nil {
			return nil, err
		}
		now := b.o.Now()
		name, err := config.RenderFileName(p.SFTP.FileName, config.NameValues{PayerID: p.PayerID, ISA13: int(isa13), Usage: p.Usage, Time: now})
		if err != nil {
			return nil, err
		}
		recv := b.o.Config.ReceiverFor(p)
		sub := b.o.Config.Submitter
		var buf bytes.Buffer
		res, err := claim.Write(&buf, claim.Batch{
			SenderQualifier: p.ISA.SenderQualifier, SenderID: p.ISA.SenderID,
			ReceiverQualifier: p.ISA.ReceiverQualifier, ReceiverID: p.ISA.ReceiverID,
			GroupSenderCode: p.GS.SenderCode, GroupReceiverCode: p.GS.ReceiverCode,
			Usage: p.Usage[0], Delimiters: p.Delimiters.Delimiters, Time: now,
			InterchangeControlNumber: int(isa13), GroupControlNumber: int(gs06), TransactionControlNumber: int(st02),
			ReferenceID: fmt.Sprintf("%09d", isa13),
			Submitter:   claim.Submitter{Name: sub.Name, ID: sub.ID, ContactName: sub.ContactName, Phone: sub.Phone, Email: sub.Email},
			Receiver:    claim.Receiver{Name: recv.Name, ID: recv.ID},
		}, claims)
		if err != nil {
			return nil, err
		}
		f := &ledger.File{Usage: p.Usage, ISA13: isa13, Name: name, Content: buf.Bytes()}
		for i, pl := range res.Claims {
			gs, _ := strconv.ParseInt(pl.Group, 10, 64)
			st, _ := strconv.ParseInt(pl.Transaction, 10, 64)
			f.Claims = append(f.Claims, ledger.FileClaim{ClaimID: pending[i].ClaimID, GS06: gs, ST02: st, FirstPos: pl.First, LastPos: pl.Last})
		}
		return f, nil
	}
}

// payerNamed is the 2010BB/2330B payer of a route's payer id.
func (b *Batcher) payerNamed(id string) claim.Payer {
	if p := b.o.Payer(id); p != nil {
		return claim.Payer{Name: p.Name, ID: p.PayerID}
	}
	return claim.Payer{ID: id}
}

// toClaims turns stored encounters into the 837 writer's claims, on every
// core, with an error for each that could not be.
func (b *Batcher) toClaims(pending []ledger.Pending, p *config.Payer) ([]claim.Claim, []error) {
	claims := make([]claim.Claim, len(pending))
	errs := make([]error, len(pending))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(pending))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(pending); i += workers {
				if claims[i], errs[i] = encounter.StoredClaim(pending[i].Encounter, pending[i].Billing, b.payerNamed); errs[i] != nil {
					errs[i] = fmt.Errorf("claim %s: %w", pending[i].ClaimID, errs[i])
				}
			}
		})
	}
	wg.Wait()
	return claims, errs
}
