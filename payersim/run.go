package payersim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ArchiveDir is where the payer moves the 837 files it has answered.
const ArchiveDir = "archive"

// StateFile, in the root, keeps the last control number and answer file
// sequence the payer used, so a payer run again on the same root never
// sends an ISA13 or a TRN trace number twice.
const StateFile = ".payersim-state"

// Run answers the 837 files the gateway uploads to root/inbound: every
// interval it answers each complete file (dot files and .part files are
// uploads in progress) into root/outbound, each answer written under a
// dot name and renamed so the gateway never picks up half a file, and
// moves the 837 to root/archive (never over an earlier file of the same
// name). Each round it also answers, with an 835, the claims other
// payers crossed over to it (CrossOver, CrossoverAnswers). Its control
// numbers go on from those of an earlier run on the same root
// (StateFile). It returns when ctx ends.
func (p *Payer) Run(ctx context.Context, root string, every time.Duration) error {
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			return err
		}
	}
	if err := p.loadState(root); err != nil {
		return err
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
			if p.MinAge > 0 {
				if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < p.MinAge {
					continue // gone, or too new: the next round
				}
			}
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
		if err := p.write(root, answers); err != nil {
			return err
		}
		if err := os.Rename(in, archiveName(root, name)); err != nil {
			return err
		}
	}
	// The claims other payers crossed over to this one since the last
	// round (CrossOver): an 835 for them.
	answers, err := p.CrossoverAnswers()
	if err != nil {
		return err
	}
	return p.write(root, answers)
}

// write saves the state, then puts the answers in root/outbound, each
// under a dot name first.
func (p *Payer) write(root string, answers []Answer) error {
	if len(answers) == 0 {
		return nil
	}
	if err := p.saveState(root); err != nil {
		return err
	}
	for _, a := range answers {
		tmp := filepath.Join(root, OutboundDir, "."+a.Name)
		if err := os.WriteFile(tmp, a.Data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(root, OutboundDir, a.Name)); err != nil {
			return err
		}
	}
	return nil
}

// archiveName is where an answered file goes in root/archive: under its
// own name, or name.2, name.3 ... when a file of that name was received
// before, so a file delivered twice leaves both copies as evidence.
func archiveName(root, name string) string {
	p := filepath.Join(root, ArchiveDir, name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
		p = filepath.Join(root, ArchiveDir, fmt.Sprintf("%s.%d", name, i))
	}
}

// loadState takes up the control numbers where an earlier run left them.
func (p *Payer) loadState(root string) error {
	b, err := os.ReadFile(filepath.Join(root, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var ctl, seq int
	if _, err := fmt.Sscanf(string(b), "%d %d", &ctl, &seq); err != nil {
		return fmt.Errorf("payersim: %s: %w", StateFile, err)
	}
	p.mu.Lock()
	p.ctl, p.seq = max(p.ctl, ctl), max(p.seq, seq)
	p.mu.Unlock()
	return nil
}

// saveState records the last control number and sequence used, before the
// answers that use them are written.
func (p *Payer) saveState(root string) error {
	p.mu.Lock()
	state := fmt.Sprintf("%d %d\n", p.ctl, p.seq)
	p.mu.Unlock()
	tmp := filepath.Join(root, StateFile+".tmp")
	if err := os.WriteFile(tmp, []byte(state), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(root, StateFile))
}
