package daemon_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// /readyz fails while the ledger takes no writes, saying which part fails
// and nothing of its error (it needs no token), and is ready again once
// the ledger writes, without a restart. Before, it read the count of open
// exceptions: a ledger that refused every write was "ok", and an error
// was printed whole (a DSN's host, database and user).
func TestReadyzTellsTheTruth(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Ledger.DSN = config.Secret(filepath.Join(dir, "ledger.db"))
	cfg.HTTP.Listen = "127.0.0.1:0"
	logs := &testutil.SyncBuffer{}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	readyz := func() (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + d.Addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := readyz(); code != 200 || body != "ok\n" {
		t.Fatalf("a daemon just started: %d %q", code, body)
	}
	outage := ledgertest.OutageOf(t, filepath.Join(dir, "ledger.db"))
	outage.Start(t, "UPDATE ON readiness")
	if code, body := readyz(); code != 503 || body != "not ready: the ledger does not write\n" {
		t.Errorf("with the ledger refusing writes: %d %q", code, body)
	}
	outage.End(t)
	if code, body := readyz(); code != 200 {
		t.Errorf("with the ledger writing again: %d %q", code, body)
	}
}
