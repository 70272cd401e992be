// Package pickup is the stage that picks up what payers send back: each
// payer's pickup directory is listed every poll interval, and each file is
// archived in the ledger by its sha256 and handed to the inbound processor
// over NATS before it is deleted (or moved) on the payer's server.
package pickup

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// Inbox is a payer's SFTP server as the poller uses it.
type Inbox interface {
	List(ctx context.Context, dir string) ([]transfer.RemoteFile, []transfer.Skipped, error)
	Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error)
	Remove(ctx context.Context, dir, name string) error
	Move(ctx context.Context, dir, name, toDir string) error
	Close() error
}

// Options are what the poller runs on: the stages' own, and how it
// connects to a payer's server (nil: gateway.DialSFTP).
type Options struct {
	gateway.Options
	Dial func(ctx context.Context, p *config.Payer) (Inbox, error)
}

// Poller is the pickup stage.
type Poller struct {
	o Options

	mu      sync.Mutex
	skipped map[[3]string]bool // payer, name, reason: told of once
}

// New returns the poller.
func New(o Options) (*Poller, error) {
	var err error
	o.Options, err = o.Options.Defaults()
	o.Dial = gateway.Dialer(o.Dial)
	return &Poller{o: o}, err
}

// Run lists each payer's pickup directory every poll interval until ctx
// ends.
func (p *Poller) Run(ctx context.Context) error {
	last := map[string]time.Time{}
	t := time.NewTicker(p.o.Tick)
	defer t.Stop()
	for {
		for i := range p.o.Config.Payers {
			payer := &p.o.Config.Payers[i]
			if now := p.o.Now(); now.Sub(last[payer.PayerID]) >= payer.SFTP.PollInterval.Duration {
				last[payer.PayerID] = now
				if err := p.Poll(ctx, payer); err != nil && ctx.Err() == nil {
					p.o.Log.Warn().Err(err).Str("payer", payer.PayerID).Msg("pickup failed")
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll picks up a payer's files: each is archived in the ledger by its
// sha256 and handed to the processor before it is deleted (or moved) on
// the payer's server, so a crash in between picks it up again and the
// ledger sees it once. A file larger than the route's max_file_size is
// left there and recorded once, with an exception and a count in
// inbound_files_refused_total; raising the limit takes it at the next
// poll.
func (p *Poller) Poll(ctx context.Context, payer *config.Payer) error {
	r, err := p.o.Dial(ctx, payer)
	if err != nil {
		return err
	}
	defer r.Close()
	dir := payer.SFTP.PickupDir
	files, skipped, err := r.List(ctx, dir)
	if err != nil {
		return err
	}
	p.tellSkipped(payer.PayerID, skipped)
	subject, err := p.o.Names.FilesIn(payer.PayerID)
	if err != nil {
		return err
	}
	maxSize := cmp.Or(payer.SFTP.MaxFileSize, config.DefaultMaxFileSize)
	for _, rf := range files {
		var data []byte
		if rf.Size <= maxSize {
			data, err = r.Fetch(ctx, dir, rf.Name, maxSize)
		} else {
			err = transfer.ErrTooLarge
		}
		if errors.Is(err, transfer.ErrTooLarge) {
			if err := p.refuse(ctx, payer, rf, maxSize); err != nil {
				return err
			}
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			// Gone since the listing: another replica picked it up.
			p.o.Log.Debug().Str("payer", payer.PayerID).Str("file", rf.Name).Msg("file picked up by another replica")
			continue
		}
		if err != nil && ctx.Err() != nil {
			// Stopping, on purpose: this file and the rest stay on the
			// payer's server for the next poll.
			p.o.Log.Info().Str("payer", payer.PayerID).Str("file", rf.Name).Str("reason", "stopping").Msg("file not picked up")
			return ctx.Err()
		}
		if err != nil {
			p.o.Log.Warn().Err(err).Str("payer", payer.PayerID).Str("file", rf.Name).Msg("file not picked up")
			continue
		}
		sum := sha256.Sum256(data)
		in := ledger.InboundFile{SHA256: hex.EncodeToString(sum[:]), PayerID: payer.PayerID, Name: rf.Name, Kind: sets.Kind(data), Content: data}
		created, err := p.o.Ledger.RecordInbound(ctx, in)
		if err != nil {
			return err
		}
		if _, err := queue.Publish(ctx, p.o.JS, subject, queue.FileMsgID(data), []byte(in.SHA256), nil); err != nil {
			return err
		}
		if created {
			p.o.Metrics.InboundFile(payer.PayerID, in.Kind)
		}
		p.o.Log.Info().Str("payer", payer.PayerID).Str("file", rf.Name).Str("kind", in.Kind).Str("sha256", in.SHA256).Bool("new", created).Msg("file picked up")
		if payer.SFTP.AfterPickup == "move" {
			err = r.Move(ctx, dir, rf.Name, payer.SFTP.MoveTo)
		} else {
			err = r.Remove(ctx, dir, rf.Name)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // gone: another replica picked it up too
			return err
		}
	}
	return nil
}

// tellSkipped logs and counts, once a process, each entry of a payer's
// pickup folder the poller does not take (a folder, a symlink, a name it
// will not use, an upload under way), with why: the operator sees why a
// file the payer says it sent is not picked up.
func (p *Poller) tellSkipped(payer string, skipped []transfer.Skipped) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.skipped == nil || len(p.skipped) > 10000 {
		p.skipped = map[[3]string]bool{}
	}
	for _, s := range skipped {
		k := [3]string{payer, s.Name, s.Reason}
		if p.skipped[k] {
			continue
		}
		p.skipped[k] = true
		p.o.Metrics.RefusedFile(payer, s.Reason)
		ev := p.o.Log.Warn()
		if s.Reason == transfer.SkippedInProgress {
			ev = p.o.Log.Info() // most are uploads under way: taken once renamed
		}
		ev.Str("payer", payer).Str("file", s.Name).Str("reason", s.Reason).Msg("file not picked up")
	}
}

// refuse records a file too large to take, once.
func (p *Poller) refuse(ctx context.Context, payer *config.Payer, rf transfer.RemoteFile, maxSize int64) error {
	created, err := p.o.Ledger.RecordRefused(ctx, ledger.RefusedFile{PayerID: payer.PayerID, Name: rf.Name, Size: rf.Size, ModifiedAt: rf.ModTime,
		Reason: fmt.Sprintf("payer file %s of %d bytes is larger than the route's sftp.max_file_size (%d): not picked up, left on the payer's server; "+
			"raise max_file_size to take it at the next poll", rf.Name, rf.Size, maxSize)})
	if err != nil || !created {
		return err
	}
	p.o.Metrics.RefusedFile(payer.PayerID, "too_large")
	p.o.Log.Warn().Str("payer", payer.PayerID).Str("file", rf.Name).Int64("size", rf.Size).Int64("max_file_size", maxSize).Msg("file too large: not picked up")
	return nil
}
