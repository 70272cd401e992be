package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// ledgerFlags are the flags that say where the ledger is.
type ledgerFlags struct {
	config, data *string
}

func addLedgerFlags(fs *flag.FlagSet) ledgerFlags {
	return ledgerFlags{
		config: fs.String("config", "", "the daemon's YAML config: its ledger is read (docs/config.md)"),
		data:   fs.String("data", "", "the data directory of an SQLite ledger (DIR/ledger.db), e.g. a demo's; overrides the config's data_dir"),
	}
}

// open opens the ledger the daemon writes, as the daemon does. An SQLite
// ledger must exist: a wrong directory is an error, not a new empty
// ledger. SQLite runs in WAL mode, so this reads beside a running daemon.
func (f ledgerFlags) open(ctx context.Context) (*ledger.Ledger, error) {
	_, l, err := f.openConfig(ctx)
	return l, err
}

// openConfig opens the ledger as open does, and returns the config too.
func (f ledgerFlags) openConfig(ctx context.Context) (*config.Config, *ledger.Ledger, error) {
	cfg, err := config.Load(*f.config)
	if err != nil {
		return nil, nil, err
	}
	if *f.data != "" {
		cfg.DataDir = *f.data
		if cfg.Ledger.Driver == ledger.SQLite {
			cfg.Ledger.DSN = config.Secret(filepath.Join(*f.data, "ledger.db"))
		}
	}
	if cfg.Ledger.Driver == ledger.SQLite {
		if _, err := os.Stat(string(cfg.Ledger.DSN)); err != nil {
			return nil, nil, fmt.Errorf("no ledger at %s: %w", cfg.Ledger.DSN, err)
		}
	}
	l, err := ledger.Open(ctx, cfg.Ledger.Driver, string(cfg.Ledger.DSN))
	return cfg, l, err
}
