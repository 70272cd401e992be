package daemon

import (
	"context"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
)

// codeSetPoll is how often the daemon looks for code sets imported since
// it loaded them (`claimsgw codesets import`, on any host), by default.
const codeSetPoll = 15 * time.Second

// loadCodeSets reads the imported code sets into codes.
func (d *Daemon) loadCodeSets(ctx context.Context, codes *encounter.CodeSets) (stamp string, err error) {
	codes.Imported, stamp, err = d.Ledger.CodeSets(ctx)
	if err != nil {
		return "", err
	}
	d.log.Info().Int("code_sets", len(codes.Imported.Sets())).Msg("code sets loaded")
	return stamp, nil
}

// watchCodeSets gives the intake the code sets imported while it runs:
// when the ledger's stamp changes, it loads them all again and swaps them
// in; encounters from then on are checked against them. A load that fails
// keeps the sets in use and is tried at the next poll.
func (d *Daemon) watchCodeSets(codes encounter.CodeSets, stamp string, every time.Duration) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
			now, err := d.Ledger.CodeSetStamp(ctx)
			if err != nil || now == stamp {
				continue
			}
			next := codes
			if stamp, err = d.loadCodeSets(ctx, &next); err != nil {
				if ctx.Err() == nil {
					d.log.Warn().Err(err).Msg("code sets not reloaded; the ones loaded before stay in use")
				}
				continue
			}
			d.intake.SetCodes(next)
		}
	}
}
