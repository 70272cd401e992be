package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
)

// runPoller lists each payer's pickup directory every poll interval.
func (g *Gateway) runPoller(ctx context.Context) error {
	last := map[string]time.Time{}
	t := time.NewTicker(g.o.Tick)
	defer t.Stop()
	for {
		for i := range g.cfg.Payers {
			p := &g.cfg.Payers[i]
			if now := g.o.Now(); now.Sub(last[p.PayerID]) >= p.SFTP.PollInterval.Duration {
				last[p.PayerID] = now
				if err := g.poll(ctx, p); err != nil && ctx.Err() == nil {
					g.log.Warn().Err(err).Str("payer", p.PayerID).Msg("pickup failed")
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

// poll picks up a payer's files: each is archived in the ledger by its
// sha256 and handed to the processor before it is deleted (or moved) on
// the payer's server, so a crash in between picks it up again and the
// ledger sees it once.
func (g *Gateway) poll(ctx context.Context, p *config.Payer) error {
	r, err := g.o.Dial(ctx, p)
	if err != nil {
		return err
	}
	defer r.Close()
	dir := p.SFTP.PickupDir
	files, err := r.List(ctx, dir)
	if err != nil {
		return err
	}
	subject, err := g.names.FilesIn(p.PayerID)
	if err != nil {
		return err
	}
	for _, rf := range files {
		data, err := r.Fetch(ctx, dir, rf.Name, g.o.MaxInboundSize)
		if err != nil {
			g.log.Warn().Err(err).Str("payer", p.PayerID).Str("file", rf.Name).Msg("file not picked up")
			continue
		}
		sum := sha256.Sum256(data)
		in := ledger.InboundFile{SHA256: hex.EncodeToString(sum[:]), PayerID: p.PayerID, Name: rf.Name, Kind: Kind(data), Content: data}
		created, err := g.led.RecordInbound(ctx, in)
		if err != nil {
			return err
		}
		if _, err := queue.Publish(ctx, g.js, subject, queue.FileMsgID(data), []byte(in.SHA256), nil); err != nil {
			return err
		}
		if created {
			g.o.Metrics.InboundFile(p.PayerID, in.Kind)
		}
		g.log.Info().Str("payer", p.PayerID).Str("file", rf.Name).Str("kind", in.Kind).Str("sha256", in.SHA256).Bool("new", created).Msg("file picked up")
		if p.SFTP.AfterPickup == "move" {
			err = r.Move(ctx, dir, rf.Name, p.SFTP.MoveTo)
		} else {
			err = r.Remove(ctx, dir, rf.Name)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // gone: another replica picked it up too
			return err
		}
	}
	return nil
}

// Kind tells what a payer file is from its first transaction set: 835,
// 277CA, 277, 999, 997, or TA1 for an interchange acknowledgment alone;
// "unknown" when it is none of them or not X12.
func Kind(data []byte) string {
	r := x12.NewReader(bytes.NewReader(data))
	kind := "unknown"
	for {
		s, err := r.Read()
		if err == io.EOF || err != nil {
			return kind
		}
		switch s.ID() {
		case "TA1":
			kind = "TA1"
		case "ST":
			switch t := s.Str(1); t {
			case "835", "999", "997":
				return t
			case "277":
				if s.Str(3) == "005010X214" {
					return "277CA"
				}
				return "277"
			}
			return "unknown"
		}
	}
}
