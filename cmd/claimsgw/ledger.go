package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// ledgerFlags are the flags that say where the ledger is.
type ledgerFlags struct {
	config, data *string
	create       bool // an SQLite ledger that is not there yet is made (codesets import)
}

func addLedgerFlags(fs *flag.FlagSet) ledgerFlags {
	return ledgerFlags{
		config: fs.String("config", "", "the daemon's YAML config: its ledger is read (docs/config.md)"),
		data:   fs.String("data", "", "the data directory of an SQLite ledger (DIR/ledger.db), e.g. a demo's; overrides the config's data_dir"),
	}
}

// with opens the ledger the daemon writes, as the daemon does, runs do
// on it and closes it; if the ledger cannot be opened, it says why, as
// command cmd. An SQLite ledger must exist: a wrong directory is an
// error, not a new empty ledger. SQLite runs in WAL mode, so this reads
// beside a running daemon.
func (f ledgerFlags) with(stderr io.Writer, cmd string, do func(context.Context, *ledger.Ledger) int) int {
	ctx := context.Background()
	_, l, err := f.openConfig(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw %s: %v\n", cmd, err)
		return exitUnreadable
	}
	defer l.Close()
	return do(ctx, l)
}

// openConfig opens the ledger as with does, and returns the config too:
// the ledger settings only are checked (config.LoadLedger), not the SFTP
// keys and routes, which these commands do not use.
func (f ledgerFlags) openConfig(ctx context.Context) (*config.Config, *ledger.Ledger, error) {
	cfg, err := config.LoadLedger(*f.config)
	if err != nil {
		return nil, nil, err
	}
	if *f.data != "" {
		cfg.DataDir = *f.data
		if cfg.Ledger.Driver == ledger.SQLite {
			cfg.Ledger.DSN = config.Secret(filepath.Join(*f.data, "ledger.db"))
		}
	}
	if cfg.Ledger.Driver == ledger.SQLite && f.create {
		if err := os.MkdirAll(filepath.Dir(string(cfg.Ledger.DSN)), 0o700); err != nil {
			return nil, nil, err
		}
	} else if cfg.Ledger.Driver == ledger.SQLite {
		if _, err := os.Stat(string(cfg.Ledger.DSN)); err != nil {
			return nil, nil, fmt.Errorf("no ledger at %s: %w", string(cfg.Ledger.DSN), err)
		}
	}
	l, err := ledger.Open(ctx, cfg.Ledger.Driver, string(cfg.Ledger.DSN))
	return cfg, l, err
}
