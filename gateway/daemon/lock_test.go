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
// says which process has it; once the first stops, another starts.
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
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Close()
}
