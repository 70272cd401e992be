package daemon_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
)

// One daemon per data directory: a second one on it does not start (it
// would share the embedded JetStream folder and the SQLite ledger), and
// says which process has it (Held tells the same without taking it);
// once the first stops, another starts.
func TestOneDaemonPerDataDirectory(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.HTTP.Listen, cfg.NATS.Port = t.TempDir(), "127.0.0.1:0", 0
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	ctx := context.Background()
	first, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop()})
	if !errors.Is(err, daemon.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("by pid %d", os.Getpid())) {
		t.Errorf("a second daemon on the data directory: %v", err)
	}
	if pid, held, err := daemon.Held(cfg.DataDir); !held || pid != fmt.Sprint(os.Getpid()) || err != nil {
		t.Errorf("Held while the first runs: %q, %v, %v", pid, held, err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if pid, held, err := daemon.Held(cfg.DataDir); held || err != nil {
		t.Errorf("Held once the first stopped: %q, %v, %v", pid, held, err)
	}
	again, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Close()
}

// The data directory and the ledger hold PHI: they are created for their
// user only (before, 0750 and 0644).
func TestDataDirectoryModes(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.HTTP.Listen, cfg.NATS.Port = filepath.Join(t.TempDir(), "data"), "127.0.0.1:0", 0
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for name, want := range map[string]os.FileMode{"": 0o700, "ledger.db": 0o600, daemon.LockFile: 0o600, daemon.EndpointsFile: 0o600} {
		st, err := os.Stat(filepath.Join(cfg.DataDir, name))
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want %v", filepath.Join(cfg.DataDir, name), st.Mode().Perm(), err, want)
		}
	}
}
