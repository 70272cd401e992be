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
	"io"
	"io/fs"
	"net"
	"sync"
	"time"

	"github.com/pkg/sftp"

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
// ledger sees it once. A file larger than the route's max_file_size (or
// than the ledger stores: Ledger.MaxContent) is left there and recorded
// once, with an exception and a count in inbound_files_refused_total;
// raising the limit takes it at the next poll. A file that cannot be
// fetched, or that the ledger does not store, is recorded so too (once;
// it is tried again at every poll), and the poll goes on to the next file:
// one file never keeps the files listed after it from being picked up.
// The poll ends early only when the server's session is lost, the
// ledger records nothing, or NATS takes nothing; the next poll starts
// again.
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
	limit := p.limit(payer)
	for _, rf := range files {
		var data []byte
		if rf.Size <= limit.size {
			data, err = r.Fetch(ctx, dir, rf.Name, limit.size)
		} else {
			err = transfer.ErrTooLarge
		}
		if errors.Is(err, transfer.ErrTooLarge) {
			if err := p.refuse(ctx, payer, rf, "too_large", limit.refusal(rf)); err != nil {
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
			if ctx.Err() != nil || sessionLost(err) {
				return err // the next fetch fails too: the next poll connects again
			}
			if err := p.refuse(ctx, payer, rf, "fetch_failed", fmt.Sprintf("payer file %s of %d bytes could not be fetched (%v): left on the payer's server, "+
				"tried again at every poll; dismiss this exception once it is picked up", rf.Name, rf.Size, err)); err != nil {
				return err
			}
			continue
		}
		sum := sha256.Sum256(data)
		in := ledger.InboundFile{SHA256: hex.EncodeToString(sum[:]), PayerID: payer.PayerID, Name: rf.Name, Kind: sets.Kind(data), Content: data}
		created, err := p.o.Ledger.RecordInbound(ctx, in)
		if err != nil {
			// Recorded as refused if the ledger records that: the file is
			// what the ledger does not take. Otherwise the ledger is down
			// and the poll ends.
			if err := p.refuse(ctx, payer, rf, "not_archived", fmt.Sprintf("payer file %s of %d bytes could not be archived in the ledger (%v): left on the payer's server, "+
				"tried again at every poll; dismiss this exception once it is picked up", rf.Name, rf.Size, err)); err != nil {
				return err
			}
			continue
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

// sizeLimit is the largest payer file the poller takes from a route, and
// what sets it.
type sizeLimit struct {
	size   int64
	route  int64  // the route's sftp.max_file_size, its default for none
	ledger string // the ledger's driver when its limit is the smaller, "" when the route's is
}

// limit is the largest file the poller takes from payer: the route's
// max_file_size, but no more than the ledger stores.
func (p *Poller) limit(payer *config.Payer) sizeLimit {
	l := sizeLimit{route: cmp.Or(payer.SFTP.MaxFileSize, config.DefaultMaxFileSize)}
	l.size = l.route
	if m := p.o.Ledger.MaxContent(); m < l.size {
		l.size, l.ledger = m, p.o.Ledger.Driver()
	}
	return l
}

// refusal is the reason a file over the limit is refused with.
func (l sizeLimit) refusal(rf transfer.RemoteFile) string {
	if l.ledger != "" {
		return fmt.Sprintf("payer file %s of %d bytes is larger than the %s ledger stores (%d; the route's sftp.max_file_size is %d): not picked up, left on the payer's server; "+
			"fetch it by hand", rf.Name, rf.Size, l.ledger, l.size, l.route)
	}
	return fmt.Sprintf("payer file %s of %d bytes is larger than the route's sftp.max_file_size (%d): not picked up, left on the payer's server; "+
		"raise max_file_size to take it at the next poll", rf.Name, rf.Size, l.size)
}

// sessionLost says whether a fetch failed because the server's session is
// gone (the connection dropped, the network), not because of the file:
// the files after it would fail the same way.
func sessionLost(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, sftp.ErrSSHFxConnectionLost) || errors.Is(err, sftp.ErrSSHFxNoConnection) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &opErr)
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

// refuse records a file the poller leaves on the server, once (for its
// name, size and time), with an exception saying why and a count by
// reason.
func (p *Poller) refuse(ctx context.Context, payer *config.Payer, rf transfer.RemoteFile, reason, why string) error {
	created, err := p.o.Ledger.RecordRefused(ctx, ledger.RefusedFile{PayerID: payer.PayerID, Name: rf.Name, Size: rf.Size, ModifiedAt: rf.ModTime, Reason: why})
	if err != nil {
		return err
	}
	if !created {
		p.o.Log.Debug().Str("payer", payer.PayerID).Str("file", rf.Name).Str("reason", reason).Msg("file not picked up: recorded before")
		return nil
	}
	p.o.Metrics.RefusedFile(payer.PayerID, reason)
	p.o.Log.Warn().Str("payer", payer.PayerID).Str("file", rf.Name).Int64("size", rf.Size).Str("reason", reason).Msg("file not picked up: recorded as an exception")
	return nil
}
