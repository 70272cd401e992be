package daemon_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// A daemon just started serves, for each configured payer, the series the
// alerts watch at 0: the first delivery given up on is then an increase
// from 0 to 1. Before, claimsgw_deliveries_total{outcome="failed"} and
// claimsgw_inbound_files_refused_total{reason="too_large"} did not exist
// until their first event, which made them appear at 1, and
// `increase(...[15m]) > 0` stayed 0: the alert missed the first one.
func TestAlertedSeriesAtZeroFromStart(t *testing.T) {
	dir := t.TempDir()
	cfg := gatewaytest.Config()
	cfg.DataDir = dir
	cfg.Ledger.DSN = config.Secret(filepath.Join(dir, "ledger.db"))
	cfg.HTTP.Listen = "127.0.0.1:0"
	second := cfg.Payers[0]
	second.PayerID, second.ISA.ReceiverID = "OTHERPAYER", "OTHERPAYER"
	cfg.Payers = append(cfg.Payers, second)
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.New(&testutil.SyncBuffer{})})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	resp, err := http.Get("http://" + d.Addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, payer := range []string{"SIMPAYER", "OTHERPAYER"} {
		for _, want := range []string{
			`claimsgw_deliveries_total{outcome="failed",payer="` + payer + `"} 0`,
			`claimsgw_deliveries_total{outcome="retry",payer="` + payer + `"} 0`,
			`claimsgw_deliveries_total{outcome="ok",payer="` + payer + `"} 0`,
			`claimsgw_files_built_total{payer="` + payer + `"} 0`,
			`claimsgw_inbound_files_refused_total{payer="` + payer + `",reason="too_large"} 0`,
		} {
			if !strings.Contains(string(b), want+"\n") {
				t.Errorf("/metrics of a daemon just started lacks %s", want)
			}
		}
	}
}
