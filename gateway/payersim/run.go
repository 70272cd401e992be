package payersim

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ArchiveDir is where the payer moves the 837 files it has answered.
const ArchiveDir = "archive"

// Run answers the 837 files the gateway uploads to root/inbound: every
// interval it answers each complete file (dot files and .part files are
// uploads in progress) into root/outbound, each answer written under a
// dot name and renamed so the gateway never picks up half a file, and
// moves the 837 to root/archive. It returns when ctx ends.
func (p *Payer) Run(ctx context.Context, root string, every time.Duration) error {
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := p.answerAll(root); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (p *Payer) answerAll(root string) error {
	entries, err := os.ReadDir(filepath.Join(root, InboundDir))
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && !strings.HasPrefix(n, ".") && !strings.HasSuffix(n, ".part") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		in := filepath.Join(root, InboundDir, name)
		data, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		answers, err := p.Answer(name, data)
		if err != nil {
			return err
		}
		for _, a := range answers {
			tmp := filepath.Join(root, OutboundDir, "."+a.Name)
			if err := os.WriteFile(tmp, a.Data, 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp, filepath.Join(root, OutboundDir, a.Name)); err != nil {
				return err
			}
		}
		if err := os.Rename(in, filepath.Join(root, ArchiveDir, name)); err != nil {
			return err
		}
	}
	return nil
}
